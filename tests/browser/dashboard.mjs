// tests/browser/dashboard.mjs - the office's dashboard read by headless Chromium (run by tests/browser/run.sh)
//
// The page's figures are held against what the gateway answers directly in the same run (feedback's and
// ingest's stats.get, stats.daily, overdue.list): every number of the lists, agencies and departments
// tables, the durations, the checks bars, the trend chart's points. Then the agency filter, the overdue
// list and its pages, the CSV and XLSX exports (downloaded as a person would, read back here), printing,
// logging out. Throughout: no console error, no uncaught exception, no request to anywhere but
// 127.0.0.1. DOMAIN.md "Monitoring by the office" [001 四(三)] [003 六].
//
// Environment (run.sh): JRP_GW (http://127.0.0.1:PORT), JRP_TOKEN (the office's), JRP_OTHER_TOKEN (an
// agency's, which the page must refuse), JRP_TEST_OUT (where the
// screenshots, the PDF and the exports go), JRP_TAP_FROM (TAP numbers continue from it), JRP_PERIOD_FROM
// and JRP_PERIOD_TO (a period of the case), JRP_AGENCY_OVERDUE (an agency left overdue), JRP_AGENCY_FED
// (one that fed back), JRP_LATE_DEPARTMENT (a department that reported late and left a duty overdue).
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';

const GW = process.env.JRP_GW;
const TOKEN = process.env.JRP_TOKEN, OTHER_TOKEN = process.env.JRP_OTHER_TOKEN;
const OUT = process.env.JRP_TEST_OUT || new URL('./out/', import.meta.url).pathname;
const PFROM = process.env.JRP_PERIOD_FROM, PTO = process.env.JRP_PERIOD_TO;
const OVERDUE_AGENCY = process.env.JRP_AGENCY_OVERDUE, FED_AGENCY = process.env.JRP_AGENCY_FED;
const LATE_DEPT = process.env.JRP_LATE_DEPARTMENT;
let n = Number(process.env.JRP_TAP_FROM || 0), failed = 0;
fs.mkdirSync(OUT, { recursive: true });

function ok(cond, name, detail) {
  n++;
  if (cond) console.log(`ok ${n} - ${name}`);
  else {
    failed++;
    console.log(`not ok ${n} - ${name}`);
    if (detail !== undefined)
      for (const l of String(typeof detail === 'string' ? detail : JSON.stringify(detail)).split('\n').slice(0, 30))
        console.log('# ' + l);
  }
  return cond;
}

async function gw(p, params = {}) {
  const q = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined && v !== ''));
  const r = await fetch(GW + p + (q.toString() ? '?' + q : ''), { headers: { Authorization: 'Bearer ' + TOKEN } });
  const body = await r.json();
  if (!r.ok || !body.ok) throw new Error(`${p}: HTTP ${r.status} ${JSON.stringify(body)}`);
  return body;
}

/* num - a figure as the page shows it ("1,234", "—" for none) */
function num(s) {
  s = (s || '').trim().replace(/,/g, '');
  return s === '—' || s === '' ? undefined : Number(s);
}

/* table - the rows of a table as {key, cells: {field: text}} */
async function table(page, id) {
  return page.$$eval(`#${id} tbody tr[data-key]`, trs => trs.map(tr => ({
    key: tr.dataset.key, party: tr.dataset.party,
    cells: Object.fromEntries([...tr.querySelectorAll('td[data-field]')].map(td => [td.dataset.field, td.textContent])),
  })));
}

/* same - every listed field of every row equals the reply's; the mismatches, or [] */
function diffs(rows, expect, fields) {
  const bad = [];
  if (rows.length !== expect.length) bad.push(`${rows.length} rows on the page, ${expect.length} in the reply`);
  for (const e of expect) {
    const r = rows.find(x => x.key === e.key);
    if (!r) { bad.push(`no row ${e.key}`); continue; }
    for (const [field, value] of Object.entries(e.values).filter(([f]) => !fields || fields.includes(f)))
      if (num(r.cells[field]) !== value) bad.push(`${e.key}.${field}: page ${r.cells[field]}, reply ${value}`);
  }
  return bad;
}

const AGENCY_FIELDS = ['apply', 'stop', 'suspend', 'resume', 'recall', 'extend', 'applied', 'not_applicable', 'failed',
  'awaiting', 'overdue', 'late', 'late_workdays', 'checks'];

