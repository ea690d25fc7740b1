package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/driftmap/driftmap/sources/sourcetest"
)

// The hostile tree is testdata/hostile (what git can store: secrets,
// forged labels, a symlink escape through a missing component, a 42-link
// chain, a .retired that is a file, a stale temporary, bad ports) plus
// what hostileTree adds at run time: FIFOs, a device node, binary and XML
// plist bombs, a sparse oversize plist, a YAML alias bomb, a symlink to a
// host directory outside the root, and a wide fan-in for impact.
// docs/reliability.md lists every case and what it must yield.

// secretMarker is in every planted secret; no output may contain it.
const secretMarker = "HOSTILE-SECRET"

// commandTimeout bounds each command: a hang fails the test instead of
// blocking it.
const commandTimeout = 2 * time.Minute

// fanIn is how many jobs share one file for the impact case.
const fanIn = 5000

func TestHostileTree(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and a large tree")
	}
	bin := buildDriftmap(t)
	base := t.TempDir()
	outside := filepath.Join(base, "outside") // a host directory outside the root
	tree := filepath.Join(base, "tree")
	hostileTree(t, tree, outside)
	root, ws := filepath.Join(tree, "root"), filepath.Join(tree, "workspace")
	before := sourcetest.TreeState(t, outside)

	flags := []string{"--root", root, "--home", "/Users/bert", "--workspace", ws}
	for _, tc := range []struct {
		args    []string
		exit    int
		want    []string // substrings of stdout+stderr
		notWant []string
		once    []string // substrings that must appear exactly once
	}{
		{args: []string{"check"}, exit: 1, want: hostileFindings(), notWant: []string{"com.sanctum.escaped"},
			once: []string{"chain of more than 40 symlinks", "com.sanctum.bomb.plist", "driftmap.yaml: error"}},
		{args: []string{"check", "--format", "json"}, exit: 1},
		{args: []string{"check", "--format", "dot"}, exit: 1},
		{args: []string{"check", "--format", "sarif"}, exit: 1},
		{args: []string{"check", "--format", "github"}, exit: 1},
		{args: []string{"baseline", "-o", "-"}, exit: 0},
		{args: []string{"graph"}, exit: 0},
		{args: []string{"graph", "--format", "json"}, exit: 0},
		// 5,000 jobs no service claims: folded into one group to fit.
		{args: []string{"graph", "--format", "svg"}, exit: 0, want: []string{"driftmap: note: the map has", "as --collapse", "<svg"}},
		{args: []string{"graph", "--format", "mermaid"}, exit: 0, want: []string{"driftmap: note: the map has", "flowchart LR"}},
		{args: []string{"graph", "--detail", "--format", "svg"}, exit: 0, want: []string{"driftmap: note: the map has", "<svg"}},
		{args: []string{"impact", "/opt/bin/shared"}, exit: 0, want: []string{fmt.Sprintf("%d nodes affected", fanIn)}},
		{args: []string{"impact", "--format", "json", "/opt/bin/shared"}, exit: 0},
		{args: []string{"why", "job:com.sanctum.keep", "/Users/bert/.sanctum/bin/link00"}, exit: 0, want: []string{"-> wrapper:/Users/bert/.sanctum/bin/link00 [exec]"}},
		{args: []string{"why", "--format", "json", "job:com.sanctum.fan0001", "/opt/bin/shared"}, exit: 0},
		{args: []string{"render", "--check", "--diff"}, exit: 1},
		{args: []string{"render", "--check", "--diff", "--prune"}, exit: 1},
		// Both refuse before writing anything: .retired is a file, and
		// services/fifo.yaml cannot be read.
		{args: []string{"render", "--prune"}, exit: 2, want: []string{".retired"}},
		{args: []string{"render"}, exit: 2, want: []string{"fifo.yaml"}},
	} {
		name := strings.Join(tc.args, " ")
		t.Run(name, func(t *testing.T) {
			inside := sourcetest.TreeState(t, root)
			out, code := run(t, bin, append(tc.args, flags...)...)
			if code != tc.exit {
				t.Errorf("exit %d, want %d; output:\n%s", code, tc.exit, clip(out))
			}
			if strings.Contains(out, secretMarker) {
				t.Errorf("a planted secret reached the output:\n%s", linesWith(out, secretMarker))
			}
			if strings.Contains(out, "\x1b") {
				t.Errorf("a raw escape character reached the output:\n%q", linesWith(out, "\x1b"))
			}
			for _, w := range tc.want {
				if !strings.Contains(out, w) {
					t.Errorf("output lacks %q:\n%s", w, clip(out))
				}
			}
			for _, w := range tc.once {
				if n := strings.Count(out, w); n != 1 {
					t.Errorf("%q appears %d times, want once:\n%s", w, n, linesWith(out, w))
				}
			}
			for _, w := range tc.notWant {
				if strings.Contains(out, w) {
					t.Errorf("output has %q:\n%s", w, linesWith(out, w))
				}
			}
			if d := sourcetest.DiffTrees(inside, sourcetest.TreeState(t, root)); d != "" {
				t.Errorf("%s changed the audited root:\n%s", name, d)
			}
		})
	}
	if d := sourcetest.DiffTrees(before, sourcetest.TreeState(t, outside)); d != "" {
		t.Errorf("a file outside the root changed:\n%s", d)
	}
}

