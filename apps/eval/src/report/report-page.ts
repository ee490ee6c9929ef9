import type { EvaluationMetrics, SystemMetrics } from '../metrics';
import { accuracyByNeedleDepth, compareLabels, NO_LABEL } from '../metrics';
import { optionLetter } from '../question';
import type { ResultRow } from '../runner/results-file';
import type { RunManifest } from '../runner/runner';
import { calibrationSection } from './calibration';
import { escapeHtml, formatNumber, formatPercent, htmlPage, SYSTEM_COLOURS } from './html';
import { groupedBarChart, histogramChart, scatterChart, type ScatterPoint } from './svg-charts';

/** Inputs of {@link renderReportPage}. */
export interface ReportPageInput {
  metrics: EvaluationMetrics;
  rows: ResultRow[];
  manifest?: RunManifest;
  /** Where the run lives (shown). */
  runDir: string;
  /** Link to each row's trace page, relative to the report, by system then question id. */
  traceHref: (row: ResultRow) => string;
  /** Link to a question's side-by-side page, relative to the report (no link when absent). */
  questionHref?: (questionId: string) => string;
  /**
   * Extra sections, placed after the charts in order (the hook for analyses kept in their own
   * modules, e.g. a reliability diagram). `html` is inserted as is.
   */
  sections?: ReportSection[];
}

/** A section another module adds to the report page (see {@link ReportPageInput.sections}). */
export interface ReportSection {
  /** Element id of the section (`section-<id>`). */
  id: string;
  title: string;
  /** Trusted HTML of the section body (escape any text with `escapeHtml`). */
  html: string;
}

/**
 * Filters of the questions table, run in the page (no server): wrong only, category, video length
 * and system. A row is shown when it matches the category and length chosen and, with "wrong
 * only", when the chosen system (or any system) did not answer it right; choosing a system hides
 * the other systems' columns.
 */
const FILTER_SCRIPT = `
(() => {
  const table = document.getElementById('questions');
  if (!table) return;
  const wrong = document.getElementById('filter-wrong');
  const category = document.getElementById('filter-category');
  const length = document.getElementById('filter-length');
  const system = document.getElementById('filter-system');
  const count = document.getElementById('filter-count');
  const rows = [...table.querySelectorAll('tr[data-question]')];
  const apply = () => {
    let shown = 0;
    for (const row of rows) {
      const wrongSystems = row.dataset.wrong ? row.dataset.wrong.split(' ') : [];
      const visible = (!category.value || row.dataset.category === category.value) &&
        (!length.value || row.dataset.length === length.value) &&
        (!wrong.checked || (system.value ? wrongSystems.includes(system.value) : wrongSystems.length > 0));
      row.hidden = !visible;
      if (visible) shown += 1;
    }
    for (const cell of table.querySelectorAll('[data-system-column]')) cell.hidden = Boolean(system.value) && cell.dataset.systemColumn !== system.value;
    count.textContent = shown + ' of ' + rows.length + ' questions';
  };
  for (const control of [wrong, category, length, system]) control.addEventListener('change', apply);
  apply();
})();`;

function selectFilter(id: string, label: string, values: string[]): string {
  return `<label>${label} <select id="${id}"><option value="">all</option>${values.map((v) => `<option value="${escapeHtml(v)}">${escapeHtml(v)}</option>`).join('')}</select></label>`;
}

function colourOf(metrics: EvaluationMetrics, system: string): string {
  const index = metrics.systems.findIndex((s) => s.system === system);
  return SYSTEM_COLOURS[index % SYSTEM_COLOURS.length];
}