/* the page's tables against stats.get (feedback) and stats.get (ingest) of the same period */
async function compareAll(page, what, st, rec) {
  const figs = await page.$$eval('#figures .figure', fs => Object.fromEntries(fs.map(f => [f.dataset.key,
    f.querySelector('.value').textContent])));
  const wantFigs = { red: st.entries.red, black: st.entries.black, focus: st.entries.focus, warning: st.entries.warning,
    apply: st.tasks.apply, applied: st.feedback.applied, awaiting: st.feedback.awaiting, overdue: st.feedback.overdue,
    checks: st.checks.total };
  const fb = Object.entries(wantFigs).filter(([k, v]) => num(figs[k]) !== v).map(([k, v]) => `${k}: page ${figs[k]}, reply ${v}`);
  ok(fb.length === 0, `${what}: the figures equal stats.get's (lists in force, tasks, feedback, overdue, checks)`, fb);

  const lists = ['red', 'black', 'focus', 'warning'];
  let d = diffs(await table(page, 't-bylist'), lists.map(l => ({ key: l, values: { in_force: st.entries[l] } })));
  ok(d.length === 0, `${what}: lists in force by list equal stats.get entries`, d);
  d = diffs(await table(page, 't-bydomain'), st.by_domain.map(b => ({ key: `${b.list}/${b.domain || ''}`,
    values: { in_force: b.in_force, proposed: b.proposed, effective: b.effective, exited: b.exited } })));
  ok(d.length === 0 && st.by_domain.length > 0, `${what}: every number by list and domain equals stats.get by_domain (${st.by_domain.length} rows)`, d);

  d = diffs(await table(page, 't-agencies'), st.agencies.map(a => ({ key: a.agency,
    values: Object.fromEntries(AGENCY_FIELDS.map(f => [f, a[f]])) })));
  ok(d.length === 0, `${what}: every number of the ${st.agencies.length} agencies equals stats.get agencies`, d);
  const names = await page.$$eval('#t-agencies tbody tr', trs => trs.map(tr => tr.querySelector('.party-name').textContent));
  ok(names.join('|') === st.agencies.map(a => a.name).join('|'), `${what}: agencies named in Chinese as the reply names them`, names);

  const depts = st.departments.map(x => x.department);
  for (const r of rec.departments) if (!depts.includes(r.department)) depts.push(r.department);
  d = diffs(await table(page, 't-departments'), depts.map(id => {
    const f = st.departments.find(x => x.department === id) || {}, r = rec.departments.find(x => x.department === id) || {};
    const values = {};
    for (const k of ['records', 'late', 'late_workdays', 'late_workdays_max']) values['records.' + k] = r[k];
    for (const k of ['notice', 'verify_objection', 'decide_repair', 'interview', 'awaiting', 'overdue', 'late', 'late_workdays'])
      values['duties.' + k] = f[k];
    return { key: id, values };
  }));
  ok(d.length === 0, `${what}: every number of the ${depts.length} departments equals ingest's and feedback's stats.get`, d);

  d = diffs(await table(page, 't-durations'), [
    { key: 'objection', values: { filed: st.entries.objections_filed, decided: st.durations.objection.decided,
      median_workdays: st.durations.objection.median_workdays, longest_workdays: st.durations.objection.longest_workdays } },
    { key: 'repair', values: { filed: st.entries.repairs_applied, decided: st.durations.repair.decided,
      median_workdays: st.durations.repair.median_workdays, longest_workdays: st.durations.repair.longest_workdays } },
  ]);
  ok(d.length === 0, `${what}: objections and repairs, filed, decided, median and longest working days equal stats.get`, d);

  const bars = await page.$$eval('#checks-chart g.bar', gs => gs.map(g => [g.dataset.key, Number(g.dataset.value)]));
  d = st.agencies.filter(a => !bars.find(([k, v]) => k === a.agency && v === a.checks)).map(a => a.agency);
  ok(d.length === 0 && bars.length === st.agencies.length, `${what}: a checks bar per agency with stats.get's count (逢办必查)`, { bars, d });
}

async function waitLoaded(page, k) {
  await page.waitForFunction(k => Number(document.body.dataset.loaded || 0) >= k && !document.body.classList.contains('loading'), k);
}

