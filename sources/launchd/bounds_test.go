package launchd

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/driftmap/driftmap/sources/record"
	"github.com/google/go-cmp/cmp"
	"howett.net/plist"
)

// bpObject is one object of a hand-built binary plist.
type bpObject struct {
	marker    byte     // the marker; for a container only its type (0xA0, 0xD0)
	container bool     // refs hold its references (a dictionary: keys, then values)
	refs      []uint64 //
	body      []byte   // a scalar's bytes after the marker
}

var (
	bpTrue = bpObject{marker: 0x09}
	bpKey  = func(s string) bpObject { return bpObject{marker: 0x50 | byte(len(s)), body: []byte(s)} }
)

func bpArray(refs ...uint64) bpObject {
	return bpObject{marker: 0xA0, container: true, refs: refs}
}

// bpSize is the smallest of 1, 2, 4 and 8 bytes that holds n.
func bpSize(n uint64) int {
	switch {
	case n < 1<<8:
		return 1
	case n < 1<<16:
		return 2
	case n < 1<<32:
		return 4
	}
	return 8
}

func bpUint(b *bytes.Buffer, v uint64, size int) {
	var buf [8]byte
	binary.BigEndian.PutUint64(buf[:], v)
	b.Write(buf[8-size:])
}

// buildBplist writes objs as a binary plist ("bplist00") whose top object
// is top, with the smallest reference and offset sizes, as
// CoreFoundation does.
func buildBplist(objs []bpObject, top uint64) []byte {
	refSize := bpSize(uint64(len(objs)))
	var b bytes.Buffer
	b.WriteString("bplist00")
	offsets := make([]uint64, len(objs))
	for i, o := range objs {
		offsets[i] = uint64(b.Len())
		if !o.container {
			b.WriteByte(o.marker)
			b.Write(o.body)
			continue
		}
		n := uint64(len(o.refs))
		if o.marker == 0xD0 {
			n /= 2
		}
		if n < 15 {
			b.WriteByte(o.marker | byte(n))
		} else {
			size := bpSize(n)
			b.WriteByte(o.marker | 0x0F)
			b.WriteByte(0x10 | byte(map[int]int{1: 0, 2: 1, 4: 2, 8: 3}[size]))
			bpUint(&b, n, size)
		}
		for _, r := range o.refs {
			bpUint(&b, r, refSize)
		}
	}
	tableOff := uint64(b.Len())
	offSize := bpSize(tableOff)
	for _, off := range offsets {
		bpUint(&b, off, offSize)
	}
	b.Write(make([]byte, 6))
	b.WriteByte(byte(offSize))
	b.WriteByte(byte(refSize))
	bpUint(&b, uint64(len(objs)), 8)
	bpUint(&b, top, 8)
	bpUint(&b, tableOff, 8)
	return b.Bytes()
}

// expBomb is a binary plist of levels arrays, each holding the next one
// fanout times: a few hundred bytes that decode to fanout^levels values.
func expBomb(levels, fanout int) []byte {
	objs := []bpObject{bpTrue}
	for k := 1; k <= levels; k++ {
		refs := make([]uint64, fanout)
		for i := range refs {
			refs[i] = uint64(k - 1)
		}
		objs = append(objs, bpArray(refs...))
	}
	return buildBplist(objs, uint64(levels))
}

// chainPlist is a binary plist of depth arrays, each holding the next.
func chainPlist(depth int) []byte {
	objs := make([]bpObject, depth+1)
	objs[0] = bpTrue
	for k := 1; k <= depth; k++ {
		objs[k] = bpArray(uint64(k - 1))
	}
	return buildBplist(objs, uint64(depth))
}

// nestedXML is an XML plist of depth nested arrays inside <plist>.
func nestedXML(depth int) []byte {
	return []byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n<plist version=\"1.0\">\n" +
		strings.Repeat("<array>", depth) + strings.Repeat("</array>", depth) + "\n</plist>\n")
}

