package fix

import (
	"bytes"
	"encoding/json"
	"fmt"
	"path"
	"regexp"

	"github.com/driftmap/driftmap/sources/render"
	"github.com/driftmap/driftmap/sources/rootfs"
)

// PlanFormat is the format field of a saved plan (see exporters).
const PlanFormat = "driftmap/fix-plan/v1"

// maxSavedSteps bounds the steps of a saved plan driftmap reads back.
const maxSavedSteps = 1 << 20

var dateRE = regexp.MustCompile(`^[0-9]{8}$`)

// ReadPlan reads a plan saved by `driftmap fix -o FILE`. It checks the
// format and that every operation names a clean path inside the root,
// but trusts nothing else in it: `fix --apply --plan` plans again and
// applies only when the new plan is the saved one (see Diff).
func ReadPlan(data []byte) (*Plan, error) {
	var doc struct {
		Format string `json:"format"`
		Plan
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("not a driftmap fix plan: %v", err)
	}
	if doc.Format != PlanFormat {
		return nil, fmt.Errorf("not a driftmap fix plan (format %q, want %q)", doc.Format, PlanFormat)
	}
	if !dateRE.MatchString(doc.Date) {
		return nil, fmt.Errorf("the plan's date %q is not YYYYMMDD", doc.Date)
	}
	if len(doc.Steps) > maxSavedSteps {
		return nil, fmt.Errorf("the plan has %d steps, more than driftmap reads", len(doc.Steps))
	}
	for i, s := range doc.Steps {
		for _, op := range s.Ops {
			if err := checkOp(op); err != nil {
				return nil, fmt.Errorf("step %d: %v", i+1, err)
			}
		}
	}
	p := doc.Plan
	return &p, nil
}

// checkOp refuses an operation that names a path that is not clean and
// absolute, or a kind driftmap does not know.
func checkOp(op render.Op) error {
	switch op.Kind {
	case render.OpMkdir, render.OpWrite, render.OpChmod:
	case render.OpRename:
		if op.To != rootfs.Clean(op.To) || path.Dir(op.To) != path.Dir(op.Path) {
			return fmt.Errorf("rename target %q is not a clean path in the same directory", op.To)
		}
	default:
		return fmt.Errorf("unknown operation %q", op.Kind)
	}
	if op.Path == "/" || op.Path != rootfs.Clean(op.Path) {
		return fmt.Errorf("%s path %q is not a clean path inside the root", op.Kind, op.Path)
	}
	return nil
}

// Ops returns the operations of the plan's steps, in order.
func (p *Plan) Ops() []render.Op {
	var out []render.Op
	for _, s := range p.Steps {
		out = append(out, s.Ops...)
	}
	return out
}

// Diff compares the operations of a saved plan with those of a plan
// made now, and returns one line per difference: an empty result means
// the tree is as it was when the plan was saved (every precondition
// holds) and the plan would do the same, byte for byte.
func Diff(saved, now *Plan) []string {
	a, b := saved.Ops(), now.Ops()
	var out []string
	for i := range max(len(a), len(b)) {
		switch {
		case i >= len(a):
			out = append(out, "now also: "+describeOp(b[i]))
		case i >= len(b):
			out = append(out, "no longer: "+describeOp(a[i]))
		case !sameOp(a[i], b[i]):
			out = append(out, fmt.Sprintf("was: %s; now: %s", describeOp(a[i]), describeOp(b[i])))
		}
	}
	return out
}

func sameOp(a, b render.Op) bool {
	return a.Kind == b.Kind && a.Path == b.Path && a.To == b.To && a.Mode == b.Mode && a.SHA256 == b.SHA256 && a.Before == b.Before
}

func describeOp(op render.Op) string {
	s := fmt.Sprintf("%s %s", op.Kind, op.Path)
	if op.To != "" {
		s += " -> " + op.To
	}
	return s + " (planned against: " + op.Before.String() + ")"
}
