import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Budget, LongVidError, atomicWriteFile, formatSpan, loadSettings, mergeSpans, redactUrlPassword, temporalIoU } from './index';

describe('loadSettings', () => {
  it('resolves option over env over config file over default', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'longvid-settings-'));
    writeFileSync(join(cwd, 'longvid.config.json'), JSON.stringify({ model: 'from-config', maxRounds: 5, maxFrames: 10 }));
    const { settings, sources } = loadSettings({
      cwd,
      env: { LONGVID_MODEL: 'from-env', LONGVID_MAX_FRAMES: '20' },
      overrides: { maxFrames: 30 },
    });
    expect(settings.model).toBe('from-env');
    expect(sources.model).toBe('env');
    expect(settings.maxRounds).toBe(5);
    expect(sources.maxRounds).toBe('config');
    expect(settings.maxFrames).toBe(30);
    expect(sources.maxFrames).toBe('option');
    expect(settings.ingestFps).toBe(0.5);
    expect(sources.ingestFps).toBe('default');
    expect(settings.baseUrl).toBeUndefined();
  });

  it('names the setting and where to fix it when a value is invalid', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'longvid-settings-'));
    let error: unknown;
    try {
      loadSettings({ cwd, env: { LONGVID_BASE_URL: 'not a url' } });
    } catch (caught) {
      error = caught;
    }
    expect(LongVidError.is(error)).toBe(true);
    const e = error as LongVidError;
    expect(e.code).toBe('BAD_SETTING');
    expect(e.message).toContain('baseUrl');
    expect(e.hint).toContain('LONGVID_BASE_URL');
  });

  it('reads structuredOutput (default auto) and names LONGVID_STRUCTURED_OUTPUT for a mode it does not know', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'longvid-settings-'));
    expect(loadSettings({ cwd, env: {} }).settings.structuredOutput).toBe('auto');
    expect(loadSettings({ cwd, env: { LONGVID_STRUCTURED_OUTPUT: 'json_object' } }).settings.structuredOutput).toBe('json_object');
    let error: unknown;
    try {
      loadSettings({ cwd, env: { LONGVID_STRUCTURED_OUTPUT: 'grammar' } });
    } catch (caught) {
      error = caught;
    }
    expect(LongVidError.is(error) && error.code).toBe('BAD_SETTING');
    expect((error as LongVidError).hint).toContain('LONGVID_STRUCTURED_OUTPUT');
  });

  it('reads memoryUrl from LONGVID_MEMORY_URL or the config file, and rejects what is not a PostgreSQL URL without showing its password', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'longvid-settings-'));
    expect(loadSettings({ cwd, env: {} }).settings.memoryUrl).toBeUndefined();
    const fromEnv = loadSettings({ cwd, env: { LONGVID_MEMORY_URL: 'postgres://longvid:secret@db:5432/longvid' } });
    expect(fromEnv.settings.memoryUrl).toBe('postgres://longvid:secret@db:5432/longvid');
    expect(fromEnv.sources.memoryUrl).toBe('env');
    writeFileSync(join(cwd, 'longvid.config.json'), JSON.stringify({ memoryUrl: 'postgresql:///longvid?host=/var/run/postgresql' }));
    expect(loadSettings({ cwd, env: {} }).settings.memoryUrl).toBe('postgresql:///longvid?host=/var/run/postgresql');
    for (const bad of ['mysql://longvid:secret@db/longvid', 'db.example:5432', 'postgres:db']) {
      let error: unknown;
      try {
        loadSettings({ cwd, env: { LONGVID_MEMORY_URL: bad } });
      } catch (caught) {
        error = caught;
      }
      expect(LongVidError.is(error) && error.code).toBe('BAD_SETTING');
      expect((error as LongVidError).message).toContain('memoryUrl');
      expect((error as LongVidError).message).toContain('postgres://');
      expect((error as LongVidError).message).not.toContain('secret');
      expect((error as LongVidError).hint).toContain('LONGVID_MEMORY_URL');
    }
    expect(redactUrlPassword('postgres://longvid:secret@db:5432/longvid')).toBe('postgres://longvid:***@db:5432/longvid');
    expect(redactUrlPassword('not a url')).toBe('not a url');
  });

  it('reports a config file that is not JSON', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'longvid-settings-'));
    writeFileSync(join(cwd, 'longvid.config.json'), '{ nope');
    expect(() => loadSettings({ cwd, env: {} })).toThrow(/longvid\.config\.json is not valid JSON/);
  });
});

describe('spans', () => {
  it('computes temporal IoU', () => {
    expect(temporalIoU({ start: 0, end: 2 }, { start: 1, end: 3 })).toBeCloseTo(1 / 3);
    expect(temporalIoU({ start: 0, end: 1 }, { start: 2, end: 3 })).toBe(0);
    expect(temporalIoU({ start: 5, end: 9 }, { start: 5, end: 9 })).toBe(1);
  });
  it('merges spans and formats them', () => {
    expect(mergeSpans([{ start: 3, end: 4 }, { start: 0, end: 1 }, { start: 0.5, end: 2 }])).toEqual([
      { start: 0, end: 2 },
      { start: 3, end: 4 },
    ]);
    expect(mergeSpans([{ start: 5, end: 6 }, { start: 0, end: 2 }, { start: 1, end: 3 }, { start: 3.5, end: 4 }], 0.5)).toEqual([{ start: 0, end: 4 }, { start: 5, end: 6 }]);
    expect(formatSpan({ start: 88.5, end: 91.5 })).toBe('01:28–01:31');
  });
});

describe('Budget', () => {
  it('counts rounds and frames and knows the last round', () => {
    const budget = new Budget({ maxRounds: 2, maxFrames: 10 });
    expect(budget.startRound()).toBe(1);
    expect(budget.isLastRound).toBe(false);
    budget.spendFrames(4);
    expect(budget.framesLeft).toBe(6);
    budget.startRound();
    expect(budget.isLastRound).toBe(true);
    expect(() => new Budget({ maxRounds: 0, maxFrames: 1 })).toThrow(/maxRounds/);
  });
});

describe('atomicWriteFile', () => {
  it('writes the whole file under its final name', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'longvid-atomic-'));
    const path = join(dir, 'nested', 'a.json');
    await atomicWriteFile(path, '{"ok":true}');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ ok: true });
  });
});
