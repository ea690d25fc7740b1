// Package writer is a fixture for readonly_test.go: every use of a
// filesystem-writing function below must be reported, the reads must not.
package writer

import (
	"os"
	"os/exec"
)

func Write() error {
	if _, err := os.ReadFile("a"); err != nil { // read: not reported
		return err
	}
	if err := os.WriteFile("a", nil, 0o644); err != nil {
		return err
	}
	f, err := os.Create("b")
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := f.Write([]byte("x")); err != nil {
		return err
	}
	ws := f.WriteString
	if _, err := ws("y"); err != nil {
		return err
	}
	rm := os.Remove
	if err := rm("a"); err != nil {
		return err
	}
	return exec.Command("touch", "c").Run()
}

const readFlags = os.O_RDONLY | 0x800 // O_NONBLOCK on Linux

func Open(r *os.Root, flag int) error {
	if f, err := os.OpenFile("a", readFlags, 0); err == nil { // read-only constant flags: not reported
		f.Close()
	}
	if f, err := r.OpenFile("a", os.O_RDONLY, 0); err == nil { // not reported
		f.Close()
	}
	if f, err := os.OpenFile("a", os.O_RDONLY|os.O_CREATE, 0o644); err == nil {
		f.Close()
	}
	f, err := r.OpenFile("a", flag, 0) // flags not constant
	if err == nil {
		f.Close()
	}
	return err
}
