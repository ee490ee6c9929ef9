#!/usr/bin/env node
/**
 * Fits the rule-based reflector's confidence table (packages/agents/src/rule-confidence-table.json) on dev
 * runs: for each answer path (`basis` of the agent's answers in each run's results.jsonl), the
 * share of right answers, Laplace-smoothed ((right + 1) / (answers + 2)), so a path's stated
 * confidence is how often it was right. Paths with no answers keep their previous value; paths
 * that give no answer (`no-evidence`, `cannot-tell-offline`, `no-detector`) stay at 0. The
 * table records which runs it was fitted on.
 *
 * Usage (after `npm run build`): node tools/bench/fit-confidence.js RUN_DIR [RUN_DIR...] [--system agent] [--dry-run]
 * e.g. node tools/bench/fit-confidence.js tmp/bench-niah/run tmp/bench-niah-hard/run
 */
'use strict';
const { readFileSync, writeFileSync } = require('node:fs');
const { join, resolve } = require('node:path');
const { readResults } = require('@longvid/eval');

async function main() {
  const argv = process.argv.slice(2);
  const runs = [];
  let system = 'agent';
  let dryRun = false;
  for (let i = 0; i < argv.length; i += 1) {
    if (argv[i] === '--system') system = argv[++i];
    else if (argv[i] === '--dry-run') dryRun = true;
    else runs.push(argv[i]);
  }
  if (runs.length === 0) throw new Error('pass one or more eval run directories (each with results.jsonl)');
  const tablePath = resolve(__dirname, '..', '..', 'packages', 'agents', 'src', 'rule-confidence-table.json');
  const table = JSON.parse(readFileSync(tablePath, 'utf8'));
  const tally = new Map();
  let questions = 0;
  for (const run of runs) {
    const { rows } = await readResults(join(resolve(run), 'results.jsonl'));
    for (const row of rows) {
      if (row.system !== system || row.status !== 'answered' || !row.predicted?.basis) continue;
      questions += 1;
      const entry = tally.get(row.predicted.basis) ?? { answers: 0, right: 0 };
      entry.answers += 1;
      if (row.correct) entry.right += 1;
      tally.set(row.predicted.basis, entry);
    }
  }
  // Paths that give no answer ("unknown", "cannot tell offline", "no detector") stay at 0.
  const NOT_ANSWERS = new Set(['no-evidence', 'cannot-tell-offline', 'no-detector']);
  for (const [basis, entry] of tally) {
    if (NOT_ANSWERS.has(basis)) {
      table.paths[basis] = { confidence: 0, answers: entry.answers, right: entry.right };
      continue;
    }
    if (!(basis in table.paths)) throw new Error(`answer path ${basis} is not in ${tablePath}: add it there first`);
    table.paths[basis] = { confidence: Number(((entry.right + 1) / (entry.answers + 2)).toFixed(3)), answers: entry.answers, right: entry.right };
  }
  table.provenance = {
    fittedOn: runs.map((run) => `${run} (${system})`),
    method: `per answer path, (right + 1) / (answers + 2) over ${questions} answers; paths without answers keep their previous value`,
    date: new Date().toISOString().slice(0, 10),
  };
  const text = `${JSON.stringify(table, null, 2)}\n`;
  if (dryRun) process.stdout.write(text);
  else writeFileSync(tablePath, text);
  for (const [basis, entry] of [...tally].sort()) process.stdout.write(`${basis}: ${entry.right}/${entry.answers} right -> ${table.paths[basis].confidence}\n`);
}

main().catch((error) => {
  process.stderr.write(`${error && error.stack ? error.stack : String(error)}\n`);
  process.exit(2);
});
