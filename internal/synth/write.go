package synth

import (
	"fmt"
	"os"
	"path"
	"sync"
	"sync/atomic"
)

// Modes of what Generate writes (the umask applies, as for any tool).
const (
	dirMode  = 0o755
	fileMode = 0o644
	execMode = 0o755
)

// writer writes files under DIR through an os.Root, so that no path,
// whatever DIR holds, leads outside it. Directories written to often
// get their own Root, so that a write resolves one name, not a path.
type writer struct {
	top   *os.Root
	roots map[string]*os.Root // directory relative to DIR -> its Root; read-only once writing starts
	files atomic.Int64
	bytes atomic.Int64
}

// file writes data at rel (relative to DIR, slash-separated). rel's
// directory exists.
func (w *writer) file(rel string, data []byte, mode os.FileMode) error {
	r, name := w.top, rel
	if sub, ok := w.roots[path.Dir(rel)]; ok {
		r, name = sub, path.Base(rel)
	}
	if err := r.WriteFile(name, data, mode); err != nil {
		return fmt.Errorf("cannot write %s: %w", rel, err)
	}
	w.files.Add(1)
	w.bytes.Add(int64(len(data)))
	return nil
}

// dir creates rel and its parents, relative to DIR.
func (w *writer) dir(rel string) error {
	if err := w.top.MkdirAll(rel, dirMode); err != nil {
		return fmt.Errorf("cannot create %s: %w", rel, err)
	}
	return nil
}

// write writes the fleet's tree into dir with the given number of
// concurrent writers and returns the number of files and bytes written.
func write(f *fleet, dir string, workers int) (int, int64, error) {
	top, err := os.OpenRoot(dir)
	if err != nil {
		return 0, 0, err
	}
	defer top.Close()
	w := &writer{top: top, roots: map[string]*os.Root{}}
	hot := []string{".sanctum/bin", ".sanctum/services", "apps", "Library/LaunchAgents", "Library/Logs/sanctum"}
	for _, d := range hot {
		rel := inTree(home(d))
		if err := w.dir(rel); err != nil {
			return 0, 0, err
		}
		r, err := top.OpenRoot(rel)
		if err != nil {
			return 0, 0, err
		}
		defer r.Close()
		w.roots[rel] = r
	}
	if err := w.dir(path.Dir(catalogFile)); err != nil {
		return 0, 0, err
	}
	if err := w.shared(f); err != nil {
		return 0, 0, err
	}

	// Items: the services, then the stray jobs, then the hand-registered
	// services; each item's files depend on the plan alone, so the order
	// in which they are written does not matter.
	total := f.n + len(f.strays) + len(f.hands)
	const chunk = 256
	next := atomic.Int64{}
	var wg sync.WaitGroup
	var once sync.Once
	var firstErr error
	fail := func(err error) { once.Do(func() { firstErr = err }) }
	for range max(1, workers) {
		wg.Go(func() {
			for {
				lo := int(next.Add(chunk)) - chunk
				if lo >= total {
					return
				}
				for i := lo; i < min(lo+chunk, total); i++ {
					if err := w.item(f, i); err != nil {
						fail(err)
						next.Store(int64(total)) // stop every worker
						return
					}
				}
			}
		})
	}
	wg.Wait()
	if firstErr != nil {
		return 0, 0, firstErr
	}
	return int(w.files.Load()), w.bytes.Load(), nil
}

// shared writes the files of the whole fleet: instance.yaml and its JSON
// cache, the shared environment script and the catalog.
func (w *writer) shared(f *fleet) error {
	js, err := f.instanceJSON()
	if err != nil {
		return err
	}
	for _, x := range []struct {
		rel  string
		data []byte
	}{
		{inTree(home(".sanctum/instance.yaml")), f.instanceYAML()},
		{inTree(home(".sanctum/.instance.json")), js},
		{inTree(home(".sanctum/env.sh")), []byte(envScript)},
		{catalogFile, f.catalogYAML()},
	} {
		if err := w.file(x.rel, x.data, fileMode); err != nil {
			return err
		}
	}
	return nil
}

// item writes the files of item i: service i, else a stray job, else a
// hand-registered service.
func (w *writer) item(f *fleet, i int) error {
	switch {
	case i < f.n:
		return w.service(f, i)
	case i < f.n+len(f.strays):
		j := i - f.n
		return w.extra(f.strays[j], j, true)
	default:
		j := i - f.n - len(f.strays)
		return w.extra(f.hands[j], j, false)
	}
}

// service writes service i: its manifest, wrapper, app binary (unless
// planted missing) and LaunchAgent.
func (w *writer) service(f *fleet, i int) error {
	s := &f.services[i]
	m, err := f.manifest(i)
	if err != nil {
		return err
	}
	if err := w.file(inTree(manifestPath(s.name)), m, fileMode); err != nil {
		return err
	}
	if err := w.file(inTree(wrapperPath(s.name)), wrapper(s), execMode); err != nil {
		return err
	}
	// The app directory exists even when its binary is missing: the
	// job's WorkingDirectory is there.
	if err := w.app(s.name, !s.missing); err != nil {
		return err
	}
	p, err := f.servicePlist(i)
	if err != nil {
		return err
	}
	return w.file(inTree(plistPath(s.name)), p, fileMode)
}

// extra writes a stray job (its LaunchAgent and binary) or a
// hand-registered service (its manifest too).
func (w *writer) extra(e extra, i int, stray bool) error {
	if !stray {
		if err := w.file(inTree(manifestPath(e.name)), handManifest(e), fileMode); err != nil {
			return err
		}
	}
	if err := w.app(e.name, true); err != nil {
		return err
	}
	p, err := extraPlist(e, i, stray)
	if err != nil {
		return err
	}
	return w.file(inTree(plistPath(e.name)), p, fileMode)
}

// app creates ~/apps/NAME/bin and, when withBinary, the app binary in it.
func (w *writer) app(name string, withBinary bool) error {
	apps := w.roots[inTree(home("apps"))]
	for _, d := range []string{name, name + "/bin"} {
		if err := apps.Mkdir(d, dirMode); err != nil {
			return fmt.Errorf("cannot create %s: %w", inTree(appDir(d)), err)
		}
	}
	if !withBinary {
		return nil
	}
	data := binary(name)
	if err := apps.WriteFile(name+"/bin/"+name, data, execMode); err != nil {
		return fmt.Errorf("cannot write %s: %w", inTree(binaryPath(name)), err)
	}
	w.files.Add(1)
	w.bytes.Add(int64(len(data)))
	return nil
}

// writeDocument writes DIR/synth.json.
func writeDocument(dir string, data []byte) error {
	top, err := os.OpenRoot(dir)
	if err != nil {
		return err
	}
	defer top.Close()
	tmp := "." + DocumentFile + ".tmp"
	if err := top.WriteFile(tmp, data, fileMode); err != nil {
		return fmt.Errorf("cannot write %s: %w", DocumentFile, err)
	}
	if err := top.Rename(tmp, DocumentFile); err != nil {
		return fmt.Errorf("cannot write %s: %w", DocumentFile, err)
	}
	return nil
}
