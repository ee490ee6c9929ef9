import type { ResultRow } from '../runner/results-file';
import { calibrationMetrics, reliabilityDiagram } from './calibration';

/** A result row with only what calibration reads. */
const row = (system: string, confidence: number, correct: boolean, status: ResultRow['status'] = 'answered'): ResultRow =>
  ({ system, status, correct, predicted: status === 'answered' ? { answer: 'x', confidence, sufficient: true } : null }) as unknown as ResultRow;

describe('calibrationMetrics', () => {
  it('bins answers by confidence and computes the expected calibration error', () => {
    const rows = [row('a', 0.95, true), row('a', 0.95, true), row('a', 0.92, false), row('a', 0.15, false), row('a', 0.5, true, 'error'), row('b', 1, true)];
    const [a, b] = calibrationMetrics(rows);
    expect(a.answers).toBe(4);
    const high = a.bins[9];
    expect(high.count).toBe(3);
    expect(high.accuracy).toBeCloseTo(2 / 3, 6);
    expect(high.meanConfidence).toBeCloseTo((0.95 + 0.95 + 0.92) / 3, 6);
    expect(a.bins[1]).toMatchObject({ count: 1, accuracy: 0 });
    // ECE = 3/4 × |2/3 − 0.94| + 1/4 × |0 − 0.15|.
    expect(a.expectedCalibrationError).toBeCloseTo(0.75 * Math.abs(2 / 3 - 0.94) + 0.25 * 0.15, 6);
    // Confidence 1 falls in the last bin; a perfectly calibrated system has ECE 0.
    expect(b.bins[9].count).toBe(1);
    expect(b.expectedCalibrationError).toBe(0);
  });

  it('draws one point per non-empty bin and the diagonal', () => {
    const [a] = calibrationMetrics([row('a', 0.95, true), row('a', 0.15, false)]);
    const svg = reliabilityDiagram({ id: 'r', systems: [{ ...a, colour: '#000' }] });
    expect(svg.match(/<circle data-series="a"/g)).toHaveLength(2);
    expect(svg).toContain('class="diagonal"');
    expect(svg).toContain('ECE 0.100');
  });
});
