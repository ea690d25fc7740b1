// Package cli wires driftmap's commands to flags. It parses arguments,
// fills in what a command line leaves out (the home directory inside a
// copied root), loads sources, runs queries, picks an exporter by its
// --format name and hands it the results. It decides exit codes and when
// render must refuse to write (unparsable manifests, no canonical
// inputs), prints errors, hints and notes on standard error, and formats
// no result itself. It reads and parses the baseline file of check
// --baseline (queries never reads it), and writes the files the user
// names, check --output's reports and baseline's document, each
// atomically and never inside the audited root. Execute returns the exit
// status so main stays one line.
package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/launchctl"
	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/driftmap/driftmap/sources/sanctum"
)

// Exit statuses.
const (
	ExitOK       = 0 // the command produced its answer; check found nothing at --fail-on
	ExitFindings = 1 // check found a finding at or above --fail-on
	ExitUsage    = 2 // usage or setup error
)

// Env is the process environment a command runs in.
type Env struct {
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	// IsTerminal reports whether Stdout is a terminal (for colour).
	IsTerminal bool
	// ErrTerminal reports whether Stderr is a terminal (for the progress
	// of a long load).
	ErrTerminal bool
	// Now is the clock (render --prune dates what it retires); nil means
	// time.Now.
	Now func() time.Time
	// Hostname names this machine (the default --node: the part before
	// the first dot); nil means os.Hostname.
	Hostname func() (string, error)
}

// Main runs driftmap with the real process environment.
func Main() int {
	return Execute(os.Args[1:], ProcessEnv())
}

// ProcessEnv is the real process environment.
func ProcessEnv() Env {
	return Env{
		Stdout:      os.Stdout,
		Stderr:      os.Stderr,
		Getenv:      os.Getenv,
		IsTerminal:  isTerminal(os.Stdout),
		ErrTerminal: isTerminal(os.Stderr),
		Hostname:    os.Hostname,
	}
}

func isTerminal(f *os.File) bool {
	fi, err := f.Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// command is one subcommand.
type command struct {
	name  string
	args  string // synopsis of positional arguments
	short string
	long  string
	flags func(fs *pflag.FlagSet, o *opts)
	run   func(c *ctx, args []string) int
}

// opts holds every flag value; each command registers the ones it takes.
type opts struct {
	root, home, workspace string
	node                  string
	prefixes              []string
	format                string
	outputs               []string // check --output FORMAT=PATH
	baseline              string   // check --baseline FILE
	baselineOut           string   // baseline -o FILE
	failOn                string
	host                  string // check --host
	focus                 string
	depth                 int
	detail                bool
	kinds, collapse       []string
	highlight             string
	check, diff, prune    bool
	apply, shim           bool     // fix
	only                  []string // fix --only
	planOut, planIn, undo string   // fix -o, --plan, --undo
	live                  []string // --live FILE|auto
	systemdAll            bool     // --systemd-all
	truth                 string   // --truth
	from                  []string // snapshot --from
	snapOut               string   // snapshot -o
	every, textfileDir    string   // schedule --every, --textfile-dir
}

// ctx is what a running command sees.
type ctx struct {
	env   Env
	o     *opts
	flags *pflag.FlagSet

	// The --live inputs, resolved once (a snapshot is taken once).
	liveReady bool
	liveFiles []string
	liveTaken []*launchctl.Snapshot
}

// usageError is a command-line mistake: exit 2 with a hint.
type usageError struct{ msg, hint string }

func (e *usageError) Error() string { return e.msg }

func (c *ctx) fail(err error) int {
	msg, hint := err.Error(), ""
	var ue *usageError
	var se *sources.SetupError
	switch {
	case errors.As(err, &ue):
		hint = ue.hint
	case errors.As(err, &se):
		hint = se.Hint
	}
	fmt.Fprintf(c.env.Stderr, "driftmap: error: %s\n", exporters.Text(msg))
	if hint != "" {
		fmt.Fprintf(c.env.Stderr, "driftmap: hint: %s\n", exporters.Text(hint))
	}
	return ExitUsage
}

func commands() []*command {
	return []*command{checkCmd, fleetCmd, baselineCmd, graphCmd, impactCmd, whyCmd, ownersCmd, renderCmd, fixCmd, snapshotCmd, scheduleCmd, rulesCmd, explainCmd, synthCmd, versionCmd}
}

// Execute runs the command line args (without the program name) and
// returns the exit status.
func Execute(args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	c := &ctx{env: env, o: &opts{}}
	if len(args) == 0 {
		usage(env.Stderr)
		return ExitUsage
	}
	name := args[0]
	switch name {
	case "help", "-h", "--help":
		if len(args) > 1 {
			if cmd := find(args[1]); cmd != nil {
				cmdUsage(env.Stdout, cmd)
				return ExitOK
			}
			return c.fail(&usageError{fmt.Sprintf("unknown command %q", args[1]), "run 'driftmap help' for the list of commands"})
		}
		usage(env.Stdout)
		return ExitOK
	case "--version":
		if len(args) > 1 {
			return c.fail(&usageError{fmt.Sprintf("--version takes no arguments, got %q", args[1]), "run 'driftmap --version'"})
		}
		fmt.Fprintln(env.Stdout, versionLine(debug.ReadBuildInfo()))
		return ExitOK
	}
	cmd := find(name)
	if cmd == nil {
		hint := "run 'driftmap help' for the list of commands"
		if strings.HasPrefix(name, "-") {
			hint = "flags go after the command name, e.g. 'driftmap check --root DIR'"
		}
		return c.fail(&usageError{fmt.Sprintf("unknown command %q", name), hint})
	}
	fs := pflag.NewFlagSet("driftmap "+cmd.name, pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	fs.SortFlags = false
	if cmd.flags != nil {
		cmd.flags(fs, c.o)
	}
	help := fs.BoolP("help", "h", false, "show help for this command")
	if err := fs.Parse(args[1:]); err != nil {
		return c.fail(&usageError{err.Error(), fmt.Sprintf("run 'driftmap %s -h' for its flags", cmd.name)})
	}
	if *help {
		cmdUsage(env.Stdout, cmd)
		return ExitOK
	}
	c.flags = fs
	return cmd.run(c, fs.Args())
}

func find(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return c
		}
	}
	return nil
}

