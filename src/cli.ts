#!/usr/bin/env node
/** Parse flags once and decide the mode: sandbox | ci | tui. */
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { AppError, ExitCode } from './errors.js';
import { runSandboxForeground } from './sandbox/foreground.js';
import { DEFAULT_SANDBOX_PORT, DEFAULT_SANDBOX_REGION } from './sandbox/server.js';

async function main(argv: string[]): Promise<number> {
  let code: number = ExitCode.Ok;
  await yargs(argv)
    .scriptName('s3trigger')
    .command(
      'sandbox',
      'Run the embedded local AWS (S3 + Lambda + CloudWatch Logs) in the foreground',
      (y) =>
        y
          .option('port', { type: 'number', default: DEFAULT_SANDBOX_PORT, describe: 'Port to listen on (0 = any free port)' })
          .option('host', { type: 'string', default: '127.0.0.1', describe: 'Address to bind' })
          .option('data', { type: 'string', describe: 'Persist buckets, objects, functions and logs in DIR' })
          .option('region', { type: 'string', default: DEFAULT_SANDBOX_REGION, describe: 'Region the sandbox reports' })
          .option('demo', { type: 'string', describe: 'Create BUCKET wired to the demo event-handler function' })
          .option('handler', { type: 'string', describe: 'With --demo: use your handler FILE[:func] (.js/.mjs/.py)' }),
      async (args) => {
        code = await runSandboxForeground({
          port: args.port,
          host: args.host,
          dataDir: args.data,
          region: args.region,
          demo: args.demo,
          handler: args.handler,
        });
      },
    )
    .strict()
    .help()
    .version(false)
    .parseAsync();
  return code;
}

main(hideBin(process.argv)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const debug = process.argv.includes('--debug');
    if (err instanceof AppError) {
      process.stderr.write(`s3trigger: ${err.message}\n`);
      if (debug && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exitCode = err.exitCode;
    } else {
      process.stderr.write(`s3trigger: ${err instanceof Error ? err.message : String(err)}\n`);
      if (debug && err instanceof Error && err.stack) process.stderr.write(`${err.stack}\n`);
      process.exitCode = ExitCode.OperationFailed;
    }
  },
);
