import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sharedVideo } from '@longvid/core/testing';
import { testBinaries } from '@longvid/video/testing';
import { readSamples } from './dataset';
import { exportEasyR1, exportVerl, frameListSampleFps, readParquetRows, validateEasyR1File, validateVerlFile } from './export';
import { scoreRewardRequest } from './reward-service';
import type { TrainingSample } from './samples';
import { synthesizeMvp, synthesizeSsr } from './synthesize';
import { temporaryDirectory } from './test-support/videos';

const directory = temporaryDirectory('export');
let samples: TrainingSample[];
let datasetDirectory: string;

beforeAll(async () => {
  datasetDirectory = join(directory, 'data');
  const paths = ['sam2_03_blocks.mp4', 'sam2_bedroom.mp4'].map(sharedVideo);
  const read = { maxSide: 128, cacheDir: join(directory, 'cache') };
  await synthesizeMvp(paths, { outputDir: datasetDirectory, binaries: testBinaries(), read, mvp: { samplesPerVideo: 1 } });
  await synthesizeSsr(paths, { outputDir: join(directory, 'ssr'), binaries: testBinaries(), read, ssr: { samplesPerVideo: 1 } });
  samples = [...(await readSamples(datasetDirectory)).samples];
  // SSR frames live in their own dataset directory: make their paths absolute before mixing.
  const ssr = await readSamples(join(directory, 'ssr'));
  samples.push(
    ...ssr.samples.map((sample) => ({
      ...sample,
      media: sample.media.map((item) => (item.type === 'video' ? { ...item, frames: item.frames.map((frame) => join(ssr.directory, frame)) } : { ...item, frame: join(ssr.directory, item.frame) })),
    })),
  );
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

describe('verl export', () => {
  it('writes a parquet file whose rows fit verl RLHFDataset: chat prompt, videos as frame lists, rule ground truth', async () => {
    const file = join(directory, 'train.parquet');
    const { rows } = await exportVerl(samples, file, { datasetDirectory, split: 'train' });
    expect(rows).toBe(samples.length);
    const validated = await validateVerlFile(file, { checkFilesIn: datasetDirectory });
    expect(validated.length).toBe(samples.length);
    const raw = await readParquetRows(file);
    expect(Object.keys(raw[0]).sort()).toEqual(['ability', 'data_source', 'extra_info', 'prompt', 'reward_model', 'videos']);
    validated.forEach((row, i) => {
      const sample = samples[i];
      expect(row.data_source).toBe(`longvid/${sample.task}`);
      expect(row.prompt).toEqual([{ role: 'user', content: sample.prompt.replace(/<image>/g, '<video>') }]);
      expect(row.videos.length).toBe(sample.media.length);
      sample.media.forEach((item, k) => {
        expect(row.videos[k].video.length).toBe(item.type === 'video' ? item.frames.length : 1);
        // qwen-vl-utils reads a frame list's rate from sample_fps (2 fps without it).
        expect(row.videos[k].sample_fps ?? undefined).toBe(item.type === 'video' ? frameListSampleFps(item.times) : undefined);
      });
      expect(row.reward_model.style).toBe('rule');
      expect(JSON.parse(row.reward_model.ground_truth)).toEqual(sample.target);
      expect(row.extra_info).toMatchObject({ index: BigInt(i), split: 'train', sample_id: sample.id, task: sample.task, answer: sample.answer });
      // The exported ground truth is what the reward service scores against.
      expect(scoreRewardRequest({ query: [`<answer>${sample.answer}</answer>`], labels: [row.reward_model.ground_truth] }).rewards).toEqual([1]);
    });
    expect(new Set(validated.map((row) => row.extra_info.task)).size).toBe(5);
    const rates = validated.flatMap((row) => row.videos.map((video) => video.sample_fps)).filter((rate): rate is number => typeof rate === 'number');
    expect(rates.length).toBeGreaterThan(0);
  });

  it('derives a frame list\'s sample rate from its frames\' times', () => {
    expect(frameListSampleFps([10, 11, 12, 13])).toBe(1);
    expect(frameListSampleFps([0, 0.5, 1])).toBe(2);
    expect(frameListSampleFps([null, 3])).toBeUndefined();
    expect(frameListSampleFps([4])).toBeUndefined();
  });

  it('refuses rows that do not fit the schema', async () => {
    const broken = { ...samples[0], prompt: `${samples[0].prompt} <video>` };
    await expect(exportVerl([broken], join(directory, 'broken.parquet'), { datasetDirectory })).rejects.toThrow(/placeholders/);
    await expect(exportVerl([], join(directory, 'empty.parquet'), { datasetDirectory })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});

describe('EasyR1 export', () => {
  it('writes JSONL and parquet rows with problem, answer (the reward target) and videos', async () => {
    for (const name of ['train.jsonl', 'train-easyr1.parquet']) {
      const file = join(directory, name);
      // Relative to the directory the engine is started from (here the work directory above the dataset).
      await exportEasyR1(samples, file, { datasetDirectory, pathStyle: 'relative', relativeTo: directory });
      const rows = await validateEasyR1File(file);
      expect(rows.length).toBe(samples.length);
      rows.forEach((row, i) => {
        expect(row.problem.split('<video>').length - 1).toBe(row.videos.length);
        expect(JSON.parse(row.answer)).toEqual(samples[i].target);
        expect(row.answer_text).toBe(samples[i].answer);
      });
      // Frame lists are opened against the engine's working directory (EasyR1 prefixes data.image_dir to video files only).
      expect(rows[0].videos[0][0]).toMatch(/^data\//);
      await validateEasyR1File(file, { checkFilesIn: directory });
      await expect(validateEasyR1File(file, { checkFilesIn: datasetDirectory })).rejects.toThrow(/does not exist/);
    }
  });

  it('rejects a file whose placeholders and videos disagree, and unknown extensions', async () => {
    const file = join(directory, 'tampered.jsonl');
    const lines = readFileSync(join(directory, 'train.jsonl'), 'utf8').trim().split('\n');
    const row = JSON.parse(lines[0]) as { videos: string[][] };
    row.videos.pop();
    writeFileSync(file, `${[JSON.stringify(row), ...lines.slice(1)].join('\n')}\n`);
    await expect(validateEasyR1File(file)).rejects.toThrow(/row 0: videos/);
    await expect(exportEasyR1(samples, join(directory, 'train.csv'), { datasetDirectory })).rejects.toMatchObject({ code: 'BAD_INPUT' });
  });
});
