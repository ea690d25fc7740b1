package sources

import (
	"path"
	"strings"
)

// Layout says where every source lives. Defaults describe the "sanctum"
// layout; flags set Root, Home, Workspace and LabelPrefixes, and a
// driftmap.yaml in the workspace may override every path, prefix and
// pattern (see LoadConfig).
type Layout struct {
	Root      string // host directory that "/" names
	Home      string // home directory inside root, e.g. /Users/bert
	Workspace string // host directory of the checked-in workspace

	Instance   string   // instance.yaml, inside root
	Catalog    string   // runtime catalog, relative to Workspace
	Manifests  string   // manifests directory, inside root
	Wrappers   string   // wrappers directory, inside root
	LaunchDirs []string // launchd directories, inside root

	LabelPrefixes   []string // a job is in scope when its Label or file name starts with one ("" admits all)
	WatchdogPattern []string // substrings of Label, file or program name that mark a watchdog

	// Services are service definitions written in driftmap.yaml
	// (services: NAME: {port, launchagent, requires}); they join the
	// catalog's and instance.yaml's for conflicting-definition.
	Services []CatalogEntry
	// Artifacts are the generated artifacts to verify; nil means the
	// sanctum defaults (DefaultArtifacts).
	Artifacts []ArtifactSpec

	// Config is the driftmap.yaml that was applied, relative to the
	// workspace; "" when none.
	Config string
	// Set records, per layout key, where it was configured (for
	// evidence); a key absent here has its default.
	Set map[string]Position
}

// Position is a place in a file.
type Position struct {
	File string
	Line int
}

// DefaultLayout returns the sanctum layout for a home directory.
func DefaultLayout(root, home, workspace string) Layout {
	return Layout{
		Root:            root,
		Home:            home,
		Workspace:       workspace,
		Instance:        "~/.sanctum/instance.yaml",
		Catalog:         "sanctum/runtime_catalog.yaml",
		Manifests:       "~/.sanctum/services",
		Wrappers:        "~/.sanctum/bin",
		LaunchDirs:      []string{"~/Library/LaunchAgents", "/Library/LaunchAgents", "/Library/LaunchDaemons"},
		LabelPrefixes:   []string{"com.sanctum."},
		WatchdogPattern: []string{"watchdog", "living-force"},
	}
}

// Expand replaces a leading ~ and every $HOME or ${HOME} in p with home
// and cleans the result. ok is false when p still holds another expansion
// ($VAR, ${VAR}, $(...), `...`) and so cannot name a fixed path.
func Expand(p, home string) (string, bool) {
	if p == "~" || strings.HasPrefix(p, "~/") {
		p = home + p[1:]
	}
	p = strings.ReplaceAll(p, "${HOME}", home)
	var b strings.Builder
	for {
		i := strings.Index(p, "$HOME")
		if i < 0 {
			b.WriteString(p)
			break
		}
		end := i + len("$HOME")
		if end < len(p) && isNameByte(p[end]) {
			// $HOMEBREW_PREFIX and the like: another variable.
			b.WriteString(p[:end])
			p = p[end:]
			continue
		}
		b.WriteString(p[:i])
		b.WriteString(home)
		p = p[end:]
	}
	p = b.String()
	if strings.ContainsAny(p, "$`") {
		return p, false
	}
	return p, true
}

func isNameByte(c byte) bool {
	return c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// InRoot expands p (see Expand) and returns it as a clean absolute path
// inside root. ok is false when p cannot be expanded.
func (l Layout) InRoot(p string) (string, bool) {
	e, ok := Expand(p, l.Home)
	if !ok {
		return e, false
	}
	if !path.IsAbs(e) {
		e = "/" + e
	}
	return Clean(e), true
}