func usage(w io.Writer) {
	fmt.Fprint(w, `driftmap audits runtime drift in a launchd service constellation: it loads
launchd plists, wrapper scripts, service manifests, instance.yaml and the
runtime catalog into one dependency graph and reports what is dangling,
cyclic, duplicated, unmanaged or drifted.

Usage:
  driftmap COMMAND [flags]

Commands:
`)
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.short)
	}
	fmt.Fprint(w, `
Every command but fleet, synth and version takes --root, --home, --workspace,
--label-prefix and --node. 'driftmap --version' prints the version.
Run 'driftmap help COMMAND' or 'driftmap COMMAND -h' for details.
`)
}

func cmdUsage(w io.Writer, cmd *command) {
	fmt.Fprintf(w, "Usage: driftmap %s [flags]%s\n\n%s\n", cmd.name, cmd.args, cmd.long)
	fs := pflag.NewFlagSet(cmd.name, pflag.ContinueOnError)
	fs.SortFlags = false
	if cmd.flags != nil {
		cmd.flags(fs, &opts{})
	}
	if fs.HasFlags() {
		fmt.Fprintf(w, "\nFlags:\n%s", fs.FlagUsages())
	}
}

// layoutFlags registers the flags every audit command takes.
func layoutFlags(fs *pflag.FlagSet, o *opts) {
	rootFlags(fs, o)
	fs.StringArrayVar(&o.live, "live", nil, "also audit what launchd has loaded, from `FILE` (a snapshot, or launchctl's output; repeatable), or auto to take a snapshot now (macOS)")
}

// rootFlags registers the flags that say where the machine is.
func rootFlags(fs *pflag.FlagSet, o *opts) {
	fs.StringVar(&o.root, "root", "/", "audit the tree under `DIR` as if it were /")
	fs.StringVar(&o.home, "home", "", "home directory `PATH` as seen inside the root (default $HOME)")
	fs.StringVar(&o.workspace, "workspace", ".", "checked-in workspace `DIR` holding sanctum/runtime_catalog.yaml and driftmap.yaml")
	fs.StringArrayVar(&o.prefixes, "label-prefix", nil, "audit launchd jobs whose Label starts with `PREFIX` (repeatable; default com.sanctum. and haus.sanctum.; empty admits all)")
	fs.StringVar(&o.node, "node", "", "apply instance.yaml's overrides for the machine `NAME` (default node: in driftmap.yaml, else this machine's short host name)")
	fs.StringVar(&o.truth, "truth", "", "which canonical source owns the facts both state: `instance` (instance.yaml owns enabled and port) or catalog (the catalog owns all it states); default truth: in driftmap.yaml, else instance")
	fs.BoolVar(&o.systemdAll, "systemd-all", false, "also audit the systemd units of /usr/lib/systemd and /lib/systemd (by default they only satisfy dependencies)")
}

// load reads every source as the flags say.
func (c *ctx) load() (*sources.Snapshot, error) { return c.loadWith(nil) }

