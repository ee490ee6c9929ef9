import type { Span, TraceEvent } from '@longvid/core';
import { formatSpan, formatTimestamp } from '@longvid/core';
import type { ResultRow } from '../runner/results-file';
import { optionLetter } from '../question';
import { escapeHtml, formatNumber, htmlPage } from './html';
import { PLAYER_SCRIPT, spanPlayer } from './question-page';

/** A keyframe thumbnail shown in the trace viewer. */
export interface Thumbnail {
  /** Time in the video, seconds. */
  time: number;
  /** Image path relative to the page. */
  src: string;
  /** Why this frame (e.g. `round 1: ocr`, `ground truth`). */
  label: string;
}

/** Width of the timeline track, pixels. */
const TRACK = 860;
/** Width of the row labels, pixels. */
const LABEL = 130;
const ROW = 22;

/** Colours of the timeline. */
export const TIMELINE_COLOURS = { groundTruth: '#2da44e', memory: '#8c959f', ocr: '#1f6feb', subtitles: '#8250df', memoryTool: '#6e7781', evidence: '#d97706', cited: '#cf222e', thumbnail: '#24292f' } as const;

interface TimelineRow {
  label: string;
  items: Array<{ span: Span; colour: string; kind: string; round?: number; title: string; minWidth?: number; opacity?: number }>;
}

/** Times at which to take thumbnails: ground truth, cited evidence, then each plan step's centre, start and end (deduplicated, at most `limit`). */
export function thumbnailTimes(row: ResultRow, events: TraceEvent[], limit = 8): Array<{ time: number; label: string }> {
  const wanted: Array<{ time: number; label: string }> = [];
  for (const span of row.groundTruthSpans) wanted.push({ time: (span.start + span.end) / 2, label: 'ground truth' });
  for (const evidence of row.evidence) wanted.push({ time: (evidence.span.start + evidence.span.end) / 2, label: `cited: "${evidence.text.slice(0, 30)}"` });
  for (const event of events) {
    if (event.type !== 'plan') continue;
    for (const step of event.plan.steps) {
      wanted.push({ time: (step.span.start + step.span.end) / 2, label: `round ${event.plan.round}: ${step.tool}` });
      wanted.push({ time: step.span.start + 0.1, label: `round ${event.plan.round}: ${step.tool} from` });
      wanted.push({ time: step.span.end - 0.1, label: `round ${event.plan.round}: ${step.tool} to` });
    }
  }
  const chosen: Array<{ time: number; label: string }> = [];
  for (const item of wanted) {
    if (chosen.length >= limit) break;
    const time = Math.max(0, Math.min(row.videoSeconds - 0.05, item.time));
    if (chosen.some((c) => Math.abs(c.time - time) < 0.5)) continue;
    chosen.push({ time, label: item.label });
  }
  return chosen.sort((a, b) => a.time - b.time);
}

