// driftmap check --format html: the page's behaviour, plain JavaScript
// run once the document is parsed (this script is its last element).
//
// The findings table is in the page as HTML; the filters hide rows. The
// graph is in the page as JSON (#dm-data): node IDs in ID order, their
// states, and the edges as [from, to, kind] indexes sorted by from, to,
// kind, as package graph sorts them. The impact set of a node is found
// here by a breadth-first search backwards over those edges, on demand,
// so the page grows with the edges, not with the sum of all impact sets.
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('dm-data').textContent);
  var nodes = data.nodes, edges = data.edges;
  var index = new Map();
  nodes.forEach(function (id, i) { index.set(id, i); });
  // into[n]: the indexes of the edges entering node n, in edge order, so
  // by the node they leave: the order graph.Dependents walks them in.
  var into = nodes.map(function () { return []; });
  edges.forEach(function (e, i) { into[e[1]].push(i); });

  // impactOf returns every node with a dependency path to node id,
  // nearest first, then by ID, each with the edge that leads one step
  // nearer on a shortest path: the answer of 'driftmap impact'. It
  // returns null when id is not a node of the graph.
  function impactOf(id) {
    var t = index.get(id);
    if (t === undefined) return null;
    var seen = new Uint8Array(nodes.length);
    seen[t] = 1;
    var out = [], frontier = [t];
    for (var dist = 1; frontier.length > 0; dist++) {
      var next = [];
      for (var i = 0; i < frontier.length; i++) {
        var list = into[frontier[i]];
        for (var j = 0; j < list.length; j++) {
          var e = edges[list[j]];
          if (seen[e[0]]) continue;
          seen[e[0]] = 1;
          next.push(e[0]);
          out.push({ node: e[0], dist: dist, to: e[1], kind: data.kinds[e[2]] });
        }
      }
      frontier = next;
    }
    out.sort(function (a, b) { return a.dist - b.dist || a.node - b.node; });
    return out;
  }

  // The findings table and its filters.
  var rows = Array.prototype.slice.call(document.querySelectorAll('#dm-findings tbody tr[data-rule]'));
  var sevSel = document.getElementById('dm-severity');
  var ruleSel = document.getElementById('dm-rule');
  var search = document.getElementById('dm-search');
  var shownEl = document.getElementById('dm-shown');
  var noneRow = document.getElementById('dm-none-shown');
  var haystack = rows.map(function (r) { return r.textContent.toLowerCase(); });

  function applyFilters() {
    var sev = sevSel.value, rule = ruleSel.value, q = search.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (r, i) {
      var ok = (!sev || r.dataset.severity === sev) && (!rule || r.dataset.rule === rule) &&
        (!q || haystack[i].indexOf(q) >= 0);
      r.hidden = !ok;
      if (ok) shown++;
    });
    shownEl.textContent = shown + ' of ' + rows.length + (rows.length === 1 ? ' finding' : ' findings') + ' shown';
    if (noneRow) noneRow.hidden = shown > 0 || rows.length === 0;
  }
  [sevSel, ruleSel].forEach(function (el) { el.addEventListener('change', applyFilters); });
  search.addEventListener('input', applyFilters);

  // The map: each Graphviz node is a <g class="node"> whose <title> is
  // its node ID.
  var svgNodes = new Map();
  document.querySelectorAll('#dm-map g.node > title').forEach(function (title) {
    var g = title.parentNode, id = title.textContent;
    svgNodes.set(id, g);
    g.setAttribute('tabindex', '0');
    g.setAttribute('role', 'button');
    g.addEventListener('click', function () { select(id); });
    g.addEventListener('keydown', function (ev) {
      if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); select(id); }
    });
  });
  var mapEl = document.getElementById('dm-map');
  if (mapEl) {
    mapEl.classList.toggle('dm-live', svgNodes.size > 0);
    var fit = document.getElementById('dm-fit');
    fit.addEventListener('change', function () { mapEl.classList.toggle('dm-fit', fit.checked); });
  }

  // The node panel.
  var panel = document.getElementById('dm-node');
  var overview = document.getElementById('dm-overview');
  var marked = [];

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined) e.textContent = text;
    return e;
  }
  function nodeButton(id) {
    var b = el('button', 'dm-node-link', id);
    b.type = 'button';
    b.dataset.node = id;
    return b;
  }
  function mark(id, cls) {
    var g = svgNodes.get(id);
    if (g) { g.classList.add(cls); marked.push([g, cls]); }
  }

  function select(id) {
    marked.forEach(function (m) { m[0].classList.remove(m[1]); });
    marked = [];
    rows.forEach(function (r) { r.classList.toggle('dm-current', r.dataset.subject === id); });
    document.getElementById('dm-node-id').textContent = id;
    var i = index.get(id);
    document.getElementById('dm-node-state').textContent = i === undefined ?
      'not a node of the graph' : (nodes[i].split(':')[0] + (data.states[i] ? ', ' + data.states[i] : '') +
        (svgNodes.has(id) ? '' : ', not drawn on the map'));
    mark(id, 'dm-selected');

    var list = document.getElementById('dm-node-findings');
    list.textContent = '';
    var n = 0;
    rows.forEach(function (r) {
      if (r.dataset.subject !== id) return;
      n++;
      var li = el('li', 'dm-' + r.dataset.severity);
      li.appendChild(el('span', 'dm-sev', r.dataset.severity));
      li.appendChild(document.createTextNode(' ' + r.querySelector('.dm-loc').textContent + ': ' + r.querySelector('.dm-msg').textContent + ' '));
      li.appendChild(el('span', 'dm-rule', '[' + r.dataset.rule + ']'));
      list.appendChild(li);
    });
    document.getElementById('dm-node-findings-count').textContent =
      n === 0 ? 'No finding is about this node.' : (n === 1 ? '1 finding' : n + ' findings') + ' about this node:';

    var imp = document.getElementById('dm-node-impact');
    imp.textContent = '';
    var affected = impactOf(id);
    var count = document.getElementById('dm-node-impact-count');
    if (affected === null) {
      count.textContent = 'Not in the graph: nothing to compute.';
    } else if (affected.length === 0) {
      count.textContent = 'Nothing depends on it.';
    } else {
      count.textContent = (affected.length === 1 ? '1 node depends' : affected.length + ' nodes depend') + ' on it:';
      affected.forEach(function (a) {
        var li = el('li');
        li.dataset.node = nodes[a.node];
        li.appendChild(nodeButton(nodes[a.node]));
        li.appendChild(el('span', 'dm-via', ' distance ' + a.dist + ', ' + a.kind + ' \u2192 ' + nodes[a.to]));
        imp.appendChild(li);
        mark(nodes[a.node], 'dm-impacted');
      });
    }
    panel.hidden = false;
    overview.classList.add('dm-open');
    setHash('#node=' + encodeURIComponent(id));
  }

  // setHash names the selected node in the address, so a link can open
  // the page on it; a browser that refuses (some do for file: pages)
  // just keeps the address.
  function setHash(h) {
    if (location.hash === h) return;
    try { history.replaceState(null, '', h || location.pathname + location.search); } catch (e) { /* keep it */ }
  }

  // A click on a subject in the table or on a node in the panel selects it.
  document.addEventListener('click', function (ev) {
    var b = ev.target.closest ? ev.target.closest('button.dm-node-link') : null;
    if (!b) return;
    select(b.dataset.node);
    panel.scrollIntoView({ block: 'nearest' });
  });
  document.getElementById('dm-node-close').addEventListener('click', function () {
    marked.forEach(function (m) { m[0].classList.remove(m[1]); });
    marked = [];
    rows.forEach(function (r) { r.classList.remove('dm-current'); });
    panel.hidden = true;
    overview.classList.remove('dm-open');
    setHash('');
  });

  applyFilters();
  var m = /^#node=(.*)$/.exec(location.hash);
  if (m) {
    try { select(decodeURIComponent(m[1])); } catch (e) { /* a malformed hash selects nothing */ }
  }
  // Ready: the browser test waits for this.
  document.documentElement.dataset.ready = 'true';
})();