var (
	msgDeepXML    = fmt.Sprintf("too deeply nested: the property list nests arrays and dictionaries more than %d levels deep (limit %d)", maxPlistDepth, maxPlistDepth)
	msgDeepBinary = fmt.Sprintf("too deeply nested: the binary property list nests arrays and dictionaries more than %d levels deep (limit %d)", maxPlistDepth, maxPlistDepth)
)

func msgTooMany(size int) string {
	return fmt.Sprintf("too large once expanded: the binary property list's shared references expand to more than %d objects (limit for a file of %d bytes: 2 per byte plus 131072)",
		2*size+131072, size)
}

// decodeOK decodes data and fails the test unless it decodes.
func decodeOK(t *testing.T, data []byte) any {
	t.Helper()
	v, _, err := Decode(data)
	if err != nil {
		t.Fatalf("Decode: %v", err)
	}
	return v
}

// depthOf returns the nesting of arrays and dictionaries in v, and the
// number of values it holds (dictionary keys included).
func depthOf(v any) (depth, count int) {
	switch cv := v.(type) {
	case []any:
		d, n := 0, 1
		for _, e := range cv {
			ed, en := depthOf(e)
			d, n = max(d, ed), n+en
		}
		return d + 1, n
	case map[string]any:
		d, n := 0, 1
		for _, e := range cv {
			ed, en := depthOf(e)
			d, n = max(d, ed), n+en+1
		}
		return d + 1, n
	}
	return 0, 1
}

