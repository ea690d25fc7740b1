package cli

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/pflag"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/queries"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// defaultBaseline is where `driftmap baseline` writes, in the current
// directory.
const defaultBaseline = ".driftmap-baseline.json"

// maxBaseline caps the size of a baseline file read by check --baseline.
const maxBaseline = 64 << 20

var baselineCmd = &command{
	name:  "baseline",
	short: "record the current findings so that check reports only new ones",
	long: `Runs every rule as check does and writes each finding's fingerprint, with
its rule, subject and file for people, as a sorted driftmap/baseline/v1
JSON document to -o FILE (default .driftmap-baseline.json in the current
directory; - writes standard output). Commit it; 'driftmap check --baseline
FILE' then leaves those findings out of every output and the exit code, and
reports entries that match nothing as stale-baseline. Fingerprints do not
depend on lines, messages, --workspace's spelling or where the checkout
lives. Exits 0, or 2 on a usage or setup error.`,
	flags: func(fs *pflag.FlagSet, o *opts) {
		fs.StringVarP(&o.baselineOut, "output", "o", defaultBaseline, "write the baseline to `FILE` (- for standard output)")
		layoutFlags(fs, o)
	},
	run: runBaseline,
}

func runBaseline(c *ctx, args []string) int {
	if len(args) > 0 {
		return c.fail(&usageError{fmt.Sprintf("baseline takes no arguments, got %q", args[0]), "run 'driftmap baseline -h'"})
	}
	if c.o.baselineOut == "" {
		return c.fail(&usageError{"-o needs a FILE", "e.g. 'driftmap baseline -o .driftmap-baseline.json', or -o - for standard output"})
	}
	snap, err := c.load()
	if err != nil {
		return c.fail(err)
	}
	res := queries.Check(snap, queries.All())
	r := &exporters.Report{Findings: res.Findings, Graph: snap.Graph, Ignored: res.Ignored, Workspace: snap.Layout.Workspace}
	var b bytes.Buffer
	if err := exporters.FormatBaseline(&b, r); err != nil {
		return c.fail(err)
	}
	if c.o.baselineOut == "-" {
		if _, err := c.env.Stdout.Write(b.Bytes()); err != nil {
			return c.fail(err)
		}
		return ExitOK
	}
	if err := writeFileAtomic(c.o.baselineOut, b.Bytes()); err != nil {
		return c.fail(&usageError{fmt.Sprintf("cannot write baseline %s: %s", c.o.baselineOut, rootfs.Reason(err)), "name a file in a directory that exists and can be written, or -o - for standard output"})
	}
	fmt.Fprintf(c.env.Stderr, "driftmap: note: recorded %s in %s\n", plural(len(res.Findings), "finding", "findings"), exporters.Text(c.o.baselineOut))
	return ExitOK
}

// readBaseline reads and parses the baseline file of check --baseline.
// Any failure is a usage error naming the file.
func readBaseline(file string) (*queries.Baseline, error) {
	if file == "" {
		return nil, &usageError{"--baseline needs a FILE", "e.g. --baseline .driftmap-baseline.json, written by 'driftmap baseline'"}
	}
	hint := "write one with 'driftmap baseline -o " + file + "', or leave out --baseline"
	data, err := rootfs.ReadHostFile(file, maxBaseline)
	if err != nil {
		return nil, &usageError{fmt.Sprintf("baseline %s: %s", file, rootfs.Describe(err)), hint}
	}
	b, err := parseBaseline(file, data)
	if err != nil {
		return nil, &usageError{err.Error(), "a baseline is the " + exporters.BaselineSchema + " document 'driftmap baseline' writes; " + hint}
	}
	return b, nil
}

