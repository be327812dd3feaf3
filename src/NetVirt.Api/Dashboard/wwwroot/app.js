// NetVirt dashboard: plain JS over the API of 'netvirt serve'. No framework, no CDN, nothing to build.
// The API token lives in this tab's sessionStorage only and travels in the Authorization header; it is never
// put in a URL. Every text from the server is set with textContent (never innerHTML), so names cannot inject
// markup; the topology SVG comes from the server, which escapes every text it draws.
'use strict';

const TOKEN_KEY = 'netvirt.token';
const $ = (id) => document.getElementById(id);
const state = { topology: null, audit: null, auditFiles: [], runs: new Map(), selectedNode: null, heatFilter: null, events: null, ownDriftPending: false };

// ---------- API ----------

class ApiError extends Error {
  constructor(status, problem) {
    super(problem && (problem.detail || problem.title) || `HTTP ${status}`);
    this.status = status;
    this.problem = problem;
  }
}

async function api(path, options = {}) {
  const token = sessionStorage.getItem(TOKEN_KEY);
  const headers = Object.assign({ Accept: 'application/json' }, options.headers || {}, token ? { Authorization: `Bearer ${token}` } : {});
  const response = await fetch(path, Object.assign({}, options, { headers }));
  if (response.status === 401) {
    signOut('The server refused the token (401). Sign in again.');
    throw new ApiError(401, null);
  }
  if (!response.ok) {
    let problem = null;
    try { problem = await response.json(); } catch { /* not a problem document */ }
    throw new ApiError(response.status, problem);
  }
  return options.raw ? response : (response.status === 204 ? null : response.headers.get('content-type')?.includes('json') ? response.json() : response.text());
}

