import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rejection, sharedVideo } from '@longvid/core/testing';
import { parseSubtitles } from '@longvid/video';
import { detectFormat } from './detect-format';
import { loadEgoSchema } from './egoschema';
import { loadGenericJsonl } from './generic-jsonl';
import { loadBenchmark } from './load-benchmark';
import { loadLongVideoBench, longVideoBenchSubtitlesToSrt } from './longvideobench';
import { loadLvBench, parseTimeReference, splitInlineOptions } from './lvbench';
import { loadMlvu } from './mlvu';
import { loadNextQa } from './next-qa';
import { loadVideoMme } from './video-mme';

/**
 * Loader tests on small samples written from each benchmark's published annotation format, with
 * videos that are real clips from ../shared/data/videos linked under the names the samples use.
 */
const fixtures = join(__dirname, '..', 'test-support', 'fixtures');
const fixture = (name: string): string => join(fixtures, name);
const work = mkdtempSync(join(tmpdir(), 'longvid-eval-loaders-'));
const videos = join(work, 'videos');
const links: Record<string, string> = {
  'fFjv93ACGo8.mp4': 'sam2_01_dog.mp4',
  'q2Lb8XyZk0M.mp4': 'mmaction2_basketball_gym.mp4',
  '0074f737-11cb-497d-8d07-77c3a8127391.mp4': 'sam2_04_coffee.mp4',
  '00b9a0de-c59e-49cb-a127-6081e2fb8c8e.mp4': 'sam2_bedroom.mp4',
  '86CxyhFV9MI.mp4': 'sadtalker_WDA_AlexandriaOcasioCortez_000.mp4',
  'B6AcO6vq4zI.mp4': 'sam2_04_coffee.mp4',
  'video/plotQA/movie101_66.mp4': 'sam2_04_coffee.mp4',
  'AWA-6.mp4': 'askanything_yoga.mp4',
  'sxFQ7ghXPhA.mp4': 'intel_bottle-detection.mp4',
  'NExTVideo/1004/4010069381.mp4': 'mmaction2_basketball_gym.mp4',
  'NExTVideo/1106/4882821564.mp4': 'sam2_bedroom.mp4',
};
for (const [name, source] of Object.entries(links)) {
  mkdirSync(dirname(join(videos, name)), { recursive: true });
  symlinkSync(sharedVideo(source), join(videos, name));
}

/** Writes `text` to a new file in the work directory. */
function write(name: string, text: string): string {
  const path = join(work, name);
  writeFileSync(path, text);
  return path;
}

/** Replaces the `index`-th line (from 0) of a fixture file. */
function withLine(name: string, index: number, replace: (line: string) => string): string {
  const lines = readFileSync(fixture(name), 'utf8').split('\n');
  lines[index] = replace(lines[index]);
  return write(`${index}-${name}`, lines.join('\n'));
}

