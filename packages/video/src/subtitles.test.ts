import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LongVidError } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { parseSubtitles, readSubtitles } from './index';

function subtitlesError(run: () => unknown): LongVidError {
  try {
    run();
  } catch (error) {
    if (LongVidError.is(error)) return error;
    throw error;
  }
  throw new Error('did not throw');
}

describe('readSubtitles', () => {
  let directory: string;
  beforeAll(() => {
    directory = mkdtempSync(join(tmpdir(), 'longvid-subtitles-'));
  });
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('reads the dev_long.srt sidecar', async () => {
    expect(await readSubtitles(sharedVideo('dev_long.srt'))).toEqual([{ span: { start: 71, end: 74 }, text: 'The package is in the blue van.' }]);
  });

  it('reads a WebVTT file with header, NOTE, STYLE, identifiers, cue settings and tags', async () => {
    const vtt = [
      'WEBVTT - made in a test',
      'Kind: captions',
      '',
      'NOTE this is a comment',
      'spanning two lines',
      '',
      'STYLE',
      '::cue { color: yellow }',
      '',
      'intro',
      '00:01.500 --> 00:04.000 align:start position:10%',
      '<v Ann>Hello <i>there</i></v>',
      'second &amp; line',
      '',
      '01:02:03.250 --> 01:02:05.000',
      '<c.loud>Later</c>',
      '',
    ].join('\r\n');
    const path = join(directory, 'captions.vtt');
    writeFileSync(path, `\uFEFF${vtt}`);
    expect(await readSubtitles(path)).toEqual([
      { span: { start: 1.5, end: 4 }, text: 'Hello there second & line' },
      { span: { start: 3723.25, end: 3725 }, text: 'Later' },
    ]);
  });

  it('tolerates SRT without index lines, a BOM, CR line breaks, {\\an8} and sorts cues', () => {
    const srt = '\uFEFF00:00:05,000 --> 00:00:06,000\r{\\an8}<b>Second</b>\r\r1\r00:00:01,000 --> 00:00:02,500\rFirst\r';
    expect(parseSubtitles(srt, 'x.srt')).toEqual([
      { span: { start: 1, end: 2.5 }, text: 'First' },
      { span: { start: 5, end: 6 }, text: 'Second' },
    ]);
    expect(parseSubtitles('', 'empty.srt')).toEqual([]);
  });

  it('drops terminal escape sequences and control characters from cue text (raw or as entities)', () => {
    const srt = '1\n00:00:01,000 --> 00:00:02,000\n\u001b[31mSAM\u001b[0m 0\u001b]0;pwned\u0007 left\u0000\n\n2\n00:00:03,000 --> 00:00:04,000\n&#27;[2Jclear &#x9b;here\u0085\n\n3\n00:00:05,000 --> 00:00:06,000\n\u001b[2J\n';
    expect(parseSubtitles(srt, 'evil.srt')).toEqual([
      { span: { start: 1, end: 2 }, text: 'SAM 0 left' },
      { span: { start: 3, end: 4 }, text: 'clear here' },
    ]);
  });

  it('throws SUBTITLES_INVALID naming the file and the first bad line', async () => {
    const path = join(directory, 'broken.srt');
    writeFileSync(path, '1\n00:00:01,000 --> 00:00:02,000\nfine\n\n2\n00:00:03,000 --> soon\nbroken\n');
    const error = (await readSubtitles(path).catch((caught: unknown) => caught)) as LongVidError;
    expect(error.code).toBe('SUBTITLES_INVALID');
    expect(error.message).toMatch(/^broken\.srt: line 6: /);
    expect(error.hint).toBeTruthy();

    expect(subtitlesError(() => parseSubtitles('just some text\nand more', 'notes.srt')).message).toMatch(/^notes\.srt: line 1: expected a cue timing line/);
    expect(subtitlesError(() => parseSubtitles('1\n00:00:05,000 --> 00:00:04,000\nbackwards', 'b.srt')).message).toMatch(/^b\.srt: line 2: the cue ends/);
    expect(subtitlesError(() => parseSubtitles('1\n00:00:01,000 --> 00:00:02,000\nok\n\n2\nno timing', 'c.srt')).message).toMatch(/^c\.srt: line 5:/);
  });

  it('throws FILE_NOT_FOUND for a missing file or a directory', async () => {
    await expect(readSubtitles(join(directory, 'missing.srt'))).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
    await expect(readSubtitles(directory)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' });
  });
});

describe('subtitle encodings', () => {
  const directory = mkdtempSync(join(tmpdir(), 'longvid-subtitle-encodings-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));
  // The real dev_long.srt with a second cue in French, so the file has characters outside ASCII.
  const text = `${readFileSync(sharedVideo('dev_long.srt'), 'utf8').trimEnd()}\n\n2\n00:01:15,000 --> 00:01:18,000\nLe café est à côté de la gare, près du débarcadère.\n`;

  it('decodes a Latin-1 file by its detected encoding, not into U+FFFD', async () => {
    const path = join(directory, 'latin1.srt');
    writeFileSync(path, Buffer.from(text, 'latin1'));
    const lines = await readSubtitles(path);
    expect(lines.map((line) => line.text)).toEqual(['The package is in the blue van.', 'Le café est à côté de la gare, près du débarcadère.']);
  });

  it('decodes UTF-16 with a byte-order mark and UTF-8 with one', async () => {
    const utf16 = join(directory, 'utf16.srt');
    writeFileSync(utf16, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    expect((await readSubtitles(utf16))[1].text).toBe('Le café est à côté de la gare, près du débarcadère.');
    const bom = join(directory, 'bom.srt');
    writeFileSync(bom, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text, 'utf8')]));
    expect((await readSubtitles(bom))[1].text).toBe('Le café est à côté de la gare, près du débarcadère.');
  });
});
