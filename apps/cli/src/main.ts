import { CancelledBySignal, runCli } from './cli';
import { errorLine, secretsOf } from './command-context';

// Ctrl-C (SIGINT) and SIGTERM cancel the command: the first one aborts it (child processes are
// killed, finished checkpoints kept, one `longvid: cancelled` line, exit 130/143); a second one
// exits at once.
const controller = new AbortController();
const onSignal = (signalName: 'SIGINT' | 'SIGTERM'): void => {
  if (controller.signal.aborted) process.exit(signalName === 'SIGTERM' ? 143 : 130);
  controller.abort(new CancelledBySignal(signalName));
};
process.on('SIGINT', onSignal);
process.on('SIGTERM', onSignal);

runCli(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, signal: controller.signal }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`longvid: error: ${errorLine(error, secretsOf(process.env))}\n`);
    process.exitCode = 1;
  },
).finally(() => {
  // The work is done: nothing may hold the process open any more, so the listeners go too.
  process.off('SIGINT', onSignal);
  process.off('SIGTERM', onSignal);
});
