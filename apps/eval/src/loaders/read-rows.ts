import { existsSync } from 'node:fs';
import { extname } from 'node:path';
import { LongVidError } from '@longvid/core';
import { readParquetRows } from '@longvid/training';
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

/**
 * Reads the rows of a parquet annotation file (e.g. Video-MME's released
 * `videomme/test-00000-of-00001.parquet`), one row per record, numbered from 1, through the
 * parquet reader the training exports use (hyparquet).
 * @throws LongVidError `FILE_NOT_FOUND`, or `BAD_INPUT` when the file is not parquet.
 */
export async function readParquetAnnotationRows(file: string): Promise<AnnotationRow[]> {
  if (!existsSync(file)) throw new LongVidError('FILE_NOT_FOUND', `cannot read annotation file ${file}`, { details: { file }, hint: 'pass the path of an existing annotation file' });
  let records: Record<string, unknown>[];
  try {
    records = await readParquetRows(file);
  } catch (error) {
    throw new LongVidError('BAD_INPUT', `${file} is not a readable parquet file: ${(error as Error).message}`, { details: { file }, hint: 'pass the parquet file as released, or convert it to JSON Lines', cause: error });
  }
  return records.map((value, index) => ({ row: index + 1, value }));
}
