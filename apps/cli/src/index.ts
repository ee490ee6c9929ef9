/**
 * The `longvid` command line, usable in-process: {@link runCli} and the `--json` schemas.
 * @packageDocumentation
 */
export { runCli, formatAnswer } from './cli';
export type { CliIo } from './cli';
export { askJsonSchema, ingestJsonSchema, toAskJson, toIngestJson } from './json-output';
export type { AskJson } from './json-output';
