// Package systemd reads systemd unit files as systemd.syntax(7),
// systemd.unit(5), systemd.service(5) and systemd.exec(5) describe them:
// the INI-like syntax with continuations and comments, unit names
// (templates, instances, types, escaping), drop-ins applied in order
// with list resets, specifiers, the prefixes and quoting of Exec lines,
// and from all that the paths a unit needs (its hard targets) and the
// units it names (its dependencies).
//
// It parses bytes handed to it: it reads no file itself, never writes,
// and never copies an Environment= value or a command argument into a
// record (they may be credentials); only paths, unit names and key names
// reach an Evidence token. Finding units on disk, following symlinks and
// deciding what is wrong are package sources' and package queries' jobs.
package systemd
