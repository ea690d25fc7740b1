package render_test

import (
	"fmt"
	"go/ast"
	"go/constant"
	"go/types"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/tools/go/packages"
)

// module is driftmap's module path.
const module = "github.com/driftmap/driftmap"

// readOnlyPatterns are the packages that must not write to the filesystem.
// They are found by pattern, so a new package under sources/ is checked
// without being listed here.
var readOnlyPatterns = []string{
	module + "/sources/...",
	module + "/graph/...",
	module + "/queries/...",
}

// exempt are the only packages matched by readOnlyPatterns that may write.
var exempt = map[string]bool{
	// The one write path of driftmap: carrying out a render plan.
	module + "/sources/render": true,
	// Test support that writes temporary trees. Only tests may import it;
	// TestSourcetestOnlyInTests holds that, so this exemption cannot be used
	// to write from production code.
	sourcetest: true,
}

const sourcetest = module + "/sources/sourcetest"

// denied is the deny list: the functions and methods that write to the
// filesystem, or that run a program (which can write anything). A use of
// any of them, called or taken as a value, is reported.
//
// Keys are "pkgpath.Name" for package-level functions and
// "(*pkgpath.Type).Name" for methods, built from the type checker's objects,
// never from source text, so renamed or dot imports are caught.
//
// Deliberately not listed: os.Open, os.OpenRoot, os.OpenInRoot and the
// read-only os.Root methods (they cannot write); os.NewFile and os.Pipe
// (they touch no file, and every write through the *os.File they return is
// a listed method); (*os.File).WriteTo (it reads the file). os.OpenFile,
// (*os.Root).OpenFile and syscall/unix Open are listed whatever their flags:
// a read-only package opens with os.Open, or with os.OpenFile or
// (*os.Root).OpenFile when the flags are a constant without a write bit
// (readOnlyOpen: package rootfs opens with O_NONBLOCK so that a FIFO
// never blocks).
//
// The check sees direct uses only: a write through an interface (an
// *os.File passed as an io.Writer), or inside a function of another
// package that the checked code calls, is not seen, except that getting
// a writable *os.File at all needs a listed function.
var denied = denyList(map[string][]string{
	"os": {
		"Create", "CreateTemp", "OpenFile", "Mkdir", "MkdirAll", "MkdirTemp",
		"Remove", "RemoveAll", "Rename", "Symlink", "Link",
		"Chmod", "Chown", "Lchown", "Chtimes", "Truncate", "WriteFile", "CopyFS",
		"StartProcess",
	},
	"(*os.File)": {
		"Write", "WriteString", "WriteAt", "ReadFrom", "Truncate",
		"Chmod", "Chown", "Sync",
	},
	"(*os.Root)": {
		"Create", "OpenFile", "Mkdir", "MkdirAll", "Remove", "RemoveAll",
		"Rename", "Symlink", "Link", "Chmod", "Chown", "Lchown", "Chtimes",
		"WriteFile",
	},
	"io/ioutil": {"WriteFile", "TempFile", "TempDir"},
	"os/exec":   {"Command", "CommandContext"},
	// An exec.Cmd can be built without Command.
	"(*os/exec.Cmd)": {"Run", "Start", "Output", "CombinedOutput"},
	// Names missing on a platform simply never match.
	"syscall":               sysWrites,
	"golang.org/x/sys/unix": sysWrites,
})

// sysWrites are the syscall and golang.org/x/sys/unix functions that write,
// run a program, or (raw Syscall*) can do anything.
var sysWrites = []string{
	"Open", "Openat", "Openat2", "Creat",
	"Mkdir", "Mkdirat", "Mkfifo", "Mkfifoat", "Mknod", "Mknodat",
	"Unlink", "Unlinkat", "Rmdir",
	"Rename", "Renameat", "Renameat2", "RenameatxNp", "Exchangedata",
	"Symlink", "Symlinkat", "Link", "Linkat",
	"Chmod", "Fchmod", "Fchmodat", "Chown", "Fchown", "Fchownat", "Lchown",
	"Chflags", "Fchflags",
	"Truncate", "Ftruncate", "Fallocate",
	"Write", "Pwrite", "Writev", "Pwritev", "Pwritev2",
	"Sendfile", "CopyFileRange", "Splice", "Tee",
	"Fsync", "Fdatasync", "Sync", "SyncFileRange",
	"Utime", "Utimes", "UtimesNano", "UtimesNanoAt", "Futimes", "Futimesat", "Lutimes",
	"Setxattr", "Lsetxattr", "Fsetxattr", "Removexattr", "Lremovexattr", "Fremovexattr",
	"Clonefile", "Clonefileat", "Fclonefileat",
	"Mount", "Unmount",
	"Exec", "ForkExec", "StartProcess",
	"Syscall", "Syscall6", "Syscall9", "RawSyscall", "RawSyscall6",
}

