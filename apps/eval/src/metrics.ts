import type { ResultRow } from './runner/results-file';
import type { VideoStats } from './runner/runner';

/** Accuracy of a group of rows. Every row counts in `questions`; only `correct` rows are right. */
export interface AccuracyCell {
  /** Rows in the group. */
  questions: number;
  /** Rows right. */
  correct: number;
  /** `correct / questions` (0 for an empty group). Parse failures, errors and timeouts count as not right. */
  accuracy: number;
  /** Answered rows whose answer could not be read (never scored as right). */
  parseFailures: number;
  /** Rows whose question failed with an error. */
  errors: number;
  /** Rows over the per-question time limit. */
  timeouts: number;
  /** `correct / (questions - parseFailures - errors - timeouts)`: accuracy where an answer was read (null if none). */
  accuracyOfParsed: number | null;
}

/** Distribution of one cost over the rows: mean, median, 90th percentile and maximum. */
export interface Distribution {
  mean: number;
  median: number;
  p90: number;
  max: number;
  /** Sum over the rows. */
  total: number;
}

/** Cost per question of one system. */
export interface CostMetrics {
  rounds: Distribution;
  /** Frames the observer looked at per question (ingestion keyframes not included). */
  framesObserved: Distribution;
  llmCalls: Distribution;
  inputTokens: Distribution;
  outputTokens: Distribution;
  /** Seconds per question (ingestion excluded). */
  wallSeconds: Distribution;
}

/** How one system did on open-ended questions (reported apart from accuracy). */
export interface OpenEndedMetrics {
  /** Open-ended rows of the system. */
  questions: number;
  /** Mean token F1 against the references, in `[0, 1]`. */
  meanTokenF1: number;
  /** Mean ROUGE-L F-measure, in `[0, 1]`. */
  meanRougeL: number;
  /** Rows an LLM judge scored. */
  judged: number;
  /** Mean judge total over judged rows, out of {@link OpenEndedMetrics.judgeMax} (null when none was judged). */
  meanJudgeTotal: number | null;
  /** What a judge total is out of (10 for the MLVU rubrics). */
  judgeMax: number;
  /** Per rubric (e.g. `mlvu-sub-scene`): questions, mean judge total, mean of each judge score. */
  byRubric: Record<string, { questions: number; judged: number; meanJudgeTotal: number | null; meanScores: Record<string, number> }>;
}

/** Metrics of one system. */
export interface SystemMetrics {
  system: string;
  /** Accuracy over the questions that have a right answer (multiple choice and short answers); open-ended rows are in {@link SystemMetrics.openEnded}. */
  overall: AccuracyCell;
  byCategory: Record<string, AccuracyCell>;
  byDurationGroup: Record<string, AccuracyCell>;
  byTaskType: Record<string, AccuracyCell>;
  /** Duration group → task type → accuracy. */
  byDurationGroupAndTaskType: Record<string, Record<string, AccuracyCell>>;
  /** Evidence against ground-truth spans, over rows that have them (errors count as misses, IoU 0). */
  evidence: { withGroundTruth: number; hits: number; hitRate: number | null; meanTemporalIoU: number | null };
  cost: CostMetrics;
  /** Frames observed per question, per duration group. */
  framesObservedByDurationGroup: Record<string, Distribution>;
  /** Open-ended questions (graded by token F1 / ROUGE-L and an LLM judge); null when the run has none. */
  openEnded: OpenEndedMetrics | null;
}

/** Per duration group: the videos and their frames at ingestion. */
export interface DurationGroupVideos {
  group: string;
  videos: number;
  /** Mean video length, seconds. */
  meanVideoSeconds: number;
  /** Mean keyframes read once at ingestion per video (shared by every question on it). */
  framesAtIngestion: number;
}

/** Everything {@link computeMetrics} returns. */
export interface EvaluationMetrics {
  /** Distinct questions. */
  questions: number;
  /** Systems, the agent first, then baselines by frame count. */
  systems: SystemMetrics[];
  durationGroups: DurationGroupVideos[];
}

/** Label of rows without the field. */
export const NO_LABEL = '(none)';

function accuracyCell(rows: ResultRow[]): AccuracyCell {
  const correct = rows.filter((row) => row.correct).length;
  const parseFailures = rows.filter((row) => row.status === 'answered' && row.parseFailure).length;
  const errors = rows.filter((row) => row.status === 'error').length;
  const timeouts = rows.filter((row) => row.status === 'timeout').length;
  const parsed = rows.length - parseFailures - errors - timeouts;
  return { questions: rows.length, correct, accuracy: rows.length ? correct / rows.length : 0, parseFailures, errors, timeouts, accuracyOfParsed: parsed > 0 ? correct / parsed : null };
}