/* ---- a small zip reader: the XLSX is a zip whose parts are stored or deflated ---- */
function unzip(buf) {
  let eocd = -1;
  for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--)
    if (buf.readUInt32LE(i) === 0x06054b50) { eocd = i; break; }
  if (eocd < 0) throw new Error('no end of central directory: not a zip');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const files = {};
  for (let i = 0; i < count; i++) {
    if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error('bad central directory entry');
    const method = buf.readUInt16LE(p + 10), csize = buf.readUInt32LE(p + 20);
    const nlen = buf.readUInt16LE(p + 28), xlen = buf.readUInt16LE(p + 30), clen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42), name = buf.toString('utf8', p + 46, p + 46 + nlen);
    if (buf.readUInt32LE(local) !== 0x04034b50) throw new Error('bad local header of ' + name);
    const start = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const data = buf.subarray(start, start + csize);
    files[name] = method === 0 ? data : zlib.inflateRawSync(data);
    p += 46 + nlen + xlen + clen;
  }
  return files;
}

function xmlText(s) {
  return s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&');
}

/* xlsxRows - the sheet as rows of cells {v, num}: numbers as numbers (no t="s"), strings from the shared table */
function xlsxRows(files) {
  const shared = [...(files['xl/sharedStrings.xml'] || '').toString().matchAll(/<si>(.*?)<\/si>/gs)]
    .map(m => xmlText([...m[1].matchAll(/<t[^>]*>(.*?)<\/t>/gs)].map(t => t[1]).join('')));
  const sheet = files['xl/worksheets/sheet1.xml'].toString();
  const rows = [];
  for (const rm of sheet.matchAll(/<row r="(\d+)"[^>]*>(.*?)<\/row>/gs)) {
    const row = [];
    for (const cm of rm[2].matchAll(/<c r="([A-Z]+)\d+"([^>]*?)(?:\/>|>(.*?)<\/c>)/gs)) {
      const col = [...cm[1]].reduce((a, ch) => a * 26 + ch.charCodeAt(0) - 64, 0) - 1;
      const v = /<v>(.*?)<\/v>/s.exec(cm[3] || '');
      if (!v) continue;
      row[col] = / t="s"/.test(cm[2]) ? { v: shared[Number(v[1])], num: false } : { v: Number(v[1]), num: true };
    }
    rows[Number(rm[1]) - 1] = row;
  }
  return { rows, sheet, shared };
}

/* csvRows - RFC 4180 */
function csvRows(text) {
  const rows = [];
  let row = [], f = '', q = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (q) {
      if (c === '"' && text[i + 1] === '"') { f += '"'; i++; } else if (c === '"') q = false; else f += c;
    } else if (c === '"') q = true;
    else if (c === ',') { row.push(f); f = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(f); rows.push(row); row = []; f = ''; i++; }
    else f += c;
  }
  if (f !== '' || row.length) { row.push(f); rows.push(row); }
  return rows;
}

async function download(page, table, format) {
  // Chromium drops a download begun within about a second of ten others (its own guard against a page
  // flooding the disk): a person never clicks that fast, the test waits a little between exports
  await page.waitForTimeout(400);
  const [dl] = await Promise.all([
    page.waitForEvent('download', { timeout: 15000 }),
    page.click(`button[data-export="${table}"][data-format="${format}"]`),
  ]);
  const file = path.join(OUT, dl.suggestedFilename());
  await dl.saveAs(file);
  return { name: dl.suggestedFilename(), buf: fs.readFileSync(file) };
}

const browser = await chromium.launch({
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 }, acceptDownloads: true, locale: 'zh-CN' });
const page = await context.newPage();
const requests = [], consoleErrors = [], pageErrors = [];
let phase = 'start';
context.on('request', r => requests.push(r.url()));
page.on('console', m => { if (m.type() === 'error') consoleErrors.push({ phase, text: m.text() }); });
page.on('pageerror', e => pageErrors.push(e.message));

