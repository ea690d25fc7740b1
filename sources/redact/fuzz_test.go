package redact

import (
	"strings"
	"testing"
)

// FuzzString checks that String never panics, is idempotent, and never
// shows the value of a --password= option it was given.
func FuzzString(f *testing.F) {
	for _, s := range []string{
		"/opt/bin/tool --password=SECRET", "mysql -u root -pSECRET db", "postgres://a:SECRET@h/d",
		`curl -H "Authorization: Bearer SECRET"`, `tool --password "two words" x`, `"--token \"a b\""`,
		"run --token", "a=b c=d", "x://:@", "--token '", "\"\\\"", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := String(s)
		if again := String(got); again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, got, again)
		}
		const secret = "XSECRETX"
		in := s + " --password=" + secret
		if out := String(in); strings.Contains(out, secret) {
			t.Fatalf("String(%q) = %q shows the password", in, out)
		}
	})
}

// FuzzYAMLLines checks that YAMLLines never panics, returns one line per
// input line, and hides the value of a credential-like key at the top
// level.
func FuzzYAMLLines(f *testing.F) {
	for _, s := range []string{
		"a: 1\napi_key: x\n", "env:\n  TOKEN: x\n", "k: {token: x, a: [1, {b: 2}]}\n",
		"private_key: |\n  x\n", "- - a: b\n", "odd: {a: 1}]}, token: x}\n", "\"q\": 1\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		lines := YAMLLines(data)
		want := strings.Count(string(data), "\n")
		if len(data) > 0 && data[len(data)-1] != '\n' {
			want++
		}
		if len(lines) != want {
			t.Fatalf("%d lines for %q, want %d", len(lines), data, want)
		}
		const secret = "XSECRETX"
		in := append([]byte("api_key: "+secret+"\n"), data...)
		if out := YAMLLines(in); strings.Contains(out[0], secret) {
			t.Fatalf("first line %q shows the secret", out[0])
		}
	})
}

func BenchmarkString(b *testing.B) {
	msgs := []string{
		"service:voice-agent",
		"job com.sanctum.voice-agent runs /Users/bert/.sanctum/bin/voice-agent (ProgramArguments[0]), which does not exist",
		"/opt/bin/tool --password=SECRET --port 8080 --config=/etc/x https://u:p@h/",
	}
	b.ReportAllocs()
	for b.Loop() {
		for _, m := range msgs {
			String(m)
		}
	}
}

func BenchmarkYAMLLines(b *testing.B) {
	data := []byte(strings.Repeat("name: x\nport: 1\nenv:\n  TOKEN: abc\n  PATH: /bin\nrequires: [a, b]\n", 1000))
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		YAMLLines(data)
	}
}
