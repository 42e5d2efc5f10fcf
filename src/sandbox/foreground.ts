/** `s3trigger sandbox`: run the sandbox in the foreground until Ctrl-C / SIGTERM. */
import { bindsEveryInterface, startSandbox, type SandboxOptions } from './server.js';
import { hostName } from './guard.js';
import { usageError } from '../errors.js';
import { lifecycle } from '../lifecycle.cjs';
import { bucketNameProblem } from '../aws/bucket-name.js';
import { describeTiming } from './timing/profile.js';
import type { DemoVia } from '../cli-flags.js';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface ForegroundOptions extends SandboxOptions {
  demo?: string;
  handler?: string;
  /** `--via`: how the demo bucket's events reach the demo functions (direct by default). */
  via?: DemoVia;
  /**
   * Sets up `demo` (demo.ts). Given by the full CLI, whose bundle has the SDK clients it needs; the sandbox's own entry
   * (main.ts, dist/sandbox.cjs) leaves it out, and bin.cjs sends `--demo` to the full CLI.
   */
  setupDemo?: typeof import('./demo.js').setupDemo;
}

/**
 * Runs until a signal stops it, then closes the sandbox (its temp data dir is removed) and resolves; the
 * exit code is the signal's (lifecycle.cts: SIGINT 130, SIGTERM 0, SIGHUP 129). Bad options reject with a usage error.
 */
export async function runSandboxForeground(options: ForegroundOptions): Promise<void> {
  const problem = options.demo === undefined ? undefined : bucketNameProblem(options.demo);
  if (problem) throw usageError(`--demo: invalid bucket name '${options.demo}': ${problem}`);
  const badHost = options.allowHosts?.find((h) => hostName(h) === undefined);
  if (badHost !== undefined)
    throw usageError(`--allow-host ${JSON.stringify(badHost)}: give a host name or address such as sandbox.lan (no scheme or path)`);
  // Stoppable from before the temp data dir exists: a signal while starting (the demo takes ~0.3 s) still removes it.
  const stop = new AbortController();
  return lifecycle.stoppable(serve(options, stop.signal), () => stop.abort());
}

async function serve(options: ForegroundOptions, stop: AbortSignal): Promise<void> {
  const log = (line: string) => process.stderr.write(`sandbox: ${line}\n`);
  if (bindsEveryInterface(options.host)) {
    log(
      `warning: --host ${options.host} binds every interface: other machines can reach the sandbox (it answers only loopback names, this machine's addresses and --allow-host names)`,
    );
  }
  const sandbox = await startSandbox({ ...options, log });
  if (options.demo && !stop.aborted) {
    try {
      if (!options.setupDemo) throw new Error('--demo needs the full CLI (dist/s3trigger.cjs), not dist/sandbox.cjs');
      const demo = await options.setupDemo(sandbox, {
        bucket: options.demo,
        handler: options.handler,
        ...(options.via ? { via: options.via } : {}),
      });
      if (demo.chain) log(`demo: ${demo.chain} (log groups ${(demo.functions ?? [demo]).map((f) => f.logGroup).join(', ')})`);
      else log(`demo: bucket ${options.demo} -> function ${demo.functionName} (log group ${demo.logGroup})`);
    } catch (err) {
      await sandbox.close(); // no temp data dir left behind on a bad --handler
      throw err;
    }
  }
  if (stop.aborted) return sandbox.close();
  const timing = describeTiming(sandbox.context.timing);
  process.stdout.write(
    `s3trigger sandbox ready on ${sandbox.endpoint} (region ${sandbox.region}; S3, Lambda, CloudWatch Logs, SQS, SNS, EventBridge${timing ? `; ${timing}` : ''})` +
      `${options.dataDir ? `, data in ${options.dataDir}` : ''}\n`,
  );
  setImmediate(collectStartGarbage);
  await new Promise((resolve) => stop.addEventListener('abort', resolve, { once: true }));
  await sandbox.close();
}

/**
 * One full GC once ready: the start leaves the bundle's bytes, its code cache and the modules' init garbage
 * (~2 MiB) that an idle sandbox would otherwise keep for hours, V8 running no major GC without allocation.
 * --expose-gc is set only while taking the function and then unset: V8 checks a code cache against the flags
 * (bin.cjs writes one at exit), and the flags' hash is computed from their values.
 */
function collectStartGarbage(): void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) {
    exposed();
    return;
  }
  try {
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as () => void;
    setFlagsFromString('--no-expose-gc');
    gc();
  } catch {
    setFlagsFromString('--no-expose-gc');
  }
}