try {
  // ---- login ----
  await page.goto(GW + '/dashboard/');
  ok(await page.isVisible('#login-form') && !(await page.isVisible('#dash-view')), 'without a token the page asks for one (登录)');
  phase = 'wrong-token';
  await page.fill('#token', 'jrp_' + '0'.repeat(64));
  await page.click('#login-submit');
  await page.waitForSelector('#login-error:not([hidden])');
  const wrong = await page.textContent('#login-error');
  ok(/令牌无效/.test(wrong) && await page.isVisible('#login-form'), 'a wrong token is told plainly in Chinese and the form stays', wrong);
  ok(await page.evaluate(() => sessionStorage.length) === 0, 'a wrong token is not kept');
  phase = 'other-token';
  await page.fill('#token', OTHER_TOKEN);
  await page.click('#login-submit');
  await page.waitForFunction(() => /不属于联席会议办公室/.test(document.getElementById('login-error').textContent));
  ok(await page.isVisible('#login-form') && await page.evaluate(() => sessionStorage.length) === 0,
    'an agency\'s token is told the statistics are the office\'s, and not kept', await page.textContent('#login-error'));
  phase = 'dashboard';
  await page.fill('#token', TOKEN);
  await page.click('#login-submit');
  await waitLoaded(page, 1);
  ok(await page.isVisible('#dash-view') && !(await page.isVisible('#login-form')), 'the right token opens the dashboard');
  ok(await page.evaluate(() => Object.values(sessionStorage).length === 1 && Object.values(sessionStorage)[0].startsWith('jrp_')),
    'the token is kept in sessionStorage (this tab only)');
  ok(await page.evaluate(() => document.documentElement.lang) === 'zh-CN' && /监测看板/.test(await page.title()), 'the page is in Chinese (zh-CN)');

  // ---- every figure against stats.get, all time ----
  let st = await gw('/v1/stats'), rec = await gw('/v1/stats/records');
  ok(st.feedback.overdue > 0 && st.checks.total > 0 && rec.departments.some(d => d.late > 0),
    'the case has overdue tasks, checks and a late report (stats.get)', { overdue: st.feedback.overdue, checks: st.checks });
  await compareAll(page, 'all time', st, rec);
  const late = rec.departments.find(d => d.department === LATE_DEPT);
  const lag = await page.$$eval('#laggard-list li', lis => lis.map(li => [li.dataset.key, li.textContent]));
  ok(lag.some(([k, t]) => k === LATE_DEPT && t.includes(late.name) && /迟报信用记录 1 条/.test(t) && /逾期未履行义务 1 项/.test(t)),
    `the department that reported late and left a duty overdue is named: ${late.name}`, lag);
  ok(lag.every(([k]) => st.departments.find(d => d.department === k && (d.overdue > 0 || d.late > 0)) ||
    rec.departments.find(d => d.department === k && d.late > 0)), 'only departments that lag are named', lag);
  await page.screenshot({ path: path.join(OUT, 'dashboard-all.png'), fullPage: true });

  // ---- a period ----
  await page.fill('#from', PFROM);
  await page.fill('#to', PTO);
  await page.click('#apply-period');
  await waitLoaded(page, 2);
  st = await gw('/v1/stats', { from: PFROM, to: PTO });
  rec = await gw('/v1/stats/records', { from: PFROM, to: PTO });
  ok(/2026/.test(await page.textContent('#status')) && (await page.textContent('#status')).includes(`${PFROM} 至 ${PTO}`),
    'the status line says the period chosen', await page.textContent('#status'));
  await compareAll(page, `${PFROM}..${PTO}`, st, rec);

  // ---- the trend: stats.daily drawn as SVG (a part of its own: without stats.daily the rest still runs) ----
  let daily = null, ndays = 0;
  try {
    daily = await gw('/v1/stats/daily', { from: PFROM, to: PTO });
    ndays = daily.days.length;
    const svg = await page.$('#trend-chart svg.line-chart');
    ok(svg !== null && ndays === 45, `the trend chart is an inline SVG (${ndays} days)`);
    const pts = await page.$$eval('#trend-chart circle.point', cs => cs.map(c => [c.dataset.series, c.dataset.date, Number(c.dataset.value)]));
    const series = [...new Set(pts.map(p => p[0]))];
    const wrongPts = pts.filter(([s, d, v]) => (daily.days.find(x => x.date === d) || {})[s] !== v);
    ok(series.length >= 6 && pts.length === series.length * ndays && wrongPts.length === 0,
      `a point per day and series (${series.length} series × ${ndays} days), each equal to stats.daily`, { series, wrong: wrongPts.slice(0, 5) });
    const paths = await page.$$eval('#trend-chart path.line', ps => ps.map(p => (p.getAttribute('d').match(/[ML]/g) || []).length));
    ok(paths.length === series.length && paths.every(k => k === ndays), 'a line per series through every day', paths);
    ok(pts.some(p => p[0] === 'tasks_pushed' && p[2] > 0) && pts.some(p => p[0] === 'checks' && p[2] > 0),
      'the chart shows the days the measures were pushed and the checks made');
    await page.click('#toggle-daily');
    const drows = await table(page, 't-daily');
    ok(drows.length === ndays && drows.every(r => num(r.cells.tasks_pushed) === daily.days.find(x => x.date === r.key).tasks_pushed),
      'the daily table beside the chart has a row a day equal to stats.daily', drows.length);
    await page.click('#toggle-daily');
  } catch (e) {
    ok(false, 'the trend chart against stats.daily', e.stack || String(e));
  }

  // ---- the overdue list, paged ----
  const ov1 = await gw('/v1/overdue', { max: 20 });
  let orows = await table(page, 't-overdue');
  ok(ov1.overdue_total > 20 && orows.map(r => Number(r.key)).join() === ov1.items.map(i => i.task).join(),
    `the overdue list's first page is overdue.list's (20 of ${ov1.overdue_total})`, orows.map(r => r.key));
  const ovNote = await page.textContent('#overdue-note');
  ok(ovNote.includes(String(ov1.overdue_total)), 'the overdue list says how many in all', ovNote);
  const it0 = ov1.items[0], r0 = orows[0];
  ok(r0.cells.what.includes(String(it0.task)) && r0.cells.subject === it0.subject && r0.cells.due === it0.due &&
    num(r0.cells.late_workdays) === it0.late_workdays && r0.cells.party.includes(st.agencies.concat(st.departments)
      .find(p => (p.agency || p.department) === it0.party).name),
  'an overdue row shows the task, its party by name, the subject, the due date and the working days late', r0);
  await page.click('#ov-next');
  await page.waitForFunction(() => !document.getElementById('ov-prev').disabled);
  const ov2 = await gw('/v1/overdue', { max: 20, after: ov1.next });
  orows = await table(page, 't-overdue');
  ok(orows.map(r => Number(r.key)).join() === ov2.items.map(i => i.task).join(), 'the next page is overdue.list after the first page\'s next');
  const duty = ov1.items.concat(ov2.items).find(i => i.class === 'duty' && i.party === LATE_DEPT);
  ok(duty !== undefined, `the overdue list has the court's notice duty (task ${duty && duty.task})`);
  await page.click('#ov-prev');
  await page.waitForFunction(() => document.getElementById('ov-prev').disabled);

  // ---- the agency filter ----
  for (const agency of [OVERDUE_AGENCY, FED_AGENCY]) {
    await page.selectOption('#agency', agency);
    await page.waitForFunction(a => document.body.dataset.filtered === a, agency);
    const a = st.agencies.find(x => x.agency === agency);
    const arows = await table(page, 't-agencies');
    ok(arows.length === 1 && arows[0].key === agency && diffs(arows, [{ key: agency,
      values: Object.fromEntries(AGENCY_FIELDS.map(f => [f, a[f]])) }]).length === 0,
    `filter ${agency}: only its row remains, with stats.get's figures`, arows);
    const bars = await page.$$eval('#checks-chart g.bar', gs => gs.map(g => [g.dataset.key, Number(g.dataset.value)]));
    ok(bars.length === 1 && bars[0][0] === agency && bars[0][1] === a.checks, `filter ${agency}: only its checks bar remains`, bars);
    const figs = await page.$$eval('#figures .figure', fs => Object.fromEntries(fs.map(f => [f.dataset.key, f.querySelector('.value').textContent])));
    ok(num(figs.apply) === a.apply && num(figs.applied) === a.applied && num(figs.awaiting) === a.awaiting &&
      num(figs.overdue) === a.overdue && num(figs.checks) === a.checks, `filter ${agency}: the figures are its own`, figs);
    const own = await gw('/v1/overdue', { of: agency, max: 20 });
    const frows = await table(page, 't-overdue');
    ok(frows.length === own.items.length && frows.every(r => r.party === agency) &&
      frows.map(r => Number(r.key)).join() === own.items.map(i => i.task).join(),
    `filter ${agency}: the overdue list holds its ${own.items.length} overdue tasks only`, frows.map(r => [r.key, r.party]));
    if (agency === OVERDUE_AGENCY)
      ok(own.items.length > 0 && a.overdue > 0, `${agency} was left overdue: its tasks are listed`);
    else
      ok(own.items.length === 0 && a.applied > 0, `${agency} fed back: nothing of it overdue`);
    const tags = await page.$$eval('.filter-tag', ts => ts.filter(t => !t.hidden).map(t => t.textContent));
    ok(tags.length >= 3 && tags.every(t => t.includes(a.name)), `filter ${agency}: the filtered sections say so`, tags);
  }

  // ---- exports while filtered: one agency's row ----
  {
    const { name, buf } = await download(page, 'agencies', 'csv');
    const rows = csvRows(buf.toString('utf8').replace(/^\uFEFF/, ''));
    const a = st.agencies.find(x => x.agency === FED_AGENCY);
    ok(rows.length === 2 && rows[1][0] === FED_AGENCY && Number(rows[1][2 + AGENCY_FIELDS.indexOf('applied')]) === a.applied && name.includes(FED_AGENCY),
      `the agencies export while filtered holds ${FED_AGENCY}'s row only (${name})`, rows);
  }
  await page.selectOption('#agency', '');
  await page.waitForFunction(() => document.body.dataset.filtered === '');
  ok((await table(page, 't-agencies')).length === st.agencies.length, 'all agencies again without the filter');

  // ---- exports: every table as CSV and XLSX; the XLSX holds what the CSV holds, typed ----
  const expectCsv = {
    lists: rows => rows.find(r => r[1] === 'black' && r[3] === '（全部领域）')[4] === String(st.entries.black),
    agencies: rows => st.agencies.every(a => { const r = rows.find(x => x[0] === a.agency);
      return r && r[1] === a.name && AGENCY_FIELDS.every((f, i) => Number(r[i + 2]) === a[f]); }),
    departments: rows => { const r = rows.find(x => x[0] === LATE_DEPT); const d = rec.departments.find(x => x.department === LATE_DEPT);
      const f = st.departments.find(x => x.department === LATE_DEPT);
      return r && Number(r[2]) === d.records && Number(r[3]) === d.late && Number(r[4]) === d.late_workdays &&
        Number(r[5]) === d.late_workdays_max && Number(r[11]) === f.overdue; },
    durations: rows => { const r = rows.find(x => x[0] === '异议');
      return r && Number(r[1]) === st.entries.objections_filed && Number(r[2]) === st.durations.objection.decided &&
        Number(r[3]) === st.durations.objection.median_workdays && Number(r[4]) === st.durations.objection.longest_workdays; },
    overdue: rows => rows.length - 1 === ov1.overdue_total && rows.some(r => Number(r[2]) === duty.task && r[3] === '部门义务'),
    daily: rows => rows.length - 1 === ndays && daily.days.every(d => rows.some(r => r[0] === d.date &&
      Number(r[rows[0].indexOf('推送执行任务')]) === d.tasks_pushed)),
  };
  const heads = { lists: '名单', agencies: '实施部门', departments: '认定部门', durations: '事项', overdue: '部门名称', daily: '日期' };
  for (const t of Object.keys(expectCsv).filter(t => t !== 'daily' || daily)) {
    const csv = await download(page, t, 'csv');
    const text = csv.buf.toString('utf8');
    const rows = csvRows(text.replace(/^\uFEFF/, ''));
    ok(csv.buf[0] === 0xEF && csv.buf[1] === 0xBB && csv.buf[2] === 0xBF && rows[0].includes(heads[t]) &&
      /\r\n/.test(text) && csv.name.endsWith('.csv'),
    `${t}.csv: UTF-8 with a BOM, Chinese headers (${rows[0].slice(0, 3).join('，')}…), CRLF lines`, text.slice(0, 300));
    let good = false;
    try { good = expectCsv[t](rows); } catch (e) { good = false; }
    ok(good, `${t}.csv holds stats.get's figures`, rows.slice(0, 6).map(r => r.join(',')).join('\n'));
    const x = await download(page, t, 'xlsx');
    let files = null, sheet = null;
    try { files = unzip(x.buf); sheet = xlsxRows(files); } catch (e) { ok(false, `${t}.xlsx is a zip`, e.message); continue; }
    ok(x.buf.readUInt32LE(0) === 0x04034b50 && files['[Content_Types].xml'] && files['xl/workbook.xml'] && sheet,
      `${t}.xlsx is a valid zip with a workbook and one sheet (${x.name})`, Object.keys(files));
    const title = (sheet.rows[0] || [])[0];
    ok(title && /统计期间/.test(title.v) && /制表时间/.test(title.v) && /数据截至/.test(title.v),
      `${t}.xlsx: a title row with the period, as-of and the time it was made`, title);
    const mism = [];
    rows.forEach((r, i) => r.forEach((v, c) => {
      const cell = (sheet.rows[i + 1] || [])[c];
      if (v === '' && !cell) return;
      const want = /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v;
      if (!cell || cell.v !== want || cell.num !== (typeof want === 'number')) mism.push([i, c, v, cell]);
    }));
    ok(mism.length === 0 && sheet.rows.length === rows.length + 1,
      `${t}.xlsx: the headers in Chinese and every cell the CSV's, figures as numbers and ids as text`, mism.slice(0, 5));
  }
  {
    const x = await download(page, 'agencies', 'xlsx');
    const s = xlsxRows(unzip(x.buf));
    const land = st.agencies.find(a => a.agency === OVERDUE_AGENCY);
    ok(new RegExp(`<v>${land.overdue}</v>`).test(s.sheet) && s.shared.includes(land.name) && s.shared.includes('逾期未反馈（当前）'),
      `agencies.xlsx's sheet XML holds ${OVERDUE_AGENCY}'s overdue figure (${land.overdue}) and its name`);
    const codes = xlsxRows(unzip((await download(page, 'overdue', 'xlsx')).buf)).rows.slice(2).map(r => r[8]);
    ok(codes.length > 0 && codes.every(c => c && !c.num && /^[0-9A-Z]{18}$/.test(c.v)), 'overdue.xlsx keeps subject codes as text', codes.slice(0, 3));
  }

  // ---- printing ----
  await page.evaluate(() => { window.__printed = 0; window.print = () => { window.__printed++; }; });
  await page.click('#print');
  ok(await page.evaluate(() => window.__printed) === 1, 'the 打印 button prints');
  await page.emulateMedia({ media: 'print' });
  const printed = await page.evaluate(() => ({
    toolbar: getComputedStyle(document.getElementById('toolbar')).display,
    exports: [...document.querySelectorAll('.export')].every(e => getComputedStyle(e).display === 'none'),
    head: getComputedStyle(document.getElementById('print-head')).display,
    headText: document.getElementById('print-head').textContent,
    daily: getComputedStyle(document.getElementById('daily-wrap')).display,
  }));
  ok(printed.toolbar === 'none' && printed.exports && printed.head !== 'none' && printed.headText.includes(`${PFROM} 至 ${PTO}`) &&
    printed.daily !== 'none', 'print CSS: no controls, a heading with the period, the daily table included', printed);
  await page.pdf({ path: path.join(OUT, 'dashboard-report.pdf'), format: 'A4', landscape: true, printBackground: true });
  ok(fs.statSync(path.join(OUT, 'dashboard-report.pdf')).size > 10000, 'the printed report (PDF) is made');
  await page.screenshot({ path: path.join(OUT, 'dashboard-print.png'), fullPage: true });
  await page.emulateMedia({ media: 'screen' });
  await page.screenshot({ path: path.join(OUT, 'dashboard.png'), fullPage: true });
  ok(fs.statSync(path.join(OUT, 'dashboard.png')).size > 10000, `a full-page screenshot: ${path.join(OUT, 'dashboard.png')}`);

  // ---- logging out ----
  await page.click('#logout');
  ok(await page.isVisible('#login-form') && await page.evaluate(() => sessionStorage.length) === 0, 'logging out forgets the token');
} catch (e) {
  ok(false, 'the dashboard test ran to its end', e.stack || String(e));
}

// ---- throughout ----
const unexpected = consoleErrors.filter(c => !(c.phase === 'wrong-token' && /status of 401/.test(c.text)) &&
  !(c.phase === 'other-token' && /status of 403/.test(c.text)));
ok(unexpected.length === 0 && pageErrors.length === 0,
  'no console error and no uncaught exception (the refused tokens\' 401 and 403 aside)',
  { console: unexpected, exceptions: pageErrors });
const hostOf = u => {
  try { const x = new URL(u); return x.protocol === 'blob:' ? new URL(x.pathname).hostname : x.protocol === 'data:' ? '127.0.0.1' : x.hostname; } catch (e) { return u; }
};
const away = requests.filter(u => !['127.0.0.1', 'localhost'].includes(hostOf(u)));
ok(requests.length > 20 && away.length === 0, `no request left localhost (${requests.length} requests, all to 127.0.0.1)`, away);
await browser.close();
console.log(`1..${n}`);
process.exit(failed ? 1 : 0);
