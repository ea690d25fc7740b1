package launchctl

import (
	"fmt"
	"strings"
)

// The line-oriented outputs (print of a service or a domain, list,
// print-disabled) are read by one parser: blocks are told by their
// braces, never by their indentation (tabs, or 2, 4 or 8 spaces when a
// poster expanded them), and a block's kind by its key and what holds
// it. Only the lines directly inside a service's block describe the
// job: a state, pid or port inside a nested block (event triggers,
// endpoints, coalitions...) belongs to that block and is skipped with
// it.

type frameKind int

const (
	frameSkip     frameKind = iota // a block whose content driftmap does not read
	frameArray                     // a [ ... ] array, skipped
	frameService                   // a service print: its job
	frameDomain                    // a domain print
	frameArgs                      // a service's arguments, one per line
	frameServices                  // a domain's services rows
	frameDisabled                  // an override database (print-disabled, or a domain's)
)

type frame struct {
	kind   frameKind
	line   int     // the line that opened it
	indent string  // its opening line's leading white space
	job    int     // frameService: the index of its job in Jobs
	domain *string // frameDomain, frameServices, frameDisabled: the domain
	// frameService: whether the header gave the domain, and what the
	// exit lines said, combined when the block closes.
	domainFromHeader bool
	exit, signal     *int
	// frameArgs: the prefix every argument line starts with.
	argPrefix string
}

type lineParser struct {
	s          *Snapshot
	file       string
	stack      []frame
	items      int
	recognised bool // an output driftmap reads was seen
	procinfo   bool
	strayClose bool // a closing brace with no block open was reported
	stopped    bool // a limit stopped the parse: the rest is not read
}

func parseLines(s *Snapshot, text, file string) {
	p := &lineParser{s: s, file: file}
	n, last := 0, 0
	for raw := range strings.Lines(text) {
		n++
		if n > maxLines {
			p.stop(n, fmt.Sprintf("has more than %d lines; the rest is not read", maxLines))
			break
		}
		line := strings.TrimSuffix(strings.TrimSuffix(raw, "\n"), "\r")
		if strings.TrimSpace(line) != "" {
			last = n
		}
		p.line(line, n)
		if p.stopped {
			break
		}
	}
	if p.procinfo {
		*s = *empty()
		s.problem(file, 0, "is a launchctl procinfo output: it holds nothing driftmap reads")
		return
	}
	if len(p.stack) > 0 && !p.stopped {
		s.problem(file, p.stack[0].line, fmt.Sprintf(
			"ends inside a block (truncated?): the block this line opens is still open at line %d, the last; what was read is kept", last))
	}
	for len(p.stack) > 0 {
		p.pop()
	}
	if !p.recognised && len(s.Problems) == 0 {
		unrecognised(s, text, file)
	}
}

func (p *lineParser) stop(line int, msg string) {
	p.s.problem(p.file, line, msg)
	p.stopped = true
}

// count counts one more item read, and stops the parse past maxItems.
func (p *lineParser) count(line int) bool {
	p.items++
	if p.items > maxItems {
		p.stop(line, fmt.Sprintf("holds more than %d jobs, rows, overrides, arguments and properties; the rest is not read", maxItems))
		return false
	}
	return true
}

func (p *lineParser) top() *frame {
	if len(p.stack) == 0 {
		return nil
	}
	return &p.stack[len(p.stack)-1]
}

func (p *lineParser) line(line string, n int) {
	t := strings.TrimSpace(line)
	top := p.top()
	if top != nil && top.kind == frameArgs {
		switch {
		case t == "}":
			p.pop()
		case t == "" && (top.argPrefix == "" || line != top.argPrefix), isElision(t):
			// A blank line, or a poster's elision; a line holding only
			// the block's indentation is an empty argument.
		default:
			p.argument(top, line, n)
		}
		return
	}
	if t == "" || isElision(t) {
		return
	}
	if top != nil && top.kind == frameArray {
		if closesArray(t) {
			p.pop()
			return
		}
	}
	switch t {
	case "}", "};":
		if top == nil {
			if !p.strayClose {
				p.strayClose = true
				p.s.problem(p.file, n, "closes a block that was never opened; the lines after it may be read out of place")
			}
			return
		}
		for top.kind == frameArray && len(p.stack) > 1 {
			p.pop()
			top = p.top()
		}
		p.pop()
		return
	case "]":
		return
	}
	if key, kind, ok := opener(t); ok {
		p.open(key, kind, line, n)
		return
	}
	switch {
	case top == nil:
		p.topLevel(t, n)
	case top.kind == frameService:
		p.serviceLine(top, t)
	case top.kind == frameServices:
		p.row(t, n, top.domain, true)
	case top.kind == frameDisabled:
		p.override(t, n, top.domain)
	}
}

