import type { RegisterCommand } from '../command-context';
import { registerAsk } from './ask';
import { registerIngest } from './ingest';

/**
 * Every `longvid` command, in help order. A new command is a file in this folder exporting a
 * {@link RegisterCommand}, plus one line here.
 */
export const COMMANDS: RegisterCommand[] = [registerAsk, registerIngest];