// parseBaseline parses a baseline document: an object whose "schema" is
// exporters.BaselineSchema and whose "entries" are objects with a
// "fingerprint" (queries.IsFingerprint) and, optionally, "rule" and
// "subject" strings. Other members are ignored, so that a later version
// may add some. Each entry keeps its line, for stale-baseline. An error
// names the file and the line, and quotes no value from the file.
func parseBaseline(file string, data []byte) (*queries.Baseline, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	fail := func(off int64, format string, args ...any) error {
		return fmt.Errorf("baseline %s:%d: %s", file, lineAt(data, off), fmt.Sprintf(format, args...))
	}
	// bad describes an error of Token or Decode; at is where the value
	// being decoded starts (see describeJSONError).
	bad := func(err error, at int64) error {
		if p, ok := describeJSONError(data, err, at); ok {
			return fail(p.off, "%s", p.msg)
		}
		return fail(dec.InputOffset(), "not JSON (%v)", err)
	}
	expect := func(want json.Delim, what string) error {
		tok, err := dec.Token()
		if err != nil {
			return bad(err, 0)
		}
		if d, ok := tok.(json.Delim); !ok || d != want {
			return fail(dec.InputOffset(), "want %s", what)
		}
		return nil
	}
	if err := expect('{', "a JSON object"); err != nil {
		return nil, err
	}
	b := &queries.Baseline{File: file}
	var schema *string
	entries := false
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, bad(err, 0)
		}
		switch key, _ := tok.(string); key {
		case "schema":
			var s string
			if err := dec.Decode(&s); err != nil {
				return nil, bad(err, skip(data, dec.InputOffset(), " \t\r\n:"))
			}
			schema = &s
		case "entries":
			entries = true
			b.Entries = b.Entries[:0]
			if err := expect('[', "entries to be an array"); err != nil {
				return nil, err
			}
			for dec.More() {
				at := skip(data, dec.InputOffset(), " \t\r\n,")
				var e struct {
					Fingerprint string `json:"fingerprint"`
					Rule        string `json:"rule"`
					Subject     string `json:"subject"`
				}
				if err := dec.Decode(&e); err != nil {
					return nil, bad(err, at)
				}
				if !queries.IsFingerprint(e.Fingerprint) {
					return nil, fail(at, "the entry's fingerprint is not 32 lower-case hex digits")
				}
				b.Entries = append(b.Entries, queries.BaselineEntry{Fingerprint: e.Fingerprint, Rule: e.Rule, Subject: e.Subject, Line: lineAt(data, at)})
			}
			if err := expect(']', "the end of entries"); err != nil {
				return nil, err
			}
		default:
			var rest json.RawMessage
			if err := dec.Decode(&rest); err != nil {
				return nil, bad(err, 0)
			}
		}
	}
	if err := expect('}', "the end of the object"); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fail(dec.InputOffset(), "more data after the document")
	}
	switch {
	case schema == nil:
		return nil, fail(0, "no schema member; want %q", exporters.BaselineSchema)
	case *schema != exporters.BaselineSchema:
		return nil, fail(0, "schema is not %q", exporters.BaselineSchema)
	case !entries:
		return nil, fail(0, "no entries member")
	}
	return b, nil
}

// jsonProblem is what describeJSONError makes of an error decoding a
// JSON document.
type jsonProblem struct {
	off   int64  // where in the document it is (for lineAt)
	msg   string // what is wrong, quoting no value from the document
	early bool   // the document ends early (off is its end)
}

// describeJSONError describes err, an error a json.Decoder reading data
// from its start returned: a syntax error, a value of the wrong type or
// the end of data before the end of the document. at is where the value
// being decoded starts (a type error's offset counts from there). It
// returns false for any other error, and for a syntax error that
// json.Unmarshal does not find again.
func describeJSONError(data []byte, err error, at int64) (jsonProblem, bool) {
	var se *json.SyntaxError
	var te *json.UnmarshalTypeError
	switch {
	case errors.As(err, &se):
		// A Decoder's offsets do not always count from the start of
		// the document; Unmarshal's do: the error is after reading
		// Offset bytes.
		var v any
		if errors.As(json.Unmarshal(data, &v), &se) {
			return jsonProblem{off: se.Offset - 1, msg: fmt.Sprintf("not JSON (%v)", se)}, true
		}
	case errors.As(err, &te):
		what := "a value"
		if te.Field != "" {
			what = te.Field
		}
		return jsonProblem{off: at + te.Offset, msg: fmt.Sprintf("%s must be %s, found %s", what, jsonKind(te.Type.Kind().String()), te.Value)}, true
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return jsonProblem{off: int64(len(data)), msg: "the document ends early", early: true}, true
	}
	return jsonProblem{}, false
}

// jsonKind names a Go kind as JSON calls it.
func jsonKind(kind string) string {
	switch kind {
	case "string":
		return "a string"
	case "struct", "map":
		return "an object"
	case "slice", "array":
		return "an array"
	}
	return "a " + kind
}

// lineAt is the line of data holding byte off (1 for the first).
func lineAt(data []byte, off int64) int {
	off = min(max(off, 0), int64(len(data)))
	return 1 + bytes.Count(data[:off], []byte("\n"))
}

// skip returns the offset of the first byte at or after off that is not
// in chars: skipping white space and a comma finds where the next value
// of an array starts.
func skip(data []byte, off int64, chars string) int64 {
	off = max(off, 0)
	for off < int64(len(data)) && strings.IndexByte(chars, data[off]) >= 0 {
		off++
	}
	return off
}

// plural returns "1 thing" or "n things".
func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}
