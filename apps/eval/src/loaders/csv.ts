import { LongVidError } from '@longvid/core';

/** One CSV record: its 1-based line number in the file (where the record starts) and its fields. */
export interface CsvRecord {
  line: number;
  fields: string[];
}

/**
 * Parses CSV text as RFC 4180: fields separated by commas, records by CRLF or LF, fields may be
 * quoted with `"` (a quoted field may hold commas, line breaks and `""` for a quote). A UTF-8 byte
 * order mark is dropped; empty lines are skipped.
 * @param file the file name, for error messages.
 * @throws LongVidError `BAD_INPUT` naming the line of an unterminated quoted field or of text after a closing quote.
 */
export function parseCsv(text: string, file = '(csv)'): CsvRecord[] {
  const source = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let line = 1;
  let recordLine = 1;
  let inQuotes = false;
  let quotedFieldLine = 0;
  let afterQuote = false;
  let recordHasContent = false;
  const endField = (): void => {
    fields.push(field);
    field = '';
    afterQuote = false;
  };
  const endRecord = (): void => {
    endField();
    if (recordHasContent || fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
    fields = [];
    recordHasContent = false;
  };
  for (let i = 0; i < source.length; i += 1) {
    const char = source[i];
    if (inQuotes) {
      if (char === '"') {
        if (source[i + 1] === '"') {
          field += '"';
          i += 1;
        } else {
          inQuotes = false;
          afterQuote = true;
        }
      } else {
        if (char === '\n') line += 1;
        field += char;
      }
      continue;
    }
    if (char === ',') {
      endField();
      recordHasContent = true;
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && source[i + 1] === '\n') i += 1;
      endRecord();
      line += 1;
      recordLine = line;
    } else if (char === '"' && field === '' && !afterQuote) {
      inQuotes = true;
      quotedFieldLine = line;
      recordHasContent = true;
    } else if (afterQuote) {
      throw new LongVidError('BAD_INPUT', `${file}:${line}: text after a closing quote`, {
        details: { file, row: line },
        hint: 'quote the whole field and double any quote inside it ("")',
      });
    } else {
      field += char;
      recordHasContent = true;
    }
  }
  if (inQuotes) {
    throw new LongVidError('BAD_INPUT', `${file}:${quotedFieldLine}: quoted field is never closed`, {
      details: { file, row: quotedFieldLine },
      hint: 'close the quoted field with a " (a quote inside a field is written "")',
    });
  }
  if (field !== '' || fields.length > 0 || recordHasContent) endRecord();
  return records;
}
