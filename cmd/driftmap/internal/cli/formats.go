package cli

import (
	"fmt"
	"strings"

	"github.com/spf13/pflag"
)

// The --format names of each command in the order its help and hints list
// them, the default first. They are the names exporters registers for the
// command's kind of document (TestFormatNames checks it); the order is
// the CLI's own.
var (
	checkFormats  = []string{"text", "json", "dot", "html", "sarif", "github", "prometheus"}
	graphFormats  = []string{"dot", "svg", "mermaid", "json"}
	answerFormats = []string{"text", "json"} // impact, why and owners
)

// formatFlag registers --format, defaulting to the first of names.
func formatFlag(fs *pflag.FlagSet, o *opts, names []string) {
	fs.StringVar(&o.format, "format", names[0], "output `FORMAT`: "+orList(names))
}

// formatHint is the hint of an unknown --format: "use --format a, b or c".
func formatHint(names []string) string {
	return "use --format " + orList(names)
}

// unknownFormat is the usage error of an unknown --format for a command
// other than check (whose error names the valid formats itself).
func unknownFormat(cmd, name string, names []string) error {
	return &usageError{fmt.Sprintf("unknown format %q for %s", name, cmd), formatHint(names)}
}

// orList joins names as "a", "a or b", "a, b or c".
func orList(names []string) string {
	if len(names) < 2 {
		return strings.Join(names, "")
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}