describe('Video-MME', () => {
  it('loads questions with options stripped of their letters, the answer letter as an index, and labels', async () => {
    const suite = await loadVideoMme(fixture('video-mme.json'), { videosDir: videos });
    expect(suite.questions.map((q) => q.id)).toEqual(['001-1', '001-2', '002-1']);
    const first = suite.questions[0];
    expect(first.choices).toEqual(['A cat.', 'A small dog.', 'A horse.', 'A rabbit.']);
    expect(first.answerIndex).toBe(1);
    expect(first.answer).toBe('A small dog.');
    expect(first.category).toBe('Life Record');
    expect(first.taskType).toBe('Object Recognition');
    expect(first.durationGroup).toBe('short');
    expect(first.videoPath).toBe(join(videos, 'fFjv93ACGo8.mp4'));
    expect(first.origin.row).toBe(1);
  });

  it('reports and skips a question whose video is missing', async () => {
    const suite = await loadVideoMme(fixture('video-mme.json'), { videosDir: videos });
    expect(suite.skipped).toEqual([expect.objectContaining({ row: 4, id: '003-1', reason: 'missing-video', video: 'missing00001.mp4' })]);
  });

  it('reads the nested form (one video per row with a questions list)', async () => {
    const suite = await loadVideoMme(fixture('video-mme-nested.json'), { videosDir: videos });
    expect(suite.questions.map((q) => [q.id, q.answerIndex])).toEqual([
      ['001-1', 1],
      ['001-2', 2],
    ]);
  });

  it('names the row and field of an option without its letter', async () => {
    const rows = JSON.parse(readFileSync(fixture('video-mme.json'), 'utf8'));
    rows[2].options[2] = 'Three.';
    const error = await rejection(loadVideoMme(write('mme-bad-option.json', JSON.stringify(rows)), { videosDir: videos }));
    expect(error.code).toBe('BAD_INPUT');
    expect(error.message).toContain('mme-bad-option.json:3: options[2]: expected an option starting with "C. "');
    expect(error.details).toMatchObject({ row: 3, field: 'options[2]' });
  });

  it('names the row of an answer that is not a letter, and can skip it instead', async () => {
    const rows = JSON.parse(readFileSync(fixture('video-mme.json'), 'utf8'));
    rows[1].answer = 'E';
    const path = write('mme-bad-answer.json', JSON.stringify(rows));
    const error = await rejection(loadVideoMme(path, { videosDir: videos }));
    expect(error.message).toContain(':2: answer:');
    const skipped = await loadVideoMme(path, { videosDir: videos, onMalformed: 'skip' });
    expect(skipped.questions.map((q) => q.id)).toEqual(['001-1', '002-1']);
    expect(skipped.skipped.map((s) => [s.row, s.reason])).toEqual([
      [2, 'malformed'],
      [4, 'missing-video'],
    ]);
  });
});

describe('EgoSchema', () => {
  it('joins the answers file, and lists questions without an answer as missing-answer', async () => {
    const suite = await loadEgoSchema(fixture('egoschema-questions.json'), { videosDir: videos, answersFile: fixture('egoschema-answers.json') });
    expect(suite.questions.map((q) => [q.id, q.answerIndex, q.answer])).toEqual([
      ['0074f737-11cb-497d-8d07-77c3a8127391', 3, 'C is cleaning dishes.'],
      ['00b9a0de-c59e-49cb-a127-6081e2fb8c8e', 4, 'To clean the paintbrush.'],
    ]);
    expect(suite.questions[0].choices).toHaveLength(5);
    expect(suite.skipped).toEqual([expect.objectContaining({ row: 3, reason: 'missing-answer', id: '00f93e1e-cf4e-4835-88b4-4ad68216e86f' })]);
  });

  it('names the row of a question without option 4, and the entry of a bad answer', async () => {
    const rows = JSON.parse(readFileSync(fixture('egoschema-questions.json'), 'utf8'));
    delete rows[1]['option 4'];
    const error = await rejection(loadEgoSchema(write('ego-bad.json', JSON.stringify(rows)), { videosDir: videos, answersFile: fixture('egoschema-answers.json') }));
    expect(error.message).toContain('ego-bad.json:2: option 4:');
    const answers = write('ego-answers-bad.json', JSON.stringify({ '0074f737-11cb-497d-8d07-77c3a8127391': 7 }));
    const answerError = await rejection(loadEgoSchema(fixture('egoschema-questions.json'), { videosDir: videos, answersFile: answers }));
    expect(answerError.message).toContain('entry "0074f737-11cb-497d-8d07-77c3a8127391"');
  });
});

