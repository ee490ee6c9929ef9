import type { ResultRow } from '../runner/results-file';
import { escapeHtml, formatNumber, formatPercent } from './html';

/** One confidence bin of a reliability diagram. */
export interface CalibrationBin {
  /** Confidence range `[lower, upper)` (the last bin includes 1). */
  lower: number;
  upper: number;
  /** Answers whose confidence falls in the bin. */
  count: number;
  /** Their mean confidence (null when the bin is empty). */
  meanConfidence: number | null;
  /** The share of them that is right (null when the bin is empty). */
  accuracy: number | null;
}

/** Calibration of one system's answers. */
export interface SystemCalibration {
  system: string;
  /** Answers counted (status `answered` and graded; errors, timeouts and open-ended rows left out). */
  answers: number;
  bins: CalibrationBin[];
  /**
   * Expected calibration error: Σ over bins of (answers in bin / answers) × |accuracy − mean
   * confidence| (Guo et al., "On Calibration of Modern Neural Networks", ICML 2017), in `[0, 1]`;
   * null with no answers.
   */
  expectedCalibrationError: number | null;
  /** Mean confidence and accuracy over all answers (null with none). */
  meanConfidence: number | null;
  accuracy: number | null;
}

/**
 * Reliability per system: answers binned by stated confidence into `bins` equal-width bins, with
 * each bin's accuracy and mean confidence, and the expected calibration error. A system whose
 * "0.9" answers are right 90% of the time is calibrated.
 * @param bins Number of bins (default 10).
 */
export function calibrationMetrics(rows: readonly ResultRow[], bins = 10): SystemCalibration[] {
  const systems = [...new Set(rows.map((row) => row.system))];
  return systems.map((system) => {
    // Open-ended rows are not graded by us, so they say nothing about calibration.
    const answered = rows.filter((row) => row.system === system && row.status === 'answered' && row.predicted && !row.openEnded);
    const binned: CalibrationBin[] = Array.from({ length: bins }, (_, index) => {
      const lower = index / bins;
      const upper = (index + 1) / bins;
      const inBin = answered.filter((row) => {
        const confidence = Math.min(1, Math.max(0, row.predicted!.confidence));
        return confidence >= lower && (confidence < upper || (index === bins - 1 && confidence <= 1));
      });
      const meanConfidence = inBin.length ? inBin.reduce((sum, row) => sum + row.predicted!.confidence, 0) / inBin.length : null;
      const accuracy = inBin.length ? inBin.filter((row) => row.correct).length / inBin.length : null;
      return { lower, upper, count: inBin.length, meanConfidence, accuracy };
    });
    const total = answered.length;
    const expectedCalibrationError = total ? binned.reduce((sum, bin) => (bin.count ? sum + (bin.count / total) * Math.abs(bin.accuracy! - bin.meanConfidence!) : sum), 0) : null;
    return {
      system,
      answers: total,
      bins: binned,
      expectedCalibrationError,
      meanConfidence: total ? answered.reduce((sum, row) => sum + row.predicted!.confidence, 0) / total : null,
      accuracy: total ? answered.filter((row) => row.correct).length / total : null,
    };
  });
}

/**
 * The reliability diagram as inline SVG: per system, accuracy per confidence bin (a point sized by
 * the answers in it, joined by a line) against the diagonal of perfect calibration.
 */
