/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char]!);
}

/** Formats a number with `digits` decimals, dropping a trailing `.0…`. */
export function formatNumber(value: number, digits = 1): string {
  if (!Number.isFinite(value)) return '–';
  const fixed = value.toFixed(digits);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/** Formats a fraction in `[0, 1]` as a percentage, `87.5%`; `–` for null. */
export function formatPercent(value: number | null | undefined): string {
  return value === null || value === undefined ? '–' : `${formatNumber(value * 100, 1)}%`;
}

/** Colours of the systems in charts and tables, by position (agent first). */
export const SYSTEM_COLOURS = ['#1f6feb', '#d97706', '#8b5cf6', '#059669', '#dc2626', '#6b7280'];

const STYLE = `
body{font-family:system-ui,-apple-system,"DejaVu Sans",sans-serif;margin:24px;color:#1f2328;background:#fff;max-width:1200px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d7de;padding-bottom:4px}
.meta{color:#57606a;font-size:13px}table{border-collapse:collapse;font-size:13px;margin:6px 0}
th,td{border:1px solid #d0d7de;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f6f8fa}
td.num{text-align:right;font-variant-numeric:tabular-nums}.right{color:#1a7f37;font-weight:600}.wrong{color:#cf222e;font-weight:600}
.unparsed{color:#9a6700;font-weight:600}.graded{color:#0969da;font-weight:600}.failed{color:#6e7781;font-weight:600}svg{font-family:inherit;font-size:11px}
.charts{display:flex;flex-wrap:wrap;gap:20px}.chart{border:1px solid #d0d7de;border-radius:6px;padding:8px}
.chart h3{font-size:14px;margin:0 0 6px}.thumbs{display:flex;flex-wrap:wrap;gap:8px}
.thumbs figure{margin:0;font-size:12px;color:#57606a;text-align:center}.thumbs img{display:block;border:1px solid #d0d7de;max-width:200px}
.note{font-size:12px;color:#57606a}code{font-size:12px}a{color:#0969da}
.filters{display:flex;flex-wrap:wrap;gap:14px;align-items:center;font-size:13px;margin:6px 0;padding:6px 8px;background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px}
.side-by-side{display:flex;flex-wrap:wrap;gap:12px}.system-answer{border:1px solid #d0d7de;border-radius:6px;padding:8px;flex:1 1 300px;min-width:280px}
.system-answer h3{font-size:14px;margin:0 0 6px}.span-player video{max-width:100%;width:320px;display:block}.span-player video[hidden]{display:none}.span-player .fallback[hidden]{display:none}
`;

/**
 * A complete, self-contained HTML page: inline CSS, no external resources, and no scripts unless
 * `script` is given (inline JavaScript run at the end of the body; it must work from `file://`,
 * without a server).
 */
export function htmlPage(title: string, body: string, script?: string): string {
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>\n<body>\n${body}\n${script ? `<script>\n${script}\n</script>\n` : ''}</body></html>\n`;
}
