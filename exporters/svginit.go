package exporters

import (
	// gvcache's init runs before go-graphviz's: see its doc.
	"github.com/driftmap/driftmap/internal/gvcache"
)

// go-graphviz has initialised (this package imports it): TMPDIR goes back
// to what it was.
func init() { gvcache.Restore() }
