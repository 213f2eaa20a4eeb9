// The sequencer explorer: plain JS over the query service's views (/api/...), hash routes, polling for live updates.
'use strict';

const view = document.getElementById('view');
const params = new URLSearchParams(location.search);
let market = params.get('market') || '';
let config = {cidUrl: '', txUrl: ''};
let timer = null;

function esc(s) {
  return String(s === undefined || s === null ? '' : s).replace(/[&<>"']/g,
    c => ({'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;'}[c]));
}
function q(extra) {
  const p = new URLSearchParams(extra);
  if (market) p.set('dataMarketAddress', market);
  return p.toString();
}
async function api(path, extra) {
  const r = await fetch(path + '?' + q(extra || {}));
  const body = await r.json().catch(() => ({error: 'not JSON'}));
  if (!r.ok) throw new Error(body.error || ('HTTP ' + r.status));
  return body;
}
function time(ms) {
  if (!ms) return '';
  const d = new Date(ms);
  return d.toISOString().substring(11, 23);
}
function dur(ms) {
  if (ms === undefined || ms === null || ms < 0) return '';
  return ms < 10000 ? ms + ' ms' : (ms / 1000).toFixed(1) + ' s';
}
function cid(c) {
  if (!c) return '<span class="none">none</span>';
  const url = config.cidUrl ? config.cidUrl.replace('{cid}', encodeURIComponent(c)) : '';
  return url ? `<a class="cid" href="${esc(url)}" target="_blank" rel="noopener">${esc(c)}</a>` : `<code class="cid">${esc(c)}</code>`;
}
function tx(t) {
  if (!t) return '';
  const url = config.txUrl ? config.txUrl.replace('{tx}', encodeURIComponent(t)) : '';
  return url ? `<a class="tx" href="${esc(url)}" target="_blank" rel="noopener">${esc(t)}</a>` : `<code class="tx">${esc(t)}</code>`;
}
function sum(obj) {
  return Object.values(obj || {}).reduce((a, b) => a + b, 0);
}
function reasons(obj) {
  const e = Object.entries(obj || {});
  return e.length ? e.map(([k, v]) => `${esc(k)}: ${v}`).join(', ') : '';
}

async function timeline() {
  const epochs = await api('/api/epochs', {limit: 30});
  const rows = epochs.map(e => {
    const rel = e.released || {};
    const end = e.end || {};
    const closeLatency = e.windowCloseMs && rel.at ? e.windowCloseMs - rel.at : null;
    return `<tr data-epoch="${e.epoch}">
      <td><a href="#/epoch/${e.epoch}">${e.epoch}</a></td>
      <td>${time(rel.at)}</td>
      <td>${time(e.windowCloseMs)}${closeLatency !== null ? ' <small>+' + dur(closeLatency) + '</small>' : ''}</td>
      <td>${e.projects ? (e.finalizedProjects || 0) + ' / ' + e.projects : ''}${e.unfinalizedProjects ? ' <small>(' + e.unfinalizedProjects + ' not)</small>' : ''}</td>
      <td>${e.batchCount !== undefined ? (e.batchesSeen || 0) + ' / ' + e.batchCount : ''} <small>${reasons(e.batchStatus)}</small></td>
      <td>${dur(e.commitLatencyMs)}</td>
      <td>${end.status ? esc(end.status) + ' <small>' + dur(end.commitLatencyMs) + '</small>' : ''}</td>
      <td>${e.submissions || 0}</td><td>${e.activeSlots || 0}</td>
      <td>${sum(e.rejected)}</td><td>${e.discarded || 0}</td></tr>`;
  }).join('');
  view.innerHTML = `<h1>Epochs</h1>
    <table id="epochs"><thead><tr><th>Epoch</th><th>Released</th><th>Closed</th><th>Finalized</th><th>Batches</th>
    <th>Committed (after close)</th><th>Completed</th><th>Submissions</th><th>Slots</th><th>Rejected</th><th>Discarded</th></tr></thead>
    <tbody>${rows || '<tr><td colspan="11">No epoch yet: waiting for the first release…</td></tr>'}</tbody></table>
    <p>Times are UTC. <a href="#/rejects">Input rejected before an epoch was known</a> ·
    <a href="/openapi.json">API (OpenAPI)</a></p>`;
}

async function epochPage(epoch) {
  const v = await api('/api/epoch', {epochID: epoch});
  const s = v.summary || {};
  const rel = s.released || {};
  const projects = v.projects.map(p => `<tr><td>${esc(p.projectId)}</td><td>${esc(p.status)}</td><td>${cid(p.snapshotCid)}</td>
      <td>${p.winnerCount} / ${p.totalCount}</td>
      <td>${p.batchIndex !== undefined ? `<a href="#/batch/${epoch}/${p.batchIndex}">#${p.batchIndex}</a>` : ''}</td></tr>`).join('');
  const batches = v.batches.map(b => `<tr class="batch"><td><a href="#/batch/${epoch}/${b.batchIndex}">#${b.batchIndex}</a></td>
      <td>${cid(b.batchCid)}</td><td>${esc(b.status)}</td><td>${tx(b.txHash)}</td><td>${esc(b.blockNumber)}</td>
      <td>${dur(b.commitLatencyMs)}</td><td>${(b.projectIds || []).length}</td></tr>`).join('');
  const slots = (v.slots || []).map(n => `<a class="slot" href="#/slot/${n}/${epoch}">${n}</a>`).join(' ');
  view.innerHTML = `<h1>Epoch ${esc(epoch)}</h1>
    <dl><dt>Released</dt><dd>${time(rel.at)} (blocks ${esc(rel.begin)}–${esc(rel.end)}, window ${esc(rel.window)} s, tx ${tx(rel.txHash)})</dd>
    <dt>Window</dt><dd>${time(s.windowOpenMs)} – ${time(s.windowCloseMs)}</dd>
    <dt>Submissions</dt><dd>${s.submissions || 0} from ${s.activeSlots || 0} slots; discarded ${s.discarded || 0}</dd>
    <dt>Rejected</dt><dd>${reasons(s.rejected) || 'none'}</dd>
    <dt>Completed</dt><dd>${s.end ? esc(s.end.status) + ' ' + tx(s.end.txHash) + ' ' + dur(s.end.commitLatencyMs) : 'not yet'}</dd></dl>
    <h2>Batches</h2><table id="batches"><thead><tr><th>Batch</th><th>CID</th><th>Status</th><th>Transaction</th><th>Block</th><th>Latency</th><th>Projects</th></tr></thead><tbody>${batches}</tbody></table>
    <h2>Projects</h2><table id="projects"><thead><tr><th>Project</th><th>Status</th><th>Winning CID</th><th>Count</th><th>Batch</th></tr></thead><tbody>${projects}</tbody></table>
    <h2>Slots</h2><p id="slots">${slots || 'none'}</p>
    <form id="slotform"><label>Slot <input name="slot" size="8" inputmode="numeric"></label> <button>Show</button></form>`;
  document.getElementById('slotform').onsubmit = ev => {
    ev.preventDefault();
    location.hash = `#/slot/${ev.target.slot.value}/${epoch}`;
  };
}

async function batchPage(epoch, index) {
  const b = await api('/api/batch', {epochID: epoch, batchIndex: index});
  const rows = (b.projectIds || []).map((p, i) => `<tr><td>${esc(p)}</td><td>${cid(b.snapshotCids[i])}</td></tr>`).join('');
  view.innerHTML = `<h1>Batch #${esc(index)} of <a href="#/epoch/${epoch}">epoch ${esc(epoch)}</a></h1>
    <dl><dt>CID</dt><dd id="batchcid">${cid(b.batchCid)}</dd><dt>Status</dt><dd>${esc(b.status)}</dd>
    <dt>Transaction</dt><dd id="batchtx">${tx(b.txHash)} ${b.blockNumber ? 'block ' + esc(b.blockNumber) : ''}</dd>
    <dt>Commit latency</dt><dd>${dur(b.commitLatencyMs)} after the window closed</dd>
    <dt>Merkle roots</dt><dd><code>${esc(b.rootHash)}</code><br><code>${esc(b.finalizedCidsRootHash)}</code></dd>
    ${b.detail ? `<dt>Detail</dt><dd>${esc(b.detail)}</dd>` : ''}</dl>
    <h2>Projects</h2><table><thead><tr><th>Project</th><th>Finalized CID</th></tr></thead><tbody>${rows}</tbody></table>`;
}

async function slotPage(slot, epoch) {
  const v = await api('/api/slot', epoch ? {slotID: slot, epochID: epoch} : {slotID: slot});
  const s = v.slot || {};
  const last = (l) => l ? `${time(l.at)} epoch ${esc(l.epoch)} ${esc(l.nv || '')}` : 'none';
  const subs = (v.submissions || []).map(x => `<tr class="fate-${esc(x.fate)}"><td><code>${esc(x.submissionID)}</code></td>
      <td>${esc(x.projectID)}</td><td>${cid(x.snapshotCID)}</td><td>${time(x.receivedAtMs)}</td><td class="fate">${esc(x.fate)}</td>
      <td>${esc(x.reason || '')} ${x.winningCID && x.fate !== 'batched' ? 'winner ' + cid(x.winningCID) : ''}
      ${x.batchIndex !== undefined ? `<a href="#/batch/${epoch}/${x.batchIndex}">batch #${x.batchIndex}</a> ${tx(x.txHash)}` : ''}</td></tr>`).join('');
  view.innerHTML = `<h1>Slot ${esc(slot)}${epoch ? ` in <a href="#/epoch/${epoch}">epoch ${esc(epoch)}</a>` : ''}</h1>
    <dl><dt>Last submission</dt><dd>${last(s.lastSnapshot)}</dd><dt>Last simulation</dt><dd>${last(s.lastSimulated)}</dd>
    <dt>Node version</dt><dd>${esc(s.nodeVersion || 'unknown')}</dd></dl>
    ${epoch ? `<h2>Submissions</h2><table id="submissions"><thead><tr><th>Submission</th><th>Project</th><th>CID</th><th>Received</th><th>Fate</th><th></th></tr></thead>
    <tbody>${subs || '<tr><td colspan="6">none in this epoch</td></tr>'}</tbody></table>` : ''}
    ${(v.days || []).length ? '<h2>Days</h2><table><thead><tr><th>Day</th><th>Counted</th><th>Discarded</th><th>Eligible</th></tr></thead><tbody>' +
      v.days.map(d => `<tr><td>${d.day}</td><td>${d.count || 0}</td><td>${d.discarded || 0}</td><td>${d.eligible ? 'yes' : ''}</td></tr>`).join('') + '</tbody></table>' : ''}`;
}

async function rejectsPage() {
  const g = await api('/api/inputRejects');
  const rows = g.recent.map(r => `<tr><td>${time(r.at)}</td><td>${esc(r.group)}</td><td>${esc(r.reason || r.input)}</td><td>${esc(r.detail)}</td><td><code>${esc(r.peer || r.sid || '')}</code></td></tr>`).join('');
  view.innerHTML = `<h1>Input without an epoch</h1><p>Bridge: ${reasons(g.bridgeRejected) || 'none'}; job: ${reasons(g.jobRejectedWithoutEpoch) || 'none'}; undecodable: ${reasons(g.undecodable) || 'none'}</p>
    <table><thead><tr><th>Time</th><th>Where</th><th>Reason</th><th>Detail</th><th>Peer / submission</th></tr></thead><tbody>${rows}</tbody></table>`;
}

async function render() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').filter(x => x);
  try {
    if (parts[0] === 'epoch') await epochPage(parts[1]);
    else if (parts[0] === 'batch') await batchPage(parts[1], parts[2]);
    else if (parts[0] === 'slot') await slotPage(parts[1], parts[2]);
    else if (parts[0] === 'rejects') await rejectsPage();
    else await timeline();
    document.getElementById('live').className = 'live ok';
  } catch (e) {
    if (!view.dataset.rendered) view.innerHTML = `<p class="error">${esc(e.message)}</p>`;
    document.getElementById('live').className = 'live error';
  }
  view.dataset.rendered = '1';
}

function schedule() {
  clearTimeout(timer);
  // live updates: re-render every 2 s unless the reader is typing in a form
  timer = setTimeout(async () => {
    if (!document.activeElement || document.activeElement.tagName !== 'INPUT') await render();
    schedule();
  }, 2000);
}

async function boot() {
  try {
    config = await api('/api/config');
    if (!market) {
      const markets = await api('/api/markets');
      if (markets.length === 1) market = markets[0].market;
    }
  } catch (e) { /* shown by render */ }
  document.getElementById('market').textContent = market ? 'market ' + market : '';
  window.onhashchange = () => { delete view.dataset.rendered; render(); schedule(); };
  await render();
  schedule();
}
boot();