func TestDecodeBinaryLimits(t *testing.T) {
	bomb := expBomb(26, 2)
	deep := chainPlist(1_000_000)
	tests := []struct {
		name string
		data []byte
		want string
	}{
		// 26 levels of two references: 2^27 values (8 s and 2.4 GB
		// before this limit).
		{"exponential bomb", bomb, msgTooMany(len(bomb))},
		{"wide bomb", expBomb(4, 1000), msgTooMany(len(expBomb(4, 1000)))},
		// A million nested arrays (quadratic before this limit).
		{"deep chain", deep, msgDeepBinary},
		{"one level too deep", chainPlist(maxPlistDepth + 1), msgDeepBinary},
		{"cycle", buildBplist([]bpObject{bpArray(1), bpArray(0)}, 0), "not a valid binary property list"},
		{"self reference", buildBplist([]bpObject{bpArray(0)}, 0), "not a valid binary property list"},
		{"reference out of range", buildBplist([]bpObject{bpArray(5), bpTrue}, 0), "not a valid binary property list"},
		{"top out of range", buildBplist([]bpObject{bpTrue}, 1), "not a valid binary property list"},
		{"non-string key", buildBplist([]bpObject{{marker: 0xD0, container: true, refs: []uint64{1, 1}}, bpTrue}, 0), "not a valid binary property list"},
		{"set", buildBplist([]bpObject{{marker: 0xC0, container: true, refs: []uint64{1}}, bpTrue}, 0), "not a valid binary property list"},
		{"string past the objects", buildBplist([]bpObject{{marker: 0x5E, body: []byte("short")}}, 0), "not a valid binary property list"},
		{"array past the objects", buildBplist([]bpObject{{marker: 0xAE, body: []byte{0}}}, 0), "not a valid binary property list"},
		{"huge count", buildBplist([]bpObject{{marker: 0x6F, body: []byte{0x13, 0x80, 0, 0, 0, 0, 0, 0, 1}}}, 0), "not a valid binary property list"},
		{"truncated", bomb[:len(bomb)-1], "not a valid binary property list"},
		{"too short", []byte("bplist00"), "not a valid binary property list"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := Decode(tc.data)
			if err == nil {
				t.Fatal("Decode accepted it")
			}
			if _, msg := Invalid(tc.data); msg != tc.want {
				t.Errorf("Invalid = %q, want %q", msg, tc.want)
			}
			_, probs := ParsePlist(tc.data, "b.plist", testHome)
			want := []record.Problem{{File: "b.plist", Message: tc.want}}
			if diff := cmp.Diff(want, probs); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDecodeBinaryWithinLimits checks that what the limits allow decodes
// to what the file holds: shared values counted once per reference up
// to the limit, nesting up to maxPlistDepth, and the largest plist
// driftmap reads.
func TestDecodeBinaryWithinLimits(t *testing.T) {
	t.Run("shared arrays under the limit", func(t *testing.T) {
		// 2^17 - 1 containers and 2^16 leaves: 196607 values, under the
		// limit of a 96-byte file (131264).
		v := decodeOK(t, expBomb(16, 2))
		if d, n := depthOf(v); d != 16 || n != 1<<17-1 {
			t.Errorf("depth %d, %d values", d, n)
		}
	})
	t.Run("nesting at the limit", func(t *testing.T) {
		if d, _ := depthOf(decodeOK(t, chainPlist(maxPlistDepth))); d != maxPlistDepth {
			t.Errorf("depth %d", d)
		}
	})
	t.Run("one shared string, a reference per byte", func(t *testing.T) {
		// The most a plist without shared containers expands: 4 MiB
		// of one-byte references to one string.
		const n = 4 << 20
		refs := make([]uint64, n)
		for i := range refs {
			refs[i] = 1
		}
		data := buildBplist([]bpObject{bpArray(refs...), bpKey("com.sanctum.x")}, 0)
		if _, count := depthOf(decodeOK(t, data)); count != n+1 {
			t.Errorf("%d values", count)
		}
	})
	t.Run("16 MiB written by an encoder", func(t *testing.T) {
		jobs := map[string]any{}
		for i := 0; len(jobs) < 130_000; i++ {
			jobs[fmt.Sprintf("com.sanctum.job-%07d", i)] = map[string]any{
				"Label":            fmt.Sprintf("com.sanctum.job-%07d", i),
				"ProgramArguments": []any{"/usr/bin/env", fmt.Sprintf("/opt/bin/tool-%d", i), "--port", uint64(i % 65536)},
				"KeepAlive":        true,
			}
		}
		data, err := plist.Marshal(map[string]any{"Label": "com.sanctum.big", "Jobs": jobs}, plist.BinaryFormat)
		if err != nil {
			t.Fatal(err)
		}
		if len(data) < 12<<20 || len(data) > 16<<20 {
			t.Fatalf("the plist is %d bytes, want 12 to 16 MiB", len(data))
		}
		v := decodeOK(t, data)
		if got := len(v.(map[string]any)["Jobs"].(map[string]any)); got != len(jobs) {
			t.Errorf("%d jobs", got)
		}
	})
}

func TestDecodeXMLDepth(t *testing.T) {
	// <plist> and 511 arrays: 512 levels of elements.
	if d, _ := depthOf(decodeOK(t, nestedXML(maxPlistDepth-1))); d != maxPlistDepth-1 {
		t.Errorf("depth %d", d)
	}
	for _, depth := range []int{maxPlistDepth, 1_000_000} {
		// A million nested arrays (14 MB) overflowed the stack, a
		// fatal error, before this limit.
		data := nestedXML(depth)
		_, probs := ParsePlist(data, "x.plist", testHome)
		want := []record.Problem{{File: "x.plist", Line: 3, Message: msgDeepXML}}
		if diff := cmp.Diff(want, probs); diff != "" {
			t.Errorf("depth %d: problems (-want +got):\n%s", depth, diff)
		}
	}
	// The same inside a dictionary, one element per line: the line is
	// the one of the element that passes the limit.
	data := xmlPlist(label, "<key>Deep</key>", strings.Repeat("<array>\n", 600)+strings.Repeat("</array>", 600))
	line, msg := Invalid(data)
	if line != 6+maxPlistDepth-1 || msg != msgDeepXML {
		t.Errorf("Invalid = %d, %q", line, msg)
	}
}

// utf16LE encodes s as UTF-16, little-endian with a byte order mark.
func utf16LE(s string) []byte {
	b := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

func TestDecodeTextDepth(t *testing.T) {
	deep := func(n int) string { return strings.Repeat("(", n) + strings.Repeat(")", n) }
	refused := []struct{ name, text string }{
		{"arrays", "{ Label = x; A = " + deep(1_000_000) + "; }"},
		{"dictionaries", strings.Repeat("{a=", 1000) + "b" + strings.Repeat(";}", 1000)},
		{"one level too deep", "{ A = " + deep(maxPlistDepth) + "; }"},
		{"unterminated", "{ A = " + strings.Repeat("(", 100_000)},
		{"a string before the brackets", `"x" = ` + deep(maxPlistDepth) + ";"},
		{"a quote in a comment", "{ A = /* \" */ " + deep(600) + "; /* \" */ }"},
		{"slashes in an unquoted string", "{ A = x//y; B = " + deep(600) + "; }"},
		// The decoder ends a comment at the first "*/" from the "/*":
		// "/*/" is a whole comment (found by FuzzDecodeDepth).
		{"a comment closed by its own star", "/*/ " + deep(600)},
	}
	for _, tc := range refused {
		for enc, data := range map[string][]byte{"UTF-8": []byte(tc.text), "UTF-16": utf16LE(tc.text)} {
			_, probs := ParsePlist(data, "o.plist", testHome)
			want := []record.Problem{{File: "o.plist", Message: msgDeepXML}}
			if diff := cmp.Diff(want, probs); diff != "" {
				t.Errorf("%s, %s: problems (-want +got):\n%s", tc.name, enc, diff)
			}
		}
	}
	// Brackets that are not nesting: in strings, comments and data.
	many := strings.Repeat("(", 1000) + strings.Repeat("{", 1000)
	accepted := []string{
		`{ Label = "com.sanctum.x"; S = "` + many + `"; E = "\"` + many + `"; }`,
		"{ Label = x; // " + many + "\n /* " + many + " */ A = " + deep(maxPlistDepth-1) + "; }",
		`"Label" = x; A = ` + deep(maxPlistDepth-1) + ";",
		"{ Label = x; D = <*I5>; B = <[AAAA]>; H = <0f0f>; U = http://x//" + strings.Repeat("/", 10) + "; }",
	}
	for i, text := range accepted {
		v, format, err := Decode([]byte(text))
		if err != nil || format != plist.OpenStepFormat && format != plist.GNUStepFormat {
			t.Errorf("case %d: format %d, error %v", i, format, err)
			continue
		}
		if m, ok := v.(map[string]any); !ok || m["Label"] == nil {
			t.Errorf("case %d: decoded %T", i, v)
		}
	}
}

// TestLimitMessagesQuoteNothing checks that refusals never quote the file.
func TestLimitMessagesQuoteNothing(t *testing.T) {
	secret := "SECRETVALUE"
	for _, data := range [][]byte{
		append(nestedXML(600), []byte("<!-- "+secret+" -->")...),
		[]byte("{ " + secret + " = " + strings.Repeat("(", 600) + "; }"),
		buildBplist([]bpObject{bpArray(1, 1), bpArray(2, 2), bpKey(secret)}, 5),
	} {
		_, probs := ParsePlist(data, "s.plist", testHome)
		if len(probs) != 1 || strings.Contains(fmt.Sprint(probs), secret) {
			t.Errorf("problems %+v", probs)
		}
	}
	var le *LimitError
	if _, _, err := Decode(expBomb(30, 2)); !errors.As(err, &le) {
		t.Errorf("Decode error %v is not a *LimitError", err)
	}
}

// BenchmarkDecodeHostile measures refusing each hostile plist and
// decoding the largest honest one; refusals take microseconds to
// milliseconds, linear in the file.
func BenchmarkDecodeHostile(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
	}{
		{"exponential-26", expBomb(26, 2)},
		{"chain-1M", chainPlist(1_000_000)},
		{"xml-nested-1M", nestedXML(1_000_000)},
		{"text-nested-1M", []byte(strings.Repeat("(", 1_000_000))},
	} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				if _, _, err := Decode(bc.data); err == nil {
					b.Fatal("accepted")
				}
			}
		})
	}
}
