package exporters

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/driftmap/driftmap/queries"
)

// browserRequired reports whether a missing browser fails the test rather
// than skipping it: on CI, and when DRIFTMAP_BROWSER_TEST=1.
func browserRequired() bool {
	ci := os.Getenv("CI")
	return ci != "" && ci != "false" && ci != "0" || os.Getenv("DRIFTMAP_BROWSER_TEST") == "1"
}

// findChromium returns the Chromium to drive: $DRIFTMAP_CHROMIUM, or the
// first of chromium, chromium-browser, google-chrome on $PATH, or "".
func findChromium() string {
	if p := os.Getenv("DRIFTMAP_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// browser starts a headless Chromium with a fresh profile and no network
// chatter, and returns a context to run actions in. The context carries
// a hang guard: a generous deadline after which every action fails,
// never a measure of speed. The test fails if a page raises a JavaScript
// exception, opens a dialog (alert), logs an error (a Content-Security-
// Policy violation, a failed load) or requests anything but a file: page.
func browser(t *testing.T) context.Context {
	t.Helper()
	exe := findChromium()
	if exe == "" {
		msg := "no Chromium found (install Debian's chromium, or set DRIFTMAP_CHROMIUM)"
		if browserRequired() {
			t.Fatal(msg + "; CI or DRIFTMAP_BROWSER_TEST=1 requires the browser test")
		}
		t.Skip(msg + ": skipping the browser test (CI=true or DRIFTMAP_BROWSER_TEST=1 makes this a failure)")
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(exe),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(900, 1000), // narrower than the fixture map at its own size
	)
	guard, cancelGuard := context.WithTimeout(context.Background(), 3*time.Minute)
	t.Cleanup(cancelGuard)
	alloc, cancelAlloc := chromedp.NewExecAllocator(guard, opts...)
	t.Cleanup(cancelAlloc)

	var mu sync.Mutex
	var seen []string
	var ctx context.Context
	record := func(s string) {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, s)
	}
	listen := func(ev any) {
		switch ev := ev.(type) {
		case *runtime.EventExceptionThrown:
			d := ev.ExceptionDetails
			record(fmt.Sprintf("exception: %s (line %d)", d.Text, d.LineNumber+1))
		case *page.EventJavascriptDialogOpening:
			record("dialog: " + ev.Message)
			go chromedp.Call(ctx, page.HandleJavaScriptDialog, page.HandleJavaScriptDialogParams{Accept: false}) //nolint:errcheck // the record fails the test
		case *cdplog.EventEntryAdded:
			if ev.Entry.Level == cdplog.EntryLevelError {
				record(fmt.Sprintf("console error (%s): %s", ev.Entry.Source, ev.Entry.Text))
			}
		case *network.EventRequestWillBeSent:
			if !strings.HasPrefix(ev.Request.URL, "file:") {
				record("request: " + ev.Request.URL)
			}
		}
	}
	ctx, cancel := chromedp.NewContext(alloc, chromedp.WithListener(listen))
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatalf("starting %s: %v", exe, err)
	}
	t.Cleanup(func() {
		mu.Lock()
		defer mu.Unlock()
		if len(seen) > 0 {
			t.Errorf("the page raised:\n%s", strings.Join(seen, "\n"))
		}
	})
	return ctx
}

// writePage writes an HTML page into a temporary directory and returns
// its file: URL.
func writePage(t *testing.T, name string, html []byte) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, html, 0o644); err != nil {
		t.Fatal(err)
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// js evaluates expr in the page, failing the test on error.
func js[T any](t *testing.T, ctx context.Context, expr string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](expr))
	if err != nil {
		t.Fatalf("evaluating %s: %v", expr, err)
	}
	return v
}

// visibleRows counts the finding rows the page shows.
const visibleRows = `Array.from(document.querySelectorAll('#dm-findings tbody tr[data-rule]')).filter(r => r.getClientRects().length > 0).length`

// setSelect picks value in the <select> sel as a user does: the value
// changes, then a change event.
func setSelect(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Evaluate[chromedp.Void](fmt.Sprintf(`(() => { const s = document.querySelector(%q); s.value = %q; s.dispatchEvent(new Event('change', {bubbles: true})); })()`, sel, value))
}

// open loads the page at u and waits until its script has run.
func open(t *testing.T, ctx context.Context, u string) {
	t.Helper()
	if err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS(`html[data-ready="true"]`))); err != nil {
		t.Fatalf("opening %s: %v", u, err)
	}
}

// panelState is what the node panel shows.
type panelState struct {
	Hidden   bool     `json:"hidden"`
	ID       string   `json:"id"`
	State    string   `json:"state"`
	Findings []string `json:"findings"`
	Impact   []string `json:"impact"`
	Via      []string `json:"via"`
	Marked   []string `json:"marked"`
	Selected []string `json:"selected"`
}

