package main

import (
	"testing"
	"time"
)

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		in   []time.Duration
		want time.Duration
	}{
		{[]time.Duration{3, 1, 2}, 2},
		{[]time.Duration{4, 1, 3, 2}, 2}, // (2+3)/2, rounded down
		{[]time.Duration{7}, 7},
	} {
		if got := median(tc.in); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestCompare(t *testing.T) {
	report := []byte(`{"schema":"driftmap/check/v1","findings":[{"rule":"unmanaged"},{"rule":"missing-target"},{"rule":"unmanaged"}]}`)
	for _, tc := range []struct {
		name string
		want map[string]int
		msg  string
		ok   bool
	}{
		{"match", map[string]int{"unmanaged": 2, "missing-target": 1}, "match (3)", true},
		{"fewer", map[string]int{"unmanaged": 3, "missing-target": 1}, "NO: unmanaged 2, want 3", false},
		{"unexpected rule", map[string]int{"unmanaged": 2}, "NO: missing-target 1, want 0", false},
		{"rule not reported", map[string]int{"unmanaged": 2, "missing-target": 1, "dependency-cycle": 3}, "NO: dependency-cycle 0, want 3", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msg, ok := compare(report, tc.want)
			if msg != tc.msg || ok != tc.ok {
				t.Errorf("compare = %q, %v; want %q, %v", msg, ok, tc.msg, tc.ok)
			}
		})
	}
	if msg, ok := compare([]byte("not json"), nil); ok || msg != "NO: check printed no driftmap/check/v1 report" {
		t.Errorf("garbage: %q, %v", msg, ok)
	}
}