function summaryTable(metrics: EvaluationMetrics): string {
  const header = ['system', 'questions', 'accuracy', 'right', 'parse failures', 'errors', 'timeouts', 'accuracy of parsed', 'evidence hit rate', 'mean temporal IoU', 'frames observed / q (mean)', 'rounds / q', 'LLM calls / q', 'tokens in+out / q', 'seconds / q (mean)'];
  const rows = metrics.systems.map((s) => {
    const cells = [
      s.overall.questions,
      formatPercent(s.overall.accuracy),
      s.overall.correct,
      s.overall.parseFailures,
      s.overall.errors,
      s.overall.timeouts,
      formatPercent(s.overall.accuracyOfParsed),
      formatPercent(s.evidence.hitRate),
      s.evidence.meanTemporalIoU === null ? '–' : s.evidence.meanTemporalIoU.toFixed(2),
      formatNumber(s.cost.framesObserved.mean),
      formatNumber(s.cost.rounds.mean, 2),
      formatNumber(s.cost.llmCalls.mean, 2),
      `${formatNumber(s.cost.inputTokens.mean, 0)}+${formatNumber(s.cost.outputTokens.mean, 0)}`,
      formatNumber(s.cost.wallSeconds.mean),
    ];
    return `<tr data-system="${escapeHtml(s.system)}"><th>${escapeHtml(s.system)}</th>${cells.map((c) => `<td class="num">${c}</td>`).join('')}</tr>`;
  });
  return `<table id="summary"><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr>${rows.join('')}</table>`;
}

/**
 * Per video length and system: accuracy (overall and per task type), frames observed per question,
 * and the frames read once at ingestion per video.
 */
function lengthTable(metrics: EvaluationMetrics): string {
  const taskTypes = [...new Set(metrics.systems.flatMap((s) => Object.values(s.byDurationGroupAndTaskType).flatMap((byTask) => Object.keys(byTask))))].sort(compareLabels);
  const showTasks = taskTypes.length > 1 || (taskTypes.length === 1 && taskTypes[0] !== NO_LABEL);
  const header = ['video length', 'system', 'accuracy', ...(showTasks ? taskTypes.map((task) => `accuracy: ${escapeHtml(task)}`) : []), 'frames observed / question', 'frames at ingestion (once per video)', 'videos'];
  const body: string[] = [];
  for (const group of metrics.durationGroups) {
    const systems = metrics.systems.filter((s) => s.byDurationGroup[group.group]);
    systems.forEach((s, index) => {
      const cell = s.byDurationGroup[group.group];
      const frames = s.framesObservedByDurationGroup[group.group];
      const cells = [
        `${formatPercent(cell.accuracy)} <span class="note">(${cell.correct}/${cell.questions})</span>`,
        ...(showTasks
          ? taskTypes.map((task) => {
              const taskCell = s.byDurationGroupAndTaskType[group.group]?.[task];
              return taskCell ? `${formatPercent(taskCell.accuracy)} <span class="note">(${taskCell.correct}/${taskCell.questions})</span>` : '–';
            })
          : []),
        `${formatNumber(frames.mean)} <span class="note">(median ${formatNumber(frames.median)}, max ${frames.max})</span>`,
      ];
      const lengthCells = index === 0 ? `<th rowspan="${systems.length}">${escapeHtml(group.group)} <span class="note">(${formatNumber(group.meanVideoSeconds)} s)</span></th>` : '';
      const sharedCells = index === 0 ? `<td class="num" rowspan="${systems.length}">${formatNumber(group.framesAtIngestion, 0)}</td><td class="num" rowspan="${systems.length}">${group.videos}</td>` : '';
      body.push(`<tr data-group="${escapeHtml(group.group)}" data-system="${escapeHtml(s.system)}">${lengthCells}<th>${escapeHtml(s.system)}</th>${cells.map((c) => `<td class="num">${c}</td>`).join('')}${sharedCells}</tr>`);
    });
  }
  return `<table id="by-length"><tr>${header.map((h) => `<th>${h}</th>`).join('')}</tr>${body.join('')}</table>`;
}

