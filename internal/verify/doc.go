// Package verify runs `systemd-analyze verify` on a directory standing
// for a machine's root and parses what it prints, so that tests and the
// documentation can set driftmap's systemd findings side by side with
// systemd's own checker (testdata/systemd/verify, docs/systemd.md). It
// owns finding the program (Available), running it the same way every
// time (Run) and reading its messages (Parse).
//
// It is never used by the driftmap binary itself: driftmap reads unit
// files and never runs systemd's tools, and no non-test code of the
// module may import this package (a test holds it). Nothing here writes
// a file.
//
// What Run does, and why, as measured with systemd 252:
//
//   - One invocation per unit, in sorted order. verify loads every unit
//     it is given into one manager and queues a start job for each in
//     turn, and the jobs of one unit stay queued while the next is
//     checked: two units ordered After= each other give "Job ... deleted
//     to break ordering cycle" when verified alone, but "Unable to break
//     cycle" and "Transaction order is cyclic" when verified together,
//     and a unit loaded as another's dependency prints its warnings once,
//     in the first run that loads it. One run per unit gives each unit
//     the messages it gets on its own.
//   - Units are passed by name. With --root, verify looks a unit up by
//     its file name in the root's unit search path (/etc/systemd/system,
//     /usr/lib/systemd/system, ...) whatever directory the argument
//     names: "/etc/systemd/system/a.service", "ROOT/etc/systemd/system/a.service"
//     and even "/no/such/dir/a.service" all verify ROOT's a.service, and a
//     path to a unit file outside the search path is "Unit a.service not
//     found." Run therefore reduces each argument to its file name.
//   - A fixed environment: no SYSTEMD_UNIT_PATH (verify prepends it to the
//     search path, under the root), HOME=/root (verify expands %h from
//     the caller's $HOME, where the system manager uses /root), the C
//     locale (messages end in strerror text), no colour, no pager, info
//     log level, and the working directory "/".
//   - The root's path is removed from what verify prints: syntax
//     warnings name files by their host path
//     ("ROOT/etc/systemd/system/x.service:3: Unknown key ..."); Run shows
//     them as seen from inside the root ("/etc/systemd/system/x.service:3: ...").
//   - An ordering cycle is reported from whichever job of the cycle a
//     hash table (keyed by a random seed per process) yields first, so the
//     same unit prints one of several texts. Run runs such a unit 24 times
//     in all and keeps the smallest text, so that its
//     output does not change from run to run. Which of several missing
//     Requires= verify names (it names only the first that fails the
//     start job) is random in the same way; Run cannot steady that, so a
//     fixture plants at most one missing hard dependency per unit.
//
// Exit status: 1 when any error was logged (a missing or non-executable
// first command, a start job that cannot be created, a socket without its
// service, a masked or unloadable unit), 0 otherwise, including when the
// only messages are syntax warnings ("Unknown key ...") or an ordering
// cycle that verify could break by deleting a job. Run returns the
// highest status of its runs.
package verify
