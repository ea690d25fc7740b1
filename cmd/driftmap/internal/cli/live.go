package cli

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"slices"

	"github.com/spf13/pflag"

	"github.com/driftmap/driftmap/exporters"
	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/launchctl"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// liveAuto is the --live value that takes a snapshot now.
const liveAuto = "auto"

// launchctlEnv names the launchctl a snapshot runs instead of the one
// on PATH, on any system: tests set it to a fake.
const launchctlEnv = "DRIFTMAP_LAUNCHCTL"

var snapshotCmd = &command{
	name:  "snapshot",
	short: "record what launchd has loaded, for check --live",
	long: `Writes one snapshot document (driftmap/snapshot/v1, JSON) of what launchd
has loaded: every job of your gui domain and of the system domain with its
pid and last exit status, a full print of each in-scope job (program,
arguments, the plist it was loaded from), and launchd's override database.
On macOS it runs launchctl print gui/UID, print system, print gui/UID/LABEL
for each in-scope job and print-disabled for both domains; driftmap never
runs anything else, and never changes what is loaded.

Everywhere, --from FILE (repeatable) builds the same document from outputs
of launchctl saved earlier: print (of a service or a domain), list, list
LABEL and print-disabled, in any mix. Credential-like arguments are
redacted in the document. Pass it to any auditing command with --live FILE
(or give the raw outputs to --live directly).

Exits 0 when the snapshot was written, 2 when launchctl could not be run
(or on a system without it, unless --from is given).`,
	flags: func(fs *pflag.FlagSet, o *opts) {
		fs.StringArrayVar(&o.from, "from", nil, "build the snapshot from launchctl's saved output in `FILE` (repeatable)")
		fs.StringVarP(&o.snapOut, "output", "o", "-", "write the snapshot to `FILE` (- for standard output)")
		rootFlags(fs, o)
	},
	run: runSnapshot,
}

func runSnapshot(c *ctx, args []string) int {
	if len(args) > 0 {
		return c.fail(&usageError{fmt.Sprintf("snapshot takes no arguments, got %q", args[0]), "pass saved outputs with --from FILE"})
	}
	var snap *launchctl.Snapshot
	if len(c.o.from) > 0 {
		var snaps []*launchctl.Snapshot
		for _, f := range c.o.from {
			data, err := rootfs.ReadHostFile(f, rootfs.MaxFleet)
			if err != nil {
				return c.fail(&usageError{fmt.Sprintf("cannot read %s: %s", f, rootfs.Reason(err)), "--from names a file holding launchctl's output"})
			}
			snaps = append(snaps, launchctl.Parse(data, f))
		}
		snap = launchctl.Merge(snaps...)
	} else {
		if _, err := c.launchctl(); err != nil {
			return c.fail(err)
		}
		disk, err := c.loadDisk()
		if err != nil {
			return c.fail(err)
		}
		if snap, err = c.takeSnapshot(disk); err != nil {
			return c.fail(err)
		}
	}
	for _, p := range snap.Problems {
		loc := p.File
		if p.Line > 0 {
			loc = fmt.Sprintf("%s:%d", p.File, p.Line)
		}
		fmt.Fprintf(c.env.Stderr, "driftmap: note: %s: %s\n", exporters.Text(loc), exporters.Text(p.Message))
	}
	data, err := snap.Marshal()
	if err != nil {
		return c.fail(err)
	}
	if c.o.snapOut == "-" {
		if _, err := c.env.Stdout.Write(data); err != nil {
			return c.fail(err)
		}
		return ExitOK
	}
	if err := writeFileAtomic(c.o.snapOut, data); err != nil {
		return c.fail(&usageError{fmt.Sprintf("cannot write %s: %v", c.o.snapOut, err), "choose a writable -o FILE"})
	}
	return ExitOK
}

// takeSnapshot runs launchctl for the jobs of disk, the audit of the
// files alone.
func (c *ctx) takeSnapshot(disk *sources.Snapshot) (*launchctl.Snapshot, error) {
	run, err := c.launchctl()
	if err != nil {
		return nil, err
	}
	var labels []string
	for _, j := range disk.Graph.NodesOf(graph.Job) {
		if j.Label != "" && j.State == graph.Live {
			labels = append(labels, j.Label)
		}
	}
	slices.Sort(labels)
	snap, _, err := launchctl.Take(run, os.Getuid(), slices.Compact(labels), true)
	if err != nil {
		return nil, &usageError{"running launchctl: " + err.Error(), "run driftmap as the user whose jobs it audits, on the Mac itself"}
	}
	return snap, nil
}

// launchctl returns the runner of launchctl: $DRIFTMAP_LAUNCHCTL when
// set (tests), else launchctl on PATH, on macOS only.
func (c *ctx) launchctl() (launchctl.Runner, error) {
	bin := c.env.Getenv(launchctlEnv)
	if bin == "" {
		if runtime.GOOS != "darwin" {
			return nil, &usageError{fmt.Sprintf("taking a snapshot runs launchctl, which only macOS has (this is %s)", runtime.GOOS),
				"on the Mac, run 'driftmap snapshot -o FILE' and pass --live FILE here; or save launchctl's outputs and use 'driftmap snapshot --from FILE'"}
		}
		bin = "launchctl"
	}
	path, err := exec.LookPath(bin)
	if err != nil {
		return nil, &usageError{"cannot find launchctl: " + err.Error(), "driftmap runs the launchctl on PATH"}
	}
	return func(args ...string) ([]byte, error) {
		var out, errb bytes.Buffer
		cmd := exec.Command(path, args...)
		cmd.Stdout, cmd.Stderr = &out, &errb
		err := cmd.Run()
		if err != nil {
			return out.Bytes(), fmt.Errorf("launchctl %s: %v: %s", args[0], err, bytes.TrimSpace(errb.Bytes()))
		}
		return out.Bytes(), nil
	}, nil
}

// liveOptions turns --live into the files and the snapshot taken now
// (--live auto) that Load reads.
func (c *ctx) liveOptions() (files []string, taken []*launchctl.Snapshot, err error) {
	for _, f := range c.o.live {
		if f != liveAuto {
			files = append(files, f)
			continue
		}
		disk, err := c.loadDisk()
		if err != nil {
			return nil, nil, err
		}
		s, err := c.takeSnapshot(disk)
		if err != nil {
			return nil, nil, err
		}
		taken = append(taken, s)
	}
	return files, taken, nil
}
