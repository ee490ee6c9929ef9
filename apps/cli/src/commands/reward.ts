import { Option } from 'commander';
import { openRlhfRewardFlags, startRewardServer } from '@longvid/training';
import { positiveInteger, type RegisterCommand } from '../command-context';
import { nonNegativeInteger } from './mvp';

interface RewardServeOptions {
  host: string;
  port: number;
  path: string;
  requireAnswerTag?: boolean;
  maxRequests?: number;
}

/** `longvid reward serve`: the OpenRLHF remote reward service. */
export const registerReward: RegisterCommand = (program, { io, write, fail, signal }) => {
  const reward = program.command('reward').description('verifiable rewards of the synthesised tasks');
  reward
    .command('serve')
    .description('serve rewards over HTTP with OpenRLHF\'s remote reward protocol: POST {query, prompts, labels} -> {rewards, scores, extra_logs}')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .addOption(new Option('--port <port>', 'port (0 picks a free one)').argParser(nonNegativeInteger).default(5000))
    .option('--path <path>', 'path of the reward endpoint', '/get_reward')
    .option('--require-answer-tag', 'score 0 unless the response has <answer>...</answer>')
    .addOption(new Option('--max-requests <n>', 'stop after answering this many reward requests (default: run until interrupted)').argParser(positiveInteger))
    .action(async (options: RewardServeOptions) => {
      try {
        let answered = 0;
        let stop: () => void = () => undefined;
        const stopped = new Promise<void>((resolve) => {
          stop = resolve;
        });
        const server = await startRewardServer({
          host: options.host,
          port: options.port,
          path: options.path,
          requireAnswerTag: options.requireAnswerTag,
          onRequest: (summary) => {
            answered += 1;
            io.stderr.write(`longvid: reward request ${answered}: ${summary.queries} queries, mean reward ${summary.meanReward.toFixed(3)} (HTTP ${summary.status})\n`);
            if (options.maxRequests !== undefined && answered >= options.maxRequests) stop();
          },
        });
        write(`Reward service listening on ${server.url}\nOpenRLHF: ${openRlhfRewardFlags(server.url).join(' ')} (the column holding the exported ground truth)\n`);
        // Ctrl-C / SIGTERM (the command's signal) stops the service cleanly.
        signal.addEventListener('abort', stop, { once: true });
        await stopped;
        signal.removeEventListener('abort', stop);
        await server.close();
        write(`Reward service stopped after ${answered} requests\n`);
      } catch (error) {
        fail(error);
      }
    });
};
