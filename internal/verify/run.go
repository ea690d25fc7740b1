package verify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Program is the name Available looks up in PATH.
const Program = "systemd-analyze"

// ErrUnavailable is returned by Run when systemd-analyze is not in PATH.
var ErrUnavailable = errors.New("verify: " + Program + " not found in PATH")

// cycleRuns is how many times in all Run runs a unit whose output
// mentions an ordering cycle, keeping the smallest text. Two texts being
// equally likely for a cycle of two units, 24 runs miss the smallest one
// once in 2^24.
const cycleRuns = 24

// waitDelay bounds the wait for systemd-analyze's output pipes after it
// has been killed at the end of the context.
const waitDelay = 2 * time.Second

// Available returns the path of systemd-analyze when PATH has it.
func Available() (path string, ok bool) {
	p, err := exec.LookPath(Program)
	if err != nil {
		return "", false
	}
	return p, true
}

// Output is what Run collected: one run of systemd-analyze verify per
// unit, in sorted unit order.
type Output struct {
	// Text is the runs' texts, concatenated in the order of Runs.
	Text string
	// ExitCode is the highest exit status of the runs (0 or 1 in
	// practice: see the package comment).
	ExitCode int
	Runs     []UnitRun
}

// UnitRun is one invocation of `systemd-analyze verify --root=ROOT
// --man=no -- UNIT`.
type UnitRun struct {
	// Unit is the name verify was given.
	Unit string
	// Text is standard output and standard error as one stream, in the
	// order verify wrote them, with the root's path removed; it ends in a
	// newline unless empty.
	Text     string
	ExitCode int
}

// Run runs `systemd-analyze verify --root=ROOT --man=no -- UNIT` once for
// each unit (see the package comment for why not once for all), in sorted
// order, each name once. A unit is a unit name ("dbx.service",
// "worker@.service") or a path whose file name is one; only the file name
// is passed, since that is all verify uses with --root. Run stops at the
// end of ctx: the running systemd-analyze is killed and ctx's error
// returned.
//
// A run that exits with a status is not an error: its text and status
// are in the Output. Run returns an error when systemd-analyze is not in
// PATH (ErrUnavailable), root is not a directory, a unit is empty, or
// the program cannot be started.
func Run(ctx context.Context, root string, units []string) (Output, error) {
	prog, ok := Available()
	if !ok {
		return Output{}, ErrUnavailable
	}
	abs, err := filepath.Abs(root)
	if err != nil {
		return Output{}, fmt.Errorf("verify: root: %w", err)
	}
	if fi, err := os.Stat(abs); err != nil {
		return Output{}, fmt.Errorf("verify: root: %w", err)
	} else if !fi.IsDir() {
		return Output{}, fmt.Errorf("verify: root %s is not a directory", abs)
	}
	names, err := unitNames(units)
	if err != nil {
		return Output{}, err
	}
	rewrite := rootRewriter(abs)
	var out Output
	var text strings.Builder
	for _, name := range names {
		r, err := runUnit(ctx, prog, abs, name, rewrite)
		if err != nil {
			return Output{}, err
		}
		out.Runs = append(out.Runs, r)
		text.WriteString(r.Text)
		out.ExitCode = max(out.ExitCode, r.ExitCode)
	}
	out.Text = text.String()
	return out, nil
}

// unitNames reduces each unit to its file name, sorted, once each.
func unitNames(units []string) ([]string, error) {
	var names []string
	for _, u := range units {
		name := u
		if strings.Contains(u, "/") {
			name = filepath.Base(filepath.Clean(u))
		}
		if name == "" || name == "." || name == "/" || strings.ContainsRune(name, 0) {
			return nil, fmt.Errorf("verify: %q is not a unit name", u)
		}
		names = append(names, name)
	}
	slices.Sort(names)
	return slices.Compact(names), nil
}

// runUnit verifies one unit: once, or cycleRuns times when its output
// mentions an ordering cycle, keeping the smallest text.
func runUnit(ctx context.Context, prog, root, name string, rewrite func(string) string) (UnitRun, error) {
	best, err := runOnce(ctx, prog, root, name, rewrite)
	if err != nil {
		return UnitRun{}, err
	}
	if !strings.Contains(best.Text, "ordering cycle") {
		return best, nil
	}
	for range cycleRuns - 1 {
		r, err := runOnce(ctx, prog, root, name, rewrite)
		if err != nil {
			return UnitRun{}, err
		}
		if r.Text < best.Text || (r.Text == best.Text && r.ExitCode < best.ExitCode) {
			best = r
		}
	}
	return best, nil
}

func runOnce(ctx context.Context, prog, root, name string, rewrite func(string) string) (UnitRun, error) {
	if err := ctx.Err(); err != nil {
		return UnitRun{}, fmt.Errorf("verify %s: %w", name, err)
	}
	cmd := exec.CommandContext(ctx, prog, "verify", "--root="+root, "--man=no", "--", name)
	cmd.Env = environ()
	cmd.Dir = "/"
	cmd.WaitDelay = waitDelay
	var buf bytes.Buffer
	// One writer for both streams: exec hands the program one pipe, so
	// the text keeps the order in which it was written.
	cmd.Stdout = &buf
	cmd.Stderr = &buf
	err := cmd.Run()
	if ctxErr := ctx.Err(); ctxErr != nil {
		return UnitRun{}, fmt.Errorf("verify %s: %w", name, ctxErr)
	}
	code := 0
	if err != nil {
		var exit *exec.ExitError
		if !errors.As(err, &exit) || exit.ExitCode() < 0 {
			return UnitRun{}, fmt.Errorf("verify %s: %w", name, err)
		}
		code = exit.ExitCode()
	}
	text := rewrite(buf.String())
	if text != "" && !strings.HasSuffix(text, "\n") {
		text += "\n"
	}
	return UnitRun{Unit: name, Text: text, ExitCode: code}, nil
}

// environ is the whole environment Run gives systemd-analyze; nothing is
// inherited.
func environ() []string {
	return []string{
		"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
		"HOME=/root", // %h of the system manager
		"LC_ALL=C",
		"LANG=C",
		"TERM=dumb",
		"SYSTEMD_COLORS=0",
		"SYSTEMD_LOG_COLOR=0",
		"SYSTEMD_LOG_LEVEL=info",
		"SYSTEMD_LOG_LOCATION=0",
		"SYSTEMD_LOG_TARGET=console",
		"SYSTEMD_LOG_TID=0",
		"SYSTEMD_LOG_TIME=0",
		"SYSTEMD_PAGER=cat",
		"PAGER=cat",
	}
}

// rootRewriter returns a function that shows paths under root as seen
// from inside it: "ROOT/etc/x" becomes "/etc/x". Both root as given
// (absolute) and with its symlinks resolved are rewritten, the longer
// first.
func rootRewriter(root string) func(string) string {
	roots := []string{root}
	if real, err := filepath.EvalSymlinks(root); err == nil && real != root {
		roots = append(roots, real)
	}
	slices.SortFunc(roots, func(a, b string) int { return len(b) - len(a) })
	var pairs []string
	for _, r := range roots {
		if r == "/" {
			continue
		}
		pairs = append(pairs, strings.TrimSuffix(r, "/")+"/", "/")
	}
	if len(pairs) == 0 {
		return func(s string) string { return s }
	}
	return strings.NewReplacer(pairs...).Replace
}
