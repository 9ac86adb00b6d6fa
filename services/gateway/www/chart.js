/*
 * chart.js - the dashboard's two small charts, drawn as inline SVG (no library, nothing from elsewhere)
 *
 *   JrpChart.line(container, days, series)  a line per series over the days (stats.daily)
 *       days:   [{date: "YYYY-MM-DD", <key>: n, ...}]
 *       series: [{key, label, cls}]  cls: the CSS class that colours it (style.css .s0 ... .s7)
 *   JrpChart.bars(container, rows)          one horizontal bar per row
 *       rows:   [{key, label, value}]
 *
 * Each point is a <circle data-series data-date data-value> with a <title> (a tooltip), each line a
 * <path data-series>; each bar a <g data-key data-value>. Colours and fonts come from style.css (the
 * page's CSP allows no inline style), so the SVG prints as it shows.
 */
'use strict';
(function () {
  const NS = 'http://www.w3.org/2000/svg';

  function el(name, attrs, parent) {
    const e = document.createElementNS(NS, name);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (parent) parent.appendChild(e);
    return e;
  }

  function text(parent, x, y, s, cls, anchor) {
    const t = el('text', { x: x, y: y, class: cls || 'axis-label', 'text-anchor': anchor || 'middle' }, parent);
    t.textContent = s;
    return t;
  }

  /* niceMax - a round number at or above v for the top of the scale */
  function niceMax(v) {
    if (v <= 4) return 4;
    const p = Math.pow(10, Math.floor(Math.log10(v)));
    for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
    return 10 * p;
  }

  /* niceStep - a whole, round step so that four steps reach v (counts: the ticks stay whole numbers) */
  function niceStep(v) {
    const raw = Math.max(1, v / 4), p = Math.pow(10, Math.floor(Math.log10(raw)));
    for (const m of [1, 2, 3, 5, 10]) if (m * p >= raw) return m * p;
    return 10 * p;
  }

  function fmt(n) { return Number(n).toLocaleString('zh-CN'); }

  function line(container, days, series) {
    container.textContent = '';
    const W = 960, H = 320, L = 48, R = 16, T = 16, B = 40;
    const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'line-chart', role: 'img',
      'aria-label': '每日趋势图' }, container);
    let max = 0;
    for (const d of days) for (const s of series) max = Math.max(max, Number(d[s.key]) || 0);
    const top = 4 * niceStep(max);
    const n = days.length;
    const x = i => L + (n <= 1 ? (W - L - R) / 2 : i * (W - L - R) / (n - 1));
    const y = v => T + (H - T - B) * (1 - v / top);
    const grid = el('g', { class: 'grid' }, svg);
    for (let k = 0; k <= 4; k++) {
      const v = top * k / 4, yy = y(v);
      el('line', { x1: L, x2: W - R, y1: yy, y2: yy }, grid);
      text(grid, L - 6, yy + 4, fmt(v), 'axis-label', 'end');
    }
    const step = Math.max(1, Math.ceil(n / 12));
    const xa = el('g', { class: 'x-axis' }, svg);
    days.forEach((d, i) => {
      if (i % step === 0 || i === n - 1) text(xa, x(i), H - B + 18, d.date.slice(5), 'axis-label');
    });
    el('line', { x1: L, x2: W - R, y1: y(0), y2: y(0), class: 'baseline' }, svg);
    series.forEach(s => {
      const g = el('g', { class: `series ${s.cls}`, 'data-series': s.key }, svg);
      const pts = days.map((d, i) => [x(i), y(Number(d[s.key]) || 0)]);
      el('path', { d: pts.map((p, i) => (i ? 'L' : 'M') + p[0].toFixed(1) + ' ' + p[1].toFixed(1)).join(' '),
        class: 'line', 'data-series': s.key }, g);
      days.forEach((d, i) => {
        const c = el('circle', { cx: pts[i][0].toFixed(1), cy: pts[i][1].toFixed(1), r: n > 120 ? 1.5 : 3,
          class: 'point', 'data-series': s.key, 'data-date': d.date, 'data-value': Number(d[s.key]) || 0 }, g);
        el('title', {}, c).textContent = `${d.date} ${s.label}：${fmt(Number(d[s.key]) || 0)}`;
      });
    });
    return svg;
  }

  function bars(container, rows) {
    container.textContent = '';
    const W = 960, row = 26, L = 300, R = 70, T = 6;
    const H = T * 2 + row * Math.max(rows.length, 1);
    const svg = el('svg', { viewBox: `0 0 ${W} ${H}`, class: 'bar-chart', role: 'img',
      'aria-label': '各实施部门查询次数' }, container);
    const max = niceMax(Math.max(1, ...rows.map(r => r.value)));
    rows.forEach((r, i) => {
      const g = el('g', { class: 'bar', 'data-key': r.key, 'data-value': r.value }, svg);
      const yy = T + i * row;
      text(g, L - 8, yy + row / 2 + 5, r.label, 'bar-label', 'end');
      el('rect', { x: L, y: yy + 4, height: row - 8, width: Math.max(r.value ? 2 : 0, (W - L - R) * r.value / max),
        class: 'bar-rect' }, g);
      text(g, L + (W - L - R) * r.value / max + 6, yy + row / 2 + 5, fmt(r.value), 'bar-value', 'start');
      el('title', {}, g).textContent = `${r.label}：${fmt(r.value)}`;
    });
    if (!rows.length) text(svg, W / 2, H / 2 + 5, '无数据', 'axis-label');
    return svg;
  }

  window.JrpChart = { line: line, bars: bars };
})();