function timelineRows(row: ResultRow, events: TraceEvent[]): TimelineRow[] {
  const rows: TimelineRow[] = [];
  rows.push({ label: 'ground truth', items: row.groundTruthSpans.map((span) => ({ span, colour: TIMELINE_COLOURS.groundTruth, kind: 'ground-truth', title: `ground truth ${formatSpan(span)}` })) });
  const memory = events.find((event): event is Extract<TraceEvent, { type: 'memory' }> => event.type === 'memory');
  if (memory) {
    rows.push({
      label: 'memory recall',
      items: memory.hits.map((hit) => ({ span: hit.span, colour: TIMELINE_COLOURS.memory, kind: 'memory', round: 0, title: `memory hit ${formatSpan(hit.span)} (score ${hit.score.toFixed(3)}): ${hit.text.slice(0, 120)}`, opacity: 0.7 })),
    });
  }
  const rounds = [...new Set(events.flatMap((event) => (event.type === 'plan' ? [event.plan.round] : [])))].sort((a, b) => a - b);
  for (const round of rounds) {
    const plan = events.find((event): event is Extract<TraceEvent, { type: 'plan' }> => event.type === 'plan' && event.plan.round === round)!;
    rows.push({
      label: `round ${round}: looked`,
      items: plan.plan.steps.map((step) => ({
        span: step.span,
        colour: step.tool === 'ocr' ? TIMELINE_COLOURS.ocr : step.tool === 'subtitles' ? TIMELINE_COLOURS.subtitles : TIMELINE_COLOURS.memoryTool,
        kind: 'plan',
        round,
        title: `round ${round}: ${step.tool} ${formatSpan(step.span)} at ${formatNumber(step.fps, 2)} fps, ${step.resolution} — ${step.reason}`,
        minWidth: 2,
      })),
    });
    const observation = events.find((event): event is Extract<TraceEvent, { type: 'observation' }> => event.type === 'observation' && event.round === round);
    rows.push({
      label: `round ${round}: found`,
      items: (observation?.evidence ?? []).map((evidence) => ({ span: evidence.span, colour: TIMELINE_COLOURS.evidence, kind: 'evidence', round, title: `${evidence.id} ${formatSpan(evidence.span)} ${evidence.tool}: "${evidence.text}"`, minWidth: 3 })),
    });
  }
  rows.push({ label: 'answer cites', items: row.evidence.map((evidence) => ({ span: evidence.span, colour: TIMELINE_COLOURS.cited, kind: 'cited', round: evidence.round, title: `${evidence.id} ${formatSpan(evidence.span)} ${evidence.tool}: "${evidence.text}"`, minWidth: 3 })) });
  return rows;
}

/** The timeline as inline SVG: one row per kind of span, the video's length across. */
export function timelineSvg(row: ResultRow, events: TraceEvent[], thumbnails: Array<{ time: number }>): string {
  const duration = Math.max(row.videoSeconds, 1e-6);
  const rows = timelineRows(row, events);
  const height = 24 + rows.length * ROW + 26;
  const x = (seconds: number): number => LABEL + (Math.max(0, Math.min(duration, seconds)) / duration) * TRACK;
  const parts: string[] = [];
  rows.forEach((timelineRow, index) => {
    const y = 18 + index * ROW;
    parts.push(`<text x="${LABEL - 8}" y="${y + 14}" text-anchor="end">${escapeHtml(timelineRow.label)}</text><rect x="${LABEL}" y="${y + 3}" width="${TRACK}" height="${ROW - 6}" fill="#f6f8fa"/>`);
    for (const item of timelineRow.items) {
      const start = x(item.span.start);
      const width = Math.max(item.minWidth ?? 2, x(item.span.end) - start);
      parts.push(
        `<rect class="span" data-kind="${item.kind}"${item.round !== undefined ? ` data-round="${item.round}"` : ''} x="${start.toFixed(1)}" y="${y + 3}" width="${width.toFixed(1)}" height="${ROW - 6}" fill="${item.colour}"${item.opacity ? ` fill-opacity="${item.opacity}"` : ''}><title>${escapeHtml(item.title)}</title></rect>`,
      );
    }
  });
  const axisY = 18 + rows.length * ROW + 2;
  parts.push(`<line x1="${LABEL}" x2="${LABEL + TRACK}" y1="${axisY}" y2="${axisY}" stroke="#57606a"/>`);
  const steps = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  const step = steps.find((s) => duration / s <= 10) ?? 7200;
  for (let t = 0; t <= duration + 1e-6; t += step) {
    parts.push(`<line x1="${x(t)}" x2="${x(t)}" y1="${axisY}" y2="${axisY + 4}" stroke="#57606a"/><text x="${x(t)}" y="${axisY + 16}" text-anchor="middle">${formatTimestamp(t)}</text>`);
  }
  for (const thumbnail of thumbnails) {
    const tx = x(thumbnail.time);
    parts.push(`<path data-kind="thumbnail" d="M${tx.toFixed(1)},${axisY - 1} l-4,-6 h8 z" fill="${TIMELINE_COLOURS.thumbnail}"><title>thumbnail at ${formatTimestamp(thumbnail.time)}</title></path>`);
  }
  const width = LABEL + TRACK + 20;
  return `<svg id="timeline" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-size="11">${parts.join('')}</svg>`;
}

