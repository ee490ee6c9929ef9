import type { RegisterCommand } from '../command-context';
import { registerAsk } from './ask';
import { registerIngest } from './ingest';
import { registerMvp } from './mvp';
import { registerSsr } from './ssr';
import { registerReward } from './reward';
import { registerGrpo } from './grpo';
import { registerExport } from './export';
import { registerEval } from './eval';
import { registerLibrary } from './library';
import { registerSearch } from './search';
import { registerWorker } from './worker';

/**
 * Every `longvid` command, in help order. A new command is a file in this folder exporting a
 * {@link RegisterCommand}, plus one line here.
 */
export const COMMANDS: RegisterCommand[] = [registerAsk, registerIngest, registerLibrary, registerSearch, registerWorker, registerEval, registerMvp, registerSsr, registerReward, registerGrpo, registerExport];
