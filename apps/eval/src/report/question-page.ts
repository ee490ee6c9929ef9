import type { Span } from '@longvid/core';
import { formatSpan, formatTimestamp } from '@longvid/core';
import { optionLetter } from '../question';
import type { ResultRow } from '../runner/results-file';
import { escapeHtml, formatNumber, htmlPage } from './html';
import { openEndedGrade } from './report-page';
import type { Thumbnail } from './trace-page';

/** Inputs of {@link renderQuestionPage}. */
export interface QuestionPageInput {
  /** The question's rows, one per system that answered it. */
  rows: ResultRow[];
  /** Every system of the run, in report order (a system without a row gets an empty column). */
  systems: string[];
  /** Link to a row's trace page, relative to the question page. */
  traceHref: (row: ResultRow) => string;
  /** Link back to the report, relative to the question page. */
  indexHref: string;
  /** The video, relative to the question page, when its file was there when the report was written. */
  videoSrc?: string;
  /** Keyframe thumbnails per system (src relative to the question page), shown when the video cannot play. */
  thumbnails: ReadonlyMap<string, readonly Thumbnail[]>;
}

/** Relative path of a question's side-by-side page inside the report directory. */
export function questionPagePath(questionId: string, safeName: (name: string) => string): string {
  return `question/${safeName(questionId)}.html`;
}

/**
 * A span that plays in the page: an HTML5 video with a `#t=start,end` media fragment (W3C Media
 * Fragments URI 1.0, temporal dimension) when the video is reachable; the thumbnails within the span
 * otherwise, or when the browser cannot load the video (the page's script swaps them in).
 */
export function spanPlayer(span: Span, videoSrc: string | undefined, thumbnails: readonly Thumbnail[]): string {
  const inside = thumbnails.filter((t) => t.time >= span.start - 0.5 && t.time <= span.end + 0.5);
  const fallback = inside.length
    ? `<div class="thumbs">${inside.map((t) => `<figure><img src="${escapeHtml(t.src)}" alt="frame at ${formatTimestamp(t.time)}"><figcaption>${formatTimestamp(t.time)}</figcaption></figure>`).join('')}</div>`
    : '<p class="note">video not reachable and no thumbnail of this span</p>';
  const video = videoSrc
    ? `<video controls preload="metadata" src="${escapeHtml(`${videoSrc}#t=${span.start.toFixed(2)},${span.end.toFixed(2)}`)}"></video>`
    : '';
  return `<div class="span-player" data-start="${span.start}" data-end="${span.end}">${video}<div class="fallback"${videoSrc ? ' hidden' : ''}>${fallback}</div><span class="note">${formatSpan(span)} (${formatNumber(span.start)}–${formatNumber(span.end)} s)</span></div>`;
}

function outcome(row: ResultRow): string {
  if (row.status !== 'answered') return `<span class="failed">${row.status}</span>`;
  if (row.openEnded) return `<span class="graded">${escapeHtml(openEndedGrade(row.openEnded))}</span>`;
  if (row.parseFailure) return '<span class="unparsed">no readable answer</span>';
  return row.correct ? '<span class="right">right</span>' : '<span class="wrong">wrong</span>';
}

/** Pauses each span's video at the span's end, and shows the thumbnails when the video cannot load (inline script of pages with {@link spanPlayer}s). */
export const PLAYER_SCRIPT = `
for (const player of document.querySelectorAll('.span-player')) {
  const video = player.querySelector('video');
  if (!video) continue;
  const end = Number(player.dataset.end);
  const fallBack = () => { video.hidden = true; player.querySelector('.fallback').hidden = false; player.dataset.state = 'fallback'; };
  video.addEventListener('error', fallBack);
  video.addEventListener('loadedmetadata', () => { player.dataset.state = 'playable'; });
  video.addEventListener('timeupdate', () => { if (video.currentTime >= end) video.pause(); });
  if (video.error) fallBack();
}`;

/**
 * The page of one question with every system side by side: the question, its options with the
 * expected one marked, the ground-truth spans, then one column per system with its outcome, answer,
 * confidence, cost, the evidence it cites (each span playable, see {@link spanPlayer}) and a link to
 * its trace page.
 */
