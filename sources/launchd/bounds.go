package launchd

import (
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"fmt"
	"unicode/utf16"
)

// Limits on what decoding one property list may cost. howett.net/plist
// recurses once per level of nesting (a few million levels overflow the
// goroutine stack, a fatal error no recover catches) and copies a shared
// binary object once per reference to it (so a small binary plist whose
// arrays each hold the next one twice decodes to 2^levels values).
// checkBounds measures both before the decoder runs, with code of ours
// that neither recurses nor expands, so that nothing here depends on the
// decoder's internals.
const (
	// maxPlistDepth bounds the nesting of arrays and dictionaries (XML
	// elements, OpenStep brackets, binary references). launchd jobs
	// nest a handful of levels; 512 frames are nothing for any stack.
	maxPlistDepth = 512
	// A binary plist may expand to expandPerByte objects per byte of the
	// file plus expandFloor (see expansionLimit).
	expandPerByte = 2
	expandFloor   = 1 << 17
)

// expansionLimit is the number of objects a binary plist of size bytes
// may decode to, counting an object once per reference to it. Every
// object but the root is reached through a reference, which takes at
// least one byte of the file, so a plist whose containers are not shared
// decodes to at most size objects: writers (CoreFoundation, plutil,
// howett.net/plist) share equal strings, numbers, dates and data, which
// this counts exactly, and never share an array or dictionary unless
// the same one recurs in memory. Twice the size plus a floor for small
// files leaves room for that, and is still linear in the file: an
// honest plist of the largest size driftmap reads (16 MiB) passes
// whatever it holds, and a bomb stops at a size proportional to its own.
func expansionLimit(size int) uint64 {
	return expandPerByte*uint64(size) + expandFloor
}

// LimitError is a property list driftmap refuses to decode because it is
// beyond one of its limits. Its message names the limit and never quotes
// the file; it reads after "the plist is" ("too deeply nested: ...").
type LimitError struct {
	Line int // 1-based line of an XML plist, else 0
	Msg  string
}

func (e *LimitError) Error() string { return e.Msg }

// binaryError is a binary plist whose structure is broken (a reference
// or offset out of range, a reference cycle, a truncated object) or
// that the decoder would reject.
type binaryError struct{}

func (binaryError) Error() string { return "not a valid binary property list" }

func depthError(line int, kind string) *LimitError {
	return &LimitError{Line: line, Msg: fmt.Sprintf(
		"too deeply nested: the %s nests arrays and dictionaries more than %d levels deep (limit %d)",
		kind, maxPlistDepth, maxPlistDepth)}
}

// checkBounds reports whether data may be handed to howett.net/plist: a
// *LimitError when it is beyond a limit, a binaryError when it starts
// like a binary plist but is not a well-formed one, nil otherwise
// (including for documents the decoder will reject for other reasons).
// It follows the decoder's choice of format: "bplist" starts a binary
// plist; otherwise a document whose first XML element is a plist element
// is XML, and anything else is read as OpenStep text.
func checkBounds(data []byte) error {
	if bytes.HasPrefix(data, []byte("bplist")) {
		return checkBinary(data)
	}
	if isXML, err := checkXML(data); isXML {
		return err
	}
	return checkText(data)
}

// plistElements are the elements howett.net/plist's XML parser knows as
// values; a document whose first element is another one (even <key>) is
// parsed as text.
var plistElements = map[string]bool{
	"plist": true, "dict": true, "array": true, "string": true, "integer": true,
	"real": true, "true": true, "false": true, "date": true, "data": true,
}

// checkXML reports whether the decoder will read data as XML, and, if
// so, refuses a first element (the one the decoder reads) nested deeper
// than maxPlistDepth. It reads the token stream without recursion and
// stops at the first syntax error, which the decoder reports itself.
// An XML plist holds no references and encoding/xml expands only
// character references and the five predefined entities, so the
// decoded values never outnumber the elements, each at least four bytes
// of the file: the element count needs no limit of its own.
func checkXML(data []byte) (isXML bool, err error) {
	isXML, depth, line := xmlDepth(data, maxPlistDepth)
	if depth > maxPlistDepth {
		return true, depthError(line, "property list")
	}
	return isXML, nil
}

// xmlDepth reports whether the decoder reads data as XML and returns the
// deepest nesting of elements in the element it reads, or a number above
// limit, with the line of the element that passed it, as soon as it
// passes limit.
func xmlDepth(data []byte, limit int) (isXML bool, deepest, line int) {
	d := xml.NewDecoder(bytes.NewReader(data))
	depth := 0
	for {
		line, _ := d.InputPos()
		tok, err := d.Token()
		if err != nil {
			return isXML, deepest, 0
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if !isXML {
				if !plistElements[t.Name.Local] {
					return false, 0, 0
				}
				isXML = true
			}
			depth++
			if deepest = max(deepest, depth); deepest > limit {
				return true, deepest, line
			}
		case xml.EndElement:
			if depth--; isXML && depth <= 0 {
				return true, deepest, 0
			}
		}
	}
}