func denyList(m map[string][]string) map[string]bool {
	set := map[string]bool{}
	for owner, names := range m {
		for _, n := range names {
			set[owner+"."+n] = true
		}
	}
	return set
}

// finding is one use of a denied function or method.
type finding struct {
	file      string // relative to the module root
	line, col int
	pkg       string // import path relative to the module
	call      bool   // in callee position, not taken as a value
	name      string // os.WriteFile, (*os.File).Write, unix.Open
}

func (f finding) String() string {
	verb := "uses"
	if f.call {
		verb = "calls"
	}
	return fmt.Sprintf("%s:%d: package %s %s %s", f.file, f.line, f.pkg, verb, f.name)
}

// load type-checks the non-test files of the packages matching patterns,
// from dir, and fails the test on any load or type error: a package that
// cannot be type-checked cannot be checked.
func load(t *testing.T, dir string, mode packages.LoadMode, patterns ...string) []*packages.Package {
	t.Helper()
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("go/packages needs the go command, which is not on PATH")
	}
	cfg := &packages.Config{Mode: mode | packages.NeedName | packages.NeedModule, Dir: dir, Tests: false}
	pkgs, err := packages.Load(cfg, patterns...)
	if err != nil {
		t.Fatalf("loading %v: %v", patterns, err)
	}
	var errs []string
	packages.Visit(pkgs, nil, func(p *packages.Package) {
		for _, e := range p.Errors {
			errs = append(errs, e.Error())
		}
	})
	if len(errs) > 0 {
		t.Fatalf("loading %v:\n%s", patterns, strings.Join(errs, "\n"))
	}
	return pkgs
}

const typed = packages.NeedFiles | packages.NeedSyntax | packages.NeedTypes | packages.NeedTypesInfo

// check reports every use, in the non-test files of pkgs, of a function or
// method in the deny list, sorted by file and position.
func check(pkgs []*packages.Package) []finding {
	var out []finding
	for _, p := range pkgs {
		root, rel := p.Module.Dir, strings.TrimPrefix(strings.TrimPrefix(p.PkgPath, p.Module.Path), "/")
		for _, file := range p.Syntax {
			callees := map[*ast.Ident]*ast.CallExpr{}
			ast.Inspect(file, func(n ast.Node) bool {
				if c, ok := n.(*ast.CallExpr); ok {
					if id := callee(c.Fun); id != nil {
						callees[id] = c
					}
				}
				return true
			})
			ast.Inspect(file, func(n ast.Node) bool {
				id, ok := n.(*ast.Ident)
				if !ok {
					return true
				}
				// Uses holds every identifier that refers to an object,
				// including the Sel of qualified identifiers (os.WriteFile),
				// method values and expressions (f.Write, (*os.File).Write)
				// and promoted methods of embedded fields.
				fn, ok := p.TypesInfo.Uses[id].(*types.Func)
				if !ok {
					return true
				}
				key, name := funcKey(fn)
				if !denied[key] || readOnlyOpen(p.TypesInfo, key, callees[id]) {
					return true
				}
				pos := p.Fset.Position(id.Pos())
				file := pos.Filename
				if r, err := filepath.Rel(root, file); err == nil {
					file = filepath.ToSlash(r)
				}
				out = append(out, finding{file: file, line: pos.Line, col: pos.Column, pkg: rel, call: callees[id] != nil, name: name})
				return true
			})
		}
	}
	slices.SortFunc(out, func(a, b finding) int {
		if c := strings.Compare(a.file, b.file); c != 0 {
			return c
		}
		if a.line != b.line {
			return a.line - b.line
		}
		return a.col - b.col
	})
	return out
}

// readOnlyOpen reports whether call, a call of the function key, is an
// os.OpenFile or (*os.Root).OpenFile whose flags are a constant
// expression with none of the bits that write or create.
func readOnlyOpen(info *types.Info, key string, call *ast.CallExpr) bool {
	if call == nil || (key != "os.OpenFile" && key != "(*os.Root).OpenFile") || len(call.Args) != 3 {
		return false
	}
	v := info.Types[call.Args[1]].Value
	if v == nil {
		return false
	}
	flags, ok := constant.Int64Val(constant.ToInt(v))
	const writes = os.O_WRONLY | os.O_RDWR | os.O_CREATE | os.O_TRUNC | os.O_APPEND | os.O_EXCL
	return ok && flags&int64(writes) == 0
}

