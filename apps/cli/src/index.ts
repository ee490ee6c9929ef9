/**
 * The `longvid` command line, usable in-process: {@link runCli} and the `--json` schemas.
 * @packageDocumentation
 */
export { runCli } from './cli';
export type { CliIo, CommandContext, RegisterCommand } from './command-context';
export { formatAnswer } from './commands/ask';
export { askJsonSchema, ingestJsonSchema, toAskJson, toIngestJson } from './json-output';
export type { AskJson } from './json-output';
