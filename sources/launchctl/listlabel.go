package launchctl

import (
	"fmt"
	"strings"
)

// `launchctl list LABEL` prints the job as an old-style property list:
//
//	{
//		"Label" = "com.sanctum.x";
//		"LastExitStatus" = 19968;
//		"PID" = 123;
//		"Program" = "/bin/sh";
//		"ProgramArguments" = (
//			"/bin/sh";
//			"-c";
//		);
//		"MachServices" = {
//			"com.sanctum.x.port" = mach-port-object;
//		};
//	};
//
// It is read with a tokenizer and a loop holding its own count of open
// brackets (no recursion). Only the top-level Label, PID, Program,
// ProgramArguments and LastExitStatus are read; LastExitStatus is a raw
// wait status, decoded to an exit code or a negative signal.

type tokKind int

const (
	tokEOF tokKind = iota
	tokPunct
	tokString // quoted
	tokWord   // bare: a number, true, mach-port-object...
)

type token struct {
	kind tokKind
	text string // the punctuation, or the string's value
	line int
}

type lexer struct {
	text string
	pos  int
	line int
}

func (l *lexer) next() token {
	for l.pos < len(l.text) {
		c := l.text[l.pos]
		if c == '\n' {
			l.line++
		} else if c != ' ' && c != '\t' && c != '\r' {
			break
		}
		l.pos++
	}
	if l.pos >= len(l.text) {
		return token{kind: tokEOF, line: l.line}
	}
	start, c := l.pos, l.text[l.pos]
	switch {
	case strings.IndexByte("{}()=;", c) >= 0:
		l.pos++
		return token{kind: tokPunct, text: l.text[start:l.pos], line: l.line}
	case c == '"':
		return l.quoted()
	}
	for l.pos < len(l.text) && strings.IndexByte("{}()=;\" \t\r\n", l.text[l.pos]) < 0 {
		l.pos++
	}
	return token{kind: tokWord, text: l.text[start:l.pos], line: l.line}
}

// quoted reads a quoted string; a backslash escapes the next byte
// (\n and \t are a newline and a tab). An unclosed quote ends at the
// end of the input.
func (l *lexer) quoted() token {
	line := l.line
	l.pos++
	var b strings.Builder
	for l.pos < len(l.text) {
		c := l.text[l.pos]
		l.pos++
		switch c {
		case '"':
			return token{kind: tokString, text: b.String(), line: line}
		case '\n':
			l.line++
		case '\\':
			if l.pos < len(l.text) {
				c = l.text[l.pos]
				l.pos++
				switch c {
				case 'n':
					c = '\n'
				case 't':
					c = '\t'
				case '\n':
					l.line++
				}
			}
		}
		b.WriteByte(c)
	}
	return token{kind: tokString, text: b.String(), line: line}
}

type listLabelParser struct {
	s     *Snapshot
	file  string
	lex   lexer
	tok   token
	items int // jobs and arguments read, at most maxItems
}

func parseListLabel(s *Snapshot, text, file string) {
	p := &listLabelParser{s: s, file: file, lex: lexer{text: text, line: 1}}
	p.tok = p.lex.next()
	for p.tok.kind != tokEOF {
		if p.items++; p.items > maxItems {
			s.problem(file, p.tok.line, fmt.Sprintf("holds more than %d jobs and arguments; the rest is not read", maxItems))
			return
		}
		if !p.is("{") {
			p.broken()
			return
		}
		if !p.job() {
			return
		}
		if p.is(";") {
			p.advance()
		}
	}
}

func (p *listLabelParser) advance()         { p.tok = p.lex.next() }
func (p *listLabelParser) is(s string) bool { return p.tok.kind == tokPunct && p.tok.text == s }

func (p *listLabelParser) broken() {
	if p.tok.kind == tokEOF {
		p.s.problem(p.file, p.tok.line, "the list output ends inside its property list (truncated?); what was read before is kept")
		return
	}
	p.s.problem(p.file, p.tok.line, "the list output's property list breaks on this line; the rest is not read")
}

// job reads one top-level dictionary, the current token being its "{".
// It reports false when the structure broke (and the Problem is added).
func (p *listLabelParser) job() bool {
	j := Job{Properties: []string{}, File: p.file, Line: p.tok.line}
	var label bool
	defer func() {
		if label {
			p.s.Jobs = append(p.s.Jobs, j)
		} else {
			p.s.problem(p.file, j.Line, "the list output has no Label; its job is not read")
		}
	}()
	p.advance()
	for !p.is("}") {
		if p.tok.kind != tokString && p.tok.kind != tokWord {
			p.broken()
			return false
		}
		key := p.tok.text
		p.advance()
		if !p.is("=") {
			p.broken()
			return false
		}
		p.advance()
		switch {
		case p.tok.kind == tokString || p.tok.kind == tokWord:
			p.scalar(&j, key, p.tok.text, &label)
			p.advance()
		case p.is("(") && key == "ProgramArguments":
			if !p.arguments(&j) {
				return false
			}
		case p.is("(") || p.is("{"):
			if !p.skip() {
				return false
			}
		default:
			p.broken()
			return false
		}
		if !p.is(";") {
			p.broken()
			return false
		}
		p.advance()
	}
	p.advance()
	return true
}

func (p *listLabelParser) scalar(j *Job, key, v string, label *bool) {
	switch key {
	case "Label":
		j.Label, *label = v, v != ""
	case "PID":
		if pid, ok := pidValue(v); ok && pid != nil {
			j.PID = pid
			j.State = "running"
		}
	case "Program":
		j.Program = &v
	case "LastExitStatus":
		if w, ok := exactInt(v); ok {
			if code, ok := exitFromWaitStatus(w); ok {
				j.LastExitCode = &code
			}
		}
	}
}

// arguments reads ProgramArguments, the current token being its "(".
func (p *listLabelParser) arguments(j *Job) bool {
	j.Arguments = []string{}
	p.advance()
	for !p.is(")") {
		switch {
		case p.tok.kind == tokString || p.tok.kind == tokWord:
			if p.items++; p.items > maxItems {
				p.s.problem(p.file, p.tok.line, fmt.Sprintf("holds more than %d jobs and arguments; the rest is not read", maxItems))
				return false
			}
			j.Arguments = append(j.Arguments, p.tok.text)
			p.advance()
		default:
			p.broken()
			return false
		}
		if p.is(";") {
			p.advance()
		}
	}
	p.advance()
	return true
}

// skip passes over a value that is a dictionary or an array, the
// current token being its opening bracket, counting brackets.
func (p *listLabelParser) skip() bool {
	var open []string
	for {
		switch {
		case p.is("{"), p.is("("):
			if len(open) >= maxDepth {
				p.s.problem(p.file, p.tok.line, fmt.Sprintf("the list output nests more than %d levels deep; the rest is not read", maxDepth))
				return false
			}
			closing := "}"
			if p.tok.text == "(" {
				closing = ")"
			}
			open = append(open, closing)
		case p.is("}"), p.is(")"):
			if p.tok.text != open[len(open)-1] {
				p.broken()
				return false
			}
			open = open[:len(open)-1]
		case p.tok.kind == tokEOF:
			p.broken()
			return false
		}
		p.advance()
		if len(open) == 0 {
			return true
		}
	}
}
