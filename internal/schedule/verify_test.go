package schedule

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/driftmap/driftmap/internal/testtool"
	"github.com/driftmap/driftmap/internal/verify"
)

// TestSystemdVerify gives the printed service and timer to systemd's
// own checker, systemd-analyze verify, in a root holding the program and
// the special targets verify needs files for (see docs/systemd.md): it
// must print nothing and exit 0. Skipped where systemd-analyze is not
// installed, unless DRIFTMAP_VERIFY_TEST=1 (see testtool).
func TestSystemdVerify(t *testing.T) {
	testtool.Find(t, "DRIFTMAP_VERIFY_TEST", verify.Program)
	root := t.TempDir()
	write := func(name, data string, mode os.FileMode) {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(data), mode); err != nil {
			t.Fatal(err)
		}
	}
	write("usr/local/bin/driftmap", "#!/bin/sh\n", 0o755)
	for _, target := range []string{"sysinit.target", "basic.target", "timers.target", "local-fs.target", "shutdown.target"} {
		write("usr/lib/systemd/system/"+target, "[Unit]\nDescription="+target+"\n", 0o644)
	}
	j := Job{
		Program:     "/usr/local/bin/driftmap",
		Flags:       []string{"--home", "/home/bert", "--workspace", "/home/bert/src/it's 100% $HOME"},
		Every:       10 * time.Minute,
		TextfileDir: SystemdTextfileDir,
	}
	out, err := Systemd(j)
	if err != nil {
		t.Fatal(err)
	}
	service, timer, ok := strings.Cut(string(out), "\n# "+Unit+".timer\n")
	if !ok {
		t.Fatalf("no timer in\n%s", out)
	}
	write("etc/systemd/system/"+Unit+".service", service, 0o644)
	write("etc/systemd/system/"+Unit+".timer", timer, 0o644)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	res, err := verify.Run(ctx, root, []string{Unit + ".service", Unit + ".timer"})
	if err != nil {
		t.Fatal(err)
	}
	if res.ExitCode != 0 || res.Text != "" {
		t.Errorf("systemd-analyze verify: exit %d:\n%s", res.ExitCode, res.Text)
	}
}