export function reliabilityDiagram(options: { id: string; systems: Array<SystemCalibration & { colour: string }>; width?: number; height?: number }): string {
  const width = options.width ?? 420;
  const height = options.height ?? 360;
  const left = 48;
  const right = 20;
  const top = 20;
  const bottom = 70;
  const size = Math.min(width - left - right, height - top - bottom);
  const sx = (x: number): number => left + x * size;
  const sy = (y: number): number => top + (1 - y) * size;
  const parts: string[] = [];
  for (const tick of [0, 0.25, 0.5, 0.75, 1]) {
    parts.push(`<line x1="${sx(0)}" x2="${sx(1)}" y1="${sy(tick)}" y2="${sy(tick)}" stroke="#eaeef2"/><text x="${left - 4}" y="${sy(tick) + 4}" text-anchor="end">${tick * 100}%</text>`);
    parts.push(`<text x="${sx(tick)}" y="${sy(0) + 14}" text-anchor="middle">${tick.toFixed(2)}</text>`);
  }
  parts.push(`<line class="diagonal" x1="${sx(0)}" y1="${sy(0)}" x2="${sx(1)}" y2="${sy(1)}" stroke="#8c959f" stroke-dasharray="4 3"/>`);
  parts.push(`<text x="${left + size / 2}" y="${sy(0) + 30}" text-anchor="middle">stated confidence</text>`);
  parts.push(`<text x="12" y="${top + size / 2}" text-anchor="middle" transform="rotate(-90 12 ${top + size / 2})">accuracy</text>`);
  const most = Math.max(1, ...options.systems.flatMap((s) => s.bins.map((bin) => bin.count)));
  options.systems.forEach((system) => {
    const filled = system.bins.filter((bin) => bin.count > 0);
    if (filled.length > 1) parts.push(`<polyline fill="none" stroke="${system.colour}" stroke-opacity="0.5" points="${filled.map((bin) => `${sx(bin.meanConfidence!).toFixed(1)},${sy(bin.accuracy!).toFixed(1)}`).join(' ')}"/>`);
    for (const bin of filled) {
      const radius = 3 + 7 * Math.sqrt(bin.count / most);
      parts.push(
        `<circle data-series="${escapeHtml(system.system)}" data-bin="${bin.lower.toFixed(1)}" cx="${sx(bin.meanConfidence!).toFixed(1)}" cy="${sy(bin.accuracy!).toFixed(1)}" r="${radius.toFixed(1)}" fill="${system.colour}" fill-opacity="0.75">` +
          `<title>${escapeHtml(`${system.system} · confidence ${bin.lower.toFixed(1)}–${bin.upper.toFixed(1)}: ${bin.count} answers, ${formatPercent(bin.accuracy)} right at mean confidence ${formatNumber(bin.meanConfidence!, 2)}`)}</title></circle>`,
      );
    }
  });
  options.systems.forEach((system, index) => {
    const y = height - 30 + 14 * Math.floor(index / 2);
    const x = left + (index % 2) * 180;
    parts.push(`<rect x="${x}" y="${y - 9}" width="10" height="10" fill="${system.colour}"/><text x="${x + 14}" y="${y}">${escapeHtml(system.system)} (ECE ${system.expectedCalibrationError === null ? '–' : system.expectedCalibrationError.toFixed(3)})</text>`);
  });
  return `<svg id="${options.id}" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="11">${parts.join('')}</svg>`;
}

/**
 * The report's calibration section: a table of each system's expected calibration error, mean
 * confidence and accuracy, and the reliability diagram (`#chart-reliability`).
 * @param colourOf The colour of a system in the report's other charts.
 */
export function calibrationSection(rows: readonly ResultRow[], colourOf: (system: string) => string): string {
  const systems = calibrationMetrics(rows);
  const table = `<table id="calibration"><tr><th>system</th><th>answers</th><th>expected calibration error</th><th>mean confidence</th><th>accuracy</th></tr>${systems
    .map(
      (s) =>
        `<tr data-system="${escapeHtml(s.system)}"><th>${escapeHtml(s.system)}</th><td class="num">${s.answers}</td><td class="num">${s.expectedCalibrationError === null ? '–' : s.expectedCalibrationError.toFixed(3)}</td><td class="num">${s.meanConfidence === null ? '–' : s.meanConfidence.toFixed(2)}</td><td class="num">${formatPercent(s.accuracy)}</td></tr>`,
    )
    .join('')}</table>`;
  const diagram = reliabilityDiagram({ id: 'chart-reliability', systems: systems.map((s) => ({ ...s, colour: colourOf(s.system) })) });
  return [
    '<h2>Calibration</h2>',
    table,
    `<div class="chart"><h3>Reliability diagram</h3>${diagram}<p class="note">Accuracy of the answers in each confidence bin (10 bins; point size: answers in the bin) against the dashed diagonal of perfect calibration. Expected calibration error: the answer-weighted mean gap between a bin's accuracy and its mean confidence.</p></div>`,
  ].join('\n');
}