// hostileFindings are what check must say about the hostile tree, one
// line (or the telling part of one) per case.
func hostileFindings() []string {
	la := "/Users/bert/Library/LaunchAgents/"
	want := []string{
		// Root escape through a missing component then "..".
		la + "com.sanctum.esc.plist: error: cannot be read (no such file or directory) [parse-error]",
		// Only regular files are read.
		la + "com.sanctum.fifo.plist: error: not a regular file (a FIFO) [parse-error]",
		"/Users/bert/.sanctum/services/fifo.yaml: error: not a regular file (a FIFO) [parse-error]",
		"cannot read output /Users/bert/.sanctum/.instance.json: not a regular file (a FIFO) [artifact-drift]",
		la + "com.sanctum.sparse.plist: error: larger than 16 MiB; driftmap reads at most 16 MiB of a file of this kind [parse-error]",
		// Bounded parsers.
		la + "com.sanctum.bomb.plist: error: too large once expanded:",
		la + "com.sanctum.chain.plist: error: too deeply nested:",
		la + "com.sanctum.nested.plist:2: error: too deeply nested:",
		"/workspace/driftmap.yaml: error: too large once aliases are expanded:",
		// Values out of range.
		"/Users/bert/.sanctum/instance.yaml:4: error: services.gateway.port must be a port number from 1 to 65535, found 65536 [parse-error]",
		"/Users/bert/.sanctum/instance.yaml:5: error: services.low.port must be a port number from 1 to 65535, found -1 [parse-error]",
		// One finding for a chain of 42 links.
		"/Users/bert/.sanctum/bin/link00: error: wrapper /Users/bert/.sanctum/bin/link00 points to /Users/bert/.sanctum/bin/link01, the first of a chain of more than 40 symlinks",
		// Redacted, and escaped.
		"job com.sanctum.api runs /opt/bin/tool --password=<redacted> (Program), which does not exist [missing-target]",
		`live job com.sanctum.forge\n/etc/passwd:1: error: forged line [missing-target] is claimed by no catalog`,
		`live job com.sanctum.esc\x1b[2J\x1b[31mred is claimed by no catalog`,
	}
	if os.Geteuid() == 0 {
		want = append(want, la+"com.sanctum.zero.plist: error: not a regular file (a character device) [parse-error]")
	}
	return want
}

// buildDriftmap builds the command into a temporary directory.
func buildDriftmap(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "driftmap")
	cmd := exec.Command(filepath.Join(runtime.GOROOT(), "bin", "go"), "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// run runs the binary with a timeout and returns its combined output and
// exit code.
func run(t *testing.T, bin string, args ...string) (string, int) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), commandTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	if ctx.Err() != nil {
		t.Fatalf("driftmap %s did not finish within %s", strings.Join(args, " "), commandTimeout)
	}
	var ee *exec.ExitError
	switch {
	case err == nil:
		return out.String(), 0
	case errors.As(err, &ee):
		return out.String(), ee.ExitCode()
	}
	t.Fatalf("driftmap %s: %v", strings.Join(args, " "), err)
	return "", 0
}

