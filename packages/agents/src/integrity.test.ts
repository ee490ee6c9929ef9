import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, type ProgressEvent } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { ingest } from './ask';

/**
 * Integrity end to end on the real sam2_04_coffee.mp4: a checkpoint edited into other valid JSON is
 * found by its hash and redone (not baked into memory), and 16 flipped bytes inside the HNSW index
 * are found by the manifest's SHA-256; both are rebuilt with one progress line, no error.
 */
const video = sharedVideo('sam2_04_coffee.mp4');
const cacheDir = mkdtempSync(join(tmpdir(), 'longvid-integrity-'));
const { settings } = loadSettings({ env: {}, overrides: { cacheDir, ingestWorkers: 0 } });

async function run(): Promise<{ events: string[]; progress: ProgressEvent[]; reused: boolean; directory: string }> {
  const progress: ProgressEvent[] = [];
  const result = await ingest(video, { resolvedSettings: settings, onProgress: (event) => progress.push(event), offline: true });
  return { events: (await result.memory.events()).map((event) => event.text), progress, reused: result.reused, directory: result.memoryDirectory };
}

const checkpointDir = () => join(cacheDir, 'checkpoints', readdirSync(join(cacheDir, 'checkpoints'))[0]);

describe('checkpoint and memory integrity', () => {
  let first: Awaited<ReturnType<typeof run>>;
  beforeAll(async () => {
    first = await run();
  }, 120000);

  it('a checkpoint edited into other valid JSON is redone, with one line saying so', async () => {
    const segment = join(checkpointDir(), 'segment-000000.json');
    const saved = JSON.parse(readFileSync(segment, 'utf8')) as { value: { frames: { text: { text: string; confidence: number; box: unknown }[] }[] } };
    saved.value.frames[0].text.push({ text: 'INJECTED 42', confidence: 0.99, box: { x: 0, y: 0, width: 10, height: 10 } });
    writeFileSync(segment, JSON.stringify(saved));
    rmSync(first.directory, { recursive: true, force: true });
    const again = await run();
    const notes = again.progress.filter((event) => event.stage === 'checkpoint');
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toMatch(/segment-000000\.json failed its integrity check \(its content does not match its SHA-256/);
    expect(again.events.join(' ')).not.toContain('INJECTED');
    expect(again.events).toEqual(first.events);
  }, 120000);

  it('16 flipped bytes inside the HNSW index are found; the memory is rebuilt from the checkpoints', async () => {
    const name = readdirSync(first.directory).find((file) => file.endsWith('.hnsw')) as string;
    const path = join(first.directory, name);
    const bytes = readFileSync(path);
    const at = Math.floor(bytes.length / 2);
    for (let i = 0; i < 16; i += 1) bytes[at + i] ^= 0xff;
    writeFileSync(path, bytes);
    const again = await run();
    const notes = again.progress.filter((event) => event.stage === 'rebuild');
    expect(notes).toHaveLength(1);
    expect(notes[0].message).toMatch(/memory failed its integrity check \(memory index .* does not match the SHA-256/);
    expect(again.reused).toBe(false);
    expect(again.events).toEqual(first.events);
    // The rebuilt memory passes its own check.
    expect((await run()).reused).toBe(true);
  }, 120000);
});
