import { escapeHtml, formatNumber, formatPercent } from './html';

/** One series of a grouped bar chart: a name, a colour and a value in `[0, 1]` per group. */
export interface BarSeries {
  name: string;
  colour: string;
  values: Array<number | null>;
}

const FONT = 11;

/** Height, pixels, of a bar whose value is 0 (drawn, so a zero reads differently from no data). */
export const ZERO_BAR_HEIGHT = 2;

function legend(series: Array<{ name: string; colour: string }>, x: number, y: number): string {
  return series
    .map((s, i) => `<g transform="translate(${x + i * 130},${y})"><rect width="10" height="10" fill="${s.colour}"/><text x="14" y="9">${escapeHtml(s.name)}</text></g>`)
    .join('');
}

/**
 * A grouped bar chart of fractions (accuracy) as inline SVG: one group per label, one bar per
 * series, y axis 0–100%. Bars carry `data-series`, `data-group` and `data-value` attributes and a
 * tooltip; a value of 0 is drawn as a {@link ZERO_BAR_HEIGHT}-pixel bar labelled `0%` (class
 * `zero`), a missing value (null) not at all.
 */
export function groupedBarChart(options: { id: string; labels: string[]; series: BarSeries[]; width?: number; height?: number }): string {
  const { labels, series } = options;
  const width = options.width ?? Math.max(420, 90 + labels.length * (series.length * 18 + 26));
  const height = options.height ?? 260;
  const left = 44;
  const top = 26;
  const bottom = 56;
  const plotHeight = height - top - bottom;
  const groupWidth = (width - left - 10) / Math.max(1, labels.length);
  const barWidth = Math.min(28, (groupWidth - 12) / Math.max(1, series.length));
  const parts: string[] = [];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    const y = top + plotHeight * (1 - tick);
    parts.push(`<line x1="${left}" x2="${width - 10}" y1="${y}" y2="${y}" stroke="#d0d7de"/><text x="${left - 4}" y="${y + 4}" text-anchor="end">${tick * 100}%</text>`);
  }
  labels.forEach((label, g) => {
    const groupX = left + g * groupWidth + (groupWidth - barWidth * series.length) / 2;
    series.forEach((s, k) => {
      const value = s.values[g];
      if (value === null || value === undefined) return;
      // A zero is a result, not a gap: it is drawn as a 2-pixel bar labelled 0%.
      const barHeight = value > 0 ? Math.max(value * plotHeight, 1) : ZERO_BAR_HEIGHT;
      const x = groupX + k * barWidth;
      parts.push(
        `<rect data-series="${escapeHtml(s.name)}" data-group="${escapeHtml(label)}" data-value="${value}"${value === 0 ? ' class="zero"' : ''} x="${x.toFixed(1)}" y="${(top + plotHeight - barHeight).toFixed(1)}" width="${(barWidth - 2).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${s.colour}"><title>${escapeHtml(`${s.name} · ${label}: ${formatPercent(value)}`)}</title></rect>`,
      );
      if (value === 0) parts.push(`<text class="zero-label" x="${(x + (barWidth - 2) / 2).toFixed(1)}" y="${(top + plotHeight - barHeight - 3).toFixed(1)}" text-anchor="middle" fill="${s.colour}">0%</text>`);
    });
    const labelX = left + g * groupWidth + groupWidth / 2;
    parts.push(`<text x="${labelX.toFixed(1)}" y="${top + plotHeight + 14}" text-anchor="middle">${escapeHtml(label.length > 18 ? `${label.slice(0, 17)}…` : label)}</text>`);
  });
  parts.push(legend(series, left, height - 18));
  return `<svg id="${options.id}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="${FONT}">${parts.join('')}</svg>`;
}

/** A point of {@link scatterChart}. */
export interface ScatterPoint {
  series: string;
  colour: string;
  /** Frames observed per question (x, log scale). */
  x: number;
  /** Accuracy in `[0, 1]` (y). */
  y: number;
  label: string;
}

/**
 * Accuracy (y, 0–100%) against frames observed per question (x, log scale) as inline SVG; points
 * of a series are joined in x order. Points carry `data-series` and `data-label` attributes.
 */
