import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { openRlhfRewardFlags } from './reward-service';

/**
 * The launch files in engines/ against pinned copies of each engine's own configuration keys or
 * command-line flags (engines/pinned/*.json, built by tools/engine-fixtures/build_engine_fixtures.py
 * from the engine's repository at the commit each fixture names). When an engine changes, rebuild
 * the fixture: these tests then name every key or flag to update.
 */
const engines = join(__dirname, '..', 'engines');
const pinned = <T>(name: string): T => JSON.parse(readFileSync(join(engines, 'pinned', `${name}.json`), 'utf8')) as T;

interface Provenance {
  repository: string;
  commit: string;
  paths: string[];
}
const verl = pinned<{ provenance: Provenance; keys: string[] }>('verl');
const easyR1 = pinned<{ provenance: Provenance; leaves: Record<string, string> }>('easyr1');
const openRlhf = pinned<{ provenance: Provenance; flags: Record<string, { takesValue: boolean; choices?: string[] }> }>('openrlhf');

/** The words of the shell command that starts `python3 -m <module>`, continuation lines joined, comments and quotes dropped. */
function commandWords(script: string, module: string): string[] {
  const joined = script
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .join('\n')
    .replace(/\\\n/g, ' ');
  const line = joined.split('\n').find((text) => text.includes(`python3 -m ${module}`));
  if (!line) throw new Error(`no "python3 -m ${module}" command in the script`);
  const words = line.slice(line.indexOf(module) + module.length).match(/"[^"]*"|'[^']*'|\S+/g) ?? [];
  return words.map((word) => word.replace(/^(["'])([\s\S]*)\1$/, '$2'));
}

/** Hydra overrides `key=value` whose key is not in verl's config (a leading `+` adds a key on purpose). */
function unknownVerlKeys(script: string): string[] {
  const keys = new Set(verl.keys);
  return commandWords(script, 'verl.trainer.main_ppo')
    .filter((word) => /^[A-Za-z_][\w.]*=/.test(word))
    .map((word) => word.slice(0, word.indexOf('=')))
    .filter((key) => !keys.has(key));
}

/** Whether a YAML value fits an EasyR1 dataclass annotation (`int`, `Optional[str]`, `Tuple[str]`, `dict`...). */
function fitsAnnotation(value: unknown, annotation: string): boolean {
  const optional = /^Optional\[(.*)\]$/.exec(annotation);
  if (optional) return value === null || fitsAnnotation(value, optional[1]);
  if (annotation === 'bool') return typeof value === 'boolean';
  if (annotation === 'int') return Number.isInteger(value);
  if (annotation === 'float') return typeof value === 'number';
  if (annotation === 'str') return typeof value === 'string';
  if (/^(dict|Dict)/.test(annotation)) return typeof value === 'object' && value !== null && !Array.isArray(value);
  if (/^(list|List|tuple|Tuple)/.test(annotation)) return Array.isArray(value);
  return true;
}

/**
 * What OmegaConf's merge of a YAML file into EasyR1's structured config (`PPOConfig`) would reject:
 * a key that is not a dataclass field (`ConfigKeyError`), or a value whose type does not fit the
 * field (`ValidationError`). Maps under a `dict` field are free-form.
 */
function easyR1MergeProblems(config: unknown, prefix = ''): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(config as Record<string, unknown>)) {
    const path = `${prefix}${key}`;
    const annotation = easyR1.leaves[path];
    if (annotation !== undefined) {
      if (!fitsAnnotation(value, annotation)) problems.push(`${path}: ${JSON.stringify(value)} is not ${annotation}`);
    } else if (value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(easyR1.leaves).some((leaf) => leaf.startsWith(`${path}.`))) {
      problems.push(...easyR1MergeProblems(value, `${path}.`));
    } else {
      problems.push(`${path}: no such key in EasyR1's config`);
    }
  }
  return problems;
}

/** Flags of the `openrlhf.cli.train_ppo_ray` command that OpenRLHF's parser would reject: unknown, missing value, value not among the choices. */
function openRlhfFlagProblems(words: string[]): string[] {
  const problems: string[] = [];
  words.forEach((word, index) => {
    if (!word.startsWith('--')) return;
    const flag = openRlhf.flags[word];
    if (!flag) {
      problems.push(`${word}: no such flag`);
      return;
    }
    const value = words[index + 1];
    if (flag.takesValue && (value === undefined || value.startsWith('--') || value === '$@')) problems.push(`${word}: needs a value`);
    else if (flag.takesValue && flag.choices && !value.startsWith('$') && !flag.choices.includes(value)) problems.push(`${word}: ${value} is not one of ${flag.choices.join(', ')}`);
  });
  return problems;
}

describe('pinned engine fixtures', () => {
  it('name the repository, the files and the commit they were read from', () => {
    expect(verl.provenance).toMatchObject({ repository: 'volcengine/verl', paths: ['verl/trainer/config/_generated_ppo_trainer.yaml'] });
    expect(easyR1.provenance).toMatchObject({ repository: 'hiyouga/EasyR1', paths: expect.arrayContaining(['verl/trainer/config.py', 'verl/workers/reward/config.py']) });
    expect(openRlhf.provenance).toMatchObject({ repository: 'OpenRLHF/OpenRLHF', paths: ['openrlhf/cli/train_ppo_ray.py'] });
    for (const fixture of [verl, easyR1, openRlhf]) expect(fixture.provenance.commit).toMatch(/^[0-9a-f]{40}$/);
  });
});

describe('verl launch script', () => {
  const script = readFileSync(join(engines, 'verl', 'run_mvp_grpo.sh'), 'utf8');

  it('sets only keys of verl\'s PPO trainer config', () => {
    const overrides = commandWords(script, 'verl.trainer.main_ppo').filter((word) => word.includes('='));
    expect(overrides.length).toBeGreaterThan(30);
    expect(unknownVerlKeys(script)).toEqual([]);
  });

  it('fails on a key verl does not have', () => {
    const drifted = script.replace('data.video_key=videos', 'data.video_key=videos \\\n  data.video_dir=frames');
    expect(unknownVerlKeys(drifted)).toEqual(['data.video_dir']);
  });
});

describe('EasyR1 config', () => {
  const text = readFileSync(join(engines, 'easyr1', 'mvp_grpo.yaml'), 'utf8');

  it('merges with EasyR1\'s config dataclasses: every key exists and every value fits its type', () => {
    expect(easyR1MergeProblems(parseYaml(text))).toEqual([]);
  });

  it('would not merge with the key EasyR1 removed (worker.reward.reward_type) or a wrongly typed value', () => {
    const config = parseYaml(text) as { worker: { reward: Record<string, unknown> }; data: Record<string, unknown> };
    config.worker.reward.reward_type = 'batch';
    config.data.video_fps = 'one';
    expect(easyR1MergeProblems(config)).toEqual(['data.video_fps: "one" is not float', "worker.reward.reward_type: no such key in EasyR1's config"]);
  });

  it('points at a reward shim that declares its type the way EasyR1 reads it', () => {
    const config = parseYaml(text) as { worker: { reward: { reward_function: string } } };
    const [file, name] = config.worker.reward.reward_function.replace(/^\.\/packages\/training\//, '').split(':');
    const shim = readFileSync(join(__dirname, '..', file), 'utf8');
    expect(shim).toMatch(new RegExp(`^def ${name}\\(`, 'm'));
    expect(shim).toMatch(/^REWARD_TYPE = "batch"$/m);
  });
});

describe('OpenRLHF launch script and hint', () => {
  const script = readFileSync(join(engines, 'openrlhf', 'train_grpo_remote_rm.sh'), 'utf8');

  it('uses only flags of openrlhf.cli.train_ppo_ray, each with a value where it takes one', () => {
    const words = commandWords(script, 'openrlhf.cli.train_ppo_ray');
    expect(words.filter((word) => word.startsWith('--'))).toHaveLength(12);
    expect(openRlhfFlagProblems(words)).toEqual([]);
  });

  it('fails on the flat flags OpenRLHF removed', () => {
    const old = ['--pretrain', 'm', '--remote_rm_url', 'u', '--prompt_data', 'd', '--n_samples_per_prompt', '8', '--algo.advantage.estimator', 'grpo'];
    expect(openRlhfFlagProblems(old)).toEqual(['--pretrain: no such flag', '--remote_rm_url: no such flag', '--prompt_data: no such flag', '--n_samples_per_prompt: no such flag', '--algo.advantage.estimator: grpo is not one of gae, reinforce, rloo, reinforce_baseline, group_norm, dr_grpo']);
  });

  it('prints reward-service flags that OpenRLHF accepts', () => {
    expect(openRlhfFlagProblems(openRlhfRewardFlags('http://127.0.0.1:5000/get_reward'))).toEqual([]);
  });
});