export function renderQuestionPage(input: QuestionPageInput): string {
  const first = input.rows[0];
  const choice = (index: number | undefined): string => (index === undefined || !first.choices ? '' : `${optionLetter(index)}. `);
  const parts: string[] = [];
  parts.push(`<p class="meta"><a href="${escapeHtml(input.indexHref)}">← report</a></p>`);
  parts.push(`<h1>${escapeHtml(first.questionId)}</h1>`);
  parts.push(`<p class="meta">${escapeHtml(first.video)} · ${formatTimestamp(first.videoSeconds)} (${formatNumber(first.videoSeconds)} s)${first.durationGroup ? ` · ${escapeHtml(first.durationGroup)}` : ''}${first.category ? ` · ${escapeHtml(first.category)}` : ''}${first.taskType ? ` · ${escapeHtml(first.taskType)}` : ''}</p>`);
  parts.push(`<p><b>Question:</b> ${escapeHtml(first.question)}</p>`);
  if (first.choices) {
    parts.push(`<ol type="A" id="choices">${first.choices.map((c, index) => `<li${index === first.expected.answerIndex ? ' class="expected"' : ''}>${escapeHtml(c)}${index === first.expected.answerIndex ? ' <span class="right">(expected)</span>' : ''}</li>`).join('')}</ol>`);
  } else {
    parts.push(`<p><b>Expected:</b> ${escapeHtml(first.expected.answer)}</p>`);
  }
  const allThumbnails = [...input.thumbnails.values()].flat();
  if (first.groundTruthSpans.length) {
    parts.push(`<h2>Ground truth</h2><div class="ground-truth">${first.groundTruthSpans.map((span) => spanPlayer(span, input.videoSrc, allThumbnails)).join('')}</div>`);
  }
  parts.push('<h2>Systems side by side</h2><div class="side-by-side">');
  for (const system of input.systems) {
    const row = input.rows.find((r) => r.system === system);
    if (!row) {
      parts.push(`<section class="system-answer" data-system="${escapeHtml(system)}"><h3>${escapeHtml(system)}</h3><p class="note">not run on this question</p></section>`);
      continue;
    }
    const thumbnails = input.thumbnails.get(system) ?? [];
    parts.push(
      `<section class="system-answer" data-system="${escapeHtml(system)}" data-outcome="${row.status !== 'answered' ? row.status : row.openEnded ? 'graded' : row.parseFailure ? 'unparsed' : row.correct ? 'right' : 'wrong'}">` +
        `<h3>${escapeHtml(system)} · ${outcome(row)}</h3>` +
        `<p class="answer"><b>Answer:</b> ${row.predicted ? escapeHtml(choice(row.predicted.choiceIndex) + row.predicted.answer) : '–'}${row.predicted ? ` · confidence ${row.predicted.confidence.toFixed(2)}${row.predicted.sufficient ? '' : ' (evidence insufficient)'}` : ''}</p>` +
        (row.error ? `<p class="wrong">${escapeHtml(row.error.message)}</p>` : '') +
        `<p class="meta">rounds ${row.cost.rounds} · frames observed ${row.cost.framesObserved} · LLM calls ${row.cost.llmCalls} · ${formatNumber(row.cost.wallSeconds)} s · evidence hit ${row.evidenceHit === null ? '–' : row.evidenceHit ? 'yes' : 'no'}${row.traceFile ? ` · <a class="trace-link" href="${escapeHtml(input.traceHref(row))}">trace</a>` : ''}</p>` +
        (row.evidence.length
          ? `<ol class="evidence">${row.evidence.map((e) => `<li><span class="note">${escapeHtml(e.tool)}</span> “${escapeHtml(e.text)}”${spanPlayer(e.span, input.videoSrc, thumbnails)}</li>`).join('')}</ol>`
          : '<p class="note">cites no evidence</p>') +
        '</section>',
    );
  }
  parts.push('</div>');
  return htmlPage(`${first.questionId} · all systems`, parts.join('\n'), PLAYER_SCRIPT);
}
