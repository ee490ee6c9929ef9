/**
 * A runner in its own process, for the kill-and-resume test:
 * `node -r ./register-typescript.js run-suite-child.ts <suite.jsonl> <videos dir> <out dir> <cache dir> <systems> <limit>`.
 * Exits 0 when the run finished, 1 with the error on stderr otherwise.
 */
import { loadGenericJsonl } from '../loaders/generic-jsonl';
import { runEvaluation } from '../runner/runner';

async function main(): Promise<void> {
  const [suitePath, videosDir, outDir, cacheDir, systems, limit] = process.argv.slice(2);
  const suite = await loadGenericJsonl(suitePath, { videosDir });
  const summary = await runEvaluation({ questions: suite.questions, outDir, systems: systems.split(','), limit: Number(limit), offline: true, settings: { cacheDir } });
  process.stdout.write(`${JSON.stringify({ written: summary.written, skipped: summary.skipped, complete: summary.complete })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
