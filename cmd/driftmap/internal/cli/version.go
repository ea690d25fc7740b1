package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

var versionCmd = &command{
	name:  "version",
	short: "print driftmap's version and the Go version that built it",
	long: `Prints "driftmap VERSION (GO VERSION)": the module version the binary was
built from ("(devel)" when it is not known, as in a build from a checkout
without version control stamping) and the Go version that built it.
'driftmap --version' prints the same. Exits 0.`,
	run: func(c *ctx, args []string) int {
		if len(args) > 0 {
			return c.fail(&usageError{fmt.Sprintf("version takes no arguments, got %q", args[0]), "run 'driftmap version'"})
		}
		fmt.Fprintln(c.env.Stdout, versionLine(debug.ReadBuildInfo()))
		return ExitOK
	},
}

// versionLine is "driftmap VERSION (GOVERSION)" from the build
// information: the main module's version, "(devel)" when unknown, and
// the Go version that built the binary.
func versionLine(bi *debug.BuildInfo, ok bool) string {
	v, gov := "(devel)", runtime.Version()
	if ok && bi != nil {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		if bi.GoVersion != "" {
			gov = bi.GoVersion
		}
	}
	return fmt.Sprintf("driftmap %s (%s)", v, gov)
}
