package launchctl

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The snapshot document is read strictly: a schema other than
// driftmap/snapshot/v1 (or none) is a Problem and nothing of it is
// kept; an unknown key, a repeated key or an entry with an unknown
// field, a value of the wrong type, no label or a domain driftmap does
// not write is a Problem and that entry is skipped. Each entry read
// gets the document as its File and the line of its object as its
// Line; the problems it holds keep their own file and line (they are
// about the outputs the snapshot was taken from).

type docReader struct {
	doc      *Snapshot // what was read, its problems included
	own      *Snapshot // the problems of the document itself
	file     string
	text     string
	dec      *json.Decoder
	lastOff  int64
	lastLine int
	items    int
}

func parseDocument(s *Snapshot, text, file string) {
	r := &docReader{doc: empty(), own: empty(), file: file, text: text, lastLine: 1,
		dec: json.NewDecoder(strings.NewReader(text))}
	schema, ok := r.object()
	if schema != Schema {
		s.problem(file, 0, "is not a "+Schema+" document: its schema is missing or another; nothing in it was read")
		return
	}
	if ok {
		if _, err := r.dec.Token(); err != io.EOF {
			r.syntax(err, "has more after the end of its document; it is not read")
		}
	}
	s.Jobs, s.List, s.Disabled = r.doc.Jobs, r.doc.List, r.doc.Disabled
	s.Problems = append(r.doc.Problems, r.own.Problems...)
}

// object reads the top-level object and returns its schema; false when
// the structure broke (the Problem is added).
func (r *docReader) object() (schema string, ok bool) {
	if tok, err := r.dec.Token(); err != nil || tok != json.Delim('{') {
		r.syntax(err, "is not a JSON object")
		return "", false
	}
	seen := map[string]bool{}
	for r.dec.More() {
		tok, err := r.dec.Token()
		if err != nil {
			r.syntax(err, "")
			return schema, false
		}
		key, _ := tok.(string)
		line := r.lineAt(r.dec.InputOffset())
		if seen[key] {
			r.own.problem(r.file, line, "repeats a key of the document; the rest is not read")
			return schema, false
		}
		seen[key] = true
		switch key {
		case "schema":
			if err := r.dec.Decode(&schema); err != nil {
				r.syntax(err, "has a schema that is not a string")
				return "", false
			}
		case "jobs", "list", "disabled", "problems":
			if !r.array(key) {
				return schema, false
			}
		default:
			r.own.problem(r.file, line, "has a key "+Schema+" does not define; it is skipped")
			var skip json.RawMessage
			if err := r.dec.Decode(&skip); err != nil {
				r.syntax(err, "")
				return schema, false
			}
		}
	}
	if _, err := r.dec.Token(); err != nil {
		r.syntax(err, "")
		return schema, false
	}
	return schema, true
}

// array reads the entries of one list (null is an empty one).
func (r *docReader) array(key string) bool {
	tok, err := r.dec.Token()
	if err != nil {
		r.syntax(err, "")
		return false
	}
	if tok == nil {
		return true
	}
	if tok != json.Delim('[') {
		r.own.problem(r.file, r.lineAt(r.dec.InputOffset()), "has a "+key+" that is not a list; the rest is not read")
		return false
	}
	for r.dec.More() {
		line := r.lineAt(r.dec.InputOffset())
		var raw json.RawMessage
		if err := r.dec.Decode(&raw); err != nil {
			r.syntax(err, "")
			return false
		}
		r.items++
		if r.items > maxItems {
			r.own.problem(r.file, line, fmt.Sprintf("holds more than %d entries; the rest is not read", maxItems))
			return false
		}
		r.entry(key, raw, line)
	}
	_, err = r.dec.Token()
	if err != nil {
		r.syntax(err, "")
	}
	return err == nil
}

// entry decodes one entry strictly and checks it.
func (r *docReader) entry(key string, raw json.RawMessage, line int) {
	var why string
	switch key {
	case "jobs":
		var j Job
		if why = strict(raw, &j); why == "" {
			switch {
			case j.Label == "":
				why = "has no label"
			case j.Domain != nil && !validDomain(*j.Domain):
				why = "has a domain driftmap does not write"
			default:
				if j.Properties == nil {
					j.Properties = []string{}
				}
				j.File, j.Line = r.file, line
				r.doc.Jobs = append(r.doc.Jobs, j)
			}
		}
	case "list":
		var l ListRow
		if why = strict(raw, &l); why == "" {
			if l.Label == "" {
				why = "has no label"
			} else {
				l.File, l.Line = r.file, line
				r.doc.List = append(r.doc.List, l)
			}
		}
	case "disabled":
		var o Override
		if why = strict(raw, &o); why == "" {
			switch {
			case o.Label == "":
				why = "has no label"
			case o.Domain != "" && !validDomain(o.Domain):
				why = "has a domain driftmap does not write"
			default:
				o.File, o.Line = r.file, line
				r.doc.Disabled = append(r.doc.Disabled, o)
			}
		}
	case "problems":
		var p Problem
		if why = strict(raw, &p); why == "" {
			if p.Message == "" {
				why = "has no message"
			} else {
				if p.File == "" {
					p.File = r.file
				}
				r.doc.Problems = append(r.doc.Problems, p)
			}
		}
	}
	if why != "" {
		r.own.problem(r.file, line, "an entry of "+key+" "+why+"; it is skipped")
	}
}

// strict decodes one entry, refusing unknown fields, and says what is
// wrong in words that quote nothing from the document.
func strict(raw json.RawMessage, v any) string {
	if bytes.Equal(bytes.TrimSpace(raw), []byte("null")) {
		return "is null"
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	var te *json.UnmarshalTypeError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &te) && te.Field != "" && !strings.ContainsAny(te.Field, " \"\\"):
		return "has a field " + te.Field + " of the wrong type"
	case errors.As(err, &te):
		return "is not an object"
	}
	return "has a field " + Schema + " does not define"
}

// syntax adds the Problem of a document whose JSON breaks, at the line
// where it broke.
func (r *docReader) syntax(err error, msg string) {
	off := r.dec.InputOffset()
	var se *json.SyntaxError
	if errors.As(err, &se) {
		off = se.Offset
	}
	switch {
	case msg != "":
	case err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF):
		off = int64(len(strings.TrimRight(r.text, " \t\r\n")))
		msg = "ends inside its document (truncated?); what was read before is kept"
	default:
		msg = "is not valid JSON at this line; the rest is not read"
	}
	r.own.problem(r.file, lineOf(r.text, off), msg)
}

// lineAt returns the line of the first value at or after off (white
// space, a comma or a colon skipped): offsets only grow, so lines are
// counted once.
func (r *docReader) lineAt(off int64) int {
	for int(off) < len(r.text) && strings.IndexByte(" \t\r\n,:", r.text[off]) >= 0 {
		off++
	}
	if off < r.lastOff {
		return lineOf(r.text, off)
	}
	r.lastLine += strings.Count(r.text[r.lastOff:off], "\n")
	r.lastOff = off
	return r.lastLine
}

func lineOf(text string, off int64) int {
	off = max(0, min(off, int64(len(text))))
	return 1 + strings.Count(text[:off], "\n")
}