// ---------- small DOM helpers ----------

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(node.dataset, value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

function clear(node) { while (node.firstChild) node.firstChild.remove(); return node; }

function notice(text) {
  const n = $('notice');
  n.textContent = text || '';
  n.hidden = !text;
}

function fail(error) {
  if (error instanceof ApiError && error.status === 401) return;
  notice(error instanceof ApiError ? `${error.status}: ${error.message}` : String(error));
}

function time(text) {
  if (!text) return '';
  const d = new Date(text);
  return isNaN(d) ? text : d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

// Counts of addresses: IPv6 ranges are astronomically large, so show them as powers of two or in e-notation.
function count(n) {
  if (n === null || n === undefined) return '';
  const value = Number(n);
  if (!Number.isFinite(value)) return String(n);
  if (value < 1e9) return value.toLocaleString('en-US');
  const log2 = Math.log2(value + 2);
  if (Math.abs(log2 - Math.round(log2)) < 1e-9) return `≈2^${Math.round(log2)}`;
  return value.toExponential(2).replace('e+', 'e');
}

// Finding and pair words as a CSS suffix: 'LEAK', 'leak', 'SPOOF_PASSED', 'spoof-passed' → 'leak', 'spoof-passed'.
const word = (s) => String(s || '').toLowerCase().replace(/_/g, '-');
const SEVERITY = ['self', 'isolated', 'reachable', 'blackhole', 'foreign-address', 'spoof-passed', 'vlan-hop', 'leak'];
const LABEL = { isolated: 'isolated', reachable: 'reachable', leak: 'LEAK', blackhole: 'BLACKHOLE', 'spoof-passed': 'SPOOF_PASSED', 'vlan-hop': 'VLAN_HOP', 'foreign-address': 'FOREIGN_ADDRESS', 'host-reached': 'HOST_REACHED' };

// ---------- sign in / out ----------

async function signIn(token) {
  sessionStorage.setItem(TOKEN_KEY, token);
  try {
    await api('/runs?limit=1');
  } catch (error) {
    sessionStorage.removeItem(TOKEN_KEY);
    throw error;
  }
}

function signOut(message) {
  sessionStorage.removeItem(TOKEN_KEY);
  if (state.events) state.events.abort();
  $('app').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message || '';
  $('token').value = '';
  $('token').focus();
}

$('login-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const token = $('token').value.trim();
  $('login-error').textContent = '';
  $('sign-in').disabled = true;
  try {
    await signIn(token);
    $('token').value = '';
    start();
  } catch (error) {
    $('login-error').textContent = error instanceof ApiError && error.status === 401 ? 'This is not one of the server\'s tokens.' : `Cannot reach the server: ${error.message}`;
  } finally {
    $('sign-in').disabled = false;
  }
});

$('sign-out').addEventListener('click', () => signOut(''));

// ---------- tabs ----------

function showTab(name) {
  const tab = document.querySelector(`#tabs a[data-tab="${name}"]`) ? name : 'topology';
  for (const link of document.querySelectorAll('#tabs a')) link.classList.toggle('active', link.dataset.tab === tab);
  for (const section of document.querySelectorAll('main .tab')) section.hidden = section.id !== `tab-${tab}`;
}

window.addEventListener('hashchange', () => showTab(location.hash.slice(1)));

// ---------- status bar ----------

async function loadHealth() {
  const health = await api('/healthz');
  $('status-target').textContent = `target ${health.target}`;
  $('status-generation').textContent = `generation ${health.generation}`;
  const reconcile = health.reconcile;
  $('status-reconcile').textContent = `reconcile ${reconcile.mode}: ${reconcile.state}${reconcile.queued ? `, ${reconcile.queued} queued` : ''}`;
  $('status-reconcile').classList.toggle('bad', health.status !== 'ok');
}

// ---------- topology ----------

async function loadTopology() {
  const [view, svgText] = await Promise.all([api('/topology'), api('/topology?format=svg', { headers: { Accept: 'image/svg+xml' } })]);
  state.topology = view;
  const kinds = (k) => view.nodes.filter((n) => n.kind === k).length;
  $('topology-summary').textContent = `generation ${view.generation}: ${kinds('network')} networks, ${kinds('router')} routers, ${kinds('zone') + kinds('container')} zones, ${view.edges.filter((e) => e.kind === 'vnic').length} VNICs`;
  const doc = new DOMParser().parseFromString(svgText, 'image/svg+xml');
  const svg = document.importNode(doc.documentElement, true);
  const holder = clear($('topology-view'));
  holder.append(svg);
  applyZoom();
  svg.addEventListener('click', (event) => {
    const node = event.target.closest('.nv-node');
    if (node) selectNode(node.dataset.id);
  });
  svg.addEventListener('keydown', (event) => {
    const node = event.target.closest('.nv-node');
    if (node && (event.key === 'Enter' || event.key === ' ')) { event.preventDefault(); selectNode(node.dataset.id); }
  });
  markFindingZones();
  if (state.selectedNode && view.nodes.some((n) => n.id === state.selectedNode)) selectNode(state.selectedNode);
}

function applyZoom() {
  const svg = $('topology-view').querySelector('svg');
  if (!svg) return;
  const scale = Number($('topology-zoom').value) / 100;
  const width = Number(svg.getAttribute('width')), height = Number(svg.getAttribute('height'));
  svg.style.width = `${width * scale}px`;
  svg.style.height = `${height * scale}px`;
}

$('topology-zoom').addEventListener('input', applyZoom);

$('topology-svg-download').addEventListener('click', async () => {
  try {
    const response = await api('/topology?format=svg', { raw: true, headers: { Accept: 'image/svg+xml' } });
    save(await response.blob(), 'netvirt-topology.svg');
  } catch (error) { fail(error); }
});

function selectNode(id) {
  state.selectedNode = id;
  const view = state.topology;
  const node = view.nodes.find((n) => n.id === id);
  const svg = $('topology-view').querySelector('svg');
  const linked = new Set([id]);
  for (const e of view.edges) {
    if (e.from === id) linked.add(e.to);
    if (e.to === id) linked.add(e.from);
  }
  for (const g of svg.querySelectorAll('.nv-node')) {
    g.classList.toggle('selected', g.dataset.id === id);
    g.classList.toggle('dim', !linked.has(g.dataset.id));
  }
  for (const p of svg.querySelectorAll('.nv-edge')) p.classList.toggle('dim', p.dataset.from !== id && p.dataset.to !== id);
  const details = clear($('node-details'));
  if (!node) return;
  details.append(el('h4', {}, `${node.kind} ${node.name}`));
  const dl = el('dl');
  for (const d of node.details) dl.append(el('dt', {}, d.key), el('dd', {}, d.value));
  const neighbours = view.edges.filter((e) => e.from === id || e.to === id)
    .map((e) => `${e.kind} ${e.label} — ${(view.nodes.find((n) => n.id === (e.from === id ? e.to : e.from)) || {}).name}`);
  if (neighbours.length) dl.append(el('dt', {}, 'links'), el('dd', {}, neighbours.join('\n')));
  details.append(dl);
  const findings = (state.audit?.report?.findings || []).filter((f) => zoneOf(f.from) === node.name || zoneOf(f.to) === node.name);
  if (findings.length) {
    details.append(el('p', {}, `${findings.length} finding(s) of the last audit involve this zone. `,
      el('a', { href: '#audit', onclick: () => { state.heatFilter = null; } }, 'Open the audit')));
  }
}

function zoneOf(endpoint) { return endpoint ? String(endpoint).split('/')[0] : null; }

function markFindingZones() {
  const svg = $('topology-view').querySelector('svg');
  if (!svg) return;
  const zones = new Set();
  for (const f of state.audit?.report?.findings || []) { zones.add(zoneOf(f.from)); if (f.to) zones.add(zoneOf(f.to)); }
  for (const g of svg.querySelectorAll('.nv-node')) g.classList.toggle('finding', g.dataset.id.startsWith('zone:') && zones.has(g.dataset.id.slice(5)));
}

// ---------- IPAM ----------

async function loadIpam() {
  const rows = await api('/ips');
  const body = clear($('ipam-table').querySelector('tbody'));
  for (const u of rows) {
    const ratio = Number(u.utilisation) || 0;
    const bar = el('span', { class: `bar${ratio >= 1 ? ' full' : ratio >= 0.8 ? ' high' : ''}` }, el('span', { style: `width:${Math.min(100, ratio * 100).toFixed(1)}%` }));
    const tr = el('tr', { class: 'clickable', dataset: { network: u.network, family: u.family } },
      el('td', {}, u.network), el('td', {}, u.family), el('td', { class: 'mono' }, u.subnet), el('td', { class: 'mono' }, u.range),
      el('td', {}, bar, `${(ratio * 100).toFixed(1)}% of ${count(u.usable)}`),
      el('td', { class: 'num' }, count(u.used)), el('td', { class: 'num' }, count(u.free)), el('td', { class: 'num' }, count(u.reserved)),
      el('td', { class: 'mono' }, u.next || 'exhausted'));
    tr.addEventListener('click', () => toggleRanges(tr, u));
    body.append(tr);
  }
}

async function toggleRanges(tr, usage) {
  if (tr.nextElementSibling?.classList.contains('ranges-row')) { tr.nextElementSibling.remove(); tr.classList.remove('selected'); return; }
  tr.classList.add('selected');
  try {
    const ranges = await api(`/networks/${encodeURIComponent(usage.network)}/ips/free?family=${encodeURIComponent(usage.family)}`);
    const cell = el('td', { colspan: 9, class: 'ranges' }, el('strong', {}, `${ranges.length} free range(s): `),
      ranges.slice(0, 200).map((r) => el('code', { title: `${count(r.size)} addresses` }, r.first === r.last ? r.first : `${r.first} – ${r.last}`)),
      ranges.length > 200 ? ` … and ${ranges.length - 200} more` : '');
    tr.after(el('tr', { class: 'ranges-row' }, cell));
  } catch (error) { fail(error); }
}

// ---------- audit ----------

async function loadAudit() {
  const audits = await api('/audits?limit=20');
  const done = audits.find((r) => r.state === 'succeeded' || r.state === 'failed');
  const running = audits.find((r) => r.state === 'queued' || r.state === 'running');
  $('audit-run').disabled = Boolean(running);
  if (running) $('audit-summary').textContent = `audit run ${running.id} ${running.state}…`;
  if (!done) {
    if (!running) $('audit-summary').textContent = 'no audit since the server started: run one';
    return;
  }
  if (state.audit && state.audit.run.id === done.id) return;
  const view = await api(`/audits/${done.id}`);
  state.audit = view;
  state.auditFiles = view.report ? await api(`/audits/${done.id}/files`) : [];
  state.heatFilter = null;
  renderAudit();
  markFindingZones();
}

function renderAudit() {
  const view = state.audit;
  const report = view.report;
  if (!report) {
    $('audit-summary').textContent = `audit run ${view.run.id} failed: ${view.run.result?.error || view.run.state}`;
    clear($('audit-heatmap')); clear($('audit-findings'));
    return;
  }
  const s = report.summary;
  $('audit-summary').textContent = `run ${view.run.id}, ${time(report.started)}: ${report.clean ? 'CLEAN' : `${report.findings.length} finding(s)`} — ${s.endpoints} VNICs, ${s.pairs} ordered pairs, ${s['probes-sent']} probes`;
  const files = clear($('audit-files'));
  for (const name of ['report.html', 'report.json', 'junit.xml']) {
    const file = state.auditFiles.find((f) => f.path === name);
    if (file) files.append(el('button', { type: 'button', class: 'small', onclick: () => download(file) }, name), ' ');
  }
  renderHeatmap(report);
  renderFindings(report);
}

// Groups VNICs by network (or L2 domain without one) and colours each group pair by its worst pair status.
function renderHeatmap(report) {
  const groupOf = new Map(report.endpoints.map((e) => [e.name, e.network || e.domain || 'no network']));
  const groups = [...new Set(report.endpoints.map((e) => groupOf.get(e.name)))];
  const index = new Map(groups.map((g, i) => [g, i]));
  const cells = groups.map(() => groups.map(() => ({ pairs: 0, worst: 'self', counts: {} })));
  for (const pair of report.matrix) {
    const cell = cells[index.get(groupOf.get(pair.from))][index.get(groupOf.get(pair.to))];
    const status = word(pair.status);
    cell.pairs++;
    cell.counts[status] = (cell.counts[status] || 0) + 1;
    if (SEVERITY.indexOf(status) > SEVERITY.indexOf(cell.worst)) cell.worst = status;
  }
  const table = el('table', { id: 'heatmap-table' });
  table.append(el('tr', {}, el('th', {}, 'from \\ to'), groups.map((g) => el('th', { class: 'col' }, g))));
  groups.forEach((from, a) => {
    const row = el('tr', {}, el('th', {}, from));
    groups.forEach((to, b) => {
      const cell = cells[a][b];
      if (!cell.pairs) { row.append(el('td', { class: 'empty' }, '')); return; }
      const bad = cell.counts[cell.worst];
      const title = `${from} → ${to}: ${cell.pairs} pair(s); ` + Object.entries(cell.counts).map(([k, v]) => `${v} ${LABEL[k] || k}`).join(', ');
      const td = el('td', { class: `s-${cell.worst}`, title, dataset: { from, to } },
        ['isolated', 'reachable'].includes(cell.worst) ? String(cell.pairs) : `${bad}/${cell.pairs}`);
      td.addEventListener('click', () => {
        state.heatFilter = state.heatFilter && state.heatFilter.from === from && state.heatFilter.to === to ? null : { from, to, groupOf };
        for (const c of table.querySelectorAll('td')) c.classList.toggle('selected', Boolean(state.heatFilter) && c === td);
        renderFindings(report);
      });
      row.append(td);
    });
    table.append(row);
  });
  clear($('audit-heatmap')).append(table);
  const legend = clear($('audit-legend'));
  for (const k of ['reachable', 'isolated', 'leak', 'blackhole', 'spoof-passed', 'vlan-hop']) legend.append(el('span', {}, el('i', { class: `swatch s-${k}` }), LABEL[k]));
}

function renderFindings(report) {
  const list = clear($('audit-findings'));
  const filter = state.heatFilter;
  const findings = report.findings.map((f, i) => ({ f, i }))
    .filter(({ f }) => !filter || (filter.groupOf.get(f.from) === filter.from && (!f.to || filter.groupOf.get(f.to) === filter.to)));
  $('audit-filter').textContent = filter ? `from ${filter.from} to ${filter.to} (${findings.length}); select the cell again for all` : `(${report.findings.length})`;
  if (!findings.length) list.append(el('li', {}, report.clean ? 'None: every probe crossed exactly where the model says it must, and nowhere else.' : 'None in this cell.'));
  for (const { f, i } of findings.slice(0, 500)) {
    const item = el('li', { tabindex: 0, dataset: { index: i } },
      el('span', { class: `badge s-${word(f.kind)}` }, LABEL[word(f.kind)] || f.kind),
      el('span', { class: 'mono' }, f.to ? `${f.from} → ${f.to}` : f.from),
      el('span', { class: 'probe' }, f.probe));
    const open = () => { for (const li of list.children) li.classList.toggle('selected', li === item); showFinding(f); };
    item.addEventListener('click', open);
    item.addEventListener('keydown', (e) => { if (e.key === 'Enter') open(); });
    list.append(item);
  }
  if (findings.length > 500) list.append(el('li', {}, `… and ${findings.length - 500} more in report.json`));
}

function showFinding(f) {
  const details = clear($('finding-details'));
  details.append(el('h4', {}, `${LABEL[word(f.kind)] || f.kind} ${f.from}${f.to ? ` → ${f.to}` : ''}`));
  const dl = el('dl', {},
    el('dt', {}, 'probe'), el('dd', {}, f.probe),
    el('dt', {}, 'frames'), el('dd', {}, String(f.count ?? '')),
    el('dt', {}, 'expected'), el('dd', {}, f.expected),
    el('dt', {}, 'observed'), el('dd', {}, f.observed));
  details.append(dl);
  const file = f.evidence && state.auditFiles.find((x) => x.path === `evidence/${f.evidence}` || x.path === f.evidence);
  if (file) {
    details.append(el('p', {}, el('button', { type: 'button', id: 'evidence-download', onclick: () => download(file) }, 'Download evidence'),
      ' ', el('span', { class: 'muted' }, `${file.path.split('/').pop()} (${file.size} bytes; the probe as sent, then as captured; opens in Wireshark)`)));
  } else {
    details.append(el('p', { class: 'muted' }, 'No capture for this finding.'));
  }
}

async function download(file) {
  try {
    const response = await api(file.url, { raw: true, headers: { Accept: '*/*' } });
    save(await response.blob(), file.path.split('/').pop());
  } catch (error) { fail(error); }
}

// The token cannot go in a link, so files are fetched with it and handed to the browser as a blob.
function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = el('a', { href: url, download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

$('audit-run').addEventListener('click', async () => {
  $('audit-run').disabled = true;
  try {
    const run = await api('/audit', { method: 'POST' });
    $('audit-summary').textContent = `audit run ${run.id} queued…`;
  } catch (error) {
    $('audit-run').disabled = false;
    fail(error.status === 403 ? new Error('Running an audit needs the write token.') : error);
  }
});

// ---------- drift ----------

$('drift-check').addEventListener('click', async () => {
  $('drift-check').disabled = true;
  $('drift-summary').textContent = 'observing the host…';
  // This check's own run event may arrive before or after its answer: the answer says more, so the event must not
  // replace it (onEvent skips the next drift event once).
  state.ownDriftPending = true;
  try {
    renderDrift(await api('/drift'));
  } catch (error) {
    state.ownDriftPending = false;
    $('drift-summary').textContent = '';
    fail(error.status === 403 ? new Error('A drift check needs the write token.') : error);
  } finally {
    $('drift-check').disabled = false;
  }
});

function renderDrift(view) {
  const body = clear($('drift-table').querySelector('tbody'));
  $('drift-summary').textContent = view.drift.length === 0 && view.problems.length === 0
    ? `no drift: the ${view.target} host matches generation ${view.generation} (checked ${time(new Date().toISOString())})`
    : `${view.drift.length} difference(s) from generation ${view.generation}; apply repairs them`;
  for (const p of view.problems) body.append(el('tr', {}, el('td', {}, 'problem'), el('td', {}, ''), el('td', {}, p.subject), el('td', {}, ''), el('td', {}, p.message)));
  for (const d of view.drift) {
    body.append(el('tr', {}, el('td', {}, el('span', { class: `badge s-${d.kind === 'missing' ? 'blackhole' : d.kind === 'extra' ? 'leak' : 'vlan-hop'}` }, d.kind)),
      el('td', {}, d.object), el('td', { class: 'mono' }, d.name), el('td', {}, d.zone || ''),
      el('td', { class: 'mono' }, (d.changes || []).map((c) => `${c.property}: host ${c.observed ?? '∅'}, desired ${c.desired ?? '∅'}`).join('\n'))));
  }
}

// ---------- runs and history ----------

async function loadRuns() {
  for (const run of await api('/runs?limit=100')) state.runs.set(run.id, run);
  renderRuns();
}

function renderRuns() {
  const body = clear($('runs-table').querySelector('tbody'));
  const runs = [...state.runs.values()].sort((a, b) => b.id - a.id).slice(0, 200);
  for (const r of runs) {
    const seconds = r['started-at'] && r['finished-at'] ? ((new Date(r['finished-at']) - new Date(r['started-at'])) / 1000).toFixed(2) : '';
    body.append(el('tr', { dataset: { run: r.id } }, el('td', { class: 'num' }, String(r.id)), el('td', {}, r.kind), el('td', {}, r.trigger), el('td', {}, r.state),
      el('td', {}, r.result?.outcome || ''), el('td', {}, time(r['requested-at'])), el('td', { class: 'num' }, seconds),
      el('td', {}, r.result?.error || r.result?.summary || '')));
  }
}

async function loadHistory() {
  const runs = await api('/history?limit=50');
  const body = clear($('history-table').querySelector('tbody'));
  for (const r of runs) {
    const tr = el('tr', { class: 'clickable' }, el('td', { class: 'num' }, String(r.id)), el('td', {}, time(r['started-at'])), el('td', {}, r.target),
      el('td', { class: 'num' }, String(r.generation)), el('td', {}, r.outcome), el('td', {}, r['plan-summary']), el('td', {}, r.trigger));
    tr.addEventListener('click', () => showHistory(r.id, tr));
    body.append(tr);
  }
}

async function showHistory(id, tr) {
  for (const row of tr.parentElement.children) row.classList.toggle('selected', row === tr);
  try {
    const view = await api(`/history/${id}`);
    const table = el('table', { class: 'grid steps' }, el('tr', {}, ['#', 'step', 'phase', 'action', 'object', 'outcome', 'exit', 'ms', 'command / error'].map((h) => el('th', {}, h))));
    for (const s of view.steps) {
      table.append(el('tr', {}, el('td', { class: 'num' }, String(s.seq)), el('td', { class: 'num' }, String(s['step-index'])), el('td', {}, s.phase), el('td', {}, s.action),
        el('td', { class: 'mono' }, `${s.kind} ${s.name}`), el('td', {}, s.outcome), el('td', { class: 'num' }, s['exit-code'] ?? ''),
        el('td', { class: 'num' }, Number(s['duration-ms'] || 0).toFixed(1)), el('td', { class: 'mono' }, s.error || (s.commands || '').split('\n')[0])));
    }
    clear($('history-steps')).append(el('h3', {}, `Run ${view.run.id}: ${view.run.outcome}, ${view.steps.length} step(s)`), table);
  } catch (error) { fail(error); }
}

// ---------- live updates ----------

// EventSource cannot send an Authorization header, so the stream is read with fetch and parsed here.
async function listen() {
  if (state.events) state.events.abort();
  const controller = new AbortController();
  state.events = controller;
  const live = $('status-live');
  let lastGeneration = null;
  while (!controller.signal.aborted && sessionStorage.getItem(TOKEN_KEY)) {
    try {
      const response = await fetch('/events', { headers: { Authorization: `Bearer ${sessionStorage.getItem(TOKEN_KEY)}`, Accept: 'text/event-stream' }, signal: controller.signal });
      if (response.status === 401) { signOut('The server refused the token (401). Sign in again.'); return; }
      if (!response.ok) throw new Error(`HTTP ${response.status}`);
      live.textContent = 'live'; live.classList.add('on');
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += value;
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message', data = '';
          for (const line of block.split('\n')) {
            if (line.startsWith('event:')) type = line.slice(6).trim();
            else if (line.startsWith('data:')) data += line.slice(5).trim();
          }
          if (data) onEvent(type, JSON.parse(data), (g) => { const changed = lastGeneration !== null && g !== lastGeneration; lastGeneration = g; return changed; });
        }
      }
    } catch (error) {
      if (controller.signal.aborted) return;
    }
    live.textContent = 'reconnecting'; live.classList.remove('on');
    await new Promise((resolve) => setTimeout(resolve, 3000));
  }
}

function onEvent(type, data, generationChanged) {
  if (type === 'run') {
    state.runs.set(data.id, data);
    renderRuns();
    loadHealth().catch(fail);
    if (data.kind === 'audit') loadAudit().catch(fail);
    if (data.kind === 'drift' && data.state === 'succeeded' && data.result) {
      if (state.ownDriftPending) state.ownDriftPending = false;
      else $('drift-summary').textContent = `drift run ${data.id}: ${data.result.summary || data.result.outcome}`;
    }
    if ((data.kind === 'apply' || data.kind === 'destroy') && data['finished-at']) loadHistory().catch(fail);
  } else if (type === 'generation') {
    $('status-generation').textContent = `generation ${data.generation}`;
    if (generationChanged(data.generation)) { loadTopology().catch(fail); loadIpam().catch(fail); }
  }
}

// ---------- start ----------

async function start() {
  $('login').hidden = true;
  $('app').hidden = false;
  notice('');
  showTab(location.hash.slice(1));
  await Promise.all([loadHealth(), loadTopology(), loadIpam(), loadAudit(), loadRuns(), loadHistory()].map((p) => p.catch(fail)));
  listen();
}

if (sessionStorage.getItem(TOKEN_KEY)) start(); else signOut('');
