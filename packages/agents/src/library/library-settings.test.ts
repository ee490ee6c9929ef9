import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings, sharedDataDir } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { createSession } from '../session';

/**
 * A library keeps up with the settings: adding a video again after a detector was set ingests it
 * again (the settings key another memory), so "which videos" questions see the detector's objects;
 * adding it again with the same settings ingests nothing. Real clip: sam2_01_dog.mp4 (a dog, see
 * ../shared/data/videos/MANIFEST.md), shared YOLOv8n detector.
 */
describe('library add with changed settings', () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'longvid-library-settings-'));
  const models = join(sharedDataDir(__dirname)!, 'models', 'yolov8n-int8');
  const plain = loadSettings({ env: {}, overrides: { cacheDir, ingestWorkers: 0 } }).settings;
  const withDetector = loadSettings({
    env: {},
    overrides: { cacheDir, ingestWorkers: 0, detectorModelPath: join(models, 'yolov8n_quant.onnx'), detectorLabelsPath: join(models, 'labels.json') },
  }).settings;
  const dog = sharedVideo('sam2_01_dog.mp4');

  it('ingests a video again when a detector was set since, and not when nothing changed', async () => {
    const first = createSession({ resolvedSettings: plain, offline: true });
    try {
      const added = await first.addToLibrary('pets', [dog]);
      expect(added.ingested.map((video) => video.name)).toEqual(['sam2_01_dog.mp4']);
      expect((await first.askLibrary('pets', 'In which videos does a dog appear?')).answer.answer).toBe('cannot tell without an object detector');
    } finally {
      await first.dispose();
    }
    const second = createSession({ resolvedSettings: withDetector, offline: true });
    try {
      const again = await second.addToLibrary('pets', [dog]);
      expect(again.unchanged.map((video) => video.name)).toEqual(['sam2_01_dog.mp4']);
      expect(again.ingested.map((video) => video.name)).toEqual(['sam2_01_dog.mp4']);
      const answer = (await second.askLibrary('pets', 'In which videos does a dog appear?')).answer;
      expect(answer.answer).toBe('sam2_01_dog.mp4');
      expect(answer.evidence.every((item) => item.video?.name === 'sam2_01_dog.mp4')).toBe(true);
      expect((await second.addToLibrary('pets', [dog])).ingested).toEqual([]);
    } finally {
      await second.dispose();
    }
  }, 180_000);
});