// callee is the identifier naming the function called by fun, if any:
// f, pkg.F, x.M, and the same instantiated (F[T]) or parenthesized.
func callee(fun ast.Expr) *ast.Ident {
	for {
		switch e := fun.(type) {
		case *ast.ParenExpr:
			fun = e.X
		case *ast.IndexExpr:
			fun = e.X
		case *ast.IndexListExpr:
			fun = e.X
		case *ast.Ident:
			return e
		case *ast.SelectorExpr:
			return e.Sel
		default:
			return nil
		}
	}
}

// funcKey is fn's deny-list key ("os.WriteFile", "(*os.File).Write") and
// its short name for reports ("os.WriteFile", "(*os.File).Write",
// "unix.Open").
func funcKey(fn *types.Func) (key, name string) {
	fn = fn.Origin()
	if fn.Pkg() == nil { // universe: error.Error
		return "", ""
	}
	sig := fn.Type().(*types.Signature)
	if recv := sig.Recv(); recv != nil {
		t := recv.Type()
		ptr := ""
		if p, ok := t.(*types.Pointer); ok {
			t, ptr = p.Elem(), "*"
		}
		named, ok := types.Unalias(t).(*types.Named)
		if !ok || named.Obj().Pkg() == nil {
			return "", ""
		}
		obj := named.Obj()
		return fmt.Sprintf("(%s%s.%s).%s", ptr, obj.Pkg().Path(), obj.Name(), fn.Name()),
			fmt.Sprintf("(%s%s.%s).%s", ptr, obj.Pkg().Name(), obj.Name(), fn.Name())
	}
	return fn.Pkg().Path() + "." + fn.Name(), fn.Pkg().Name() + "." + fn.Name()
}

// TestReadOnly fails if a package under sources/ (but sources/render and
// sources/sourcetest), graph or queries uses a function that writes to the
// filesystem or runs a program.
func TestReadOnly(t *testing.T) {
	pkgs := load(t, "", typed, readOnlyPatterns...)
	var checked []*packages.Package
	for _, p := range pkgs {
		if !exempt[p.PkgPath] {
			checked = append(checked, p)
		}
	}
	// Each pattern must match a checked package, so that a pattern that
	// stops matching cannot make this test pass vacuously.
	for _, pat := range readOnlyPatterns {
		prefix := strings.TrimSuffix(pat, "/...")
		if !slices.ContainsFunc(checked, func(p *packages.Package) bool {
			return p.PkgPath == prefix || strings.HasPrefix(p.PkgPath, prefix+"/")
		}) {
			t.Errorf("%s matches no checked package", pat)
		}
	}
	var lines []string
	for _, f := range check(checked) {
		lines = append(lines, f.String())
	}
	if len(lines) > 0 {
		t.Errorf("read-only packages write to the filesystem or run programs (only %s may):\n%s",
			module+"/sources/render", strings.Join(lines, "\n"))
	}
}

// TestSourcetestOnlyInTests holds the condition of sourcetest's exemption:
// no non-test file of any package of the module imports it.
func TestSourcetestOnlyInTests(t *testing.T) {
	pkgs := load(t, "", packages.NeedImports, module+"/...")
	var bad []string
	for _, p := range pkgs {
		if _, ok := p.Imports[sourcetest]; ok {
			bad = append(bad, p.PkgPath)
		}
	}
	slices.Sort(bad)
	if len(bad) > 0 {
		t.Errorf("%s is test support, but non-test files of these packages import it:\n%s",
			sourcetest, strings.Join(bad, "\n"))
	}
}

// TestCheckerFindsWrites runs the checker on testdata/writer, which uses
// denied functions in each way the checker must see, and one read.
func TestCheckerFindsWrites(t *testing.T) {
	// An explicit path reaches into testdata; only the ... wildcard skips it.
	pkgs := load(t, "", typed, "./testdata/writer")
	if len(pkgs) != 1 || pkgs[0].PkgPath != module+"/sources/render/testdata/writer" {
		t.Fatalf("loaded %v, want the one fixture package", pkgs)
	}
	var got []string
	for _, f := range check(pkgs) {
		got = append(got, f.String())
	}
	const (
		file = "sources/render/testdata/writer/writer.go"
		pkg  = "sources/render/testdata/writer"
	)
	want := []string{
		file + ":14: package " + pkg + " calls os.WriteFile",
		file + ":17: package " + pkg + " calls os.Create",
		file + ":22: package " + pkg + " calls (*os.File).Write",
		file + ":25: package " + pkg + " uses (*os.File).WriteString",
		file + ":29: package " + pkg + " uses os.Remove",
		file + ":33: package " + pkg + " calls exec.Command",
		file + ":33: package " + pkg + " calls (*exec.Cmd).Run",
		file + ":45: package " + pkg + " calls os.OpenFile",
		file + ":48: package " + pkg + " calls (*os.Root).OpenFile",
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