function outcome(row: ResultRow): string {
  if (row.status === 'error') return `<span class="failed">error</span>`;
  if (row.status === 'timeout') return `<span class="failed">timeout</span>`;
  if (row.parseFailure) return `<span class="unparsed">no readable answer (parse failure)</span>`;
  return row.correct ? `<span class="right">right</span>` : `<span class="wrong">wrong</span>`;
}

/**
 * The trace viewer page of one question and system: the question and outcome, the video timeline
 * with the ground truth, memory recall, the spans looked at and the evidence found per round and
 * the evidence the answer cites; keyframe thumbnails; then each round's plan, observation and the
 * reflector's decision; each cited span playable ({@link spanPlayer}, with `videoSrc` relative to
 * the page).
 */
export function renderTracePage(input: { row: ResultRow; events: TraceEvent[]; thumbnails: Thumbnail[]; indexHref: string; videoSrc?: string }): string {
  const { row, events, thumbnails } = input;
  const choice = (index: number | undefined): string => (index === undefined || !row.choices ? '' : `${optionLetter(index)}. `);
  const parts: string[] = [];
  parts.push(`<p class="meta"><a href="${escapeHtml(input.indexHref)}">← report</a></p>`);
  parts.push(`<h1>${escapeHtml(row.questionId)} · ${escapeHtml(row.system)}</h1>`);
  parts.push(`<p class="meta">${escapeHtml(row.video)} · ${formatTimestamp(row.videoSeconds)} (${formatNumber(row.videoSeconds)} s)${row.durationGroup ? ` · ${escapeHtml(row.durationGroup)}` : ''}${row.category ? ` · ${escapeHtml(row.category)}` : ''}${row.taskType ? ` · ${escapeHtml(row.taskType)}` : ''} · seed ${row.seed}</p>`);
  parts.push(`<p><b>Question:</b> ${escapeHtml(row.question)}</p>`);
  if (row.choices) parts.push(`<ol type="A">${row.choices.map((c) => `<li>${escapeHtml(c)}</li>`).join('')}</ol>`);
  parts.push(`<p><b>Expected:</b> ${escapeHtml(choice(row.expected.answerIndex) + row.expected.answer)} · <b>Answer:</b> ${row.predicted ? escapeHtml(choice(row.predicted.choiceIndex) + row.predicted.answer) : '–'} · ${outcome(row)}${row.predicted ? ` · confidence ${row.predicted.confidence.toFixed(2)}${row.predicted.sufficient ? '' : ' (evidence insufficient)'}` : ''}</p>`);
  if (row.error) parts.push(`<p class="wrong">${escapeHtml(row.error.message)}${row.error.hint ? ` (${escapeHtml(row.error.hint)})` : ''}</p>`);
  parts.push(
    `<p class="meta">rounds ${row.cost.rounds} · frames observed ${row.cost.framesObserved} · LLM calls ${row.cost.llmCalls} · tokens ${row.cost.inputTokens}+${row.cost.outputTokens} · ${formatNumber(row.cost.wallSeconds)} s · evidence hit ${row.evidenceHit === null ? '–' : row.evidenceHit ? 'yes' : 'no'} · temporal IoU ${row.temporalIoU === null ? '–' : row.temporalIoU.toFixed(2)}</p>`,
  );
  parts.push('<h2>Timeline</h2>');
  parts.push(timelineSvg(row, events, thumbnails));
  parts.push(
    `<p class="note">Green: ground truth · grey: memory recall${row.system.startsWith('uniform-') ? ' (not shown to the baseline’s reflector)' : ''} · blue/purple: spans looked at (OCR/subtitles) · orange: evidence found · red: evidence the answer cites · ▼ thumbnails.</p>`,
  );
  if (thumbnails.length) {
    parts.push(`<div class="thumbs" id="thumbnails">${thumbnails.map((t) => `<figure><img src="${escapeHtml(t.src)}" alt="frame at ${formatTimestamp(t.time)}" loading="lazy"><figcaption>${formatTimestamp(t.time)} · ${escapeHtml(t.label)}</figcaption></figure>`).join('')}</div>`);
  }
  parts.push('<h2>Rounds</h2>');
  const memory = events.find((event): event is Extract<TraceEvent, { type: 'memory' }> => event.type === 'memory');
  if (memory) {
    parts.push(`<details><summary>Memory recall: ${memory.hits.length} events</summary><table><tr><th>span</th><th>score</th><th>text</th></tr>${memory.hits.map((hit) => `<tr><td>${formatSpan(hit.span)}</td><td class="num">${hit.score.toFixed(3)}</td><td>${escapeHtml(hit.text.slice(0, 200))}</td></tr>`).join('')}</table></details>`);
  }
  for (const event of events) {
    if (event.type === 'plan') {
      parts.push(`<h3 data-round="${event.plan.round}">Round ${event.plan.round}</h3><p class="meta">plan by ${escapeHtml(event.by)}</p>`);
      parts.push(
        event.plan.steps.length
          ? `<table class="plan"><tr><th>span</th><th>tool</th><th>fps</th><th>resolution</th><th>why</th></tr>${event.plan.steps.map((step) => `<tr><td>${formatSpan(step.span)} (${formatNumber(step.span.start)}–${formatNumber(step.span.end)} s)</td><td>${step.tool}</td><td class="num">${formatNumber(step.fps, 2)}</td><td>${step.resolution}</td><td>${escapeHtml(step.reason)}</td></tr>`).join('')}</table>`
          : '<p class="note">nothing more to look at</p>',
      );
    } else if (event.type === 'observation') {
      parts.push(
        `<p class="meta">observed by ${escapeHtml(event.by)}: ${event.framesUsed} frames, ${event.evidence.length} pieces of evidence</p>` +
          (event.evidence.length
            ? `<table class="evidence"><tr><th>id</th><th>span</th><th>tool</th><th>text</th><th>confidence</th></tr>${event.evidence.map((e) => `<tr><td>${e.id}</td><td>${formatSpan(e.span)} (${formatNumber(e.span.start)}–${formatNumber(e.span.end)} s)</td><td>${escapeHtml(e.tool)}</td><td>${escapeHtml(e.text)}</td><td class="num">${e.confidence.toFixed(2)}</td></tr>`).join('')}</table>`
            : ''),
      );
    } else if (event.type === 'reflection') {
      const r = event.reflection;
      parts.push(
        `<p class="reflection" data-round="${r.round}"><b>Reflector</b> (${escapeHtml(event.by)}): ${r.sufficient ? '<span class="right">sufficient</span>' : '<span class="unparsed">not sufficient</span>'}` +
          `${r.answer !== undefined ? ` · answer “${escapeHtml(r.answer)}”` : ''} · confidence ${r.confidence.toFixed(2)}${r.evidenceIds.length ? ` · cites ${escapeHtml(r.evidenceIds.join(', '))}` : ''} — ${escapeHtml(r.reason)}</p>`,
      );
    } else if (event.type === 'error') {
      parts.push(`<p class="wrong">error in round ${event.round}: ${escapeHtml(event.message)}</p>`);
    }
  }
  parts.push('<h2>Evidence the answer cites</h2>');
  parts.push(
    row.evidence.length
      ? `<table id="cited"><tr><th>id</th><th>span</th><th>tool</th><th>text</th><th>round</th><th>play</th></tr>${row.evidence.map((e) => `<tr><td>${e.id}</td><td>${formatSpan(e.span)} (${formatNumber(e.span.start)}–${formatNumber(e.span.end)} s)</td><td>${escapeHtml(e.tool)}</td><td>${escapeHtml(e.text)}</td><td class="num">${e.round}</td><td>${spanPlayer(e.span, input.videoSrc, thumbnails)}</td></tr>`).join('')}</table>`
      : '<p class="note">none</p>',
  );
  return htmlPage(`${row.questionId} · ${row.system}`, parts.join('\n'), row.evidence.length ? PLAYER_SCRIPT : undefined);
}
