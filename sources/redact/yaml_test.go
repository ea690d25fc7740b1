package redact

import (
	"strings"
	"testing"
)

func TestYAMLLines(t *testing.T) {
	for _, tc := range []struct {
		name     string
		in, want string
	}{
		{"plain keys", `
name: voice-agent
api_key: SECRET
openai_key: "SECRET"
port: 8765
Authorization: Bearer SECRET
dsn: SECRET
db_url: postgres://app:SECRET@db/app
url: https://example.com/health
instance_key: voice_agent
key: value
`, `
name: voice-agent
api_key: <redacted>
openai_key: <redacted>
port: 8765
Authorization: <redacted>
dsn: <redacted>
db_url: postgres://app:<redacted>@db/app
url: https://example.com/health
instance_key: voice_agent
key: value
`},
		{"nested keys and lists", `
env:
  OPENAI_API_KEY: SECRET
  PATH: /usr/bin
credentials:
  user: admin
  pass: SECRET
  nested:
    deep: SECRET
  list:
    - SECRET
    - SECRET
tokens:
- SECRET
- k: SECRET
port: 1
requires:
  - qwen3-tts
`, `
env:
  OPENAI_API_KEY: <redacted>
  PATH: /usr/bin
credentials:
  user: <redacted>
  pass: <redacted>
  nested:
    deep: <redacted>
  list:
    - <redacted>
    - <redacted>
tokens:
- <redacted>
- k: <redacted>
port: 1
requires:
  - qwen3-tts
`},
		{"list items with mappings", `
services:
  - name: a
    token: SECRET
    env:
      - API_KEY=SECRET
      - PATH=/bin
  - name: b
`, `
services:
  - name: a
    token: <redacted>
    env:
      - API_KEY=<redacted>
      - PATH=/bin
  - name: b
`},
		{"block scalars", `
private_key: |
  -----BEGIN KEY-----
  SECRET

  SECRET
port: 1
script: |
  run --token SECRET
  echo hello
name: x
`, `
private_key: |
  <redacted>
  <redacted>

  <redacted>
port: 1
script: |
  run --token <redacted>
  echo hello
name: x
`},
		{"flow collections", `
env: {OPENAI_API_KEY: SECRET, PATH: /bin}
nested: {a: {token: SECRET, b: 1}, c: [x, y]}
secret: {a: SECRET, b: [SECRET, SECRET]}
list: [a, {password: "SECRET, still"}, b]
odd: {a: 1}]}, token: SECRET}
`, `
env: {OPENAI_API_KEY: <redacted>, PATH: /bin}
nested: {a: {token: <redacted>, b: 1}, c: [x, y]}
secret: <redacted>
list: [a, {password: <redacted>}, b]
odd: {a: 1}]}, token: <redacted>}
`},
		{"quoted keys, comments and command lines", `
"api_key": "SECRET"
'db-password': SECRET
# api_key: SECRET
# an ordinary comment: kept
command: /opt/bin/tool --password=SECRET --port 1
args: [mysql, -pSECRET]
token: # the value follows
  SECRET
`, `
"api_key": <redacted>
'db-password': <redacted>
# api_key: <redacted>
# an ordinary comment: kept
command: /opt/bin/tool --password=<redacted> --port 1
args: [mysql, -p<redacted>]
token: # the value follows
  <redacted>
`},
		{"documents and CRLF", "a:\r\n  token: SECRET\r\n---\ntoken: SECRET", "a:\r\n  token: <redacted>\r\n---\ntoken: <redacted>"},
		{"not YAML", "port: [\n  token: SECRET\n\t\x1b[31m: x\n- - - \n:\n", "port: [\n  token: <redacted>\n\t\x1b[31m: x\n- - - \n:\n"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := YAMLLines([]byte(tc.in))
			want := strings.Split(tc.want, "\n")
			if !strings.HasSuffix(tc.want, "\n") {
				want = append(want, "")
			}
			want = want[:len(want)-1]
			if strings.Join(got, "\n") != strings.Join(want, "\n") {
				t.Errorf("YAMLLines:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if n := strings.Count(tc.in, "\n") + 1 - btoi(strings.HasSuffix(tc.in, "\n")); len(got) != n {
				t.Errorf("%d lines, want %d", len(got), n)
			}
		})
	}
	if got := YAMLLines(nil); got != nil {
		t.Errorf("YAMLLines(nil) = %q", got)
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}
