import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSession, type Session } from '@longvid/agents';
import { loadSettings } from '@longvid/core';
import { loadGenericJsonl, runEvaluation, type LoadedQuestion } from '@longvid/eval';
import { buildShortNiahSuite, evalTestCacheDirectory } from '@longvid/eval/testing';
import { cliHarness } from './test-support/cli-harness';

/**
 * `longvid ask` and the eval runner build their agents through the same session
 * (`createSession` of @longvid/agents), offline, on a real 1-minute needle-in-a-haystack video made
 * from the shared clips: for each system the runner's row, `longvid ask --json` and a session asked
 * directly name the same planner, reflector and observer and give the same answer, frames and
 * rounds; and the runner's systems went through `session.ask` / `session.askUniform`.
 */
const cacheDir = evalTestCacheDirectory();
let question: LoadedQuestion;

beforeAll(async () => {
  const suite = await buildShortNiahSuite();
  question = (await loadGenericJsonl(suite.suitePath, { videosDir: suite.dir })).questions[0];
});

/** A session that records which of its methods the runner called (and forwards every call). */
function recordingSession(inner: Session, calls: string[]): Session {
  return {
    ...inner,
    ingest: (...args) => (calls.push('ingest'), inner.ingest(...args)),
    ask: (...args) => (calls.push('ask'), inner.ask(...args)),
    askUniform: (...args) => (calls.push('askUniform'), inner.askUniform(...args)),
  };
}

async function compare(system: 'agent' | 'uniform-4', cliArguments: string[], sessionCall: 'ask' | 'askUniform'): Promise<void> {
  const { settings } = loadSettings({ env: {}, overrides: { cacheDir } });
  const calls: string[] = [];
  const session = recordingSession(createSession({ resolvedSettings: settings, offline: true }), calls);
  const run = await runEvaluation({ questions: [question], outDir: mkdtempSync(join(tmpdir(), 'longvid-same-session-')), systems: [system], offline: true, session });
  expect(calls).toEqual(['ingest', sessionCall]);
  const row = run.rows[0];
  expect(row.status).toBe('answered');

  const cli = await cliHarness({ env: { LONGVID_CACHE_DIR: cacheDir } })('ask', question.videoPath, question.question, '--offline', '--no-progress', '--json', ...cliArguments);
  expect(cli.code).toBe(0);
  const json = JSON.parse(cli.stdout);
  const direct = sessionCall === 'ask' ? await createSession({ resolvedSettings: settings, offline: true }).ask(question.videoPath, question.question) : await createSession({ resolvedSettings: settings, offline: true }).askUniform(question.videoPath, question.question, { frames: 4 });

  for (const result of [
    { planner: json.backends.planner, reflector: json.backends.reflector, observer: json.backends.observer, answer: json.answer, frames: json.framesObserved, rounds: json.rounds },
    { planner: direct.backends.planner, reflector: direct.backends.reflector, observer: direct.backends.observer, answer: direct.answer.answer, frames: direct.framesUsed, rounds: direct.rounds },
  ]) {
    expect(result).toEqual({ planner: row.backends.planner, reflector: row.backends.reflector, observer: row.backends.observer, answer: row.predicted?.answer, frames: row.cost.framesObserved, rounds: row.cost.rounds });
  }
}

describe('one session behind longvid ask and the eval runner (offline, 1-minute NIAH video)', () => {
  it('agent: the runner asks session.ask, and its agents and answer are those of longvid ask', async () => {
    await compare('agent', [], 'ask');
  });

  it('uniform-4: the runner asks session.askUniform, the baseline of longvid ask --uniform 4', async () => {
    await compare('uniform-4', ['--uniform', '4'], 'askUniform');
  });
});
