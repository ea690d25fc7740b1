package systemd

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// cmd is a Command with no prefix.
func cmd(words ...string) Command { return Command{Words: words} }

func TestSplitCommands(t *testing.T) {
	tests := []struct {
		name  string
		value string
		want  []Command
		ok    bool
	}{
		{"one command", "/usr/bin/rclone mount gdrive: /mnt/g", []Command{cmd("/usr/bin/rclone", "mount", "gdrive:", "/mnt/g")}, true},
		{"bare name", "echo hi", []Command{cmd("echo", "hi")}, true},
		{"empty", "", nil, true},
		{"blanks", " \t ", nil, true},

		// Prefixes, alone and together, in any order.
		{"-", "-/bin/a x", []Command{{Soft: true, Words: []string{"/bin/a", "x"}}}, true},
		{"@", "@/bin/a name x", []Command{{Argv0: true, Words: []string{"/bin/a", "name", "x"}}}, true},
		{":", ":/bin/a $X", []Command{cmd("/bin/a", "$X")}, true},
		{"+", "+/bin/a", []Command{{Privileged: true, Words: []string{"/bin/a"}}}, true},
		{"!", "!/bin/a", []Command{cmd("/bin/a")}, true},
		{"!!", "!!/bin/a", []Command{cmd("/bin/a")}, true},
		{"-@", "-@/bin/a name", []Command{{Soft: true, Argv0: true, Words: []string{"/bin/a", "name"}}}, true},
		{"@-", "@-/bin/a name", []Command{{Soft: true, Argv0: true, Words: []string{"/bin/a", "name"}}}, true},
		{":-!!", ":-!!/bin/a", []Command{{Soft: true, Words: []string{"/bin/a"}}}, true},
		{"+@-:", "+@-:/bin/a n", []Command{{Soft: true, Argv0: true, Privileged: true, Words: []string{"/bin/a", "n"}}}, true},
		{"-!", "-!/bin/a", []Command{{Soft: true, Words: []string{"/bin/a"}}}, true},
		{"prefix before a quoted path", `-"/opt/My App/run" x`, []Command{{Soft: true, Words: []string{"/opt/My App/run", "x"}}}, true},
		{"prefixes only apply to the first word", "/bin/a -x @y +z", []Command{cmd("/bin/a", "-x", "@y", "+z")}, true},
		{"a prefix alone runs nothing", "-", nil, true},
		{"prefixes alone run nothing", "-@+", nil, true},

		// Quoting.
		{"quoted first word", `"/opt/My App/bin/x" --flag`, []Command{cmd("/opt/My App/bin/x", "--flag")}, true},
		// systemd reads the prefixes after unquoting (load-fragment.c,
		// config_parse_exec): it would run /bin/a with "-" set. Here
		// a quoted first word keeps its characters.
		// systemd reads the prefixes once the word is unquoted.
		{"quoted first word: prefixes read after unquoting", `"-/bin/a"`, []Command{{Soft: true, Words: []string{"/bin/a"}}}, true},
		// An empty program: systemd runs nothing of the command.
		{"quoted empty first word", `"" /bin/a`, nil, true},
		{"a prefix alone", `- /usr/bin/foo ; /bin/b`, []Command{cmd("/bin/b")}, true},
		{"double quotes mid-word", `/bin/a --opt="a b" x`, []Command{cmd("/bin/a", "--opt=a b", "x")}, true},
		{"single quotes mid-word", `/bin/a x'y z'w`, []Command{cmd("/bin/a", "xy zw")}, true},
		{"quotes inside the other quotes", `/bin/a 'say "hi"' "it's"`, []Command{cmd("/bin/a", `say "hi"`, "it's")}, true},
		{"empty quoted argument", `/bin/a "" ''`, []Command{cmd("/bin/a", "", "")}, true},
		{"sh -c string", `/bin/sh -c 'dmesg | tac'`, []Command{cmd("/bin/sh", "-c", "dmesg | tac")}, true},
		{"whitespace in quotes", "/bin/a \"x\ty\nz\"", []Command{cmd("/bin/a", "x\ty\nz")}, true},

		// C escapes, quoted or not.
		{"\\n \\t", `/bin/printf a\nb\tc`, []Command{cmd("/bin/printf", "a\nb\tc")}, true},
		{"\\a \\b \\f \\r \\v", `/bin/a \a\b\f\r\v`, []Command{cmd("/bin/a", "\a\b\f\r\v")}, true},
		{"\\x41", `/bin/a \x41\x7e`, []Command{cmd("/bin/a", "A~")}, true},
		{"\\s", `/bin/a x\sy`, []Command{cmd("/bin/a", "x y")}, true},
		{"octal", `/bin/a \101\060`, []Command{cmd("/bin/a", "A0")}, true},
		{"\\u and \\U", `/bin/a \u00e9\U0001F600`, []Command{cmd("/bin/a", "é😀")}, true},
		{"escaped quotes and backslash", `/bin/a \"x\' \\`, []Command{cmd("/bin/a", `"x'`, `\`)}, true},
		{"escapes in double quotes", `/bin/a "a\"b\tc"`, []Command{cmd("/bin/a", "a\"b\tc")}, true},
		{"escapes in single quotes", `/bin/a 'a\'b\nc'`, []Command{cmd("/bin/a", "a'b\nc")}, true},
		{"escaped space", `/bin/a x\ y`, []Command{cmd("/bin/a", "x y")}, true},
		{"escaped dollar", `/bin/a \$HOME`, []Command{cmd("/bin/a", "$HOME")}, true},

		// Broken quoting: systemd ignores the assignment.
		{"unbalanced double quote", `/bin/a "b c`, nil, false},
		{"unbalanced single quote", `/bin/sh -c 'echo hi`, nil, false},
		{"unbalanced in a later command", `/bin/a ; /bin/b 'x`, nil, false},
		{"backslash at the end inside quotes", `/bin/a "b\`, nil, false},

		// Unknown escapes: systemd warns and keeps them as written
		// (systemd.syntax(7): "unknown patterns will result in a
		// warning"; extract_first_word_and_warn retries with
		// EXTRACT_CUNESCAPE_RELAX).
		{"unknown escape", `/bin/a \q x\.y`, []Command{cmd("/bin/a", `\q`, `x\.y`)}, true},
		{"unknown escape in quotes", `/bin/sh -c 'grep "\d\+" f'`, []Command{cmd("/bin/sh", "-c", `grep "\d\+" f`)}, true},
		{"escaped tab is kept, not a separator", "/bin/a x\\\ty", []Command{cmd("/bin/a", "x\\\ty")}, true},
		{"short \\x", `/bin/a \x4 \xg1`, []Command{cmd("/bin/a", `\x4`, `\xg1`)}, true},
		{"\\x00 is no NUL", `/bin/a \x00`, []Command{cmd("/bin/a", `\x00`)}, true},
		{"octal above 255", `/bin/a \777`, []Command{cmd("/bin/a", `\777`)}, true},
		{"\\u0000", `/bin/a \u0000`, []Command{cmd("/bin/a", `\u0000`)}, true},
		{"short \\u", `/bin/a \u12`, []Command{cmd("/bin/a", `\u12`)}, true},
		{"backslash at the end", `/bin/a b\`, []Command{cmd("/bin/a", `b\`)}, true},
		{"unknown escape in the program", `/opt/x\y`, []Command{cmd(`/opt/x\y`)}, true},

		// Separators.
		{"lone ; separates", "/bin/a x ; /bin/b y", []Command{cmd("/bin/a", "x"), cmd("/bin/b", "y")}, true},
		{"prefixes after ;", "-/bin/a ; @/bin/b n ; +/bin/c", []Command{
			{Soft: true, Words: []string{"/bin/a"}},
			{Argv0: true, Words: []string{"/bin/b", "n"}},
			{Privileged: true, Words: []string{"/bin/c"}},
		}, true},
		{"two ; in a row", "/bin/a ; ; /bin/b", []Command{cmd("/bin/a"), cmd("/bin/b")}, true},
		{"leading and trailing ;", "; /bin/a ;", []Command{cmd("/bin/a")}, true},
		{"; attached to a word is a character", "/bin/a x; /bin/b", []Command{cmd("/bin/a", "x;", "/bin/b")}, true},
		{"\\; is a literal ;", `/bin/a \; /bin/b`, []Command{cmd("/bin/a", ";", "/bin/b")}, true},
		{"quoted ; is a literal ;", `/bin/a ";" ';' /bin/b`, []Command{cmd("/bin/a", ";", ";", "/bin/b")}, true},
		// systemd.service(5), "Command lines": echo gets five arguments.
		{"the man page's example", `echo / >/dev/null & \;  ls`, []Command{cmd("echo", "/", ">/dev/null", "&", ";", "ls")}, true},
		{"the man page's two commands", `echo one ; echo "two two"`, []Command{cmd("echo", "one"), cmd("echo", "two two")}, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := SplitCommands(tc.value)
			if ok != tc.ok {
				t.Fatalf("SplitCommands(%q) ok = %v, want %v (commands %+v)", tc.value, ok, tc.ok, got)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("SplitCommands(%q) (-want +got):\n%s", tc.value, diff)
			}
		})
	}
}

// TestSplitCommandsMaxWords checks that a value with more than maxWords
// words is cut there rather than read in full.
func TestSplitCommandsMaxWords(t *testing.T) {
	value := "/bin/a"
	for i := 0; i < maxWords+10; i++ {
		value += " x"
	}
	cmds, ok := SplitCommands(value)
	if !ok || len(cmds) != 1 || len(cmds[0].Words) != maxWords {
		t.Fatalf("got ok=%v, %d commands, %d words", ok, len(cmds), len(cmds[0].Words))
	}
}