// loadDisk reads the files alone, without --live.
func (c *ctx) loadDisk() (*sources.Snapshot, error) {
	return c.loadOpts(nil, false)
}

// loadWith reads every source as the flags say, through fsys (nil: the
// root itself, with progress on a terminal).
func (c *ctx) loadWith(fsys rootfs.FS) (*sources.Snapshot, error) {
	return c.loadOpts(fsys, true)
}

// loadOpts is loadWith, with or without what --live names.
func (c *ctx) loadOpts(fsys rootfs.FS, live bool) (*sources.Snapshot, error) {
	o := c.o
	if live && !c.liveReady {
		files, taken, err := c.liveOptions()
		if err != nil {
			return nil, err
		}
		c.liveReady, c.liveFiles, c.liveTaken = true, files, taken
	}
	var liveFiles []string
	var liveTaken []*launchctl.Snapshot
	if live {
		liveFiles, liveTaken = c.liveFiles, c.liveTaken
	}
	home := o.home
	if home == "" {
		home = c.defaultHome()
	}
	if home == "" {
		return nil, &usageError{"no home directory: $HOME is not set", "pass --home /Users/NAME"}
	}
	if err := checkTruth(o.truth); err != nil {
		return nil, err
	}
	var prefixes []string
	if c.flags.Changed("label-prefix") {
		prefixes = slices.Clone(o.prefixes)
	}
	var p *sources.Progress
	stop := func() {}
	if c.env.ErrTerminal && fsys == nil {
		p = &sources.Progress{}
		stop = progress(c.env.Stderr, p)
	}
	snap, err := sources.Load(sources.Options{
		Root:          o.root,
		Home:          home,
		Workspace:     o.workspace,
		LabelPrefixes: prefixes,
		SystemdAll:    o.systemdAll,
		Truth:         o.truth,
		Node:          o.node,
		Hostname:      c.hostname(),
		Progress:      p,
		FS:            fsys,
		Live:          liveFiles,
		LiveSnapshots: liveTaken,
	})
	stop()
	if err == nil && fsys == nil && snap.Instance != nil && snap.Instance.Node != "" {
		fmt.Fprintf(c.env.Stderr, "driftmap: note: applying node %s's overrides from %s\n", exporters.Text(snap.Instance.Node), exporters.Text(snap.Instance.File))
	}
	return snap, err
}

// checkTruth checks --truth: empty (driftmap.yaml's truth:, else
// instance), instance or catalog.
func checkTruth(truth string) error {
	if truth != "" && truth != sanctum.TruthInstance && truth != sanctum.TruthCatalog {
		return &usageError{fmt.Sprintf("--truth %s: want instance or catalog", exporters.Text(truth)), "--truth instance: instance.yaml owns enabled and port; --truth catalog: the catalog owns every fact it states"}
	}
	return nil
}

// hostname is this machine's short host name (up to the first dot), or
// "" when it cannot be told.
func (c *ctx) hostname() string {
	get := c.env.Hostname
	if get == nil {
		get = os.Hostname
	}
	h, err := get()
	if err != nil {
		return ""
	}
	h, _, _ = strings.Cut(h, ".")
	return h
}

// defaultHome is $HOME, unless a --root is given whose Users and home
// directories hold exactly one home between them: auditing a copied
// machine, that is the one.
func (c *ctx) defaultHome() string {
	home := c.env.Getenv("HOME")
	if c.o.root == "/" || c.o.root == "" {
		return home
	}
	// Looked at through rootfs, so that a symlinked Users or home never
	// makes driftmap look outside the root.
	fsys := rootfs.RootFS{Dir: c.o.root}
	if home != "" {
		if p, err := rootfs.Resolve(fsys, home); err == nil {
			if fi, err := fsys.Lstat(p); err == nil && fi.IsDir() {
				return home
			}
		}
	}
	var users []string
	for _, dir := range []string{"/Users", "/home"} {
		entries, err := fsys.ReadDir(dir)
		if err != nil {
			continue
		}
		for _, e := range entries {
			if e.IsDir() && e.Name() != "Shared" && !strings.HasPrefix(e.Name(), ".") {
				users = append(users, dir+"/"+e.Name())
			}
		}
	}
	if len(users) == 1 {
		return users[0]
	}
	return home
}

func (c *ctx) now() time.Time {
	if c.env.Now != nil {
		return c.env.Now()
	}
	return time.Now()
}

// color reports whether output should be coloured.
func (c *ctx) color() bool {
	return c.env.IsTerminal && c.env.Getenv("NO_COLOR") == ""
}