/** Open-ended questions per system: token F1, ROUGE-L, and the LLM judge's mean total and scores per rubric (apart from accuracy). */
function openEndedTable(metrics: EvaluationMetrics): string {
  const rows = metrics.systems.flatMap((s) => {
    const open = s.openEnded;
    if (!open) return [];
    const rubrics = Object.entries(open.byRubric)
      .map(([rubric, cell]) => `${escapeHtml(rubric)}: ${cell.meanJudgeTotal === null ? 'not judged' : `${formatNumber(cell.meanJudgeTotal, 2)}/${open.judgeMax} (${Object.entries(cell.meanScores).map(([key, value]) => `${escapeHtml(key)} ${formatNumber(value, 2)}`).join(', ')})`}`)
      .join('<br>');
    return [`<tr data-system="${escapeHtml(s.system)}"><th>${escapeHtml(s.system)}</th><td class="num">${open.questions}</td><td class="num">${open.meanTokenF1.toFixed(3)}</td><td class="num">${open.meanRougeL.toFixed(3)}</td><td class="num">${open.judged}</td><td class="num">${open.meanJudgeTotal === null ? '–' : `${formatNumber(open.meanJudgeTotal, 2)}/${open.judgeMax}`}</td><td>${rubrics}</td></tr>`];
  });
  return `<table id="open-ended"><tr><th>system</th><th>questions</th><th>token F1</th><th>ROUGE-L</th><th>judged</th><th>judge total (mean)</th><th>per rubric</th></tr>${rows.join('')}</table><p class="note">Open-ended questions have no single right answer: they are graded here and left out of accuracy. The judge follows MLVU's rubrics (two 1–5 scores, total out of 10) and runs only when an endpoint is set.</p>`;
}

function breakdownTable(id: string, title: string, metrics: EvaluationMetrics, pick: (s: SystemMetrics) => Record<string, { accuracy: number; correct: number; questions: number }>): string {
  const labels = [...new Set(metrics.systems.flatMap((s) => Object.keys(pick(s))))].sort(compareLabels);
  const header = `<tr><th>${title}</th>${metrics.systems.map((s) => `<th>${escapeHtml(s.system)}</th>`).join('')}</tr>`;
  const body = labels.map((label) => `<tr><th>${escapeHtml(label)}</th>${metrics.systems.map((s) => {
    const cell = pick(s)[label];
    return `<td class="num">${cell ? `${formatPercent(cell.accuracy)} <span class="note">(${cell.correct}/${cell.questions})</span>` : '–'}</td>`;
  }).join('')}</tr>`);
  return `<table id="${id}">${header}${body.join('')}</table>`;
}

/** The grade of an open-ended row: token F1, ROUGE-L and the judge's total. */
export function openEndedGrade(grade: NonNullable<ResultRow['openEnded']>): string {
  return `F1 ${grade.tokenF1.toFixed(2)} · ROUGE-L ${grade.rougeL.toFixed(2)}${grade.judge ? ` · judge ${formatNumber(grade.judge.total)}/${grade.judge.max}` : ''}`;
}

/** Whether a row counts as wrong in the filters: answered (or failed) and not right; open-ended rows are graded, not wrong. */
const isWrong = (row: ResultRow): boolean => !row.openEnded && !row.correct;

function outcomeCell(system: string, row: ResultRow | undefined, href: string | undefined): string {
  if (!row) return `<td data-system-column="${escapeHtml(system)}">–</td>`;
  const label =
    row.status !== 'answered'
      ? `<span class="failed">${row.status}</span>`
      : row.openEnded
        ? `<span class="graded">${escapeHtml(openEndedGrade(row.openEnded))}</span>`
        : row.parseFailure
          ? '<span class="unparsed">unparsed</span>'
          : row.correct
            ? '<span class="right">✓</span>'
            : '<span class="wrong">✗</span>';
  const answer = row.predicted ? `${row.predicted.choiceIndex !== undefined && row.choices ? `${optionLetter(row.predicted.choiceIndex)}. ` : ''}${row.predicted.answer}` : '';
  return `<td data-system-column="${escapeHtml(system)}" data-outcome="${row.status !== 'answered' ? row.status : row.openEnded ? 'graded' : row.parseFailure ? 'unparsed' : row.correct ? 'right' : 'wrong'}">${label} ${escapeHtml(answer.length > 40 ? `${answer.slice(0, 39)}…` : answer)} ${href ? `<a class="trace-link" href="${escapeHtml(href)}">trace</a>` : ''}<span class="note"> ${row.cost.framesObserved} fr</span></td>`;
}

