package artifact

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/driftmap/driftmap/sources/rootfs"
	"github.com/google/go-cmp/cmp"
)

// regenTemplate uses every kind of placeholder: HOME, dotted paths, a
// mapped one, credential-like ones alone and inside a longer string, an
// unmapped one twice (alone and inside a string), one in a key, and one
// in a comment, which no value holds. Line 9 holds {{OPENAI_API_KEY}}.
const regenTemplate = `<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<!-- {{OPENAI_API_KEY}} comes from the Keychain -->
<dict>
	<key>Label</key><string>com.sanctum.voice-agent</string>
	<key>ProgramArguments</key><array><string>{{HOME}}/.sanctum/bin/voice-agent</string><string>--port</string><string>{{VOICE_PORT}}</string><string>--title={{ services.voice_agent.title }}</string><string>--log={{LOG_LEVEL}}</string></array>
	<key>EnvironmentVariables</key>
	<dict>
		<key>OPENAI_API_KEY</key><string>{{OPENAI_API_KEY}}</string>
		<key>AUTH_HEADER</key><string>Bearer {{SERVICE_TOKEN}}</string>
		<key>LOG_LEVEL</key><string>{{LOG_LEVEL}}</string>
		<key>{{LABEL_NAME}}</key><string>on</string>
	</dict>
	<key>ThrottleInterval</key><integer>10</integer>
</dict>
</plist>
`

// regenInstalled is what is installed from regenTemplate, drifted: the
// port and ThrottleInterval differ, and LOG_LEVEL holds two values.
func regenInstalled() map[string]any {
	return map[string]any{
		"Label":            "com.sanctum.voice-agent",
		"ProgramArguments": []any{"/Users/bert/.sanctum/bin/voice-agent", "--port", "8766", "--title=R&D <voice>", "--log=debug"},
		"EnvironmentVariables": map[string]any{
			"OPENAI_API_KEY":      "sk-live-KEYCHAINSECRET",
			"AUTH_HEADER":         `Bearer svc-KEY&<"KEYCHAINTOKEN">`,
			"LOG_LEVEL":           "info",
			"custom-label-SECRET": "on",
		},
		"ThrottleInterval": 30,
		"KeepAlive":        true,
	}
}

// regenRendered is regenTemplate regenerated over regenInstalled: the
// template's values, the installed text at each uncompared placeholder.
func regenRendered() string {
	s := regenTemplate
	for _, r := range [][2]string{
		{"{{HOME}}", "/Users/bert"},
		{"{{VOICE_PORT}}", "8765"},
		{"{{ services.voice_agent.title }}", "R&amp;D &lt;voice&gt;"},
		{"--log={{LOG_LEVEL}}", "--log=debug"},
		{"<string>{{OPENAI_API_KEY}}", "<string>sk-live-KEYCHAINSECRET"},
		{"{{SERVICE_TOKEN}}", "svc-KEY&amp;&lt;&#34;KEYCHAINTOKEN&#34;&gt;"},
		{"{{LOG_LEVEL}}", "info"},
		{"{{LABEL_NAME}}", "custom-label-SECRET"},
	} {
		s = strings.Replace(s, r[0], r[1], 1)
	}
	return s
}

