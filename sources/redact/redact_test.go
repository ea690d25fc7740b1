package redact

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestName(t *testing.T) {
	for name, want := range map[string]bool{
		// Credential-like.
		"--api-key":               true,
		"OPENAI_API_KEY":          true,
		"openai_key":              true,
		"openaiKey":               true,
		"OpenAIKey":               true,
		"apiKey":                  true,
		"APIKEY":                  true,
		"stripe-key":              true,
		"ssh_keys":                true,
		"AWS_ACCESS_KEY_ID":       true,
		"db_password":             true,
		"DBPassword":              true,
		"passwd":                  true,
		"db_pass":                 true,
		"passphrase":              true,
		"tailscale-authkey":       true,
		"authkey":                 true,
		"auth":                    true,
		"AUTH":                    true,
		"auth_token":              true,
		"authToken":               true,
		"Authorization":           true,
		"proxy-authorization":     true,
		"authentication":          true,
		"basicauth":               true,
		"oauth":                   true,
		"GITHUB_TOKEN":            true,
		"token":                   true,
		"refreshToken":            true,
		"tokens":                  true,
		"client-secret":           true,
		"clientSecret":            true,
		"SECRET_KEY_BASE":         true,
		"credentials":             true,
		"GOOGLE_CREDENTIALS":      true,
		"private_key":             true,
		"private":                 true,
		"privateKey":              true,
		"dsn":                     true,
		"SENTRY_DSN":              true,
		"sentryDsn":               true,
		"bearer":                  true,
		"session_cookie":          true,
		"X-Api-Key":               true,
		"signing.key":             true,
		"ENCRYPTIONKEY":           true,
		"api_key_value":           true,
		"token_secret_path_value": true, // SECRET anywhere
		// Identifiers and ordinary keys.
		"instance_key":         false,
		"InstanceKey":          false,
		"public_key":           false,
		"sort_key":             false,
		"SecureSocketWithKey":  false,
		"key":                  false,
		"Key":                  false,
		"keys":                 false,
		"key_id":               false,
		"keychain":             false,
		"KeychainItem":         false,
		"monkey":               false,
		"hotkey":               false,
		"KeepAlive":            false,
		"launchagent":          false,
		"Label":                false,
		"Program":              false,
		"ProgramArguments":     false,
		"EnvironmentVariables": false,
		"OtherJobEnabled":      false,
		"StandardOutPath":      false,
		"WorkingDirectory":     false,
		"UserName":             false,
		"SessionCreate":        false,
		"renamed_from":         false,
		"generated_from":       false,
		"display_name":         false,
		"label_prefixes":       false,
		"watchdog_patterns":    false,
		"input_from":           false,
		"requires":             false,
		"health":               false,
		"liveness":             false,
		"port":                 false,
		"host":                 false,
		"role":                 false,
		"db_url":               false, // the value is judged: see String
		"url":                  false,
		"author":               false,
		"authors":              false,
		"authority":            false,
		"max_tokens":           false,
		"maxTokens":            false,
		"max_new_tokens":       false,
		"prompt_tokens":        false,
		"token_limit":          false,
		"tokenizer":            false,
		"tokenizer_path":       false,
		"password_file":        false, // where it is kept: a path
		"--token-path":         false,
		"ssh_key_dir":          false,
		"bypass":               false,
		"passthrough":          false,
		"compass":              false,
		"--port":               false,
		"PATH":                 false,
		"PWD":                  false,
		"HOME":                 false,
		"--config":             false,
		"":                     false,
		"--":                   false,
	} {
		if got := Name(name); got != want {
			t.Errorf("Name(%q) = %v, want %v", name, got, want)
		}
	}
}

