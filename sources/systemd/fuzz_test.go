package systemd

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/sources/launchd"
	"github.com/driftmap/driftmap/sources/record"
	"github.com/driftmap/driftmap/sources/sourcetest"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// planted is a credential the seeds put in Environment= values: it must
// never reach a problem, a target, a dependency or their evidence.
const planted = "s3cr3t-XYZ"

// unitSeeds returns the unit files of testdata/units.
func unitSeeds(f *testing.F) [][]byte {
	f.Helper()
	names, err := filepath.Glob("testdata/units/*")
	if err != nil || len(names) == 0 {
		f.Fatalf("no seed units: %v", err)
	}
	var out [][]byte
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		out = append(out, data)
	}
	return out
}

// fuzzNames are the names FuzzParseFile reads its input under: a plain
// service, an instance, a template, a socket and a timer.
var fuzzNames = []string{"f.service", "f@inst-x.service", "f@.service", "f.socket", "f.timer"}

const (
	fuzzFile   = "/etc/systemd/system/f.service"
	fuzzDropIn = "/etc/systemd/system/f.service.d/override.conf"
)

// unitResult is everything a merged unit yields for one context.
type unitResult struct {
	targets  []record.Target
	indirect []launchd.Indirect
	probs    []record.Problem
	deps     []Dep
}

func FuzzParseFile(f *testing.F) {
	for _, data := range unitSeeds(f) {
		f.Add(data)
	}
	for _, s := range []string{
		"[Service]\nEnvironment=API_TOKEN=s3cr3t-XYZ\nExecStart=/usr/bin/curl -H \"Authorization: Bearer ${API_TOKEN}\" https://example.org\n",
		"[Service]\nEnvironment=\"API_TOKEN=s3cr3t-XYZ\" \\\n  PORT=8080\nExecStart=./run --token $API_TOKEN\nWorkingDirectory=~\n",
		"[Service]\nEnvironment=API_TOKEN=s3cr3t-XYZ\nEnvironment=\nExecStart=/bin/sh -c 'exec /opt/app/bin/run --token \"$API_TOKEN\"'\n",
		"[Unit]\nRequires=%i.service bad\\name\n[Service]\nExecStart=@%h/bin/x y %Z\nExecStart=\"unterminated\n",
		"[Socket]\nAccept=yes\nExecStartPre=-+/usr/bin/install -d /run/%p\n[Timer]\nUnit=%N.service\n",
		"\xef\xbb\xbf[Service]\r\nExecStart=/usr/bin/python3 \\\r\n  # comment\r\n  %I.py\r\n",
		"[Service]\nRootDirectory=/srv/root\nExecStart=+/usr/bin/a ; /usr/bin/b ; ! ; - ; @\n",
		"#!/bin/sh\nexport API_TOKEN=s3cr3t-XYZ\nexec /usr/bin/app\n",
		"[Service\nExecStart=/bin/true\n[]\n=x\nno equals\n",
		"[Service]\nExecStart=/bin/echo \\x41\\u00e9\\101\\; ;\n",
		"[Service]\nExecStart=/bin/true \\",
		"\x00",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		file, probs := ParseFile(data, fuzzFile)
		dropin, dprobs := ParseFile(data, fuzzDropIn)
		checkProblems(t, probs, fuzzFile)
		checkProblems(t, dprobs, fuzzDropIn)
		if len(probs) > maxProblems+1 {
			t.Fatalf("%d problems, more than maxProblems and a summary", len(probs))
		}
		for _, e := range file.Entries {
			if e.File != fuzzFile || e.Line < 1 || e.Key == "" || e.Section == "" {
				t.Fatalf("bad entry %+v", e)
			}
		}
		scrubbed, scrubbedDropIn := scrubEnvironment(file), scrubEnvironment(dropin)
		leakCheck := countIn(data) > 0 && countIn(data) == countInEnvironment(file)
		for _, name := range fuzzNames {
			n := mustName(t, name)
			u := Merge(n, file, []File{dropin})
			s := Merge(n, scrubbed, []File{scrubbedDropIn})
			vprobs := u.Validate()
			checkProblems(t, vprobs, fuzzFile, fuzzDropIn)
			for _, p := range vprobs {
				if p.Rule != record.InvalidUnit {
					t.Fatalf("Validate problem without its rule: %+v", p)
				}
			}
			for _, c := range []Context{sysCtx(n), userCtx(n)} {
				got := resultOf(u, c)
				checkResult(t, got)
				// Environment= values are never read: the unit gives
				// the same with them replaced.
				if want := resultOf(s, c); fmt.Sprintf("%+v", got) != fmt.Sprintf("%+v", want) {
					t.Fatalf("%s: the result depends on Environment= values:\n%+v\n%+v", name, got, want)
				}
				if leakCheck {
					if out := fmt.Sprintf("%+v %+v", got, vprobs); strings.Contains(out, planted) {
						t.Fatalf("%s: the Environment= credential leaked: %s", name, out)
					}
				}
			}
		}
	})
}

