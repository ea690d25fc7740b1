package queries

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/sources"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// HostJob is what one runner of a host runs, as `driftmap check --host`
// lists it for `driftmap fleet` to compare across hosts: never an
// argument's text, only a hash of the argument vector.
type HostJob struct {
	// ID is the node ID: job:LABEL, unit:NAME or unit:user/NAME.
	ID string `json:"id"`
	// Program is the node's program (graph.Node.Program), redacted as
	// every node's program is, with "~" for the home directory.
	Program string `json:"program"`
	// ArgumentsSHA256 is ArgumentsHash of the argument vector.
	ArgumentsSHA256 string `json:"arguments_sha256"`
}

// ArgumentsHash is the hex SHA-256 of an argument vector given as the
// hex SHA-256 digests of its words (lower case, one per word, in order):
// the hash of each digest followed by a newline, so that
//
//	arguments_sha256 = sha256(sha256(w0) "\n" sha256(w1) "\n" ...)
//
// The words are never needed: launchd.Command and Snapshot.UnitExec keep
// only their digests. An empty vector hashes the empty string. Equal
// vectors, and only equal vectors (short of a SHA-256 collision), hash
// equal: digests are all 64 characters, so the joining is unambiguous.
func ArgumentsHash(wordDigests []string) string {
	h := sha256.New()
	for _, d := range wordDigests {
		h.Write([]byte(strings.ToLower(d)))
		h.Write([]byte{'\n'})
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Jobs lists, sorted by ID, every live launchd job and every live
// systemd unit of an audited directory (Origins holding "unit") of the
// snapshot, with its program and the hash of its argument vector, both
// relative to the home directory (snap.Layout.Home): the program with
// "~" for it, the words hashed with launchd.HomePlaceholder for it
// (rootfs.HomeRelative). So one job installed by two users, under
// /Users/bert and under /Users/anna, lists the same on both machines;
// a job that runs another user's files does not.
//
//   - a launchd job: ProgramArguments as written in its live plist,
//     argv[0] included (launchd.Job.Command.Args); none when the plist
//     has only Program.
//   - a systemd unit: the words of the first command line of its merged
//     ExecStart= (Snapshot.UnitExec), the program word included; none
//     when it has no ExecStart= (a timer, a socket, a target).
func Jobs(snap *sources.Snapshot) []HostJob {
	g, home := snap.Graph, snap.Layout.Home
	var out []HostJob
	for _, n := range g.NodesOf(graph.Job) {
		if n.State != graph.Live {
			continue
		}
		var digests []string
		if def, ok := snap.JobDef(n.ID); ok {
			for _, w := range def.Command.Args {
				digests = append(digests, w.HomeDigest)
			}
		}
		out = append(out, HostJob{ID: n.ID, Program: rootfs.HomeRelative(n.Program, home, "~"), ArgumentsSHA256: ArgumentsHash(digests)})
	}
	for _, n := range g.NodesOf(graph.Unit) {
		if n.State != graph.Live || !auditedUnit(n) {
			continue
		}
		digests, _ := snap.UnitExec(n.ID)
		out = append(out, HostJob{ID: n.ID, Program: rootfs.HomeRelative(n.Program, home, "~"), ArgumentsSHA256: ArgumentsHash(digests)})
	}
	slices.SortFunc(out, func(a, b HostJob) int { return strings.Compare(a.ID, b.ID) })
	return out
}
