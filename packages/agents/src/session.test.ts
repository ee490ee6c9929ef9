import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSettings } from '@longvid/core';
import { sharedVideo } from '@longvid/core/testing';
import { askVideo } from './ask';

describe('session: questions are checked before any work', () => {
  it('rejects a choice given twice (any case) with BAD_INPUT, and ingests nothing', async () => {
    const cacheDir = mkdtempSync(join(tmpdir(), 'longvid-session-'));
    const settings = loadSettings({ env: {}, overrides: { cacheDir, ingestWorkers: 0 } }).settings;
    await expect(askVideo(sharedVideo('dev_long.mp4'), 'What is the locker number?', { resolvedSettings: settings, offline: true, choices: ['318', '381', 'Locker 318', '381 '] })).rejects.toMatchObject({
      code: 'BAD_INPUT',
      message: expect.stringContaining('given twice'),
    });
    await expect(askVideo(sharedVideo('dev_long.mp4'), 'What is the locker number?', { resolvedSettings: settings, offline: true, choices: ['318', 'LOCKER 318', 'locker 318'] })).rejects.toMatchObject({ code: 'BAD_INPUT' });
    expect(readdirSync(cacheDir)).toEqual([]);
  });
});
