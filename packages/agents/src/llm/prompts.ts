import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** Names of the versioned prompt files in `packages/agents/prompts/`. */
export type PromptName =
  | 'planner.v1'
  | 'planner.v2'
  | 'reflector.v1'
  | 'reflector.v2'
  | 'observer.v1'
  | 'observer-video.v1'
  | 'caption.v1'
  | 'narrative.v1'
  | 'narrative.v2'
  | 'baseline.v1';

const cache = new Map<string, string>();

/**
 * Loads a versioned prompt file (`prompts/<name>.md`) and fills `{{key}}` placeholders.
 * Prompts are files, not strings scattered in code; the version is part of the name.
 * @throws Error when the file is missing (a packaging bug).
 */
export function renderPrompt(name: PromptName, values: Record<string, string | number>): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(join(__dirname, '..', '..', 'prompts', `${name}.md`), 'utf8');
    cache.set(name, text);
  }
  return text.replace(/\{\{(\w+)\}\}/g, (_, key: string) => (key in values ? String(values[key]) : `{{${key}}}`));
}
