package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/pflag"

	"github.com/driftmap/driftmap/internal/schedule"
)

var scheduleCmd = &command{
	name:  "schedule",
	args:  " launchd|systemd",
	short: "print a LaunchAgent or systemd timer that runs check for Prometheus",
	long: `Prints to standard output the definitions of a job that runs
'driftmap check --fail-on never --output prometheus=DIR/driftmap.prom'
every --every, with the --root, --home, --workspace, --label-prefix,
--node, --truth and --systemd-all given here (the home and the workspace
always, as absolute paths: the job runs from /, and a system service has
no $HOME). DIR is --textfile-dir, the directory of node exporter's
textfile collector; it must exist when the job runs.

launchd: a LaunchAgent plist, Label com.driftmap.audit, with StartInterval,
RunAtLoad, and its errors in ~/Library/Logs/driftmap-audit.log (the text
report goes nowhere: the textfile is the report); save it as
~/Library/LaunchAgents/com.driftmap.audit.plist. DIR defaults to
~/Library/Application Support/driftmap/textfile.

systemd: driftmap-audit.service (Type=oneshot) and driftmap-audit.timer
(OnBootSec= and OnUnitActiveSec= --every, WantedBy=timers.target;
StandardOutput=null, so the journal keeps only driftmap's errors), each
after a comment line naming its file in /etc/systemd/system. DIR defaults
to /var/lib/prometheus/node-exporter (Debian's prometheus-node-exporter).

The program is this driftmap binary's absolute path ($DRIFTMAP_EXECUTABLE
replaces it). Nothing is written or loaded. Exits 0, or 2 on a usage
error (an unknown target, an --every under 1m).`,
	flags: func(fs *pflag.FlagSet, o *opts) {
		fs.StringVar(&o.every, "every", "10m", "run the audit every `DURATION` (a Go duration, at least 1m: 10m, 1h30m)")
		fs.StringVar(&o.textfileDir, "textfile-dir", "", "write driftmap.prom into `DIR`, node exporter's textfile directory (default: see above)")
		rootFlags(fs, o)
	},
	run: runSchedule,
}

func runSchedule(c *ctx, args []string) int {
	targets := "driftmap schedule launchd (a LaunchAgent) or driftmap schedule systemd (a service and a timer)"
	if len(args) != 1 {
		return c.fail(&usageError{"schedule takes one target, launchd or systemd", targets})
	}
	target := args[0]
	if target != "launchd" && target != "systemd" {
		return c.fail(&usageError{fmt.Sprintf("unknown target %q", target), targets})
	}
	every, err := time.ParseDuration(c.o.every)
	if err == nil {
		err = schedule.CheckEvery(every)
	}
	if err != nil {
		return c.fail(&usageError{fmt.Sprintf("invalid --every %q: %s", c.o.every, strings.TrimPrefix(err.Error(), "time: ")), "give a Go duration of at least 1m in whole seconds, e.g. --every 10m or --every 1h"})
	}
	program, err := c.executable()
	if err != nil {
		return c.fail(err)
	}
	userHome := c.env.Getenv("HOME")
	if !filepath.IsAbs(userHome) {
		return c.fail(&usageError{"no home directory: $HOME is not set or not absolute", "set HOME to your home directory"})
	}
	dir := c.o.textfileDir
	if dir == "" {
		dir = schedule.DefaultTextfileDir(target, userHome)
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return c.fail(err)
	}
	flags, err := c.auditFlags()
	if err != nil {
		return c.fail(err)
	}
	j := schedule.Job{Program: program, Flags: flags, Every: every, TextfileDir: dir, Home: userHome}
	var out []byte
	if target == "launchd" {
		out, err = schedule.Launchd(j)
	} else {
		out, err = schedule.Systemd(j)
	}
	if err != nil {
		return c.fail(&usageError{err.Error(), "run 'driftmap schedule -h'"})
	}
	if _, err := c.env.Stdout.Write(out); err != nil {
		return c.fail(err)
	}
	if strings.Contains(program, "/go-build") {
		fmt.Fprintf(c.env.Stderr, "driftmap: note: %s is go run's temporary binary; install driftmap (go install) and run schedule from it\n", program)
	}
	return ExitOK
}

// executable is the absolute path of the driftmap binary the job runs:
// $DRIFTMAP_EXECUTABLE, else this process's (a symlink is kept, so that
// a package manager's link survives an upgrade).
func (c *ctx) executable() (string, error) {
	if p := c.env.Getenv("DRIFTMAP_EXECUTABLE"); p != "" {
		if !filepath.IsAbs(p) {
			return "", &usageError{fmt.Sprintf("DRIFTMAP_EXECUTABLE %q is not an absolute path", p), "name the driftmap binary by its absolute path"}
		}
		return filepath.Clean(p), nil
	}
	p, err := os.Executable()
	if err != nil {
		return "", &usageError{fmt.Sprintf("cannot tell where the driftmap binary is: %s", err), "set DRIFTMAP_EXECUTABLE to its absolute path"}
	}
	return p, nil
}

// auditFlags are the flags that make the scheduled check audit what
// these flags say, from any working directory: --root when not /, the
// home and the workspace as absolute paths, then --label-prefix,
// --node, --truth and --systemd-all when given.
func (c *ctx) auditFlags() ([]string, error) {
	o := c.o
	var flags []string
	if o.root != "/" && o.root != "" {
		root, err := filepath.Abs(o.root)
		if err != nil {
			return nil, err
		}
		flags = append(flags, "--root", root)
	}
	home := o.home
	if home == "" {
		home = c.defaultHome()
	}
	if home == "" {
		return nil, &usageError{"no home directory: $HOME is not set", "pass --home /Users/NAME"}
	}
	ws, err := filepath.Abs(o.workspace)
	if err != nil {
		return nil, err
	}
	flags = append(flags, "--home", home, "--workspace", ws)
	if c.flags.Changed("label-prefix") {
		for _, p := range o.prefixes {
			flags = append(flags, "--label-prefix", p)
		}
	}
	if o.node != "" {
		flags = append(flags, "--node", o.node)
	}
	if err := checkTruth(o.truth); err != nil {
		return nil, err
	}
	if o.truth != "" {
		flags = append(flags, "--truth", o.truth)
	}
	if o.systemdAll {
		flags = append(flags, "--systemd-all")
	}
	return flags, nil
}
