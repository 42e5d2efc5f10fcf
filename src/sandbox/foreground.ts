/** `s3trigger sandbox`: run the sandbox in the foreground until Ctrl-C / SIGTERM. */
import { startSandbox, type SandboxOptions } from './server.js';
import { usageError } from '../errors.js';
import { bucketNameProblem } from '../ops/bucket-name.js';

export interface ForegroundOptions extends SandboxOptions {
  demo?: string;
  handler?: string;
}

export async function runSandboxForeground(options: ForegroundOptions): Promise<number> {
  const log = (line: string) => process.stderr.write(`sandbox: ${line}\n`);
  const problem = options.demo === undefined ? undefined : bucketNameProblem(options.demo);
  if (problem) throw usageError(`--demo: invalid bucket name '${options.demo}': ${problem}`);
  const sandbox = await startSandbox({ ...options, log });
  if (options.demo) {
    try {
      const { setupDemo } = await import('./demo.js'); // the SDK clients it needs cost ~250 ms to load
      const demo = await setupDemo(sandbox, { bucket: options.demo, handler: options.handler });
      log(`demo: bucket ${options.demo} -> function ${demo.functionName} (log group ${demo.logGroup})`);
    } catch (err) {
      await sandbox.close(); // no temp data dir left behind on a bad --handler
      throw err;
    }
  }
  process.stdout.write(
    `s3trigger sandbox ready on ${sandbox.endpoint} (region ${sandbox.region}; S3, Lambda, CloudWatch Logs)` +
      `${options.dataDir ? `, data in ${options.dataDir}` : ''}\n`,
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = (code: number) => {
      if (stopping) process.exit(code);
      stopping = true;
      void sandbox.close().then(() => resolve(code));
    };
    process.once('SIGINT', () => stop(130));
    process.once('SIGTERM', () => stop(0));
    process.once('SIGHUP', () => stop(129)); // a closed terminal still removes the temp data dir
  });
}