const readPanel = `(() => ({
  hidden: document.getElementById('dm-node').hidden,
  id: document.getElementById('dm-node-id').textContent,
  state: document.getElementById('dm-node-state').textContent,
  findings: Array.from(document.querySelectorAll('#dm-node-findings li')).map(li => li.textContent),
  impact: Array.from(document.querySelectorAll('#dm-node-impact li')).map(li => li.dataset.node),
  via: Array.from(document.querySelectorAll('#dm-node-impact li .dm-via')).map(s => s.textContent),
  marked: Array.from(document.querySelectorAll('#dm-map g.node.dm-impacted > title')).map(t => t.textContent).sort(),
  selected: Array.from(document.querySelectorAll('#dm-map g.node.dm-selected > title')).map(t => t.textContent),
}))()`

// wantPanel is what the panel must show for node id of the report: its
// findings and its impact set as queries.ImpactOf answers it.
func wantPanel(r *Report, id string, drawn map[string]bool) panelState {
	w := panelState{ID: id, Findings: []string{}, Impact: []string{}, Via: []string{}, Marked: []string{}, Selected: []string{}}
	for _, f := range r.Findings {
		if f.Subject == id {
			w.Findings = append(w.Findings, fmt.Sprintf("%s %s: %s [%s]", f.Severity, findingLocation(f), f.Message, f.Rule))
		}
	}
	for _, a := range queries.ImpactOf(r.Graph, id).Affected {
		w.Impact = append(w.Impact, a.ID)
		w.Via = append(w.Via, fmt.Sprintf(" distance %d, %s \u2192 %s", a.Distance, a.Via.Kind, a.Via.To))
		if drawn[a.ID] {
			w.Marked = append(w.Marked, a.ID)
		}
	}
	if n, ok := r.Graph.Node(id); ok {
		w.State = string(n.Kind)
		if n.State != "" {
			w.State += ", " + string(n.State)
		}
	}
	if drawn[id] {
		w.Selected = append(w.Selected, id)
	} else {
		w.State += ", not drawn on the map"
	}
	slices.Sort(w.Marked)
	return w
}