// resultOf returns what u yields for c.
func resultOf(u *Unit, c Context) unitResult {
	ts, inds, probs := u.Targets(c)
	deps, dprobs := u.Deps(c)
	return unitResult{targets: ts, indirect: inds, probs: append(probs, dprobs...), deps: deps}
}

// checkResult checks the invariants of a unit's targets, problems and
// dependencies.
func checkResult(t *testing.T, r unitResult) {
	t.Helper()
	checkTargets(t, r.targets)
	checkProblems(t, r.probs, fuzzFile, fuzzDropIn)
	for _, x := range r.targets {
		if x.Evidence.File != fuzzFile && x.Evidence.File != fuzzDropIn || x.Evidence.Line < 1 || x.Evidence.Key == "" {
			t.Fatalf("bad evidence in %+v", x)
		}
	}
	for _, x := range r.indirect {
		for _, interp := range []string{"python3", "bash", "node", "ruby"} {
			ts, ps := x.Through(interp)
			sourcetest.CheckTargets(t, ts)
			sourcetest.CheckProblems(t, ps)
		}
	}
	for _, d := range r.deps {
		if _, ok := ParseName(d.Name); !ok {
			t.Fatalf("dependency on an invalid name: %+v", d)
		}
		if d.Evidence.File == "" || d.Evidence.Line < 0 || d.Evidence.Key == "" {
			t.Fatalf("bad evidence in %+v", d)
		}
	}
}

// checkProblems checks that every problem names one of files, a line
// and a message.
func checkProblems(t *testing.T, probs []record.Problem, files ...string) {
	t.Helper()
	sourcetest.CheckProblems(t, probs)
	for _, p := range probs {
		ok := false
		for _, f := range files {
			ok = ok || p.File == f
		}
		if !ok || p.Line < 0 || p.Message == "" {
			t.Fatalf("bad problem %+v", p)
		}
	}
}

// scrubEnvironment returns f with every non-empty Environment= value
// replaced.
func scrubEnvironment(f File) File {
	out := f
	out.Entries = make([]Entry, len(f.Entries))
	for i, e := range f.Entries {
		if e.Key == "Environment" && e.Value != "" {
			e.Value = "REDACTED=1"
		}
		out.Entries[i] = e
	}
	return out
}

func countIn(data []byte) int { return bytes.Count(data, []byte(planted)) }

// countInEnvironment counts the planted credential in Environment=
// values: when that is all of the input's, none may reach the results.
func countInEnvironment(f File) int {
	n := 0
	for _, e := range f.Entries {
		if e.Key == "Environment" {
			n += strings.Count(e.Value, planted)
		}
	}
	return n
}

// TestPlantedCredential runs the pipeline on the seed that holds the
// credential in Environment= and checks, beyond the fuzz invariants,
// that the unit's other values do come through.
func TestPlantedCredential(t *testing.T) {
	data, err := os.ReadFile("testdata/units/webhook.service")
	if err != nil {
		t.Fatal(err)
	}
	if countIn(data) == 0 || countIn(data) != countInEnvironment(parsed(t, fuzzFile, string(data))) {
		t.Fatal("webhook.service must hold the credential in Environment= values only")
	}
	u := Merge(mustName(t, "webhook.service"), parsed(t, fuzzFile, string(data)), nil)
	r := resultOf(u, sysCtx(u.Name))
	if out := fmt.Sprintf("%+v", r); strings.Contains(out, planted) {
		t.Fatalf("credential leaked: %s", out)
	}
	if len(r.targets) == 0 || len(r.deps) == 0 {
		t.Fatalf("nothing read: %+v", r)
	}
}

func FuzzSplitCommands(f *testing.F) {
	for _, data := range unitSeeds(f) {
		file, _ := ParseFile(data, "seed")
		for _, e := range file.Entries {
			if strings.HasPrefix(e.Key, "Exec") {
				f.Add(e.Value)
			}
		}
	}
	for _, s := range []string{
		"-@/bin/a name x", ":-!!/bin/a", "+/bin/a ; -/bin/b ; @/bin/c n", `"/opt/My App/x" --opt="a b" x'y z'w`,
		`/bin/printf a\nb\tc \x41 \s \; \101 \u00e9 \U0001F600`, `/bin/a "b`, `/bin/a \q`, `/bin/a \x00`,
		"/bin/a x ; /bin/b", `/bin/a \; ";" x;`, "-", "- ; ;", `"" /bin/a`, `/bin/sh -c 'dmesg | tac'`,
		`echo / >/dev/null & \; ls`, "/bin/a \"x\ty\nz\"", `/bin/a \`, `/bin/a '\'`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, value string) {
		cmds, ok := SplitCommands(value)
		if !ok {
			if cmds != nil {
				t.Fatalf("not ok, yet commands %+v", cmds)
			}
			return
		}
		for _, c := range cmds {
			if len(c.Words) == 0 || c.Words[0] == "" {
				t.Fatalf("a command without a program: %+v", cmds)
			}
		}
		// Written back with every word quoted, the commands split the
		// same: nothing in a word is lost or read twice.
		if again, ok := SplitCommands(render(cmds, quoteWord)); !ok || !cmp.Equal(cmds, again, cmpopts.EquateEmpty()) {
			if representable(cmds) {
				t.Fatalf("quoted re-split differs:\n%+v\n%+v (ok %v)", cmds, again, ok)
			}
		}
		// Simple input (no quotes, escapes or odd blanks) re-splits
		// the same once written back with plain spaces, unless a
		// program is ";" ("!;" runs ";"), which unquoted separates.
		if simple(value) && !hasSemicolonWord(cmds) {
			again, ok := SplitCommands(render(cmds, func(w string) string { return w }))
			if !ok || !cmp.Equal(cmds, again, cmpopts.EquateEmpty()) {
				t.Fatalf("re-split of %q differs:\n%+v\n%+v", value, cmds, again)
			}
		}
	})
}

