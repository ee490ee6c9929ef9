import { extname } from 'node:path';
import { readCsvObjects, readJsonArray, readJsonLines, type AnnotationRow } from './annotation-file';
import { unreadableRow, type LoadOptions, type SkippedRow } from './load-annotations';

/**
 * Reads the rows of an annotation file by its extension: `.jsonl`/`.ndjson` as JSON Lines,
 * `.csv` as CSV with a header, anything else as a JSON array (unless `kind` says). Lines that cannot be read are
 * thrown as `BAD_INPUT` or, with `onMalformed: 'skip'`, returned in `skipped`.
 */
export async function readAnnotationRows(
  file: string,
  options: Pick<LoadOptions, 'onMalformed'>,
  kind?: 'jsonl' | 'csv' | 'json',
): Promise<{ rows: AnnotationRow[]; skipped: SkippedRow[] }> {
  const skipped: SkippedRow[] = [];
  const onBadLine = options.onMalformed === 'skip' ? (row: number, message: string) => skipped.push(unreadableRow(file, row, message)) : undefined;
  const extension = extname(file).toLowerCase();
  const type = kind ?? (extension === '.jsonl' || extension === '.ndjson' ? 'jsonl' : extension === '.csv' ? 'csv' : 'json');
  const rows = type === 'jsonl' ? await readJsonLines(file, onBadLine) : type === 'csv' ? await readCsvObjects(file, onBadLine) : await readJsonArray(file);
  return { rows, skipped };
}