// TestHTMLInBrowser opens the broken demo's page in headless Chromium and
// uses it: the map is drawn with its nodes, the filters and the search
// box change the rows shown, and a click on a map node or a finding's
// subject shows that node's findings and impact set, the same set
// `driftmap impact` gives.
func TestHTMLInBrowser(t *testing.T) {
	ctx := browser(t)
	svg := mapFixture(t)
	r := brokenDemo(t) // changes directory
	r.Map = svg
	u := writePage(t, "broken.html", formatted(t, check("html", Options{}, r)))
	open(t, ctx, u)

	// The map is in the DOM, drawn, and has the fixture's nodes.
	drawnIDs := js[[]string](t, ctx, `Array.from(document.querySelectorAll('#dm-map svg g.node > title')).map(t => t.textContent)`)
	if len(drawnIDs) != 16 {
		t.Errorf("the map has %d nodes, want 16: %v", len(drawnIDs), drawnIDs)
	}
	drawn := map[string]bool{}
	for _, id := range drawnIDs {
		drawn[id] = true
		if _, ok := r.Graph.Node(id); !ok {
			t.Errorf("map node %q is no node of the graph", id)
		}
	}
	width := func() float64 {
		return js[float64](t, ctx, `document.querySelector('#dm-map svg').getBoundingClientRect().width`)
	}
	fitted := width()
	if fitted < 100 {
		t.Errorf("the map is %v pixels wide: not drawn", fitted)
	}
	// Unticking "fit" shows it at its own size (wider than the page's
	// map box here), ticking it again fits it back.
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#dm-fit"))); err != nil {
		t.Fatal(err)
	}
	if w := width(); w <= fitted {
		t.Errorf("at its own size the map is %v pixels wide, fitted %v", w, fitted)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS("#dm-fit"))); err != nil {
		t.Fatal(err)
	}
	if w := width(); w != fitted {
		t.Errorf("fitted again, the map is %v pixels wide, want %v", w, fitted)
	}

	// Filters and search.
	rows := func() int { return js[int](t, ctx, visibleRows) }
	shown := func() string { return js[string](t, ctx, `document.getElementById('dm-shown').textContent`) }
	if n := rows(); n != 20 {
		t.Errorf("%d rows shown at first, want 20", n)
	}
	search := func(q string) int {
		n := 0
		for _, f := range r.Findings {
			hay := strings.ToLower(f.Severity.String() + f.Rule + findingLocation(f) + f.Message + f.Subject)
			for _, e := range f.Evidence {
				hay += strings.ToLower(evidenceText(e))
			}
			if strings.Contains(hay, q) {
				n++
			}
		}
		return n
	}
	for _, step := range []struct {
		name   string
		action chromedp.Action[chromedp.Void]
		want   int
	}{
		{"severity warning", setSelect("#dm-severity", "warning"), 6},
		{"and rule unmanaged", setSelect("#dm-rule", "unmanaged"), 2},
		{"rule alone", setSelect("#dm-severity", ""), 2},
		{"no filter", setSelect("#dm-rule", ""), 20},
		{"type living-force", chromedp.SendKeys(chromedp.CSS("#dm-search"), "Living-Force"), search("living-force")},
		{"and severity info", setSelect("#dm-severity", "info"), 0},
		{"and severity error", setSelect("#dm-severity", "error"), search("living-force")},
	} {
		if err := chromedp.Do(ctx, step.action); err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if n := rows(); n != step.want {
			t.Errorf("%s: %d rows shown, want %d", step.name, n, step.want)
		}
		if got, want := shown(), fmt.Sprintf("%d of 20 findings shown", step.want); got != want {
			t.Errorf("%s: the count says %q, want %q", step.name, got, want)
		}
		if none := js[bool](t, ctx, `!document.getElementById('dm-none-shown').hidden`); none != (step.want == 0) {
			t.Errorf("%s: the no-match row is shown: %v", step.name, none)
		}
	}
	if search("living-force") != 2 {
		t.Errorf("%d findings mention living-force, want 2: the search step tests little", search("living-force"))
	}

	// A click on a node of the map.
	for _, id := range []string{"job:com.sanctum.triage", "wrapper:/Users/bert/.sanctum/env.sh"} {
		if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(fmt.Sprintf(`#dm-map g.node[id=%q]`, id)))); err != nil {
			t.Fatalf("clicking %s: %v", id, err)
		}
		got := js[panelState](t, ctx, readPanel)
		want := wantPanel(r, id, drawn)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("after a click on %s, the panel (-want +got):\n%s", id, diff)
		}
	}
	// env.sh: the README's answer, 13 nodes.
	if got := js[int](t, ctx, `document.querySelectorAll('#dm-node-impact li').length`); got != 13 {
		t.Errorf("env.sh: %d nodes affected, want 13", got)
	}

	// A click on a finding's subject, for a node not on the map.
	const living = "job:com.sanctum.living-force"
	if err := chromedp.Do(ctx,
		setSelect("#dm-severity", ""),
		chromedp.Click(chromedp.CSS(fmt.Sprintf(`#dm-findings button.dm-node-link[data-node=%q]`, living))),
	); err != nil {
		t.Fatal(err)
	}
	got := js[panelState](t, ctx, readPanel)
	if diff := cmp.Diff(wantPanel(r, living, drawn), got); diff != "" {
		t.Errorf("after a click on %s's subject, the panel (-want +got):\n%s", living, diff)
	}
	if len(got.Findings) != 2 || got.State != "job, live, not drawn on the map" {
		t.Errorf("%s: %d findings, state %q; want 2, job, live, not drawn on the map", living, len(got.Findings), got.State)
	}

	// Every node, opened by its address: the script's impact set is
	// queries.ImpactOf's, distances and first edges included.
	for i, n := range r.Graph.Nodes() {
		v := fmt.Sprintf("%s?n=%d#node=%s", u, i, url.QueryEscape(n.ID))
		open(t, ctx, v)
		got := js[panelState](t, ctx, readPanel)
		want := wantPanel(r, n.ID, drawn)
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("#node=%s (-want +got):\n%s", n.ID, diff)
		}
	}
}

// TestHTMLHostileInBrowser loads the page of TestHTMLHostile: the planted
// markup shows as text, runs nothing (no dialog, no exception), and adds
// no element.
func TestHTMLHostileInBrowser(t *testing.T) {
	ctx := browser(t)
	r, evilID, _ := hostileHTMLReport()
	u := writePage(t, "hostile.html", formatted(t, check("html", Options{}, r)))
	open(t, ctx, u)
	if n := js[int](t, ctx, `document.scripts.length`); n != 2 {
		t.Errorf("%d script elements, want 2", n)
	}
	if n := js[int](t, ctx, `document.querySelectorAll('img, image, foreignObject, [onerror], [onclick]').length`); n != 0 {
		t.Errorf("%d planted elements or handlers in the DOM", n)
	}
	msg := js[string](t, ctx, `document.querySelector('#dm-findings .dm-msg').textContent`)
	if want := "job runs " + hostileCloseScript + hostileImg; msg != want {
		t.Errorf("message shows %q, want %q", msg, want)
	}
	if err := chromedp.Do(ctx, chromedp.Click(chromedp.CSS(`#dm-map g.node`))); err != nil {
		t.Fatal(err)
	}
	got := js[panelState](t, ctx, readPanel)
	if got.ID != text(evilID) || len(got.Findings) != 1 || len(got.Impact) != 0 {
		t.Errorf("after a click on the hostile node, the panel = %+v", got)
	}
}
