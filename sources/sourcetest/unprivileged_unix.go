//go:build unix

package sourcetest

import (
	"io"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Unprivileged makes a test of permission errors real when the tests run
// as root, who reads every file whatever its mode. It reports whether the
// caller should run its body here: true when the process is not root.
// As root it runs the same test again, in a copy of the test binary, as
// user nobody (through setpriv), fails the test if that run fails or
// does not run it, and returns false. It skips the test only when
// setpriv or user nobody does not exist. Use it at the top of a
// top-level test whose body makes its own files (in t.TempDir) and
// chmods them.
func Unprivileged(t *testing.T) bool {
	t.Helper()
	if os.Geteuid() != 0 {
		return true
	}
	asNobody, _, _ := AsNobody(t)
	// The test binary lives in a directory only root may enter: copy it.
	dir := t.TempDir()
	Must(t, os.Chmod(dir, 0o755))
	Must(t, os.Chmod(filepath.Dir(dir), 0o755))
	bin := filepath.Join(dir, "test.bin")
	copyFile(t, os.Args[0], bin)
	name := "^" + regexp.QuoteMeta(t.Name()) + "$"
	argv := append(asNobody, bin, "-test.run="+name, "-test.v", "-test.count=1", "-test.timeout=2m")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = append(os.Environ(), "HOME="+dir)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("the run as nobody failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: "+t.Name()) {
		t.Fatalf("the run as nobody did not pass %s:\n%s", t.Name(), out)
	}
	t.Logf("ran as nobody:\n%s", out)
	return false
}

func copyFile(t testing.TB, from, to string) {
	t.Helper()
	in, err := os.Open(from)
	Must(t, err)
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o755)
	Must(t, err)
	_, err = io.Copy(out, in)
	Must(t, err)
	Must(t, out.Close())
}

// AsNobody returns the command prefix that runs a program as user nobody
// (setpriv with nobody's uid and gid, no supplementary groups) and
// nobody's uid and gid. It skips the test when setpriv or user nobody
// does not exist: then permissions cannot be tested as root.
func AsNobody(t testing.TB) (prefix []string, uid, gid int) {
	t.Helper()
	setpriv, err := exec.LookPath("setpriv")
	if err != nil {
		t.Skip("running as root without setpriv: cannot test permission errors")
	}
	nobody, err := user.Lookup("nobody")
	if err != nil {
		t.Skip("running as root without user nobody: cannot test permission errors")
	}
	uid, _ = strconv.Atoi(nobody.Uid)
	gid, _ = strconv.Atoi(nobody.Gid)
	return []string{setpriv, "--reuid=" + nobody.Uid, "--regid=" + nobody.Gid, "--clear-groups"}, uid, gid
}