/** Mean, median, 90th percentile (nearest rank), maximum and sum of numbers (zeros for none). */
export function distribution(values: number[]): Distribution {
  if (values.length === 0) return { mean: 0, median: 0, p90: 0, max: 0, total: 0 };
  const sorted = [...values].sort((a, b) => a - b);
  const total = sorted.reduce((sum, v) => sum + v, 0);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { mean: total / sorted.length, median, p90: sorted[Math.min(sorted.length - 1, Math.ceil(0.9 * sorted.length) - 1)], max: sorted[sorted.length - 1], total };
}

function groupBy(rows: ResultRow[], key: (row: ResultRow) => string | string[] | undefined): Map<string, ResultRow[]> {
  const groups = new Map<string, ResultRow[]>();
  for (const row of rows) {
    const value = key(row);
    for (const label of Array.isArray(value) ? value : [value ?? NO_LABEL]) groups.set(label, [...(groups.get(label) ?? []), row]);
  }
  return groups;
}

/** The task types a row counts under: each of `taskTypes` when it has several (LVBench `compute_accuracy.py` counts such a question in each), else `taskType`. */
const taskTypesOf = (row: ResultRow): string | string[] | undefined => row.taskTypes ?? row.taskType;

/** Orders labels like `10m`, `30m`, `60m`, `<2m` by their first number, then alphabetically; {@link NO_LABEL} last. */
export function compareLabels(a: string, b: string): number {
  if ((a === NO_LABEL) !== (b === NO_LABEL)) return a === NO_LABEL ? 1 : -1;
  const number = (label: string): number => {
    const match = /(\d+(?:\.\d+)?)/.exec(label);
    return match ? Number(match[1]) : Number.MAX_VALUE;
  };
  return number(a) - number(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Orders systems: `agent` first, then `uniform-N` by N, then the rest alphabetically. */
export function compareSystems(a: string, b: string): number {
  const rank = (system: string): number => (system === 'agent' ? -1 : /^uniform-(\d+)$/.test(system) ? Number(system.slice(8)) : Number.MAX_SAFE_INTEGER);
  return rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

function cells(groups: Map<string, ResultRow[]>): Record<string, AccuracyCell> {
  return Object.fromEntries([...groups.keys()].sort(compareLabels).map((label) => [label, accuracyCell(groups.get(label)!)]));
}

/**
 * Computes accuracy (overall and per category, duration group, task type), evidence hit rate and
 * mean temporal IoU (over rows with ground-truth spans), and the distribution of each cost per
 * question, for every system in the rows; plus, per duration group, the frames read once at
 * ingestion (from the run's `videos.json`).
 */
export function computeMetrics(rows: ResultRow[], videos: Record<string, VideoStats> = {}): EvaluationMetrics {
  const systems = [...new Set(rows.map((row) => row.system))].sort(compareSystems).map((system): SystemMetrics => {
    const all = rows.filter((row) => row.system === system);
    const own = all.filter((row) => !row.openEnded);
    const withTruth = own.filter((row) => row.groundTruthSpans.length > 0);
    const byDuration = groupBy(own, (row) => row.durationGroup);
    return {
      system,
      overall: accuracyCell(own),
      byCategory: cells(groupBy(own, (row) => row.category)),
      byDurationGroup: cells(byDuration),
      byTaskType: cells(groupBy(own, taskTypesOf)),
      byDurationGroupAndTaskType: Object.fromEntries([...byDuration.keys()].sort(compareLabels).map((group) => [group, cells(groupBy(byDuration.get(group)!, taskTypesOf))])),
      evidence: {
        withGroundTruth: withTruth.length,
        hits: withTruth.filter((row) => row.evidenceHit === true).length,
        hitRate: withTruth.length ? withTruth.filter((row) => row.evidenceHit === true).length / withTruth.length : null,
        meanTemporalIoU: withTruth.length ? withTruth.reduce((sum, row) => sum + (row.temporalIoU ?? 0), 0) / withTruth.length : null,
      },
      cost: {
        rounds: distribution(all.map((row) => row.cost.rounds)),
        framesObserved: distribution(all.map((row) => row.cost.framesObserved)),
        llmCalls: distribution(all.map((row) => row.cost.llmCalls)),
        inputTokens: distribution(all.map((row) => row.cost.inputTokens)),
        outputTokens: distribution(all.map((row) => row.cost.outputTokens)),
        wallSeconds: distribution(all.map((row) => row.cost.wallSeconds)),
      },
      framesObservedByDurationGroup: Object.fromEntries([...byDuration.keys()].sort(compareLabels).map((group) => [group, distribution(byDuration.get(group)!.map((row) => row.cost.framesObserved))])),
      openEnded: openEndedMetrics(all.filter((row) => row.openEnded)),
    };
  });
  const videoGroups = new Map<string, Set<string>>();
  for (const row of rows) {
    const group = row.durationGroup ?? NO_LABEL;
    videoGroups.set(group, (videoGroups.get(group) ?? new Set()).add(row.videoPath));
  }
  const durationGroups = [...videoGroups.keys()].sort(compareLabels).map((group): DurationGroupVideos => {
    const paths = [...videoGroups.get(group)!];
    const stats = paths.map((path) => videos[path]).filter((s): s is VideoStats => s !== undefined);
    const seconds = paths.map((path) => videos[path]?.duration ?? rows.find((row) => row.videoPath === path)!.videoSeconds);
    return {
      group,
      videos: paths.length,
      meanVideoSeconds: seconds.reduce((sum, s) => sum + s, 0) / paths.length,
      framesAtIngestion: stats.length ? stats.reduce((sum, s) => sum + s.framesAtIngestion, 0) / stats.length : 0,
    };
  });
  return { questions: new Set(rows.map((row) => row.questionId)).size, systems, durationGroups };
}

const mean = (values: number[]): number => (values.length ? values.reduce((sum, v) => sum + v, 0) / values.length : 0);

/** Open-ended metrics of one system's open-ended rows (null for none). */
function openEndedMetrics(rows: ResultRow[]): OpenEndedMetrics | null {
  if (rows.length === 0) return null;
  const grades = rows.map((row) => row.openEnded!);
  const judged = grades.filter((grade) => grade.judge);
  const byRubric: OpenEndedMetrics['byRubric'] = {};
  for (const rubric of [...new Set(grades.map((grade) => grade.rubric))].sort()) {
    const own = grades.filter((grade) => grade.rubric === rubric);
    const ownJudged = own.filter((grade) => grade.judge);
    const keys = [...new Set(ownJudged.flatMap((grade) => Object.keys(grade.judge!.scores)))];
    byRubric[rubric] = {
      questions: own.length,
      judged: ownJudged.length,
      meanJudgeTotal: ownJudged.length ? mean(ownJudged.map((grade) => grade.judge!.total)) : null,
      meanScores: Object.fromEntries(keys.map((key) => [key, mean(ownJudged.map((grade) => grade.judge!.scores[key] ?? 0))])),
    };
  }
  return {
    questions: rows.length,
    meanTokenF1: mean(grades.map((grade) => grade.tokenF1)),
    meanRougeL: mean(grades.map((grade) => grade.rougeL)),
    judged: judged.length,
    meanJudgeTotal: judged.length ? mean(judged.map((grade) => grade.judge!.total)) : null,
    judgeMax: judged[0]?.judge?.max ?? 10,
    byRubric,
  };
}

/** Accuracy per needle depth (see {@link accuracyByNeedleDepth}). */
export interface NeedleDepthAccuracy {
  /** Depth bins as labels, `0–20%` … `80–100%`. */
  labels: string[];
  /** Per system (in {@link compareSystems} order): one cell per bin, null where the bin has no needle question. */
  systems: Array<{ system: string; cells: Array<AccuracyCell | null> }>;
}

/** Whether a row is a needle-in-a-haystack question (its task type starts with `needle`, as the NIAH generator writes). */
export function isNeedleRow(row: Pick<ResultRow, 'taskType'>): boolean {
  return row.taskType?.startsWith('needle') ?? false;
}

/**
 * Accuracy against needle depth for needle-in-a-haystack rows ({@link isNeedleRow}) that have a
 * ground-truth span: depth is the span's middle over the video's duration (0 = start, 1 = end),
 * put into `bins` equal bins. Empty when there is no such row.
 */
export function accuracyByNeedleDepth(rows: ResultRow[], bins = 5): NeedleDepthAccuracy {
  const needles = rows.filter((row) => isNeedleRow(row) && row.groundTruthSpans.length > 0 && row.videoSeconds > 0);
  if (needles.length === 0) return { labels: [], systems: [] };
  const labels = Array.from({ length: bins }, (_, bin) => `${Math.round((bin * 100) / bins)}–${Math.round(((bin + 1) * 100) / bins)}%`);
  const binOf = (row: ResultRow): number => {
    const span = row.groundTruthSpans[0];
    const depth = Math.min(1, Math.max(0, (span.start + span.end) / 2 / row.videoSeconds));
    return Math.min(bins - 1, Math.floor(depth * bins));
  };
  const systems = [...new Set(needles.map((row) => row.system))].sort(compareSystems).map((system) => {
    const own = needles.filter((row) => row.system === system);
    return { system, cells: labels.map((_, bin) => {
      const inBin = own.filter((row) => binOf(row) === bin);
      return inBin.length ? accuracyCell(inBin) : null;
    }) };
  });
  return { labels, systems };
}