func TestSegments(t *testing.T) {
	for name, want := range map[string][]string{
		"OPENAI_API_KEY":      {"OPENAI", "API", "KEY"},
		"openaiApiKey":        {"OPENAI", "API", "KEY"},
		"OpenAIKey":           {"OPEN", "AI", "KEY"},
		"SecureSocketWithKey": {"SECURE", "SOCKET", "WITH", "KEY"},
		"--api-key":           {"API", "KEY"},
		"key2Name":            {"KEY2", "NAME"},
		"signing.key":         {"SIGNING", "KEY"},
		"ÄpfelSchlüssel_key":  {"ÄPFEL", "SCHLÜSSEL", "KEY"},
		"":                    nil,
		"--":                  nil,
	} {
		if got := segments(name); !slices.Equal(got, want) {
			t.Errorf("segments(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestArg(t *testing.T) {
	for _, tc := range []struct {
		prev, word string
		want       bool
	}{
		{"--token", "abc", true},
		{"-api-key", "abc", true},
		{"--auth", "abc", true},
		{"--token=x", "abc", false}, // the option held its own value
		{"", "--token=abc", true},
		{"", "API_KEY=abc", true},
		{"", "openai_key=abc", true},
		{"", "postgres://app:pw@db/app", true},
		{"", "https://github.com/x/y", false},
		{"", "ssh://git@github.com/x", false},
		{"", "PATH=/usr/bin", false},
		{"--port", "8080", false},
		{"--password-file", "/run/secrets/db", false},
		{"", "/usr/bin/python3", false},
		{"", "--config=/etc/x", false},
		{"token", "abc", false}, // not an option
		{"-p", "abc", false},    // only some programs' -p: see Args
		{"-1", "abc", false},
	} {
		if got := Arg(tc.prev, tc.word); got != tc.want {
			t.Errorf("Arg(%q, %q) = %v, want %v", tc.prev, tc.word, got, tc.want)
		}
	}
}

func TestArgs(t *testing.T) {
	for _, tc := range []struct {
		words []string
		want  []bool
	}{
		{[]string{"mysql", "-u", "root", "-p", "pw"}, []bool{false, false, false, false, true}},
		{[]string{"/usr/local/bin/mysql", "-ppw", "db"}, []bool{false, true, false}},
		{[]string{"mysql", "-p", "-h", "db"}, []bool{false, false, false, false}}, // -p prompts
		{[]string{"sshpass", "-p", "pw", "ssh", "host"}, []bool{false, false, true, false, false}},
		{[]string{"redis-cli", "-a", "pw", "ping"}, []bool{false, false, true, false}},
		{[]string{"curl", "-u", "me:pw", "https://x"}, []bool{false, false, true, false}},
		{[]string{"curl", "--user=me:pw"}, []bool{false, true}},
		{[]string{"curl", "-H", "Authorization: Bearer", "x"}, []bool{false, false, false, false}}, // one word: "Authorization: Bearer"
		{[]string{"curl", "-H", "Authorization:", "Bearer", "tok"}, []bool{false, false, false, false, true}},
		{[]string{"curl", "-H", "X-Api-Key:", "tok"}, []bool{false, false, false, true}},
		{[]string{"mkdir", "-p", "/var/log/x"}, []bool{false, false, false}},
		{[]string{"mysql", ";", "mkdir", "-p", "/x"}, []bool{false, false, false, false, false}},
		{[]string{"python3", "-p", "x"}, []bool{false, false, false}},
		{[]string{"tool", "--token", "abc", "--port", "80"}, []bool{false, false, true, false, false}},
		{nil, []bool{}},
	} {
		if got := Args(tc.words); !slices.Equal(got, tc.want) {
			t.Errorf("Args(%q) = %v, want %v", tc.words, got, tc.want)
		}
	}
}

func TestString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		// Secrets.
		{"/opt/bin/tool --password=SECRET", "/opt/bin/tool --password=<redacted>"},
		{"/opt/bin/tool --password SECRET --port 80", "/opt/bin/tool --password <redacted> --port 80"},
		{"run --token abc", "run --token <redacted>"},
		{"run --token abc --password=x -pX", "run --token <redacted> --password=<redacted> -pX"},
		{"run --token --password", "run --token <redacted>"},
		{"run -token=abc", "run -token=<redacted>"},
		{"OPENAI_API_KEY=sk-abc /usr/bin/env x", "OPENAI_API_KEY=<redacted> /usr/bin/env x"},
		{"env openai_key=sk-abc DB=x", "env openai_key=<redacted> DB=x"},
		{"mysql -u root -pSECRET db", "mysql -u root -p<redacted> db"},
		{"mysql -u root -p SECRET", "mysql -u root -p <redacted>"},
		{"sshpass -p SECRET ssh host", "sshpass -p <redacted> ssh host"},
		{"redis-cli -a SECRET ping", "redis-cli -a <redacted> ping"},
		{"postgres://admin:SECRET@db:5432/x", "postgres://admin:<redacted>@db:5432/x"},
		{"db_url: postgres://admin:SECRET@db/x", "db_url: postgres://admin:<redacted>@db/x"},
		{"redis://:SECRET@cache:6379", "redis://:<redacted>@cache:6379"},
		{"/opt/bin/tool --url postgres:/app:SECRET@db/app", "/opt/bin/tool --url postgres:/app:<redacted>@db/app"}, // after path.Clean
		{"(mysql+pymysql://u:SECRET@h)", "(mysql+pymysql://u:<redacted>@h)"},
		{"see https://u:p@a/ and https://v:q@b/", "see https://u:<redacted>@a/ and https://v:<redacted>@b/"},
		{`curl -H "Authorization: Bearer SECRET" https://x`, `curl -H "Authorization: Bearer <redacted>" https://x`},
		{`curl -H "Cookie: session=SECRET"`, `curl -H "Cookie: <redacted>"`},
		{`curl -u me:SECRET https://x`, `curl -u <redacted> https://x`},
		{"requires is {a: 1, token: SECRET}, render writes [a]", "requires is {a: 1, token: <redacted>}, render writes [a]"},
		{"api_key: SECRET", "api_key: <redacted>"},
		{`yaml: line 2: "password: SECRET"`, `yaml: line 2: "password: <redacted>"`},
		{"manifest auth.yaml: port is 8765", "manifest auth.yaml: port is 8765"},
		{"cannot read /x/token: permission denied", "cannot read /x/token: permission denied"},
		{"service max_tokens: 4096", "service max_tokens: 4096"},
		// Quotes around words and values.
		{`job x runs "/opt/bin/tool --password=SECRET" (Program)`, `job x runs "/opt/bin/tool --password=<redacted>" (Program)`},
		{`Program "/opt/bin/tool --token SECRET"`, `Program "/opt/bin/tool --token <redacted>"`},
		{`tool --password="two words" --port 1`, `tool --password="<redacted>" --port 1`},
		{`tool --password 'two words here' --port 1`, `tool --password '<redacted>' --port 1`},
		{`tool --password "never closed`, `tool --password "<redacted>`},
		{`tool --password='SECRET'`, `tool --password='<redacted>'`},
		{`runs "tool --password \"two words\" --port 1"`, `runs "tool --password \"<redacted>\" --port 1"`},
		{`runs "tool --password=\"two words\""`, `runs "tool --password=\"<redacted>\""`},
		{`runs "tool --token \"SECRET\""`, `runs "tool --token \"<redacted>\""`},
		{"tool\t--token\tSECRET\n", "tool\t--token\t<redacted>\n"},
		// Nothing to hide.
		{"/health", "/health"},
		{"/usr/bin/python3", "/usr/bin/python3"},
		{"--config=/etc/x", "--config=/etc/x"},
		{"PATH=/usr/bin:/bin", "PATH=/usr/bin:/bin"},
		{"mkdir -p /var/log/x", "mkdir -p /var/log/x"},
		{"port is 8765, render writes 9000", "port is 8765, render writes 9000"},
		{"service:voice-agent", "service:voice-agent"},
		{"https://github.com/org/repo", "https://github.com/org/repo"},
		{"ssh://git@github.com:org/repo", "ssh://git@github.com:org/repo"},
		{"git@github.com:org/repo.git", "git@github.com:org/repo.git"},
		{"bert@example.com", "bert@example.com"},
		{"c:/x:y@z", "c:/x:y@z"}, // a one-letter scheme is a drive
		{"/a/b:/c/d:e@f", "/a/b:/c/d:e@f"},
		{"10:/x:y@z", "10:/x:y@z"},
		{"key network.api_token differs (value hidden)", "key network.api_token differs (value hidden)"},
		{"max_tokens=4096", "max_tokens=4096"},
		{"--password-file=/run/secrets/db", "--password-file=/run/secrets/db"},
		{"a = b", "a = b"},
		{"", ""},
		// Already redacted: unchanged.
		{"/opt/bin/tool --password=<redacted>", "/opt/bin/tool --password=<redacted>"},
		{"postgres://admin:<redacted>@db/x", "postgres://admin:<redacted>@db/x"},
	} {
		got := String(tc.in)
		if got != tc.want {
			t.Errorf("String(%q)\n got %q\nwant %q", tc.in, got, tc.want)
		}
		if again := String(got); again != got {
			t.Errorf("String is not idempotent on %q: %q", got, again)
		}
	}
}

func TestGuard(t *testing.T) {
	v, err := Guard("parser", func() (int, error) { return 7, nil })
	if v != 7 || err != nil {
		t.Errorf("no panic: got %v, %v", v, err)
	}
	sentinel := errors.New("bad input")
	if _, err := Guard("parser", func() (int, error) { return 0, sentinel }); err != sentinel {
		t.Errorf("error not passed through: %v", err)
	}
	const secret = "hunter2-from-the-file"
	v, err = Guard("the YAML parser", func() (int, error) { panic("cannot parse " + secret) })
	var pe *PanicError
	if v != 0 || !errors.As(err, &pe) || err.Error() != "the YAML parser failed: unexpected panic" {
		t.Errorf("panic with input: got %v, %v", v, err)
	}
	if strings.Contains(err.Error(), secret) {
		t.Errorf("the panic value leaks: %v", err)
	}
	_, err = Guard("decoder", func() (int, error) {
		var s []int
		return s[3], nil // a runtime error: its text is fixed and shown
	})
	if err == nil || !strings.HasPrefix(err.Error(), "decoder failed: runtime error: index out of range") {
		t.Errorf("runtime error: got %v", err)
	}
}
