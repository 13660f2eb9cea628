// Hand-written SVG charts for bench/report.mjs (no dependency): horizontal bars at the median
// of the runs with min–max whiskers, one colour per driver, and a small line chart for RSS.

const COLORS = { "oradb": "#2563eb", "node-oracledb": "#ea580c", "python-oracledb": "#16a34a" };
const esc = (s) =>
  String(s).replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]);
const fmt = (v) => (v >= 100 ? v.toFixed(0) : v >= 10 ? v.toFixed(1) : v.toFixed(2));

/** Median, min and max of `values`. */
export function spread(values) {
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  const median = v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  return { median, min: v[0], max: v[v.length - 1], n: v.length };
}

/**
 * groups: [{ label, series: [{ name, values }] }]; one bar per series (median), whiskers
 * from the smallest to the largest run. `unit` labels the axis ("ms, lower is better").
 */
export function barChart({ title, unit, groups }) {
  const left = 190, width = 760, bar = 18, gap = 6, top = 58;
  const plot = width - left - 70;
  const rows = groups.flatMap((g) => g.series.map((s) => ({ g, s, ...spread(s.values) })));
  const max = Math.max(...rows.map((r) => r.max)) * 1.05 || 1;
  const x = (v) => left + (v / max) * plot;
  let y = top;
  const parts = [];
  for (const g of groups) {
    if (groups.length > 1 || g.label) {
      parts.push(`<text x="8" y="${y + 12}" font-weight="bold">${esc(g.label)}</text>`);
      y += 18;
    }
    for (const s of g.series) {
      const r = spread(s.values);
      const c = COLORS[s.name] ?? "#6b7280";
      const cy = y + bar / 2;
      parts.push(
        `<text x="${left - 8}" y="${cy + 4}" text-anchor="end">${esc(s.name)}</text>`,
        `<rect x="${left}" y="${y}" width="${(x(r.median) - left).toFixed(1)}" height="${bar}" fill="${c}" fill-opacity="0.8"/>`,
        `<line x1="${x(r.min).toFixed(1)}" x2="${x(r.max).toFixed(1)}" y1="${cy}" y2="${cy}" stroke="#111" stroke-width="1.5"/>`,
        `<line x1="${x(r.min).toFixed(1)}" x2="${x(r.min).toFixed(1)}" y1="${cy - 5}" y2="${cy + 5}" stroke="#111" stroke-width="1.5"/>`,
        `<line x1="${x(r.max).toFixed(1)}" x2="${x(r.max).toFixed(1)}" y1="${cy - 5}" y2="${cy + 5}" stroke="#111" stroke-width="1.5"/>`,
        `<text x="${(x(r.max) + 6).toFixed(1)}" y="${cy + 4}">${fmt(r.median)}</text>`,
      );
      y += bar + gap;
    }
    y += gap;
  }
  const height = y + 28;
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => {
    const v = max * f, tx = x(v).toFixed(1);
    return `<line x1="${tx}" x2="${tx}" y1="${top - 4}" y2="${y}" stroke="#e5e7eb"/>` +
      `<text x="${tx}" y="${y + 14}" text-anchor="middle" fill="#6b7280">${fmt(v)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<text x="8" y="38" fill="#6b7280">${esc(unit)}; bar: median, whiskers: min–max of the runs</text>`,
    ...ticks,
    ...parts,
    `</svg>`,
    "",
  ].join("\n");
}

/** RSS (MiB) against rows streamed: points [{ rows, mib }]. */
export function lineChart({ title, points, unit }) {
  const left = 60, width = 760, height = 260, top = 50, bottom = 36;
  const maxX = Math.max(...points.map((p) => p.rows), 1);
  const lo = Math.min(...points.map((p) => p.mib)), hi = Math.max(...points.map((p) => p.mib));
  const y0 = Math.max(0, Math.floor(lo - 16)), y1 = Math.ceil(hi + 16);
  const x = (v) => left + (v / maxX) * (width - left - 20);
  const y = (v) => height - bottom - ((v - y0) / (y1 - y0)) * (height - top - bottom);
  const path = points.map((p, i) => `${i ? "L" : "M"}${x(p.rows).toFixed(1)},${y(p.mib).toFixed(1)}`)
    .join(" ");
  const ticks = [y0, (y0 + y1) / 2, y1].map((v) =>
    `<line x1="${left}" x2="${width - 20}" y1="${y(v).toFixed(1)}" y2="${y(v).toFixed(1)}" stroke="#e5e7eb"/>` +
    `<text x="${left - 6}" y="${(y(v) + 4).toFixed(1)}" text-anchor="end" fill="#6b7280">${fmt(v)}</text>`
  );
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="8" y="20" font-size="14" font-weight="bold">${esc(title)}</text>`,
    `<text x="8" y="38" fill="#6b7280">${esc(unit)}</text>`,
    ...ticks,
    `<path d="${path}" fill="none" stroke="${COLORS.oradb}" stroke-width="2"/>`,
    `<text x="${width - 20}" y="${height - 8}" text-anchor="end" fill="#6b7280">rows streamed (${maxX.toLocaleString("en")})</text>`,
    `</svg>`,
    "",
  ].join("\n");
}