// opener returns the key of a line that opens a block ("arguments = {",
// "com.x.y => {", "gui/501/LABEL = {") or an array ("\"WatchPaths\" => [").
func opener(t string) (key string, kind frameKind, ok bool) {
	switch {
	case strings.HasSuffix(t, "{"):
		kind = frameSkip
	case strings.HasSuffix(t, "[") && strings.Contains(t, "="):
		kind = frameArray
	default:
		return "", 0, false
	}
	key = strings.TrimSpace(t[:len(t)-1])
	if k, ok := strings.CutSuffix(key, "=>"); ok {
		key = k
	} else {
		key = strings.TrimSuffix(key, "=")
	}
	return strings.TrimSpace(key), kind, true
}

// closesArray reports whether a line inside an array closes it: "]",
// or an element with nothing printed before the bracket, as launchctl
// prints an empty value ("0 = \t\t\t\t]").
func closesArray(t string) bool {
	if t == "]" {
		return true
	}
	before, ok := strings.CutSuffix(t, "]")
	return ok && strings.HasSuffix(strings.TrimRight(before, " \t"), "=")
}

func (p *lineParser) open(key string, kind frameKind, line string, n int) {
	if len(p.stack) >= maxDepth {
		p.stop(n, fmt.Sprintf("nests blocks more than %d deep; the rest is not read", maxDepth))
		return
	}
	f := frame{kind: kind, line: n, indent: line[:len(line)-len(strings.TrimLeft(line, " \t"))]}
	top := p.top()
	switch {
	case kind == frameArray:
	case top == nil:
		p.header(&f, key, n)
	case top.kind == frameService && key == "arguments":
		f.kind = frameArgs
		f.argPrefix = f.indent + strings.TrimPrefix(f.indent, top.indent)
		if f.argPrefix == f.indent {
			f.argPrefix = "" // no unit of indentation to go by
		}
		p.s.Jobs[top.job].Arguments = []string{}
	case top.kind == frameDomain && key == "services":
		f.kind, f.domain = frameServices, top.domain
	case top.kind == frameDomain && key == "disabled services":
		f.kind, f.domain = frameDisabled, top.domain
	}
	p.stack = append(p.stack, f)
}

// header reads the line opening a block at the top level: a service, a
// domain, or print-disabled's override database.
func (p *lineParser) header(f *frame, key string, n int) {
	if key == "disabled services" {
		f.kind = frameDisabled
		p.recognised = true
		return
	}
	if d, ok := isDomainTarget(key); ok {
		f.kind, f.domain = frameDomain, d
		p.recognised = true
		return
	}
	if key == "" || strings.ContainsAny(key, " \t\"'=") {
		return
	}
	if !p.count(n) {
		return
	}
	domain, fromHeader, label := serviceTarget(key)
	f.kind, f.job, f.domainFromHeader = frameService, len(p.s.Jobs), fromHeader
	p.s.Jobs = append(p.s.Jobs, Job{Label: label, Domain: domain, Properties: []string{}, File: p.file, Line: n})
	p.recognised = true
}

// pop closes the innermost block; a service's exit code is settled
// when its block closes (or the output ends).
func (p *lineParser) pop() {
	f := p.stack[len(p.stack)-1]
	p.stack = p.stack[:len(p.stack)-1]
	if f.kind != frameService {
		return
	}
	j := &p.s.Jobs[f.job]
	switch {
	case f.exit != nil:
		j.LastExitCode = f.exit
	case f.signal != nil:
		code := -*f.signal
		j.LastExitCode = &code
	}
}

// argument keeps one line of an arguments block as launchctl printed
// it: only the block's indentation is removed.
func (p *lineParser) argument(f *frame, line string, n int) {
	if !p.count(n) {
		return
	}
	arg, ok := strings.CutPrefix(line, f.argPrefix)
	if !ok || f.argPrefix == "" {
		arg = strings.TrimLeft(line, " \t")
	}
	job := &p.s.Jobs[p.stack[len(p.stack)-2].job]
	job.Arguments = append(job.Arguments, arg)
}

// serviceLine reads one `key = value` line directly inside a service.
func (p *lineParser) serviceLine(f *frame, t string) {
	key, val, ok := strings.Cut(t, " = ")
	if !ok {
		return
	}
	key, val = strings.TrimSpace(key), strings.TrimSpace(val)
	j := &p.s.Jobs[f.job]
	switch key {
	case "state":
		j.State = cutComment(val)
	case "pid":
		if pid, ok := pidValue(cutComment(val)); ok {
			j.PID = pid
		}
	case "program":
		j.Program = &val
	case "path":
		if strings.HasPrefix(val, "(") && strings.HasSuffix(val, ")") {
			j.Path = nil // "(submitted by smd.500)": not a file
		} else {
			j.Path = &val
		}
	case "last exit code":
		if code, ok := leadingInt(val); ok {
			f.exit = &code
		}
	case "last terminating signal":
		if sig, ok := signalValue(cutComment(val)); ok {
			f.signal = &sig
		}
	case "properties":
		props := properties(val)
		for range props {
			if !p.count(f.line) {
				return
			}
		}
		j.Properties = props
	case "domain":
		if !f.domainFromHeader {
			if d, ok := domainName(val); ok {
				j.Domain = &d
			}
		}
	}
}
