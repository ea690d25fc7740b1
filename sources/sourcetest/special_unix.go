//go:build unix

package sourcetest

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"syscall"
	"testing"
	"time"
)

// Mkfifo makes a FIFO at p (creating its directory), a file git cannot
// store: opening it for reading waits for a writer forever.
func Mkfifo(t testing.TB, p string) {
	t.Helper()
	Must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	Must(t, syscall.Mkfifo(p, 0o644))
}

// MkZeroDevice makes a character device at p with /dev/zero's numbers
// (it reads zeros without end). It skips the test where device nodes
// cannot be made (not root, not Linux).
func MkZeroDevice(t testing.TB, p string) {
	t.Helper()
	if runtime.GOOS != "linux" {
		t.Skip("device numbers are Linux's")
	}
	Must(t, os.MkdirAll(filepath.Dir(p), 0o755))
	if err := syscall.Mknod(p, syscall.S_IFCHR|0o644, 1<<8|5); err != nil {
		if errors.Is(err, os.ErrPermission) {
			t.Skipf("cannot make a device node: %v", err)
		}
		t.Fatal(err)
	}
}

// Within runs fn and fails the test when it has not returned after d: a
// hang fails, it never blocks the test run. On a timeout it opens each of
// fifos for writing and closes it again, which releases a reader stuck
// in open (fn's goroutine then ends on its own). A heap growing past
// 1 GiB meanwhile (a read without end, of a device say) panics at once,
// ending the test binary before it can exhaust the machine's memory.
func Within(t testing.TB, d time.Duration, fn func(), fifos ...string) {
	t.Helper()
	done := make(chan struct{})
	go func() {
		defer close(done)
		fn()
	}()
	deadline := time.After(d)
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	sample := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	for {
		select {
		case <-done:
			return
		case <-tick.C:
			metrics.Read(sample)
			if sample[0].Value.Kind() == metrics.KindUint64 && sample[0].Value.Uint64() > 1<<30 {
				panic(t.Name() + ": the heap grew past 1 GiB: reading without end")
			}
			continue
		case <-deadline:
		}
		for _, p := range fifos {
			if f, err := os.OpenFile(p, os.O_WRONLY|syscall.O_NONBLOCK, 0); err == nil {
				f.Close()
			}
		}
		t.Fatalf("did not finish within %s (blocked or reading without end)", d)
	}
}