// checkText refuses an OpenStep (text) plist whose brackets nest deeper
// than maxPlistDepth. It tokenizes as howett.net/plist's text parser
// does (same encoding guess; quoted strings with backslash escapes; //
// and /* */ comments between tokens; <hex data>, <*GNUstep values> and
// <[base64]>; unquoted strings, which cannot hold a bracket), so on any
// document the decoder reads it counts the decoder's own nesting, and on
// a broken one at least the nesting the decoder reaches before it stops.
// A text plist holds no references: its values never outnumber its
// bytes.
func checkText(data []byte) error {
	if textDepth(data, maxPlistDepth) > maxPlistDepth {
		return depthError(0, "property list")
	}
	return nil
}

// textDepth returns the deepest nesting the text parser reaches in data,
// or a number above limit as soon as it passes limit.
func textDepth(data []byte, limit int) int {
	s, ok := textInput(data)
	if !ok {
		return 0 // the decoder rejects it
	}
	// A document that starts with a string and goes on is parsed again
	// as the body of a dictionary (a .strings file): one level more.
	extra := -1 // until the first token
	depth, deepest := 0, 0
	for i := 0; i < len(s); {
		c := s[i]
		if extra < 0 && !textSpace(c) && !(c == '/' && i+1 < len(s) && (s[i+1] == '/' || s[i+1] == '*')) {
			extra = 0
			if c == '"' || !textQuotable(c) {
				extra, deepest = 1, 1
			}
		}
		switch {
		case c == '/' && i+1 < len(s) && s[i+1] == '/':
			for i < len(s) && s[i] != '\n' && s[i] != '\r' {
				i++
			}
		case c == '/' && i+1 < len(s) && s[i+1] == '*':
			// As the decoder does, from the "/*" itself: "/*/" is a
			// whole comment.
			end := bytes.Index(s[i:], []byte("*/"))
			if end < 0 {
				return deepest
			}
			i += end + 2
		case c == '"':
			for i++; i < len(s) && s[i] != '"'; i++ {
				if s[i] == '\\' {
					i++
				}
			}
			i++
		case c == '<':
			stop := byte('>')
			if i+1 < len(s) && s[i+1] == '[' {
				stop = ']'
			}
			end := bytes.IndexByte(s[i+1:], stop)
			if end < 0 {
				return deepest
			}
			i += 1 + end + 1
		case c == '{' || c == '(':
			depth++
			if deepest = max(deepest, depth+max(extra, 0)); deepest > limit {
				return deepest
			}
			i++
		case c == '}' || c == ')':
			depth--
			i++
		case textQuotable(c):
			i++
		default: // an unquoted string
			for i < len(s) && !textQuotable(s[i]) {
				i++
			}
		}
	}
	if extra < 0 {
		return 1 // nothing but space and comments: an empty dictionary
	}
	return deepest
}

// textSpace reports whether c is white space to the text parser.
func textSpace(c byte) bool { return c == ' ' || c >= '\b' && c <= '\r' }

// textQuotable reports whether an ASCII byte ends an unquoted string in
// a text plist (howett.net/plist's gsQuotable set: controls, space and
// "'(),;<=>[\]`{} and DEL). Bytes of multi-byte characters are
// treated as part of a string; the decoder rejects such characters
// where they would end one, so counting stops mattering there.
func textQuotable(c byte) bool {
	if c <= ' ' || c == 0x7f {
		return true
	}
	switch c {
	case '"', '\'', '(', ')', ',', ';', '<', '=', '>', '[', '\\', ']', '`', '{', '}':
		return true
	}
	return false
}

// textInput converts data as howett.net/plist's text parser does: a UTF-8
// byte order mark is dropped, and UTF-16 (by its byte order mark, or a
// zero first or second byte) is decoded; anything else is read as is.
func textInput(data []byte) ([]byte, bool) {
	switch {
	case bytes.HasPrefix(data, []byte{0xEF, 0xBB, 0xBF}):
		return data[3:], true
	case len(data) < 2:
		return data, true
	case data[0] == 0xFE && data[1] == 0xFF:
		return utf16Text(data[2:], binary.BigEndian)
	case data[0] == 0 && data[1] != 0:
		return utf16Text(data, binary.BigEndian)
	case data[0] == 0xFF && data[1] == 0xFE:
		return utf16Text(data[2:], binary.LittleEndian)
	case data[0] != 0 && data[1] == 0:
		return utf16Text(data, binary.LittleEndian)
	}
	return data, true
}

func utf16Text(data []byte, bo binary.ByteOrder) ([]byte, bool) {
	if len(data)%2 != 0 {
		return nil, false
	}
	u := make([]uint16, len(data)/2)
	for i := range u {
		u[i] = bo.Uint16(data[2*i:])
	}
	return []byte(string(utf16.Decode(u))), true
}
