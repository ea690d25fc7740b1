package exporters

import (
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/driftmap/driftmap/graph"
	"github.com/driftmap/driftmap/queries"
)

// CheckFormatter formats what `driftmap check` found.
type CheckFormatter interface {
	FormatCheck(w io.Writer, r *Report) error
}

// GraphFormatter formats a dependency graph, each node with the worst
// finding about it. worst may be nil; a nil g is an empty graph.
type GraphFormatter interface {
	FormatGraph(w io.Writer, g *graph.Graph, worst map[string]queries.Severity) error
}

// ImpactFormatter formats the answer of `driftmap impact`.
type ImpactFormatter interface {
	FormatImpact(w io.Writer, im *queries.Impact) error
}

// WhyFormatter formats the answer of `driftmap why`.
type WhyFormatter interface {
	FormatWhy(w io.Writer, y *queries.Why) error
}

// MapFormatter formats the map `driftmap graph` draws (a queries.Map),
// and says how large a map it lays out quickly.
type MapFormatter interface {
	FormatMap(w io.Writer, m *queries.Map) error
	MapLimit() queries.MapLimit
}

// RenderFormatter formats what `driftmap render` planned and did.
type RenderFormatter interface {
	FormatRender(w io.Writer, r *RenderReport) error
}

// Options tune the formatters. Only Check takes them.
type Options struct {
	// Color colours the severity word of check's text output with ANSI
	// escape codes. Other formats ignore it.
	Color bool
}

// The formats. Each is a small value; one format formats every kind of
// document it has a method for.
type (
	// textFormatter writes lines for people and for scripts that grep
	// them (check, impact, why, render).
	textFormatter struct{ color bool }
	// jsonFormatter writes a JSON document with a "schema" member
	// (check, graph, impact, why).
	jsonFormatter struct{}
	// dotFormatter writes a Graphviz digraph (check, graph, map).
	dotFormatter struct{}
	// svgFormatter writes a map as SVG laid out in process (map).
	svgFormatter struct{}
	// mermaidFormatter writes a map as a Mermaid flowchart (map).
	mermaidFormatter struct{}
)

// format is a named formatter of one kind of document: new returns it
// tuned by the options.
type format[F any] struct {
	name string
	new  func(Options) F
}

// registry lists the formats of one kind of document, sorted by name.
type registry[F any] []format[F]

// newRegistry sorts the formats by name; a name given twice panics.
func newRegistry[F any](formats ...format[F]) registry[F] {
	slices.SortFunc(formats, func(a, b format[F]) int { return strings.Compare(a.name, b.name) })
	for i := 1; i < len(formats); i++ {
		if formats[i].name == formats[i-1].name {
			panic("exporters: format " + formats[i].name + " registered twice")
		}
	}
	return registry[F](formats)
}

// names returns the format names, sorted.
func (r registry[F]) names() []string {
	names := make([]string, len(r))
	for i, f := range r {
		names[i] = f.name
	}
	return names
}

// lookup returns the formatter called name tuned by opts, or an
// *UnknownFormatError.
func (r registry[F]) lookup(name string, opts Options) (F, error) {
	i, ok := slices.BinarySearchFunc(r, name, func(f format[F], name string) int { return strings.Compare(f.name, name) })
	if !ok {
		var none F
		return none, &UnknownFormatError{Name: name, Valid: r.names()}
	}
	return r[i].new(opts), nil
}

// UnknownFormatError is the error of a lookup by a name that no format of
// the kind of document has.
type UnknownFormatError struct {
	Name  string   // the name looked up
	Valid []string // the names of the formats there are, sorted
}

func (e *UnknownFormatError) Error() string {
	return fmt.Sprintf("unknown format %q (want %s)", e.Name, strings.Join(e.Valid, ", "))
}

