/** `s3trigger sandbox`: run the sandbox in the foreground until Ctrl-C / SIGTERM. */
import { bindsEveryInterface, startSandbox, type SandboxOptions } from './server.js';
import { hostName } from './guard.js';
import { usageError } from '../errors.js';
import { bucketNameProblem } from '../ops/bucket-name.js';

export interface ForegroundOptions extends SandboxOptions {
  demo?: string;
  handler?: string;
}

/** Exit codes by signal: SIGTERM is the normal way to stop a server. */
const STOP_SIGNALS = { SIGINT: 130, SIGTERM: 0, SIGHUP: 129 } as const;

export async function runSandboxForeground(options: ForegroundOptions): Promise<number> {
  const log = (line: string) => process.stderr.write(`sandbox: ${line}\n`);
  const problem = options.demo === undefined ? undefined : bucketNameProblem(options.demo);
  if (problem) throw usageError(`--demo: invalid bucket name '${options.demo}': ${problem}`);
  const badHost = options.allowHosts?.find((h) => hostName(h) === undefined);
  if (badHost !== undefined) throw usageError(`--allow-host ${JSON.stringify(badHost)}: give a host name or address such as sandbox.lan (no scheme or path)`);
  if (bindsEveryInterface(options.host)) {
    log(`warning: --host ${options.host} binds every interface: other machines can reach the sandbox (it answers only loopback names, this machine's addresses and --allow-host names)`);
  }
  // Handled from before the temp data dir exists: a signal while starting (the demo takes ~0.3 s) still removes it.
  let signalled: number | undefined;
  let stop: ((code: number) => void) | undefined;
  for (const [signal, code] of Object.entries(STOP_SIGNALS)) {
    process.on(signal, () => {
      if (stop) stop(code);
      else if (signalled !== undefined) process.exit(code); // a second signal while starting: leave now
      else signalled = code;
    });
  }
  const sandbox = await startSandbox({ ...options, log });
  if (options.demo && signalled === undefined) {
    try {
      const { setupDemo } = await import('./demo.js'); // the SDK clients it needs cost ~250 ms to load
      const demo = await setupDemo(sandbox, { bucket: options.demo, handler: options.handler });
      log(`demo: bucket ${options.demo} -> function ${demo.functionName} (log group ${demo.logGroup})`);
    } catch (err) {
      await sandbox.close(); // no temp data dir left behind on a bad --handler
      throw err;
    }
  }
  if (signalled !== undefined) {
    await sandbox.close();
    return signalled;
  }
  process.stdout.write(
    `s3trigger sandbox ready on ${sandbox.endpoint} (region ${sandbox.region}; S3, Lambda, CloudWatch Logs)` +
      `${options.dataDir ? `, data in ${options.dataDir}` : ''}\n`,
  );
  return new Promise<number>((resolve) => {
    let stopping = false;
    stop = (code: number) => {
      if (stopping) process.exit(code);
      stopping = true;
      void sandbox.close().then(() => resolve(code));
    };
  });
}