describe('LongVideoBench', () => {
  it('loads candidates and correct_choice, finds the subtitle file, and skips the test-split row', async () => {
    const suite = await loadLongVideoBench(fixture('longvideobench.json'), { videosDir: videos, subtitlesDir: fixtures });
    expect(suite.questions.map((q) => [q.id, q.answerIndex, q.answer, q.durationGroup, q.category, q.taskType])).toEqual([
      ['86CxyhFV9MI_0', 2, "I'm going to help you", '<=600s', 'TOS', 'L2-Relation'],
      ['B6AcO6vq4zI_0', 1, 'blue', '<=15s', 'S2A', 'L1-Perception'],
    ]);
    expect(suite.questions[1].subtitlesPath).toBe(fixture('B6AcO6vq4zI_en.json'));
    expect(suite.skipped).toEqual([expect.objectContaining({ row: 3, reason: 'missing-answer' })]);
  });

  it('converts both subtitle shapes to SubRip that the video package parses, shifted by the start offset', () => {
    const srt = longVideoBenchSubtitlesToSrt(JSON.parse(readFileSync(fixture('B6AcO6vq4zI_en.json'), 'utf8')), 2.5);
    const lines = parseSubtitles(srt, 'x.srt');
    expect(lines.map((l) => [l.span.start, l.span.end, l.text])).toEqual([
      [0.5, 3, 'Pour it slowly into the blue mug.'],
      [3.5, 6.5, 'That is a good cup of coffee.'],
    ]);
    const timestamps = parseSubtitles(longVideoBenchSubtitlesToSrt(JSON.parse(readFileSync(fixture('86CxyhFV9MI_en.json'), 'utf8'))), 'y.srt');
    expect(timestamps.map((l) => [l.span.start, l.span.end, l.text])).toEqual([
      [1.2, 3.4, "I'm going to help you"],
      [5, 7, 'run and you will certainly die'],
    ]);
    // With the video's duration, a null end is the video's end (LongVideoBench's insert_subtitles_into_frames), offset applied.
    const toEnd = parseSubtitles(longVideoBenchSubtitlesToSrt(JSON.parse(readFileSync(fixture('86CxyhFV9MI_en.json'), 'utf8')), 1, 'z.json', 42), 'z.srt');
    expect(toEnd.map((l) => [l.span.start, l.span.end])).toEqual([
      [0.2, 2.4],
      [4, 41],
    ]);
  });

  it('names the row of a correct_choice past the candidates', async () => {
    const rows = JSON.parse(readFileSync(fixture('longvideobench.json'), 'utf8'));
    rows[0].correct_choice = 5;
    const error = await rejection(loadLongVideoBench(write('lvb-bad.json', JSON.stringify(rows)), { videosDir: videos }));
    expect(error.message).toContain('lvb-bad.json:1: correct_choice: correct_choice 5 is past the last of 5 candidates');
  });
});

describe('MLVU', () => {
  it('loads rows, turning the answer text into its index, and finds videos in sub-folders', async () => {
    const suite = await loadMlvu(fixture('mlvu-plotqa.json'), { videosDir: videos });
    expect(suite.questions.map((q) => [q.id, q.answerIndex, q.durationGroup, q.taskType])).toEqual([
      ['mlvu-plotqa-1', 1, '2-10m', 'plotQA'],
      ['mlvu-plotqa-2', 0, '>60m', 'plotQA'],
    ]);
    expect(suite.questions[0].videoPath).toBe(join(videos, 'video/plotQA/movie101_66.mp4'));
    expect(suite.skipped).toEqual([expect.objectContaining({ row: 3, reason: 'missing-video', video: 'not_here_123.mp4' })]);
  });

  it('skips a row whose answer is not among the candidates as unanswerable, naming it, and still names a malformed row', async () => {
    const rows = JSON.parse(readFileSync(fixture('mlvu-plotqa.json'), 'utf8'));
    rows[1].answer = 'Dancing';
    const suite = await loadMlvu(write('mlvu-odd.json', JSON.stringify(rows)), { videosDir: videos });
    expect(suite.skipped).toContainEqual(expect.objectContaining({ row: 2, reason: 'unanswerable', message: expect.stringContaining('answer "Dancing" is not one of the candidates') }));
    rows[1].duration = 'long';
    const error = await rejection(loadMlvu(write('mlvu-bad.json', JSON.stringify(rows)), { videosDir: videos }));
    expect(error.message).toContain('mlvu-bad.json:2: duration:');
  });
});

