/*
 * app.js - the joint-conference office's dashboard (联席会议办公室监测看板), served by jrp-gateway
 *
 * Everything shown is what the gateway's routes answer, laid out; the page computes no figure:
 *   GET /v1/stats?from&to           feedback stats.get: lists, agencies, departments' duties, durations
 *   GET /v1/stats/records?from&to   ingest stats.get: records reported per department, late reports
 *   GET /v1/stats/daily?from&to     feedback stats.daily: the trend chart, one point a day
 *   GET /v1/overdue?of&after&max    overdue.list: the overdue tasks and duties, a page at a time
 *   GET /v1/export/{table}?format   the same tables as CSV or XLSX (made by the gateway)
 * The office's bearer token is asked for once and kept in sessionStorage (this tab only); every
 * request carries it. The agency filter keeps one agency's row, bar, figures and overdue items.
 */
'use strict';
(function () {
  const TOKEN_KEY = 'jrp.office.token';
  const PAGE = 20;
  const LISTS = [['red', '红名单'], ['black', '黑名单'], ['focus', '重点关注名单'], ['warning', '警示名单']];
  const ZH = {
    red: '红名单', black: '黑名单', focus: '重点关注名单', warning: '警示名单',
    mandatory: '强制性', recommended: '推荐性', duty: '部门义务',
    apply: '执行措施', stop: '停止措施', suspend: '暂停措施', resume: '恢复措施', recall: '撤回奖励', extend: '延长期限',
    notice: '告知', verify_objection: '异议核查', decide_repair: '修复决定', interview: '约谈',
  };
  /* the series of the trend chart: stats.daily's figures (README feedback, stats.daily) */
  const SERIES = [
    ['listed', '新增生效'], ['exited', '退出'], ['tasks_pushed', '推送执行任务'], ['applied', '反馈已执行'],
    ['checks', '查询次数'], ['objections_filed', '异议提出'], ['repairs_applied', '修复申请'], ['proposed', '提出认定'],
  ];
  const DAILY_HEADS = {
    date: '日期', proposed: '提出认定', listed: '新增生效', listed_by_list: '新增生效', exited: '退出', objections_filed: '异议提出',
    objections_decided: '异议决定', repairs_applied: '修复申请', repairs_decided: '修复决定', tasks_pushed: '推送执行任务',
    tasks_stopped: '停止任务', applied: '反馈已执行', not_applicable: '反馈不适用', failed: '反馈执行失败', cases: '典型案例',
    checks: '查询次数', checks_listed: '查询命中名单',
  };

  const $ = id => document.getElementById(id);
  const state = {
    token: null, from: '', to: '', agency: '', stats: null, records: null, daily: null, dailyFrom: '', dailyTo: '',
    overdue: null, cursors: [''], page: 0, hidden: new Set(), loading: 0,
  };

  class ApiError extends Error {
    constructor(status, err) {
      super((err && err.message) || `HTTP ${status}`);
      this.status = status;
      this.code = (err && err.code) || '';
      this.field = (err && err.field) || '';
    }
  }

  /* ---- talking to the gateway ---- */

  function query(params) {
    const q = new URLSearchParams();
    for (const k in params) if (params[k] !== '' && params[k] !== undefined && params[k] !== null) q.set(k, params[k]);
    const s = q.toString();
    return s ? '?' + s : '';
  }

  async function api(path, params, token) {
    const r = await fetch(path + query(params || {}), {
      headers: { Authorization: 'Bearer ' + (token || state.token), Accept: 'application/json' },
      cache: 'no-store',
    });
    let body = null;
    try { body = await r.json(); } catch (e) { body = null; }
    if (!r.ok || !body || body.ok === false) throw new ApiError(r.status, body && body.error);
    return body;
  }

  function explain(e) {
    if (!(e instanceof ApiError)) return `无法连接网关：${e.message}`;
    const why = {
      unauthorized: '访问令牌无效或已被撤销，请重新登录。',
      forbidden: '该令牌不属于联席会议办公室，无权查看统计。',
      unavailable: '后台服务暂不可用，请稍后重试。',
      timeout: '后台服务未及时应答，请稍后重试。',
      bad_value: '参数有误。',
      unknown_type: '后台服务尚不支持此项数据。',
    }[e.code] || '请求失败。';
    return `${why}（${e.code || 'HTTP ' + e.status}${e.field ? '，' + e.field : ''}：${e.message}）`;
  }

  /* ---- formatting ---- */

  function fmt(v) {
    if (v === undefined || v === null || v === '') return '—';
    return typeof v === 'number' ? v.toLocaleString('zh-CN') : String(v);
  }
  function zh(v) { return ZH[v] || v || '—'; }
  function addDays(date, n) {
    const d = new Date(date + 'T00:00:00Z');
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }
  function daysBetween(a, b) {
    return Math.round((Date.parse(b + 'T00:00:00Z') - Date.parse(a + 'T00:00:00Z')) / 86400000);
  }
  function periodText() {
    return state.from ? `${state.from} 至 ${state.to}` : '全部时间';
  }
  function agencyName(id) {
    const a = state.stats && state.stats.agencies.find(x => x.agency === id);
    return a ? a.name : id;
  }
  function partyName(id) {
    const s = state.stats;
    const p = s && (s.agencies.find(x => x.agency === id) || s.departments.find(x => x.department === id));
    return p ? p.name : id;
  }

  /* ---- tables ---- */

  function td(tr, value, field, cls) {
    const c = document.createElement('td');
    c.textContent = typeof value === 'number' || value === undefined || value === null ? fmt(value) : value;
    if (field) c.dataset.field = field;
    if (cls) c.className = cls;
    tr.appendChild(c);
    return c;
  }

  /* nameCell - a party's Chinese name, its id beneath in small type */
  function nameCell(tr, name, id, field) {
    const c = td(tr, '', field, 'name');
    const b = document.createElement('span');
    b.className = 'party-name';
    b.textContent = name || id;
    const s = document.createElement('span');
    s.className = 'party-id';
    s.textContent = id;
    c.append(b, s);
    return c;
  }

  function rows(tbody, list, fill) {
    tbody.textContent = '';
    for (const item of list) {
      const tr = document.createElement('tr');
      fill(tr, item);
      tbody.appendChild(tr);
    }
    if (!list.length) {
      const tr = document.createElement('tr');
      const c = td(tr, '无', null, 'empty');
      c.colSpan = tbody.parentElement.querySelectorAll('thead th').length || 1;
      tbody.appendChild(tr);
    }
  }

  function numCells(tr, item, fields, bad) {
    for (const f of fields) {
      const c = td(tr, item[f], f, 'num');
      if (bad && bad.includes(f) && item[f] > 0) c.classList.add('bad');
    }
  }

  /* ---- the sections ---- */

  function figure(parent, label, value, key, cls, sub) {
    const d = document.createElement('div');
    d.className = 'figure' + (cls ? ' ' + cls : '');
    d.dataset.key = key;
    const v = document.createElement('div');
    v.className = 'value';
    v.textContent = fmt(value);
    v.dataset.value = value === undefined ? '' : value;
    const l = document.createElement('div');
    l.className = 'label';
    l.textContent = label;
    d.append(v, l);
    if (sub) {
      const s = document.createElement('div');
      s.className = 'sub-label';
      s.textContent = sub;
      d.appendChild(s);
    }
    parent.appendChild(d);
  }

  function renderFigures() {
    const s = state.stats, box = $('figures');
    box.textContent = '';
    for (const [l, name] of LISTS) figure(box, name, s.entries[l], l, 'list-' + l, '当前在册');
    if (state.agency) {
      const a = s.agencies.find(x => x.agency === state.agency) || {};
      const who = a.name || state.agency;
      figure(box, '推送执行任务', a.apply, 'apply', '', who);
      figure(box, '反馈已执行', a.applied, 'applied', '', who);
      figure(box, '待反馈', a.awaiting, 'awaiting', '', who);
      figure(box, '逾期未反馈', a.overdue, 'overdue', a.overdue > 0 ? 'bad' : '', who);
      figure(box, '查询次数', a.checks, 'checks', '', who);
    } else {
      figure(box, '推送执行任务', s.tasks.apply, 'apply', '', '全部实施部门');
      figure(box, '反馈已执行', s.feedback.applied, 'applied', '', '全部实施部门');
      figure(box, '待反馈', s.feedback.awaiting, 'awaiting', '', '全部实施部门');
      figure(box, '逾期未办', s.feedback.overdue, 'overdue', s.feedback.overdue > 0 ? 'bad' : '', '任务和部门义务');
      figure(box, '查询次数', s.checks.total, 'checks', '', '逢办必查');
    }
  }

  function renderLists() {
    const s = state.stats;
    rows($('t-bylist').tBodies[0], LISTS, (tr, [l, name]) => {
      tr.dataset.key = l;
      td(tr, name, 'list');
      td(tr, s.entries[l], 'in_force', 'num');
    });
    const order = l => LISTS.findIndex(x => x[0] === l);
    const bd = s.by_domain.slice().sort((a, b) => order(a.list) - order(b.list));
    rows($('t-bydomain').tBodies[0], bd, (tr, r) => {
      tr.dataset.key = `${r.list}/${r.domain || ''}`;
      td(tr, zh(r.list), 'list');
      td(tr, r.domain_name || r.domain || '（无领域）', 'domain');
      numCells(tr, r, ['in_force', 'proposed', 'effective', 'exited']);
    });
  }

  const AGENCY_FIELDS = ['apply', 'stop', 'suspend', 'resume', 'recall', 'extend', 'applied', 'not_applicable', 'failed',
    'awaiting', 'overdue', 'late', 'late_workdays', 'checks'];

  function agencies() {
    const all = state.stats.agencies;
    return state.agency ? all.filter(a => a.agency === state.agency) : all;
  }

  function renderAgencies() {
    rows($('t-agencies').tBodies[0], agencies(), (tr, a) => {
      tr.dataset.key = a.agency;
      if (a.overdue > 0) tr.classList.add('lagging');
      nameCell(tr, a.name, a.agency, 'name');
      numCells(tr, a, AGENCY_FIELDS, ['overdue', 'late']);
    });
    const c = state.stats.checks;
    $('checks-total').textContent = state.agency
      ? `${agencyName(state.agency)}：统计期间查询 ${fmt((agencies()[0] || {}).checks)} 次。`
      : `统计期间共查询 ${fmt(c.total)} 次，其中 ${fmt(c.listed)} 次查到主体在名单上。`;
    JrpChart.bars($('checks-chart'), agencies().map(a => ({ key: a.agency, label: a.name || a.agency, value: a.checks })));
  }

  /* departments: ingest's records and late reports beside feedback's duties (the same registry's departments) */
  function departments() {
    const fb = state.stats.departments, rec = (state.records && state.records.departments) || [];
    const out = fb.map(d => ({ id: d.department, name: d.name, fb: d, rec: rec.find(r => r.department === d.department) }));
    for (const r of rec) if (!fb.find(d => d.department === r.department)) out.push({ id: r.department, name: r.name, rec: r });
    return out;
  }

  function renderDepartments() {
    const list = departments();
    if (state.records) $('late-after').textContent = state.records.late_after_workdays;
    rows($('t-departments').tBodies[0], list, (tr, d) => {
      tr.dataset.key = d.id;
      const r = d.rec || {}, f = d.fb || {};
      if (r.late > 0 || f.overdue > 0 || f.late > 0) tr.classList.add('lagging');
      nameCell(tr, d.name, d.id, 'name');
      for (const k of ['records', 'late', 'late_workdays', 'late_workdays_max']) {
        const c = td(tr, r[k], 'records.' + k, 'num');
        if (k === 'late' && r[k] > 0) c.classList.add('bad');
      }
      for (const k of ['notice', 'verify_objection', 'decide_repair', 'interview', 'awaiting', 'overdue', 'late', 'late_workdays']) {
        const c = td(tr, f[k], 'duties.' + k, 'num');
        if ((k === 'overdue' || k === 'late') && f[k] > 0) c.classList.add('bad');
      }
    });
    /* the departments that lag, named */
    const box = $('laggards');
    box.textContent = '';
    const lag = list.filter(d => (d.rec && d.rec.late > 0) || (d.fb && (d.fb.overdue > 0 || d.fb.late > 0)));
    const h = document.createElement('h3');
    h.textContent = lag.length ? '迟报信用记录或逾期未履行义务的认定部门' : '本期没有迟报或逾期的认定部门。';
    box.appendChild(h);
    if (!lag.length) return;
    const ul = document.createElement('ul');
    ul.id = 'laggard-list';
    for (const d of lag) {
      const li = document.createElement('li');
      li.dataset.key = d.id;
      const b = document.createElement('strong');
      b.textContent = d.name || d.id;
      const parts = [];
      if (d.rec && d.rec.late > 0) parts.push(`迟报信用记录 ${fmt(d.rec.late)} 条（超期合计 ${fmt(d.rec.late_workdays)} 个工作日，最长 ${fmt(d.rec.late_workdays_max)} 个）`);
      if (d.fb && d.fb.overdue > 0) parts.push(`当前逾期未履行义务 ${fmt(d.fb.overdue)} 项`);
      if (d.fb && d.fb.late > 0) parts.push(`逾期后履行 ${fmt(d.fb.late)} 项`);
      li.append(b, document.createTextNode('：' + parts.join('；') + '。'));
      ul.appendChild(li);
    }
    box.appendChild(ul);
  }

  function renderDurations() {
    const s = state.stats;
    const r = [
      { key: 'objection', what: '异议', filed: s.entries.objections_filed, d: s.durations.objection || {} },
      { key: 'repair', what: '信用修复', filed: s.entries.repairs_applied, d: s.durations.repair || {} },
    ];
    rows($('t-durations').tBodies[0], r, (tr, x) => {
      tr.dataset.key = x.key;
      td(tr, x.what, 'what');
      td(tr, x.filed, 'filed', 'num');
      td(tr, x.d.decided, 'decided', 'num');
      td(tr, x.d.median_workdays, 'median_workdays', 'num');
      td(tr, x.d.longest_workdays, 'longest_workdays', 'num');
    });
  }

  /* ---- the trend ---- */

  function chartPeriod() {
    if (state.from) {
      const from = daysBetween(state.from, state.to) > 365 ? addDays(state.to, -365) : state.from;
      return [from, state.to];
    }
    const today = state.stats.as_of.slice(0, 10);
    return [addDays(today, -29), today];
  }

  function renderLegend() {
    const box = $('trend-legend');
    box.textContent = '';
    SERIES.forEach(([key, label], i) => {
      const l = document.createElement('label');
      l.className = 'legend-item s' + i;
      const cb = document.createElement('input');
      cb.type = 'checkbox';
      cb.checked = !state.hidden.has(key);
      cb.dataset.series = key;
      cb.addEventListener('change', () => {
        if (cb.checked) state.hidden.delete(key); else state.hidden.add(key);
        renderTrend();
      });
      const sw = document.createElement('span');
      sw.className = 'swatch';
      l.append(cb, sw, document.createTextNode(label));
      box.appendChild(l);
    });
  }

  function renderTrend(err) {
    const box = $('trend-chart');
    const [from, to] = [state.dailyFrom, state.dailyTo];
    if (err || !state.daily) {
      box.textContent = '';
      const p = document.createElement('p');
      p.className = 'error';
      p.textContent = '趋势数据暂不可用：' + (err ? explain(err) : '');
      box.appendChild(p);
      $('t-daily').tHead.textContent = '';
      $('t-daily').tBodies[0].textContent = '';
      return;
    }
    const capped = state.from && state.from !== from;
    $('trend-note').textContent = `${from} 至 ${to}，每日发生数（全部部门合计，不随实施部门筛选变化）` +
      (state.from ? (capped ? '；统计期间超过一年，图中只显示最后 366 天。' : '。') : '；未选统计期间时显示截至数据日期的最近 30 天。');
    const series = SERIES.map(([key, label], i) => ({ key, label, cls: 's' + i })).filter(s => !state.hidden.has(s.key));
    JrpChart.line(box, state.daily.days, series);
    /* the daily table: every numeric figure of the reply, in its order */
    const days = state.daily.days;
    const cols = [];
    if (days.length) {
      for (const k in days[0]) {
        if (k === 'date') continue;
        if (typeof days[0][k] === 'number') cols.push([k, DAILY_HEADS[k] || k, d => d[k]]);
        else if (days[0][k] && typeof days[0][k] === 'object')
          for (const sk in days[0][k]) cols.push([`${k}.${sk}`, `${DAILY_HEADS[k] || k}·${zh(sk)}`, d => (d[k] || {})[sk]]);
      }
    }
    const head = $('t-daily').tHead;
    head.textContent = '';
    const hr = document.createElement('tr');
    for (const t of ['日期', ...cols.map(c => c[1])]) {
      const th = document.createElement('th');
      th.textContent = t;
      hr.appendChild(th);
    }
    head.appendChild(hr);
    rows($('t-daily').tBodies[0], days, (tr, d) => {
      tr.dataset.key = d.date;
      td(tr, d.date, 'date');
      for (const [k, , get] of cols) td(tr, get(d), k, 'num');
    });
  }

  /* ---- the overdue list, a page at a time ---- */

  function renderOverdue() {
    const o = state.overdue;
    rows($('t-overdue').tBodies[0], o.items, (tr, it) => {
      tr.dataset.key = String(it.task);
      tr.dataset.party = it.party;
      nameCell(tr, partyName(it.party), it.party, 'party');
      td(tr, zh(it.class), 'class');
      td(tr, `${zh(it.what)}（第 ${it.task} 号）`, 'what');
      td(tr, it.measure || '—', 'measure');
      td(tr, it.entry, 'entry', 'num');
      td(tr, zh(it.list), 'list');
      td(tr, it.subject, 'subject', 'code');
      td(tr, it.subject_name, 'subject_name');
      td(tr, it.due, 'due');
      td(tr, it.late_workdays, 'late_workdays', 'num bad');
    });
    const pages = Math.max(1, Math.ceil(o.overdue_total / PAGE));
    $('overdue-note').textContent = (state.agency ? `${agencyName(state.agency)}：` : '') +
      `当前共有 ${fmt(o.overdue_total)} 项任务或义务超过期限未办（当前状态，不随统计期间变化）。`;
    $('ov-page').textContent = `第 ${state.page + 1} / ${pages} 页`;
    $('ov-prev').disabled = state.page === 0;
    $('ov-next').disabled = !o.next;
  }

  async function loadOverdue() {
    state.overdue = await api('/v1/overdue', { of: state.agency, after: state.cursors[state.page], max: PAGE });
    renderOverdue();
  }

  /* ---- the whole page ---- */

  function renderFilterTags() {
    for (const t of document.querySelectorAll('.filter-tag')) {
      t.hidden = !state.agency;
      t.textContent = state.agency ? `（仅 ${agencyName(state.agency)}）` : '';
    }
  }

  function renderAgencySelect() {
    const sel = $('agency');
    const keep = state.agency;
    sel.length = 1;
    for (const a of state.stats.agencies) {
      const o = document.createElement('option');
      o.value = a.agency;
      o.textContent = a.name || a.agency;
      sel.appendChild(o);
    }
    sel.value = keep;
    if (sel.value !== keep) state.agency = '';
  }

  function renderStatus() {
    const s = state.stats;
    const txt = `统计期间：${periodText()}　数据截至：${s.as_of.replace('T', ' ').replace('+08:00', '')}` +
      (state.agency ? `　实施部门：${agencyName(state.agency)}` : '');
    $('status').textContent = txt;
    $('print-head').textContent = txt;
    $('foot').textContent = `数据来自 jrp 各服务（feedback stats.get、ingest stats.get、stats.daily、overdue.list），页面生成于 ${new Date().toLocaleString('zh-CN')}。`;
  }

  function renderAgencyParts() {
    renderFilterTags();
    renderFigures();
    renderAgencies();
    renderStatus();
  }

  function showError(msg) {
    const e = $('error');
    e.hidden = !msg;
    e.textContent = msg || '';
  }

  async function load() {
    const period = { from: state.from, to: state.to };
    document.body.classList.add('loading');
    state.loading++;
    try {
      const [stats, records] = await Promise.all([api('/v1/stats', period), api('/v1/stats/records', period)]);
      state.stats = stats;
      state.records = records;
      renderAgencySelect();
      renderAgencyParts();
      renderLists();
      renderDepartments();
      renderDurations();
      [state.dailyFrom, state.dailyTo] = chartPeriod();
      state.cursors = [''];
      state.page = 0;
      const [daily] = await Promise.all([
        api('/v1/stats/daily', { from: state.dailyFrom, to: state.dailyTo }).then(d => d, e => {
          if (e.status === 401) throw e;
          return e;
        }),
        loadOverdue(),
      ]);
      state.daily = daily instanceof Error ? null : daily;
      renderTrend(daily instanceof Error ? daily : null);
      showError('');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) {
        logout(explain(e));
        return;
      }
      showError(explain(e));
    } finally {
      state.loading--;
      document.body.classList.toggle('loading', state.loading > 0);
      document.body.dataset.loaded = String(Number(document.body.dataset.loaded || 0) + 1);
    }
  }

  /* ---- exports: fetched with the token, saved as a download ---- */

  async function exportTable(table, format, button) {
    const p = { format: format };
    if (table === 'daily') { p.from = state.dailyFrom; p.to = state.dailyTo; }
    else if (table !== 'overdue') { p.from = state.from; p.to = state.to; }
    if (state.agency && (table === 'agencies' || table === 'overdue')) p.agency = state.agency;
    button.disabled = true;
    try {
      const r = await fetch('/v1/export/' + table + query(p), { headers: { Authorization: 'Bearer ' + state.token }, cache: 'no-store' });
      if (!r.ok) {
        let body = null;
        try { body = await r.json(); } catch (e) { body = null; }
        throw new ApiError(r.status, body && body.error);
      }
      const blob = await r.blob();
      const m = /filename="([^"]+)"/.exec(r.headers.get('Content-Disposition') || '');
      const a = document.createElement('a');
      a.href = URL.createObjectURL(blob);
      a.download = m ? m[1] : `jrp-${table}.${format}`;
      document.body.appendChild(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 60000);
      showError('');
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) logout(explain(e));
      else showError('导出失败：' + explain(e));
    } finally {
      button.disabled = false;
    }
  }

  function exportButtons() {
    for (const box of document.querySelectorAll('.export')) {
      for (const [fmtName, label] of [['csv', '导出 CSV'], ['xlsx', '导出 Excel']]) {
        const b = document.createElement('button');
        b.type = 'button';
        b.textContent = label;
        b.dataset.export = box.dataset.table;
        b.dataset.format = fmtName;
        b.addEventListener('click', () => exportTable(box.dataset.table, fmtName, b));
        box.appendChild(b);
      }
    }
  }

  /* ---- login ---- */

  function showLogin(msg) {
    $('dash-view').hidden = true;
    $('login-view').hidden = false;
    const e = $('login-error');
    e.hidden = !msg;
    e.textContent = msg || '';
    $('token').value = '';
    $('token').focus();
  }

  function logout(msg) {
    sessionStorage.removeItem(TOKEN_KEY);
    state.token = null;
    showLogin(msg);
  }

  async function login(ev) {
    ev.preventDefault();
    const token = $('token').value.trim();
    if (!token) return;
    $('login-submit').disabled = true;
    try {
      await api('/v1/stats', {}, token);
      sessionStorage.setItem(TOKEN_KEY, token);
      state.token = token;
      start();
    } catch (e) {
      const msg = e instanceof ApiError && e.status === 401
        ? '令牌无效：网关不认识这个令牌（可能输错、已撤销，或不是本系统生成的）。请核对后重新输入。'
        : explain(e);
      showLogin(msg);
    } finally {
      $('login-submit').disabled = false;
    }
  }

  function start() {
    $('login-view').hidden = true;
    $('dash-view').hidden = false;
    load();
  }

  /* ---- controls ---- */

  function init() {
    exportButtons();
    renderLegend();
    $('login-form').addEventListener('submit', login);
    $('toolbar').addEventListener('submit', ev => {
      ev.preventDefault();
      const from = $('from').value, to = $('to').value;
      if (!from !== !to) return showError('请同时选择起止日期，或点“全部时间”。');
      if (from && from > to) return showError('起始日期不能晚于截止日期。');
      state.from = from;
      state.to = to;
      load();
    });
    $('all-time').addEventListener('click', () => {
      $('from').value = '';
      $('to').value = '';
      state.from = state.to = '';
      load();
    });
    $('agency').addEventListener('change', async () => {
      state.agency = $('agency').value;
      state.cursors = [''];
      state.page = 0;
      renderAgencyParts();
      try {
        await loadOverdue();
        showError('');
      } catch (e) {
        showError(explain(e));
      }
      document.body.dataset.filtered = state.agency;
    });
    $('ov-next').addEventListener('click', async () => {
      if (!state.overdue.next) return;
      state.cursors[state.page + 1] = state.overdue.next;
      state.page++;
      try { await loadOverdue(); } catch (e) { showError(explain(e)); }
    });
    $('ov-prev').addEventListener('click', async () => {
      if (state.page === 0) return;
      state.page--;
      try { await loadOverdue(); } catch (e) { showError(explain(e)); }
    });
    $('toggle-daily').addEventListener('click', () => {
      const w = $('daily-wrap');
      w.classList.toggle('open');
      $('toggle-daily').textContent = w.classList.contains('open') ? '隐藏每日明细' : '显示每日明细';
    });
    $('print').addEventListener('click', () => window.print());
    $('logout').addEventListener('click', () => logout(''));
    state.token = sessionStorage.getItem(TOKEN_KEY);
    if (state.token) start();
    else showLogin('');
  }

  document.addEventListener('DOMContentLoaded', init);
})();
