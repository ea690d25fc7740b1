package launchd

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// xmlIndex is what scanXML learns about an XML plist.
type xmlIndex struct {
	// lines maps key paths to 1-based lines: a dictionary entry to the
	// line of its <key>, an array element to the line of its element.
	// Nested keys are joined by keyPath; array elements are written
	// "Key[i]". The root value is at "".
	lines map[string]int
	// errLine and errMsg describe the first reason the document is not a
	// valid plist; errMsg is "" when none was found. errMsg never quotes
	// text from the file other than element names.
	errLine int
	errMsg  string
}

// maxScanDepth bounds the nesting scanXML follows; deeper values are
// skipped (their lines are never reported).
const maxScanDepth = 32

// scanXML scans an XML plist with encoding/xml, mirroring howett.net/plist's
// reading of it (the first element, or the first element inside <plist>,
// is the root value; in a <dict> the last <key> before a value names it)
// to record the line of every key and array element. Comments and
// whitespace are separate tokens, so they never shift array indexes.
func scanXML(data []byte) xmlIndex {
	s := &xmlScanner{d: xml.NewDecoder(bytes.NewReader(data)), idx: xmlIndex{lines: map[string]int{}}}
	for inPlist := false; s.idx.errMsg == ""; {
		line, _ := s.d.InputPos()
		tok, err := s.d.Token()
		if errors.Is(err, io.EOF) {
			s.bad(0, "no property list element found: neither XML nor binary plist")
			break
		}
		if err != nil {
			s.fail(line, err)
			break
		}
		if el, isStart := tok.(xml.StartElement); isStart {
			if el.Name.Local == "plist" && !inPlist {
				inPlist = true
				continue
			}
			s.idx.lines[""] = line
			s.value(el, "", line, 0)
			break
		}
	}
	return s.idx
}

type xmlScanner struct {
	d   *xml.Decoder
	idx xmlIndex
}

// next reads a token and returns the line it starts on. Between two
// tokens the decoder sits at the start of the next one, so its position
// before reading is the token's first line.
func (s *xmlScanner) next() (xml.Token, int, bool) {
	line, _ := s.d.InputPos()
	tok, err := s.d.Token()
	if err != nil {
		s.fail(line, err)
		return nil, line, false
	}
	return tok, line, true
}

// fail records a decoding error, keeping only the first one.
func (s *xmlScanner) fail(line int, err error) {
	var se *xml.SyntaxError
	switch {
	case errors.As(err, &se):
		s.bad(se.Line, xmlReason(se.Msg))
	case errors.Is(err, io.EOF):
		s.bad(line, "unexpected end of file (truncated?)")
	default:
		s.bad(line, "malformed XML")
	}
}

func (s *xmlScanner) bad(line int, msg string) {
	if s.idx.errMsg == "" {
		s.idx.errLine, s.idx.errMsg = line, msg
	}
}

// xmlReason rewrites an encoding/xml syntax error in safe words: messages
// naming only elements are kept, any other (which may quote file content,
// such as an entity or attribute value) becomes a generic one.
func xmlReason(msg string) string {
	switch {
	case msg == "unexpected EOF":
		return "unexpected end of file (truncated?)"
	case strings.HasPrefix(msg, "element <") && strings.Contains(msg, "> closed by </"),
		strings.HasPrefix(msg, "unexpected end element </"):
		return msg
	case strings.Contains(msg, "entity"):
		return "malformed XML: invalid character entity (a bare & must be written &amp;)"
	}
	return "malformed XML"
}

// value scans one plist value whose start element el is on line line.
func (s *xmlScanner) value(el xml.StartElement, at string, line, depth int) {
	switch el.Name.Local {
	case "dict", "array":
		if depth >= maxScanDepth {
			if err := s.d.Skip(); err != nil {
				s.fail(line, err)
			}
			return
		}
		if el.Name.Local == "dict" {
			s.dict(at, depth)
		} else {
			s.array(at, depth)
		}
	case "integer", "real":
		var text string
		if err := s.d.DecodeElement(&text, &el); err != nil {
			s.fail(line, err)
			return
		}
		if !validNumber(el.Name.Local, strings.TrimSpace(text)) {
			s.bad(line, fmt.Sprintf("<%s> does not hold a number", el.Name.Local))
		}
	case "string", "true", "false", "date", "data":
		if err := s.d.Skip(); err != nil {
			s.fail(line, err)
		}
	default:
		s.bad(line, fmt.Sprintf("unknown element <%s>", el.Name.Local))
	}
}

func validNumber(kind, text string) bool {
	if kind == "real" {
		_, err := strconv.ParseFloat(text, 64)
		return err == nil
	}
	if _, err := strconv.ParseInt(text, 0, 64); err == nil {
		return true
	}
	_, err := strconv.ParseUint(text, 0, 64)
	return err == nil
}

func (s *xmlScanner) dict(at string, depth int) {
	key, keyLine, haveKey := "", 0, false
	for s.idx.errMsg == "" {
		tok, line, ok := s.next()
		if !ok {
			return
		}
		switch t := tok.(type) {
		case xml.EndElement:
			if haveKey {
				s.bad(keyLine, "a <key> has no value")
			}
			return
		case xml.StartElement:
			if t.Name.Local == "key" {
				if err := s.d.DecodeElement(&key, &t); err != nil {
					s.fail(line, err)
					return
				}
				keyLine, haveKey = line, true
				continue
			}
			if !haveKey {
				s.bad(line, fmt.Sprintf("a <%s> in a <dict> has no <key>", t.Name.Local))
				return
			}
			p := key
			if at != "" {
				p = keyPath(at, key)
			}
			s.idx.lines[p] = keyLine
			s.value(t, p, line, depth+1)
			haveKey = false
		}
	}
}

func (s *xmlScanner) array(at string, depth int) {
	for i := 0; s.idx.errMsg == ""; {
		tok, line, ok := s.next()
		if !ok {
			return
		}
		switch t := tok.(type) {
		case xml.EndElement:
			return
		case xml.StartElement:
			p := at + "[" + strconv.Itoa(i) + "]"
			s.idx.lines[p] = line
			s.value(t, p, line, depth+1)
			i++
		}
	}
}