func TestRegenerateTemplate(t *testing.T) {
	const tmplFile = artTmplDir + "/com.sanctum.voice-agent.plist"
	const installed = artAgentsDir + "/com.sanctum.voice-agent.plist"
	edit := func(f func(m map[string]any)) map[string]any {
		m := regenInstalled()
		f(m)
		return m
	}
	env := func(m map[string]any) map[string]any { return m["EnvironmentVariables"].(map[string]any) }
	tests := []struct {
		name      string
		template  string
		installed any // a value to encode, a string to write as is, nil: absent
		binary    bool
		perm      fs.FileMode
		want      string // the bytes; "" when an error is expected
		mode      fs.FileMode
		err       string // the error's message
		errLine   int    // the error's Line
		errName   string // the error's Placeholder
	}{{
		name: "XML installed", template: regenTemplate, installed: regenInstalled(), perm: 0o600,
		want: regenRendered(), mode: 0o600,
	}, {
		name: "binary installed", template: regenTemplate, installed: regenInstalled(), binary: true,
		want: regenRendered(), mode: 0o644,
	}, {
		name:     "missing, with nothing to take from it",
		template: strings.ReplaceAll(regenTemplate, "{{", "{{HOME}}{{HOME}}//"),
		want:     strings.ReplaceAll(regenTemplate, "{{", "/Users/bert/Users/bert//"), mode: 0o644,
	}, {
		name: "missing, with credentials to take from it", template: regenTemplate,
		err:     "placeholder {{LOG_LEVEL}} (" + tmplFile + ":7) is not compared, so its value is taken from the installed plist, which does not exist; a person must fill it in (and 4 more uses of uncompared placeholders)",
		errLine: 7, errName: "LOG_LEVEL",
	}, {
		name: "a credential the installed plist lacks", template: regenTemplate,
		installed: edit(func(m map[string]any) { delete(env(m), "OPENAI_API_KEY") }),
		err:       "placeholder {{OPENAI_API_KEY}} (" + tmplFile + ":10) is not compared, so its value is taken from the installed plist, which holds nothing at key EnvironmentVariables.OPENAI_API_KEY; a person must fill it in",
		errLine:   10, errName: "OPENAI_API_KEY",
	}, {
		name: "text around a credential that does not match", template: regenTemplate,
		installed: edit(func(m map[string]any) { env(m)["AUTH_HEADER"] = "Basic svc-KEYCHAINTOKEN" }),
		err:       "placeholder {{SERVICE_TOKEN}} (" + tmplFile + ":11) is not compared, so its value is taken from the installed plist, whose text at key EnvironmentVariables.AUTH_HEADER does not match the template's text around the placeholder; a person must fill it in",
		errLine:   11, errName: "SERVICE_TOKEN",
	}, {
		name: "a credential that is no string", template: regenTemplate,
		installed: edit(func(m map[string]any) { env(m)["OPENAI_API_KEY"] = []any{"sk-live-KEYCHAINSECRET"} }),
		err:       "placeholder {{OPENAI_API_KEY}} (" + tmplFile + ":10) is not compared, so its value is taken from the installed plist, which holds a list at key EnvironmentVariables.OPENAI_API_KEY, not a string; a person must fill it in",
		errLine:   10, errName: "OPENAI_API_KEY",
	}, {
		name: "a key placeholder with no key left to match", template: regenTemplate,
		installed: edit(func(m map[string]any) { delete(env(m), "custom-label-SECRET") }),
		err:       "placeholder {{LABEL_NAME}} (" + tmplFile + ":13) is not compared, so its value is taken from the installed plist, which holds nothing at key EnvironmentVariables.{{LABEL_NAME}}; a person must fill it in",
		errLine:   13, errName: "LABEL_NAME",
	}, {
		name: "an installed plist that is broken", template: regenTemplate,
		installed: "<plist><dict><key>Label</key>\n<string>sk-live-KEYCHAINSECRET</dict></plist>",
		err:       "placeholder {{LOG_LEVEL}} (" + tmplFile + ":7) is not compared, so its value is taken from the installed plist, which cannot be read: not a valid property list: element <string> closed by </dict> (line 2); a person must fill it in (and 4 more uses of uncompared placeholders)",
		errLine:   7, errName: "LOG_LEVEL",
	}, {
		name: "a credential XML cannot hold", template: regenTemplate, binary: true,
		installed: edit(func(m map[string]any) { env(m)["OPENAI_API_KEY"] = "sk-live-\x01KEYCHAINSECRET" }),
		err:       "placeholder {{OPENAI_API_KEY}} (" + tmplFile + ":10): the installed text at its place cannot be written back as it is in an XML plist; a person must fill it in",
		errLine:   10, errName: "OPENAI_API_KEY",
	}, {
		name:      "a credential in a CDATA section, which escapes cannot enter",
		template:  strings.Replace(regenTemplate, "<string>{{OPENAI_API_KEY}}</string>", "<string><![CDATA[{{OPENAI_API_KEY}}]]></string>", 1),
		installed: edit(func(m map[string]any) { env(m)["OPENAI_API_KEY"] = "sk-live-&KEYCHAINSECRET" }),
		err:       "placeholder {{OPENAI_API_KEY}} (" + tmplFile + ":10): the installed text at its place cannot be written back as it is in an XML plist; a person must fill it in",
		errLine:   10, errName: "OPENAI_API_KEY",
	}, {
		name:      "a template with errors",
		template:  strings.Replace(regenTemplate, "{{VOICE_PORT}}", "{{services.nope}}", 1),
		installed: regenInstalled(),
		err:       "the template has errors: " + tmplFile + ":7: placeholder {{services.nope}} cannot be resolved from instance.yaml",
		errLine:   7,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			files := map[string]string{tmplFile: tt.template, artInstanceFile: artInstanceYAML}
			artInstall(t, files, installed, tt.installed, tt.binary)
			root, ws := artFiles(t, files)
			if tt.perm != 0 {
				if err := os.Chmod(filepath.Join(root, installed), tt.perm); err != nil {
					t.Fatal(err)
				}
			}
			fsys := rootfs.RootFS{Dir: root}
			env := regenEnv(ws, voicePort("services.voice_agent.port"))
			r := regenResult(t, fsys, env, artTemplateSpec, installed)
			if r.State == OK {
				r.State = Drift // a template with errors checks OK: not compared
			}
			data, mode, err := Regenerate(fsys, env, r)
			regenNoLeak(t, err, "custom-label-SECRET")
			if tt.err != "" {
				var re *RegenerateError
				if !errors.As(err, &re) {
					t.Fatalf("got %d bytes, %v; want a *RegenerateError", len(data), err)
				}
				if re.Message != tt.err || re.Line != tt.errLine || re.Placeholder != tt.errName || re.File != tmplFile || re.Output != installed {
					t.Errorf("error %+v\nwant message %q, line %d, placeholder %q", re, tt.err, tt.errLine, tt.errName)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, string(data)); diff != "" {
				t.Errorf("data (-want +got):\n%s", diff)
			}
			if mode != tt.mode {
				t.Errorf("mode %v, want %v", mode, tt.mode)
			}
			regenApply(t, fsys, env, artTemplateSpec, installed, data, mode)
		})
	}
}
