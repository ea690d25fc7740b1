package launchctl

import (
	"bytes"
	"encoding/json"

	"github.com/driftmap/driftmap/sources/redact"
)

// Marshal returns the snapshot document: schema driftmap/snapshot/v1,
// every list sorted as Merge sorts it (an empty one written []), two
// spaces of indentation and a final newline. Every value that may hold
// a credential is redacted (see sources/redact): the arguments as a
// command line (redact.Args), and the label, program, path and every
// other string (redact.String). s is not changed.
func (s *Snapshot) Marshal() ([]byte, error) {
	c := &Snapshot{Schema: Schema,
		Jobs:     make([]Job, len(s.Jobs)),
		List:     make([]ListRow, len(s.List)),
		Disabled: make([]Override, len(s.Disabled)),
		Problems: make([]Problem, len(s.Problems)),
	}
	for i, j := range s.Jobs {
		c.Jobs[i] = redactJob(j)
	}
	for i, r := range s.List {
		r.Label, r.StatusText = redact.String(r.Label), redact.String(r.StatusText)
		c.List[i] = r
	}
	for i, o := range s.Disabled {
		o.Label = redact.String(o.Label)
		c.Disabled[i] = o
	}
	for i, p := range s.Problems {
		p.File, p.Message = redact.String(p.File), redact.String(p.Message)
		c.Problems[i] = p
	}
	c.sort()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(c); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func redactJob(j Job) Job {
	j = cloneJob(j)
	j.Label, j.State = redact.String(j.Label), redact.String(j.State)
	j.Program, j.Path = redactPtr(j.Program), redactPtr(j.Path)
	if j.Domain != nil {
		d := redact.String(*j.Domain)
		j.Domain = &d
	}
	j.Arguments = redact.Words(j.Arguments)
	for i, p := range j.Properties {
		j.Properties[i] = redact.String(p)
	}
	return j
}

func redactPtr(p *string) *string {
	if p == nil {
		return nil
	}
	r := redact.String(*p)
	return &r
}
