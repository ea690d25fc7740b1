package redact

import (
	"errors"
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	for name, want := range map[string]bool{
		"--api-key":         true,
		"OPENAI_API_KEY":    true,
		"db_password":       true,
		"tailscale-authkey": true,
		"GITHUB_TOKEN":      true,
		"client-secret":     true,
		"private_key":       true,
		"--port":            false,
		"PATH":              false,
		"HOME":              false,
		"--config":          false,
		"keychain":          false,
	} {
		if got := Name(name); got != want {
			t.Errorf("Name(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestArg(t *testing.T) {
	for _, tc := range []struct {
		prev, word string
		want       bool
	}{
		{"--token", "abc", true},
		{"-api-key", "abc", true},
		{"--token=x", "abc", false}, // the option held its own value
		{"", "--token=abc", true},
		{"", "API_KEY=abc", true},
		{"", "PATH=/usr/bin", false},
		{"--port", "8080", false},
		{"", "/usr/bin/python3", false},
		{"token", "abc", false}, // not an option
	} {
		if got := Arg(tc.prev, tc.word); got != tc.want {
			t.Errorf("Arg(%q, %q) = %v, want %v", tc.prev, tc.word, got, tc.want)
		}
	}
}

func TestGuard(t *testing.T) {
	v, err := Guard("parser", func() (int, error) { return 7, nil })
	if v != 7 || err != nil {
		t.Errorf("no panic: got %v, %v", v, err)
	}
	sentinel := errors.New("bad input")
	if _, err := Guard("parser", func() (int, error) { return 0, sentinel }); err != sentinel {
		t.Errorf("error not passed through: %v", err)
	}
	const secret = "hunter2-from-the-file"
	v, err = Guard("the YAML parser", func() (int, error) { panic("cannot parse " + secret) })
	var pe *PanicError
	if v != 0 || !errors.As(err, &pe) || err.Error() != "the YAML parser failed: unexpected panic" {
		t.Errorf("panic with input: got %v, %v", v, err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the panic value leaks: %v", err)
	}
	_, err = Guard("decoder", func() (int, error) {
		var s []int
		return s[3], nil // a runtime error: its text is fixed and shown
	})
	if err == nil || !strings.HasPrefix(err.Error(), "decoder failed: runtime error: index out of range") {
		t.Errorf("runtime error: got %v", err)
	}
}