describe('LVBench', () => {
  it('splits the inline options, reads time references as spans, and gives one question per qa item', async () => {
    const suite = await loadLvBench(fixture('lvbench-video_info.meta.jsonl'), { videosDir: videos });
    expect(suite.questions.map((q) => q.id)).toEqual(['sxFQ7ghXPhA-0', 'sxFQ7ghXPhA-1']);
    const second = suite.questions[1];
    expect(second.question).toBe('What colour are the bottle caps?');
    expect(second.choices).toEqual(['red', 'green', 'white', 'blue']);
    expect(second.answerIndex).toBe(3);
    expect(second.spans).toEqual([{ start: 10, end: 14 }]);
    expect(second.taskType).toBe('entity recognition + key information retrieval');
    expect(second.taskTypes).toEqual(['entity recognition', 'key information retrieval']);
    expect(second.category).toBe('sport');
    expect(suite.skipped).toEqual([expect.objectContaining({ row: 2, id: 'Cm73ma6Ibcs-7', reason: 'missing-video' })]);
  });

  it('parses time references and inline options, and rejects what it cannot read', () => {
    expect(parseTimeReference('00:01:05-00:01:20')).toEqual([{ start: 65, end: 80 }]);
    expect(parseTimeReference('1:02-1:09, 2:00-2:03')).toEqual([
      { start: 62, end: 69 },
      { start: 120, end: 123 },
    ]);
    expect(() => parseTimeReference('soon')).toThrow('cannot read time reference');
    expect(splitInlineOptions('Q?\n(A) x\n(B) y').choices).toEqual(['x', 'y']);
    expect(() => splitInlineOptions('Q?\n(A) x\n(C) y')).toThrow('option (C) found where (B) was expected');
  });

  it('names the line and the qa item of a malformed question', async () => {
    const path = withLine('lvbench-video_info.meta.jsonl', 0, (line) => line.replace('"time_reference": "00:10-00:14"', '"time_reference": "later"'));
    const error = await rejection(loadLvBench(path, { videosDir: videos }));
    expect(error.message).toMatch(/lvbench-video_info\.meta\.jsonl:1: qa\[1\]\.time_reference: cannot read time reference "later"/);
    const broken = withLine('lvbench-video_info.meta.jsonl', 1, (line) => line.slice(0, 40));
    const jsonError = await rejection(loadLvBench(broken, { videosDir: videos }));
    expect(jsonError.message).toContain('.jsonl:2: (row): not valid JSON');
  });
});

describe('NExT-QA', () => {
  it('reads the CSV (quoted fields with commas), maps video ids to paths, and skips a missing video', async () => {
    const suite = await loadNextQa(fixture('next-qa-val.csv'), { videosDir: videos, mapFile: fixture('next-qa-map.json') });
    expect(suite.questions.map((q) => [q.id, q.answerIndex, q.answer, q.category, q.taskType])).toEqual([
      ['4010069381_6', 0, 'roll the handle', 'CH', 'causal'],
      ['4882821564_2', 3, 'playing with toy train', 'CW', 'causal'],
    ]);
    expect(suite.questions[1].question).toBe('why did the boy pick up one present from the group of them, and move to the sofa?');
    expect(suite.questions[0].videoPath).toBe(join(videos, 'NExTVideo/1004/4010069381.mp4'));
    expect(suite.skipped).toEqual([expect.objectContaining({ row: 4, reason: 'missing-video' })]);
  });

  it('names the line of a record with a bad answer or a missing field', async () => {
    const badAnswer = withLine('next-qa-val.csv', 3, (line) => line.replace('singing,1,0,TN,', 'singing,9,0,TN,'));
    expect((await rejection(loadNextQa(badAnswer, { videosDir: videos }))).message).toContain('next-qa-val.csv:4: answer: answer must be 0–4');
    const short = withLine('next-qa-val.csv', 1, (line) => line.split(',').slice(0, 12).join(','));
    const error = await rejection(loadNextQa(short, { videosDir: videos }));
    expect(error.message).toContain('next-qa-val.csv:2: (row): has 12 fields, the header has 13');
    const skipped = await loadNextQa(short, { videosDir: videos, onMalformed: 'skip' });
    expect(skipped.skipped.map((s) => [s.row, s.reason])).toEqual([
      [2, 'malformed'],
      [4, 'missing-video'],
    ]);
  });
});