// render writes commands back as an Exec value, each word through quote.
func render(cmds []Command, quote func(string) string) string {
	var b strings.Builder
	for i, c := range cmds {
		if i > 0 {
			b.WriteString(" ; ")
		}
		if c.Soft {
			b.WriteByte('-')
		}
		if c.Argv0 {
			b.WriteByte('@')
		}
		if c.Privileged {
			b.WriteByte('+')
		}
		for j, w := range c.Words {
			if j > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(quote(w))
		}
	}
	return b.String()
}

// quoteWord double-quotes w, escaping backslashes and double quotes.
func quoteWord(w string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(w) + `"`
}

// representable reports whether quoting can write cmds back: a program
// that itself starts with a prefix character (it was quoted) cannot
// follow prefixes, which are read from an unquoted word.
func representable(cmds []Command) bool {
	for _, c := range cmds {
		if (c.Soft || c.Argv0 || c.Privileged) && strings.ContainsRune("-@:+!", rune(c.Words[0][0])) {
			return false
		}
	}
	return true
}

// hasSemicolonWord reports whether a word of cmds is a lone ";".
func hasSemicolonWord(cmds []Command) bool {
	for _, c := range cmds {
		for _, w := range c.Words {
			if w == ";" {
				return true
			}
		}
	}
	return false
}

// simple reports whether s holds only characters that need no quoting.
func simple(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte(" /._:=,@+!;-%$", c) >= 0) {
			return false
		}
	}
	return true
}

func FuzzExpand(f *testing.F) {
	for _, s := range [][2]string{
		{"wg-quick@wg0.service", "/etc/wireguard/%i.conf"},
		{"wg-quick@.service", "/usr/bin/wg-quick up %i"},
		{`systemd-fsck@dev-disk-by\x2duuid-1a2b.service`, "%I %J %f %j %P"},
		{"-.mount", "%f"},
		{"home-ann-data.mount", "%f/%N"},
		{"restic-backup.timer", "%n %N %p"},
		{"x.service", "100%"},
		{"x.service", "%%%"},
		{"x.service", "%h/.config/%u %t %S %C %L %E %T %V"},
		{"x.service", "%Z%a%%H"},
		{"not a name", "%n"},
	} {
		f.Add(s[0], s[1])
	}
	f.Fuzz(func(t *testing.T, name, s string) {
		n, ok := ParseName(name)
		if !ok {
			n = mustName(t, "x@y.service")
		}
		for _, c := range []Context{sysCtx(n), userCtx(n), {Unit: n}, {Unit: n, User: true}} {
			got, ok := c.Expand(s)
			if !strings.Contains(s, "%") && (got != s || !ok) {
				t.Fatalf("Expand(%q) = %q, %v: no specifier, yet changed", s, got, ok)
			}
			if !ok && got != "" {
				t.Fatalf("Expand(%q) = %q, false", s, got)
			}
			if back, ok := c.Expand(strings.ReplaceAll(s, "%", "%%")); !ok || back != s {
				t.Fatalf("Expand of %q with every %% doubled = %q, %v", s, back, ok)
			}
			// Expanding is per specifier: two halves split between
			// whole specifiers expand to the halves' expansions.
			if ok {
				if i := splitPoint(s); i > 0 {
					a, aok := c.Expand(s[:i])
					b, bok := c.Expand(s[i:])
					if !aok || !bok || a+b != got {
						t.Fatalf("Expand(%q) = %q, but its halves give %q, %q", s, got, a, b)
					}
				}
			}
		}
	})
}

// splitPoint returns an index of s in the middle that is not inside a
// specifier, 0 if there is none.
func splitPoint(s string) int {
	mid := len(s) / 2
	pct := false
	for i := 0; i < len(s); i++ {
		if i >= mid && !pct {
			return i
		}
		pct = !pct && s[i] == '%'
	}
	return 0
}
