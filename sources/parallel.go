package sources

import (
	"runtime"
	"sync"
	"sync/atomic"
)

// each calls f(i) for every i in [0, n) on ld.workers goroutines (one:
// in order, on this one). f reads through ld.read and parses; it must
// not touch the builder or any other loader state: the graph is
// assembled afterwards, in order, so that the output is the same
// whatever the number of workers.
func (ld *loader) each(n int, f func(i int)) {
	w := min(ld.workers, n)
	if w <= 1 {
		for i := range n {
			f(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range w {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				f(i)
			}
		})
	}
	wg.Wait()
}

// readResult is one file as readAll read and parsed it.
type readResult[T any] struct {
	data []byte
	err  error // why it could not be read; parse did not run
	v    T     // what parse made of data
}

// readAll reads each file (at most max bytes) through ld.read and parses
// it with parse on the workers (see each), and returns the results in
// the order of files, for the caller to assemble in that order.
func readAll[T any](ld *loader, files []string, max int64, parse func(file string, data []byte) T) []readResult[T] {
	res := make([]readResult[T], len(files))
	ld.toRead(len(files))
	ld.each(len(files), func(i int) {
		r := &res[i]
		if r.data, r.err = ld.read(files[i], max); r.err == nil {
			r.v = parse(files[i], r.data)
		}
	})
	return res
}

// workerCount is the number of workers Options.Workers asks for.
func workerCount(n int) int {
	if n > 0 {
		return n
	}
	return runtime.GOMAXPROCS(0)
}

// read reads a file inside the root from a worker: calls to an FS
// passed in Options.FS are serialised, since it need not be safe for
// concurrent use; the loader's own cached RootFS is, and reads through
// it overlap (it serialises only its lookups).
func (ld *loader) read(name string, max int64) ([]byte, error) {
	if !ld.fsSafe {
		ld.fsMu.Lock()
		defer ld.fsMu.Unlock()
	}
	if ld.progress != nil {
		defer ld.progress.read.Add(1)
	}
	return ld.fs.ReadFile(name, max)
}

// Progress counts the files a Load has read, and how many it has found
// to read so far, for a command to show while it runs. It is safe to
// read from another goroutine while Load runs.
type Progress struct {
	read, found atomic.Int64
}

// Counts returns the files read and the files found so far.
func (p *Progress) Counts() (read, found int64) {
	return p.read.Load(), p.found.Load()
}

// toRead notes n more files found to read.
func (ld *loader) toRead(n int) {
	if ld.progress != nil {
		ld.progress.found.Add(int64(n))
	}
}