// hostileTree copies testdata/hostile to dir and adds what git cannot
// store. outside is created as a host directory outside the root, with a
// payload a root escape would read.
func hostileTree(t *testing.T, dir, outside string) {
	t.Helper()
	copyTree(t, "../../testdata/hostile", dir)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	root := filepath.Join(dir, "root")
	la := filepath.Join(root, "Users/bert/Library/LaunchAgents")
	services := filepath.Join(root, "Users/bert/.sanctum/services")

	// A host directory outside the root, reached only if resolution
	// escapes: LaunchAgents/evil -> OUTSIDE, and the plist
	// com.sanctum.esc.plist -> nx/../evil/payload.plist.
	must(os.MkdirAll(outside, 0o755))
	must(os.WriteFile(filepath.Join(outside, "payload.plist"), []byte(sourcetest.PlistXML("com.sanctum.escaped-"+secretMarker, "/bin/true")), 0o644))
	must(os.Symlink(outside, filepath.Join(la, "evil")))

	// FIFOs named like every kind of file driftmap reads.
	for _, p := range []string{
		filepath.Join(la, "com.sanctum.fifo.plist"),
		filepath.Join(services, "fifo.yaml"),
		filepath.Join(root, "Users/bert/.sanctum/.instance.json"),
	} {
		must(syscall.Mkfifo(p, 0o644))
	}
	// A character device inside the root, where root may make one.
	if os.Geteuid() == 0 {
		must(syscall.Mknod(filepath.Join(la, "com.sanctum.zero.plist"), syscall.S_IFCHR|0o644, int(mkdev(1, 5))))
	}
	// Plist bombs.
	must(os.WriteFile(filepath.Join(la, "com.sanctum.bomb.plist"), bplistBomb(26), 0o644))
	must(os.WriteFile(filepath.Join(la, "com.sanctum.chain.plist"), bplistChain(1_000_000), 0o644))
	must(os.WriteFile(filepath.Join(la, "com.sanctum.nested.plist"), nestedXML(1_000_000), 0o644))
	// A 500 MB sparse plist: over the size cap, never read whole.
	f, err := os.Create(filepath.Join(la, "com.sanctum.sparse.plist"))
	must(err)
	must(f.Truncate(500 << 20))
	must(f.Close())
	// A YAML alias bomb: 3,000 services each requiring all of them.
	must(os.WriteFile(filepath.Join(dir, "workspace/driftmap.yaml"), yamlAliasBomb(3000), 0o644))
	// A forged label with an escape sequence (binary plists may hold one).
	must(os.WriteFile(filepath.Join(la, "com.sanctum.esc-seq.plist"), bplistLabel("com.sanctum.esc\x1b[2J\x1b[31mred"), 0o644))
	// impact of a file that fanIn jobs share.
	for i := range fanIn {
		label := fmt.Sprintf("com.sanctum.fan%04d", i)
		must(os.WriteFile(filepath.Join(la, label+".plist"), []byte(sourcetest.PlistXML(label, "/opt/bin/shared")), 0o644))
	}
	must(os.WriteFile(filepath.Join(root, "opt/bin/shared"), []byte("#!/bin/sh\n"), 0o755))
}

func mkdev(major, minor uint32) uint64 {
	return uint64(major)<<8 | uint64(minor)
}

// bplist assembles a binary plist from encoded objects; object 0 is the
// top. refSize and offSize are the byte widths of references and offsets.
func bplist(objs [][]byte, refSize, offSize int) []byte {
	var b bytes.Buffer
	b.WriteString("bplist00")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		b.Write(o)
	}
	table := b.Len()
	for _, off := range offsets {
		b.Write(uintBytes(uint64(off), offSize))
	}
	var trailer [32]byte
	trailer[6], trailer[7] = byte(offSize), byte(refSize)
	binary.BigEndian.PutUint64(trailer[8:], uint64(len(objs)))
	binary.BigEndian.PutUint64(trailer[16:], 0)
	binary.BigEndian.PutUint64(trailer[24:], uint64(table))
	b.Write(trailer[:])
	return b.Bytes()
}

