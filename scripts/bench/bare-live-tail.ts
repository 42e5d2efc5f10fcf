/**
 * A bare live tail in its own process, the reference `bench-burst.ts` measures s3trigger's added latency against: one
 * SDK StartLiveTail session on a log group that notes when each REPORT line reaches it (Date.now(), this machine's
 * clock) and does nothing else. Its own process, so the benchmark's sampling of /proc does not delay it; two of them
 * show what the machine's scheduling alone puts between two observers of the same lines.
 *
 *   node --import tsx scripts/bench/bare-live-tail.ts ENDPOINT LOG_GROUP   (prints `ready`; on SIGTERM the arrivals)
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CloudWatchLogsClient, CreateLogGroupCommand, StartLiveTailCommand } from '@aws-sdk/client-cloudwatch-logs';

const REPORT_ID = /^REPORT RequestId: (\S+)/;

export interface BareLiveTail {
  /** Ends the session; resolves with REPORT request id -> when it arrived (ms since the epoch). */
  stop(): Promise<Map<string, number>>;
}

/** Starts one in a child process; resolves once its session is open. */
export async function startBareLiveTail(endpoint: string, logGroup: string, env: NodeJS.ProcessEnv): Promise<BareLiveTail> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), endpoint, logGroup], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<void>((ok) => child.on('exit', () => ok()));
  await new Promise<void>((ok, fail) => {
    child.stdout!.on('data', () => out.startsWith('ready\n') && ok());
    void exited.then(() => fail(new Error(`the bare live tail exited before its session opened: ${out.trim()}`)));
  });
  return {
    async stop() {
      child.kill('SIGTERM');
      await exited;
      return new Map(Object.entries(JSON.parse(out.slice('ready\n'.length)) as Record<string, number>));
    },
  };
}

async function run(endpoint: string, logGroup: string): Promise<void> {
  const logs = new CloudWatchLogsClient({
    endpoint,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    disableHostPrefix: true,
  });
  // The group exists only after a first invocation: create it (Lambda writes into an existing group as it is).
  await logs.send(new CreateLogGroupCommand({ logGroupName: logGroup })).catch(() => undefined);
  const session = await logs.send(new StartLiveTailCommand({ logGroupIdentifiers: [logGroup] }));
  const arrivals: Record<string, number> = {};
  process.on('SIGTERM', () => {
    process.stdout.write(JSON.stringify(arrivals), () => process.exit(0));
  });
  process.stdout.write('ready\n');
  for await (const frame of session.responseStream!) {
    const at = Date.now();
    for (const e of frame.sessionUpdate?.sessionResults ?? []) {
      const id = REPORT_ID.exec(e.message ?? '')?.[1];
      if (id) arrivals[id] = at;
    }
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [endpoint, logGroup] = process.argv.slice(2);
  run(endpoint!, logGroup!).catch((err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
