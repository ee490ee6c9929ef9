import { readFile } from 'node:fs/promises';
import JSON5 from 'json5';
import type { z } from 'zod';
import { LongVidError } from '@longvid/core';
import { parseCsv } from './csv';

/** One row of an annotation file before validation. */
export interface AnnotationRow {
  /** 1-based line number (JSONL, CSV) or 1-based item number (JSON array). */
  row: number;
  /** The parsed value (an object for CSV, keyed by the header). */
  value: unknown;
}

/** A problem with one field of one row, thrown by converters and turned into a malformed-row report. */
export class RowProblem extends Error {
  constructor(
    /** Field path inside the row, e.g. `options[2]`. */
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'RowProblem';
  }
}

/** Formats a zod issue path as `options[2].text`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out ? `.${String(part)}` : String(part);
  }
  return out || '(row)';
}

/** The first zod issue of a failed parse as `{ field, message }`. */
export function firstIssue(error: z.ZodError): { field: string; message: string } {
  const issue = error.issues[0];
  return { field: formatPath(issue.path), message: issue.message };
}

/**
 * The error for a malformed row: `file:row: field: message`, with `details` naming the file, the
 * row, the field and the offending value.
 */
export function malformedRowError(file: string, row: number, field: string, message: string, value?: unknown): LongVidError {
  return new LongVidError('BAD_INPUT', `${file}:${row}: ${field}: ${message}`, {
    details: { file, row, field, value },
    hint: `fix row ${row} of ${file} (or load with onMalformed: 'skip' to skip malformed rows)`,
  });
}

async function readText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new LongVidError(code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'BAD_INPUT', `cannot read annotation file ${file}: ${(error as Error).message}`, {
      details: { file },
      hint: 'pass the path of an existing annotation file',
      cause: error,
    });
  }
}

/**
 * Parses JSON, tolerating what hand-edited benchmark files contain (trailing commas, as in
 * Video-MME's official `output_test_template.json`) through JSON5 when strict JSON fails.
 * @throws the strict parser's error when JSON5 cannot read the text either.
 */
export function parseLenientJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    try {
      return JSON5.parse(text);
    } catch {
      throw error;
    }
  }
}

/**
 * Reads a JSON file whose top level is an array; each item is a row. Trailing commas are
 * tolerated (see {@link parseLenientJson}).
 * @throws LongVidError `FILE_NOT_FOUND`, or `BAD_INPUT` when the file is not JSON or not an array.
 */
export async function readJsonArray(file: string): Promise<AnnotationRow[]> {
  const text = await readText(file);
  let parsed: unknown;
  try {
    parsed = parseLenientJson(text);
  } catch (error) {
    throw new LongVidError('BAD_INPUT', `${file} is not valid JSON: ${(error as Error).message}`, { details: { file }, hint: 'fix the JSON syntax', cause: error });
  }
  if (!Array.isArray(parsed)) {
    throw new LongVidError('BAD_INPUT', `${file} must hold a JSON array of rows`, { details: { file, found: typeof parsed }, hint: 'pass the annotation file whose top level is a list of questions' });
  }
  return parsed.map((value, index) => ({ row: index + 1, value }));
}

/**
 * Reads a JSON object file (for side files such as answer maps).
 * @throws LongVidError `FILE_NOT_FOUND`, or `BAD_INPUT` when the file is not a JSON object.
 */
export async function readJsonObject(file: string): Promise<Record<string, unknown>> {
  const text = await readText(file);
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new LongVidError('BAD_INPUT', `${file} is not valid JSON: ${(error as Error).message}`, { details: { file }, hint: 'fix the JSON syntax', cause: error });
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new LongVidError('BAD_INPUT', `${file} must hold a JSON object`, { details: { file }, hint: 'pass a file like {"<id>": <value>, ...}' });
  }
  return parsed as Record<string, unknown>;
}

/**
 * Reads a JSON Lines file: one JSON value per line; blank lines are skipped.
 * @throws LongVidError `BAD_INPUT` naming the line that is not valid JSON (unless `onBadLine` takes it).
 */
export async function readJsonLines(file: string, onBadLine?: (row: number, message: string) => void): Promise<AnnotationRow[]> {
  const text = await readText(file);
  const rows: AnnotationRow[] = [];
  text.split('\n').forEach((line, index) => {
    const trimmed = line.trim();
    if (!trimmed) return;
    try {
      rows.push({ row: index + 1, value: JSON.parse(trimmed) });
    } catch (error) {
      const message = `not valid JSON (${(error as Error).message})`;
      if (onBadLine) onBadLine(index + 1, message);
      else throw malformedRowError(file, index + 1, '(row)', message, trimmed.slice(0, 200));
    }
  });
  return rows;
}

/**
 * Reads a CSV file with a header row; each record becomes an object keyed by the header names.
 * @throws LongVidError `BAD_INPUT` for an empty file, a CSV syntax error, or a record whose field
 *   count differs from the header's (naming its line; unless `onBadLine` takes it).
 */
export async function readCsvObjects(file: string, onBadLine?: (row: number, message: string) => void): Promise<AnnotationRow[]> {
  const records = parseCsv(await readText(file), file);
  if (records.length === 0) throw new LongVidError('BAD_INPUT', `${file} is empty`, { details: { file }, hint: 'pass a CSV file with a header row' });
  const header = records[0].fields.map((name) => name.trim());
  const rows: AnnotationRow[] = [];
  for (const record of records.slice(1)) {
    if (record.fields.length !== header.length) {
      const message = `has ${record.fields.length} fields, the header has ${header.length}`;
      if (onBadLine) {
        onBadLine(record.line, message);
        continue;
      }
      throw malformedRowError(file, record.line, '(row)', message, record.fields);
    }
    rows.push({ row: record.line, value: Object.fromEntries(header.map((name, index) => [name, record.fields[index]])) });
  }
  return rows;
}