describe('generic JSONL', () => {
  const shared = dirname(sharedVideo('dev_long.mp4'));

  it('loads open-ended and multiple-choice questions with spans and subtitles, skipping blank lines', async () => {
    const suite = await loadGenericJsonl(fixture('generic.jsonl'), { videosDir: shared });
    expect(suite.questions.map((q) => [q.id, q.origin.row])).toEqual([
      ['locker', 1],
      ['train', 2],
      ['package', 4],
    ]);
    expect(suite.questions[2].subtitlesPath).toBe(sharedVideo('dev_long.srt'));
    expect(suite.questions[1].choices).toEqual(['7:15', '7:45', '8:45']);
    expect(suite.skipped).toEqual([expect.objectContaining({ row: 5, id: 'elsewhere', reason: 'missing-video' })]);
  });

  it('rejects unknown keys, choices without an answer index, an answer that is not the chosen option, and duplicate ids', async () => {
    const cases: Array<[number, (line: string) => string, string]> = [
      [0, (line) => line.replace('"category"', '"categroy"'), 'generic.jsonl:1: (row): Unrecognized key'],
      [1, (line) => line.replace(', "answerIndex": 1', ''), 'generic.jsonl:2: answerIndex: choices and answerIndex go together'],
      [1, (line) => line.replace('"answer": "7:45"', '"answer": "8:45"'), 'generic.jsonl:2: answer: answer must equal choices[1]'],
      [3, (line) => line.replace('"id": "package"', '"id": "locker"'), 'generic.jsonl:4: id: duplicate question id "locker" (first on row 1)'],
      [0, (line) => line.replace('{"start": 21, "end": 24}', '{"start": 24, "end": 21}'), 'generic.jsonl:1: spans[0]: span end must not be before its start'],
    ];
    for (const [index, edit, message] of cases) {
      const error = await rejection(loadGenericJsonl(withLine('generic.jsonl', index, edit), { videosDir: shared }));
      expect(error.code).toBe('BAD_INPUT');
      expect(error.message).toContain(message);
    }
  });
});

describe('loadBenchmark and detectFormat', () => {
  it('tells every sample format from its first row and loads it by name', async () => {
    const samples: Array<[string, string]> = [
      ['video-mme.json', 'video-mme'],
      ['video-mme-nested.json', 'video-mme'],
      ['egoschema-questions.json', 'egoschema'],
      ['longvideobench.json', 'longvideobench'],
      ['mlvu-plotqa.json', 'mlvu'],
      ['lvbench-video_info.meta.jsonl', 'lvbench'],
      ['next-qa-val.csv', 'next-qa'],
      ['generic.jsonl', 'jsonl'],
    ];
    for (const [file, format] of samples) expect([file, await detectFormat(fixture(file))]).toEqual([file, format]);
    const suite = await loadBenchmark('mlvu', fixture('mlvu-plotqa.json'), { videosDir: videos });
    expect(suite.format).toBe('mlvu');
    await expect(loadBenchmark('kinetics', fixture('mlvu-plotqa.json'), { videosDir: videos })).rejects.toThrow('unknown benchmark format "kinetics"');
    await expect(detectFormat(fixture('egoschema-answers.json'))).rejects.toThrow('cannot tell the benchmark format');
  });

  it('reports a missing annotation file and a missing videos directory', async () => {
    expect((await rejection(loadMlvu(join(work, 'nope.json'), { videosDir: videos }))).code).toBe('FILE_NOT_FOUND');
    expect((await rejection(loadMlvu(fixture('mlvu-plotqa.json'), { videosDir: join(work, 'no-videos') }))).code).toBe('FILE_NOT_FOUND');
  });
});