export function scatterChart(options: { id: string; points: ScatterPoint[]; width?: number; height?: number; xLabel?: string }): string {
  const width = options.width ?? 520;
  const height = options.height ?? 300;
  const left = 48;
  const right = 20;
  const top = 20;
  const bottom = 64;
  const plotWidth = width - left - right;
  const plotHeight = height - top - bottom;
  const xs = options.points.map((p) => Math.max(1, p.x));
  const minX = Math.max(1, Math.min(...xs, 8) / 1.5);
  const maxX = Math.max(...xs, 16) * 1.5;
  const sx = (x: number): number => left + ((Math.log(Math.max(1, x)) - Math.log(minX)) / (Math.log(maxX) - Math.log(minX))) * plotWidth;
  const sy = (y: number): number => top + (1 - y) * plotHeight;
  const parts: string[] = [];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${left}" x2="${width - right}" y1="${sy(tick)}" y2="${sy(tick)}" stroke="#d0d7de"/><text x="${left - 4}" y="${sy(tick) + 4}" text-anchor="end">${tick * 100}%</text>`);
  }
  for (let tick = 1; tick <= maxX; tick *= 2) {
    if (tick < minX) continue;
    parts.push(`<line x1="${sx(tick)}" x2="${sx(tick)}" y1="${top}" y2="${top + plotHeight}" stroke="#eaeef2"/><text x="${sx(tick)}" y="${top + plotHeight + 14}" text-anchor="middle">${tick}</text>`);
  }
  parts.push(`<text x="${left + plotWidth / 2}" y="${top + plotHeight + 30}" text-anchor="middle">${escapeHtml(options.xLabel ?? 'frames observed per question (log scale)')}</text>`);
  const seriesNames = [...new Set(options.points.map((p) => p.series))];
  for (const name of seriesNames) {
    const points = options.points.filter((p) => p.series === name).sort((a, b) => a.x - b.x);
    if (points.length > 1) parts.push(`<polyline fill="none" stroke="${points[0].colour}" stroke-opacity="0.35" points="${points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}"/>`);
    points.forEach((p, index) => {
      // Labels of nearby points of one series are staggered so they do not overprint.
      const near = points.slice(0, index).filter((q) => Math.abs(sx(q.x) - sx(p.x)) < 30 && Math.abs(sy(q.y) - sy(p.y)) < 12).length;
      parts.push(
        `<circle data-series="${escapeHtml(p.series)}" data-label="${escapeHtml(p.label)}" cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="5" fill="${p.colour}"><title>${escapeHtml(`${p.series} · ${p.label}: ${formatPercent(p.y)} at ${formatNumber(p.x)} frames`)}</title></circle>` +
          `<text x="${(sx(p.x) + 7).toFixed(1)}" y="${(sy(p.y) - 6 - 11 * near).toFixed(1)}" fill="#57606a">${escapeHtml(p.label)}</text>`,
      );
    });
  }
  parts.push(legend(seriesNames.map((name) => ({ name, colour: options.points.find((p) => p.series === name)!.colour })), left, height - 16));
  return `<svg id="${options.id}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="${FONT}">${parts.join('')}</svg>`;
}

/**
 * Histograms of one cost per question, one row per series, sharing bins, as inline SVG. Bars carry
 * `data-series` and `data-count`.
 */
export function histogramChart(options: { id: string; series: Array<{ name: string; colour: string; values: number[] }>; unit: string; bins?: number; width?: number }): string {
  const width = options.width ?? 520;
  const rowHeight = 70;
  const left = 110;
  const top = 10;
  const height = top + rowHeight * options.series.length + 34;
  const all = options.series.flatMap((s) => s.values);
  const max = Math.max(1e-9, ...all);
  const binCount = options.bins ?? 12;
  const binWidth = max / binCount;
  const plotWidth = width - left - 16;
  const parts: string[] = [];
  options.series.forEach((s, row) => {
    const counts = new Array<number>(binCount).fill(0);
    for (const value of s.values) counts[Math.min(binCount - 1, Math.floor(value / binWidth))] += 1;
    const peak = Math.max(1, ...counts);
    const baseY = top + (row + 1) * rowHeight - 12;
    parts.push(`<text x="${left - 6}" y="${baseY - 20}" text-anchor="end">${escapeHtml(s.name)}</text><line x1="${left}" x2="${width - 16}" y1="${baseY}" y2="${baseY}" stroke="#8c959f"/>`);
    counts.forEach((count, b) => {
      if (count === 0) return;
      const barHeight = (count / peak) * (rowHeight - 22);
      const x = left + (b * plotWidth) / binCount;
      parts.push(
        `<rect data-series="${escapeHtml(s.name)}" data-count="${count}" x="${x.toFixed(1)}" y="${(baseY - barHeight).toFixed(1)}" width="${(plotWidth / binCount - 2).toFixed(1)}" height="${barHeight.toFixed(1)}" fill="${s.colour}"><title>${escapeHtml(`${s.name}: ${count} question(s) at ${formatNumber(b * binWidth)}–${formatNumber((b + 1) * binWidth)} ${options.unit}`)}</title></rect>`,
      );
    });
  });
  const axisY = top + rowHeight * options.series.length + 4;
  for (let b = 0; b <= binCount; b += Math.max(1, Math.floor(binCount / 4))) {
    const x = left + (b * plotWidth) / binCount;
    parts.push(`<text x="${x.toFixed(1)}" y="${axisY + 8}" text-anchor="middle">${formatNumber(b * binWidth)}</text>`);
  }
  parts.push(`<text x="${left + plotWidth / 2}" y="${axisY + 24}" text-anchor="middle">${escapeHtml(options.unit)} per question</text>`);
  return `<svg id="${options.id}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="${FONT}">${parts.join('')}</svg>`;
}