func uintBytes(v uint64, n int) []byte {
	out := make([]byte, n)
	for i := n - 1; i >= 0; i-- {
		out[i] = byte(v)
		v >>= 8
	}
	return out
}

// ascii encodes a short ASCII string object.
func ascii(s string) []byte {
	if len(s) >= 15 {
		return append([]byte{0x5f, 0x10, byte(len(s))}, s...)
	}
	return append([]byte{0x50 | byte(len(s))}, s...)
}

// bplistBomb is a dict {Label, X} whose X is an array of levels, each
// level an array holding the next level twice: 2^levels objects once
// expanded, in a few hundred bytes.
func bplistBomb(levels int) []byte {
	// 0: dict, 1: "Label", 2: label, 3: "X", 4..4+levels: arrays, last: "x"
	objs := [][]byte{{0xd2, 1, 3, 2, 4}, ascii("Label"), ascii("com.sanctum.bomb"), ascii("X")}
	for i := range levels {
		next := byte(4 + i + 1)
		objs = append(objs, []byte{0xa2, next, next})
	}
	objs = append(objs, ascii("x"))
	return bplist(objs, 1, 2)
}

// bplistChain is a dict {Label, X} whose X starts a chain of n arrays,
// each holding the next.
func bplistChain(n int) []byte {
	objs := [][]byte{append([]byte{0xd2}, append(uintBytes(1, 3), append(uintBytes(3, 3), append(uintBytes(2, 3), uintBytes(4, 3)...)...)...)...),
		ascii("Label"), ascii("com.sanctum.chain"), ascii("X")}
	for i := range n {
		objs = append(objs, append([]byte{0xa1}, uintBytes(uint64(4+i+1), 3)...))
	}
	objs = append(objs, ascii("x"))
	return bplist(objs, 3, 4)
}

// bplistLabel is a binary plist whose Label is label.
func bplistLabel(label string) []byte {
	return bplist([][]byte{{0xd1, 1, 2}, ascii("Label"), ascii(label)}, 1, 1)
}

// nestedXML is an XML plist nesting n arrays.
func nestedXML(n int) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\"><dict><key>Label</key><string>com.sanctum.nested</string><key>X</key>")
	b.WriteString(strings.Repeat("<array>", n))
	b.WriteString(strings.Repeat("</array>", n))
	b.WriteString("</dict></plist>\n")
	return b.Bytes()
}

// yamlAliasBomb is a driftmap.yaml whose n services each require the
// same aliased list of all n: n*n references from a file of O(n) bytes.
func yamlAliasBomb(n int) []byte {
	var b bytes.Buffer
	b.WriteString("services:\n")
	for i := range n {
		if i == 0 {
			b.WriteString("  s0000:\n    requires: &all [")
			for j := range n {
				if j > 0 {
					b.WriteString(", ")
				}
				fmt.Fprintf(&b, "s%04d", j)
			}
			b.WriteString("]\n")
			continue
		}
		fmt.Fprintf(&b, "  s%04d: {requires: *all}\n", i)
	}
	return b.Bytes()
}

// copyTree copies src to dst, keeping symlinks as symlinks and modes.
func copyTree(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		to := filepath.Join(dst, rel)
		info, err := d.Info()
		if err != nil {
			return err
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			return os.Symlink(target, to)
		case d.IsDir():
			return os.MkdirAll(to, 0o755)
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(to, data, info.Mode().Perm())
	})
	if err != nil {
		t.Fatal(err)
	}
}

// clip shortens long output for a failure message.
func clip(s string) string {
	if len(s) > 4000 {
		return s[:2000] + "\n…\n" + s[len(s)-2000:]
	}
	return s
}

// linesWith returns the lines of s that contain sub.
func linesWith(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return clip(strings.Join(out, "\n"))
}
