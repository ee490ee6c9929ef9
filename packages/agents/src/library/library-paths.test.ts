import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rejection } from '@longvid/core/testing';
import { expandVideoPaths } from './library-paths';
import { parseLibraryQuestion } from './library-question';

const root = mkdtempSync(join(tmpdir(), 'longvid-library-paths-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
for (const file of ['a/one.mp4', 'a/two.MKV', 'a/notes.srt', 'a/deep/three.webm', 'b/four.mov', 'b/readme.txt', 'plain.bin']) {
  mkdirSync(join(root, file, '..'), { recursive: true });
  writeFileSync(join(root, file), 'x');
}

describe('expandVideoPaths', () => {
  it('takes a file as given, a folder as its video files below it, a glob as its matching video files; each once', async () => {
    const found = await expandVideoPaths(['plain.bin', 'a', 'b/*', join(root, 'a', 'one.mp4')], root);
    expect(found).toEqual([join(root, 'plain.bin'), join(root, 'a/deep/three.webm'), join(root, 'a/one.mp4'), join(root, 'a/two.MKV'), join(root, 'b/four.mov')]);
  });

  it('names a missing path, an empty folder or glob, and no path at all', async () => {
    expect(await rejection(expandVideoPaths(['missing.mp4'], root))).toMatchObject({ code: 'FILE_NOT_FOUND', details: { path: join(root, 'missing.mp4') } });
    mkdirSync(join(root, 'empty'));
    expect(await rejection(expandVideoPaths(['empty'], root))).toMatchObject({ code: 'BAD_INPUT', message: `folder ${join(root, 'empty')} holds no video file` });
    expect(await rejection(expandVideoPaths(['b/*.txt'], root))).toMatchObject({ code: 'BAD_INPUT', message: 'the pattern "b/*.txt" matches no video file' });
    expect(await rejection(expandVideoPaths([], root))).toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('parseLibraryQuestion', () => {
  it.each([
    ['In which videos does a dog appear?', 'which', 'dog'],
    ['Which clips show puppies?', 'which', 'dog'],
    ['How many videos show a bus?', 'count', 'bus'],
    ['How many of the videos have buses in them?', 'count', 'bus'],
  ])('reads %j as %s %s', (question, kind, label) => {
    const parsed = parseLibraryQuestion(question);
    expect(parsed?.kind).toBe(kind);
    expect(parsed?.entity.labels).toContain(label);
  });

  it.each(['When does a dog appear?', 'How many dogs are there?', 'Which video shows the gate code?', 'What is the locker number?'])('leaves %j to the per-video loop', (question) => {
    expect(parseLibraryQuestion(question)).toBeUndefined();
  });
});
