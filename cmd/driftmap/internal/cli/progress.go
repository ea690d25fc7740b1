package cli

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/driftmap/driftmap/sources"
)

// Progress shows how far loading has come, on standard error, when it
// is a terminal and loading takes longer than progressDelay; it never
// writes when standard error is a pipe or a file, so no log or piped
// report gets it.
var (
	progressDelay = time.Second
	progressEvery = 200 * time.Millisecond
)

// progress starts showing p's counts on w (a terminal) after
// progressDelay; stop ends it and clears the line it wrote, if any.
func progress(w io.Writer, p *sources.Progress) (stop func()) {
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		t := time.NewTimer(progressDelay)
		defer t.Stop()
		select {
		case <-done:
			return
		case <-t.C:
		}
		tick := time.NewTicker(progressEvery)
		defer tick.Stop()
		for {
			read, found := p.Counts()
			fmt.Fprintf(w, "\rdriftmap: read %d of %d files", read, max(read, found))
			select {
			case <-done:
				fmt.Fprint(w, "\r\033[K") // the report follows on a clean line
				return
			case <-tick.C:
			}
		}
	})
	return func() {
		close(done)
		wg.Wait()
	}
}