var (
	checkFormats = newRegistry(
		format[CheckFormatter]{"text", func(o Options) CheckFormatter { return textFormatter{color: o.Color} }},
		format[CheckFormatter]{"json", func(Options) CheckFormatter { return jsonFormatter{} }},
		format[CheckFormatter]{"dot", func(Options) CheckFormatter { return dotFormatter{} }},
		format[CheckFormatter]{"html", func(Options) CheckFormatter { return htmlFormatter{} }},
		format[CheckFormatter]{"sarif", func(Options) CheckFormatter { return sarifFormatter{} }},
		format[CheckFormatter]{"github", func(Options) CheckFormatter { return githubFormatter{} }},
		format[CheckFormatter]{"prometheus", func(Options) CheckFormatter { return prometheusFormatter{} }},
	)
	graphFormats = newRegistry(
		format[GraphFormatter]{"dot", func(Options) GraphFormatter { return dotFormatter{} }},
		format[GraphFormatter]{"json", func(Options) GraphFormatter { return jsonFormatter{} }},
	)
	impactFormats = newRegistry(
		format[ImpactFormatter]{"text", func(Options) ImpactFormatter { return textFormatter{} }},
		format[ImpactFormatter]{"json", func(Options) ImpactFormatter { return jsonFormatter{} }},
	)
	whyFormats = newRegistry(
		format[WhyFormatter]{"text", func(Options) WhyFormatter { return textFormatter{} }},
		format[WhyFormatter]{"json", func(Options) WhyFormatter { return jsonFormatter{} }},
	)
	mapFormats = newRegistry(
		format[MapFormatter]{"dot", func(Options) MapFormatter { return dotFormatter{} }},
		format[MapFormatter]{"mermaid", func(Options) MapFormatter { return mermaidFormatter{} }},
		format[MapFormatter]{"svg", func(Options) MapFormatter { return svgFormatter{} }},
	)
	ownersFormats = newRegistry(
		format[OwnersFormatter]{"text", func(Options) OwnersFormatter { return textFormatter{} }},
		format[OwnersFormatter]{"json", func(Options) OwnersFormatter { return jsonFormatter{} }},
	)
	fleetFormats = newRegistry(
		format[FleetFormatter]{"text", func(Options) FleetFormatter { return textFormatter{} }},
		format[FleetFormatter]{"json", func(Options) FleetFormatter { return jsonFormatter{} }},
		format[FleetFormatter]{"html", func(Options) FleetFormatter { return htmlFormatter{} }},
	)
	renderFormats = newRegistry(
		format[RenderFormatter]{"text", func(Options) RenderFormatter { return textFormatter{} }},
	)
)

// Check returns the check formatter called name ("dot", "github",
// "html", "json", "prometheus", "sarif" or "text"), tuned by opts.
func Check(name string, opts Options) (CheckFormatter, error) { return checkFormats.lookup(name, opts) }

// Graph returns the graph formatter called name ("dot" or "json").
func Graph(name string) (GraphFormatter, error) { return graphFormats.lookup(name, Options{}) }

// Impact returns the impact formatter called name ("json" or "text").
func Impact(name string) (ImpactFormatter, error) { return impactFormats.lookup(name, Options{}) }

// Why returns the why formatter called name ("json" or "text").
func Why(name string) (WhyFormatter, error) { return whyFormats.lookup(name, Options{}) }

// Map returns the map formatter called name ("dot", "mermaid" or "svg").
func Map(name string) (MapFormatter, error) { return mapFormats.lookup(name, Options{}) }

// Owners returns the owners formatter called name ("json" or "text").
func Owners(name string) (OwnersFormatter, error) { return ownersFormats.lookup(name, Options{}) }

// Fleet returns the fleet formatter called name ("html", "json" or
// "text").
func Fleet(name string) (FleetFormatter, error) { return fleetFormats.lookup(name, Options{}) }

// Render returns the render formatter called name ("text").
func Render(name string) (RenderFormatter, error) { return renderFormats.lookup(name, Options{}) }

// CheckFormats returns the names Check accepts, sorted.
func CheckFormats() []string { return checkFormats.names() }

// GraphFormats returns the names Graph accepts, sorted.
func GraphFormats() []string { return graphFormats.names() }

// ImpactFormats returns the names Impact accepts, sorted.
func ImpactFormats() []string { return impactFormats.names() }

// WhyFormats returns the names Why accepts, sorted.
func WhyFormats() []string { return whyFormats.names() }

// MapFormats returns the names Map accepts, sorted.
func MapFormats() []string { return mapFormats.names() }

// OwnersFormats returns the names Owners accepts, sorted.
func OwnersFormats() []string { return ownersFormats.names() }

// FleetFormats returns the names Fleet accepts, sorted.
func FleetFormats() []string { return fleetFormats.names() }

// RenderFormats returns the names Render accepts, sorted.
func RenderFormats() []string { return renderFormats.names() }