/**
 * The report page: run settings; a summary per system (accuracy, parse failures, errors, evidence
 * hit rate, temporal IoU, cost per question); a table per video length with frames at ingestion and
 * frames observed per question next to accuracy per task type; accuracy per category, duration and
 * task type; charts (accuracy per category, accuracy vs. frames observed for the agent and the
 * uniform baselines, cost distributions, and for needle-in-a-haystack runs accuracy vs. needle
 * depth) as inline SVG; calibration (expected calibration error and a reliability diagram per
 * system, see `calibration.ts`); any extra {@link ReportSection}s; and every question with each
 * system's answer, a link to its trace page and to its side-by-side page, with filters (wrong only,
 * category, length, system) that run in the page.
 */
export function renderReportPage(input: ReportPageInput): string {
  const { metrics, rows, manifest } = input;
  const parts: string[] = [];
  parts.push('<h1>LongVid evaluation report</h1>');
  parts.push(
    `<p class="meta">${escapeHtml(input.runDir)} · ${metrics.questions} questions · systems ${metrics.systems.map((s) => escapeHtml(s.system)).join(', ')}` +
      (manifest
        ? ` · ${manifest.offline ? 'offline (rule-based planner and reflector, local OCR observer)' : `online (${escapeHtml(manifest.model ?? '')})`} · budget ${manifest.limits.maxRounds} rounds / ${manifest.limits.maxFrames} frames · time limit ${manifest.limits.timeLimitSeconds} s · ingestion ${manifest.ingest.ingestFps} keyframes/s · seed ${manifest.seed} · started ${escapeHtml(manifest.createdAt)}`
        : '') +
      '</p>',
  );
  parts.push('<h2>Summary</h2>', summaryTable(metrics));
  parts.push('<p class="note">Accuracy counts every question; parse failures (no readable answer), errors and timeouts are counted apart and never scored as right. Frames observed are frames the observer looked at for the question; frames at ingestion are read once per video and shared by all its questions. Uniform baselines answer from their N frames only (memory recall hidden from their reflector).</p>');
  if (metrics.systems.some((s) => s.openEnded)) parts.push('<h2>Open-ended answers</h2>', openEndedTable(metrics));
  parts.push('<h2>By video length</h2>', lengthTable(metrics));

  // Charts.
  const categories = [...new Set(metrics.systems.flatMap((s) => Object.keys(s.byCategory)))].sort(compareLabels);
  const categoryChart = groupedBarChart({
    id: 'chart-category',
    labels: categories,
    series: metrics.systems.map((s) => ({ name: s.system, colour: colourOf(metrics, s.system), values: categories.map((c) => s.byCategory[c]?.accuracy ?? null) })),
  });
  const points: ScatterPoint[] = metrics.systems.flatMap((s) => {
    const groups = Object.keys(s.byDurationGroup);
    const perGroup = groups.length > 1 ? groups.map((group) => ({ series: s.system, colour: colourOf(metrics, s.system), x: s.framesObservedByDurationGroup[group].mean, y: s.byDurationGroup[group].accuracy, label: group })) : [];
    return [...perGroup, { series: s.system, colour: colourOf(metrics, s.system), x: s.cost.framesObserved.mean, y: s.overall.accuracy, label: 'all' }];
  });
  const framesChart = scatterChart({ id: 'chart-frames', points });
  const costFrames = histogramChart({ id: 'chart-cost-frames', unit: 'frames observed', series: metrics.systems.map((s) => ({ name: s.system, colour: colourOf(metrics, s.system), values: rows.filter((r) => r.system === s.system).map((r) => r.cost.framesObserved) })) });
  const costSeconds = histogramChart({ id: 'chart-cost-seconds', unit: 'seconds', series: metrics.systems.map((s) => ({ name: s.system, colour: colourOf(metrics, s.system), values: rows.filter((r) => r.system === s.system).map((r) => r.cost.wallSeconds) })) });
  parts.push('<h2>Charts</h2><div class="charts">');
  parts.push(`<div class="chart"><h3>Accuracy per category</h3>${categoryChart}</div>`);
  parts.push(`<div class="chart"><h3>Accuracy vs. frames observed per question</h3>${framesChart}<p class="note">One point per system and video length, plus “all”.</p></div>`);
  parts.push(`<div class="chart"><h3>Cost: frames observed per question</h3>${costFrames}</div>`);
  parts.push(`<div class="chart"><h3>Cost: seconds per question</h3>${costSeconds}</div>`);
  const depth = accuracyByNeedleDepth(rows);
  if (depth.labels.length) {
    const depthChart = groupedBarChart({
      id: 'chart-needle-depth',
      labels: depth.labels,
      series: depth.systems.map((s) => ({ name: s.system, colour: colourOf(metrics, s.system), values: s.cells.map((cell) => cell?.accuracy ?? null) })),
    });
    const counts = depth.systems[0].cells.map((cell, index) => `${depth.labels[index]}: ${cell?.questions ?? 0}`).join(' · ');
    parts.push(`<div class="chart"><h3>Needle in a haystack: accuracy vs. needle depth</h3>${depthChart}<p class="note">Depth: the needle's middle over the video's length. Questions per bin (${escapeHtml(depth.systems[0].system)}): ${escapeHtml(counts)}.</p></div>`);
  }
  parts.push('</div>');
  parts.push(calibrationSection(rows, (system) => colourOf(metrics, system)));
  for (const section of input.sections ?? []) parts.push(`<section id="section-${escapeHtml(section.id)}"><h2>${escapeHtml(section.title)}</h2>${section.html}</section>`);

  parts.push('<h2>Accuracy breakdowns</h2>');
  parts.push(breakdownTable('by-category', 'category', metrics, (s) => s.byCategory));
  parts.push(breakdownTable('by-duration', 'duration group', metrics, (s) => s.byDurationGroup));
  parts.push(breakdownTable('by-task', 'task type', metrics, (s) => s.byTaskType));

  // Questions.
  const questionIds = [...new Set(rows.map((row) => row.questionId))];
  const bySystem = new Map(rows.map((row) => [`${row.system}\u0000${row.questionId}`, row]));
  const systems = metrics.systems.map((s) => s.system);
  const header = `<tr><th>question</th><th>length</th><th>category</th><th>asked</th><th>expected</th>${systems.map((s) => `<th data-system-column="${escapeHtml(s)}">${escapeHtml(s)}</th>`).join('')}</tr>`;
  const body = questionIds.map((id) => {
    const first = rows.find((row) => row.questionId === id)!;
    const expected = `${first.expected.answerIndex !== undefined ? `${optionLetter(first.expected.answerIndex)}. ` : ''}${first.expected.answer}`;
    const wrongSystems = systems.filter((system) => bySystem.has(`${system}\u0000${id}`) && isWrong(bySystem.get(`${system}\u0000${id}`)!));
    const idCell = input.questionHref ? `<a class="question-link" href="${escapeHtml(input.questionHref(id))}"><code>${escapeHtml(id)}</code></a>` : `<code>${escapeHtml(id)}</code>`;
    return `<tr data-question="${escapeHtml(id)}" data-category="${escapeHtml(first.category ?? '')}" data-length="${escapeHtml(first.durationGroup ?? '')}" data-wrong="${escapeHtml(wrongSystems.join(' '))}"><td>${idCell}</td><td>${escapeHtml(first.durationGroup ?? '')}</td><td>${escapeHtml(first.category ?? '')}</td><td>${escapeHtml(first.question)}</td><td>${escapeHtml(expected)}</td>${systems
      .map((system) => {
        const row = bySystem.get(`${system}\u0000${id}`);
        return outcomeCell(system, row, row ? input.traceHref(row) : undefined);
      })
      .join('')}</tr>`;
  });
  const labelsOf = (pick: (row: ResultRow) => string | undefined): string[] => [...new Set(rows.map(pick).filter((v): v is string => Boolean(v)))].sort(compareLabels);
  const filters =
    '<div class="filters" id="filters">' +
    '<label><input type="checkbox" id="filter-wrong"> wrong only</label>' +
    selectFilter('filter-category', 'category', labelsOf((row) => row.category)) +
    selectFilter('filter-length', 'length', labelsOf((row) => row.durationGroup)) +
    selectFilter('filter-system', 'system', systems) +
    `<span class="note" id="filter-count">${questionIds.length} of ${questionIds.length} questions</span></div>`;
  parts.push('<h2>Questions</h2>', filters, `<table id="questions">${header}${body.join('')}</table>`);
  return htmlPage('LongVid evaluation report', parts.join('\n'), FILTER_SCRIPT);
}
