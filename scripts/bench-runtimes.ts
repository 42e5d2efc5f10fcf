/**
 * Cold start and warm invoke round trip per runtime family (issue #13), against a separate `s3trigger sandbox`
 * process (the built CLI, dist/bin.cjs, as bench-burst.ts spawns it): node (nodejs20.x), python (python3.12), ruby
 * (ruby3.3; skipped without `ruby`) and a `provided.al2023` Go binary built here from test/fixtures/go-runtime/main.go
 * (skipped without `go`; built in a temp dir, GOCACHE in tmp). Functions are created through the SDK against it.
 *  - cold: each run forces a fresh execution environment (UpdateFunctionConfiguration with a new environment variable
 *    retires the warm ones; not UpdateFunctionCode, whose replacement environment starts ahead for hot reload and may
 *    adopt a standby runtime, runner.ts), invokes with
 *    LogType Tail and reads `Init Duration` from the REPORT line (Lambda's own figure, as AWS reports it);
 *  - warm: synchronous Invoke round trip through the JS SDK v3 LambdaClient, after the cold one; interleaved with the
 *    same Invoke as one raw HTTP request (no SDK), printed beside it to show how much of the round trip is the client's.
 *    The steady state: after each cold start, `--warmup` pairs (default 50) are sent uncounted, as the first invokes of
 *    a fresh runtime and of this client also pay for V8 compiling their code (on a quiet run, Go's median was 2.6 ms
 *    after 10 such pairs, 2.4 after 50, 1.9 after 100; node, measured first, 3.1 / 2.2 / 2.0 as the client warms too).
 * Why a separate process: that is how users run it (`s3trigger sandbox` in one process, their tests and SDK in
 * another). With the sandbox inside the benchmark's process the SDK's ~1 ms of CPU per call (signing, middleware)
 * and the sandbox's own work shared one thread and were summed, a set-up no user has.
 * Also printed: the sandbox process's CPU per warm invoke and its runtime's (utime+stime from /proc, 10 ms ticks, so
 * a figure over the whole warm loop), the steadier figure on a shared machine.
 * Medians of N runs. AWS's published cold starts (Node ~250 ms, Python ~190 ms, custom runtime ~20 ms) are named
 * beside ours; they are not a peer measured here, so no ratio is computed.
 *
 *   npm run build && npx tsx scripts/bench-runtimes.ts [--runs N] [--warm N] [--warmup N]
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { zipPackage } from '../src/sandbox/lambda/zip.js';
import { cpuMs, treeCpuMs } from './bench/proc.js';
import { emitFigure, median } from './bench/figures.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const RUNS = flag('runs', 9);
const WARM = flag('warm', 20);
/** Uncounted SDK + raw invoke pairs after each cold start, before the counted ones. */
const WARMUP = flag('warmup', 50);
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = 'true';

const EVENT = Buffer.from(
  JSON.stringify({
    Records: [{ eventName: 'ObjectCreated:Put', s3: { bucket: { name: 'b' }, object: { key: 'k', size: 1, eTag: 'e' } } }],
  }),
);

const NODE = `export const handler = async (event) => {\n  console.log('records', event.Records.length);\n  return { statusCode: 200 };\n};\n`;
const PY = `def handler(event, context):\n    print('records', len(event['Records']))\n    return {'statusCode': 200}\n`;
const RB = `def handler(event:, context:)\n  puts "records #{event['Records'].length}"\n  { statusCode: 200 }\nend\n`;

interface Case {
  id: string;
  label: string;
  runtime: Runtime;
  handler: string;
  aws: string;
  files?: () => Parameters<typeof zipPackage>[0] | string;
}

const has = (cmd: string) =>
  spawnSync(cmd, ['--version'], { stdio: 'ignore' }).status === 0 || spawnSync(cmd, ['version'], { stdio: 'ignore' }).status === 0;

/** Builds the stdlib Go runtime fixture as a static `bootstrap`; a string is the reason it could not. */
function goBootstrap(dir: string): Parameters<typeof zipPackage>[0] | string {
  if (!has('go')) return 'go not found (Debian: apt-get install golang-go)';
  const gocache = join(tmpdir(), 's3trigger-bench-gocache');
  mkdirSync(gocache, { recursive: true });
  const out = join(dir, 'bootstrap');
  const r = spawnSync('go', ['build', '-o', out, resolve('test/fixtures/go-runtime/main.go')], {
    cwd: dir,
    encoding: 'utf8',
    timeout: 240_000,
    env: {
      ...process.env,
      GOCACHE: gocache,
      GOPATH: join(gocache, 'gopath'),
      CGO_ENABLED: '0',
      GOOS: 'linux',
      GOFLAGS: '',
      GO111MODULE: 'off',
    },
  });
  if (r.status !== 0) return `go build failed: ${(r.stderr ?? '').trim().split('\n').pop()}`;
  return { bootstrap: { content: readFileSync(out), mode: 0o755 } };
}

const work = mkdtempSync(join(tmpdir(), 's3trigger-bench-runtimes-'));
const CASES: Case[] = [
  {
    id: 'node',
    label: 'node (nodejs20.x)',
    runtime: 'nodejs20.x',
    handler: 'index.handler',
    aws: 'AWS ~250 ms',
    files: () => ({ 'index.mjs': NODE }),
  },
  {
    id: 'python',
    label: 'python (python3.12)',
    runtime: 'python3.12',
    handler: 'app.handler',
    aws: 'AWS ~190 ms',
    files: () => ({ 'app.py': PY }),
  },
  {
    id: 'ruby',
    label: 'ruby (ruby3.3)',
    runtime: 'ruby3.3' as Runtime,
    handler: 'function.handler',
    aws: 'AWS: not published here',
    files: () => (has('ruby') ? { 'function.rb': RB } : 'ruby not found (Debian: apt-get install ruby)'),
  },
  {
    id: 'go',
    label: 'go (provided.al2023)',
    runtime: 'provided.al2023',
    handler: 'bootstrap',
    aws: 'AWS custom runtime ~20 ms',
    files: () => goBootstrap(work),
  },
];

const CLI = resolve('dist/bin.cjs');
if (!existsSync(CLI)) {
  console.error('bench-runtimes: build first (npm run build): the sandbox runs as the built CLI');
  process.exit(2);
}

/** `s3trigger sandbox --port 0` as its own process; resolves once it prints its endpoint. */
async function startSandboxProcess(): Promise<{ child: ChildProcess; endpoint: string; region: string }> {
  const child = spawn(process.execPath, [CLI, 'sandbox', '--port', '0'], {
    cwd: work,
    env: { ...process.env, NO_COLOR: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const [endpoint, region] = await new Promise<[string, string]>((ok, fail) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /ready on (http:\/\/\S+) \(region ([\w-]+)/.exec(out);
      if (m) ok([m[1]!, m[2]!]);
    });
    child.stderr!.resume();
    child.on('exit', (code) => fail(new Error(`sandbox exited with ${code}`)));
  });
  child.stdout!.resume();
  return { child, endpoint, region };
}

const sb = await startSandboxProcess();
const sandboxPid = sb.child.pid!;
const lambda = new LambdaClient({
  endpoint: sb.endpoint,
  region: sb.region,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

const fmt = (n: number) => n.toFixed(1);
const agent = new Agent({ keepAlive: true });

/** The same RequestResponse Invoke as one HTTP request (SigV4-shaped header; the sandbox does not verify signatures). */
function rawInvoke(name: string): Promise<void> {
  const url = new URL(sb.endpoint);
  const authorization = `AWS4-HMAC-SHA256 Credential=test/20250101/${sb.region}/lambda/aws4_request, SignedHeaders=host;x-amz-date, Signature=${'0'.repeat(64)}`;
  return new Promise((resolve, reject) => {
    const req = request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        method: 'POST',
        path: `/2015-03-31/functions/${name}/invocations`,
        headers: { authorization, 'content-type': 'application/json', 'content-length': EVENT.length },
      },
      (res) => {
        res.resume();
        res.on('end', () =>
          res.statusCode === 200 && !res.headers['x-amz-function-error'] ? resolve() : reject(new Error(`raw invoke: ${res.statusCode}`)),
        );
      },
    );
    req.on('error', reject);
    req.end(EVENT);
  });
}

async function measure(c: Case): Promise<void> {
  const files = c.files!();
  if (typeof files === 'string') {
    console.log(`${c.label}: skipped: ${files}`);
    return;
  }
  const zip = zipPackage(files);
  const name = `bench-${c.id}`;
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: c.runtime,
      Handler: c.handler,
      Role: 'arn:aws:iam::000000000000:role/r',
      Code: { ZipFile: zip },
    }),
  );
  const init: number[] = [];
  const warm: number[] = [];
  const raw: number[] = [];
  const cpu = { sandbox: 0, tree: 0, invokes: 0 };
  for (let i = 0; i < RUNS; i++) {
    if (i > 0)
      await lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { BENCH_RUN: String(i) } } }),
      );
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: EVENT, LogType: 'Tail' }));
    if (out.FunctionError) throw new Error(`${c.label}: ${out.FunctionError}: ${Buffer.from(out.Payload ?? []).toString()}`);
    const m = /Init Duration: ([\d.]+) ms/.exec(Buffer.from(out.LogResult ?? '', 'base64').toString());
    if (!m) throw new Error(`${c.label}: no Init Duration on a cold start`);
    init.push(Number(m[1]));
    // Steady state: the first invokes of a fresh environment (and of this client) also warm up V8's compilers.
    for (let w = 0; w < WARMUP; w++) {
      await lambda.send(new InvokeCommand({ FunctionName: name, Payload: EVENT }));
      await rawInvoke(name);
    }
    const before = { sandbox: cpuMs(sandboxPid), tree: treeCpuMs(sandboxPid) };
    for (let w = 0; w < Math.ceil(WARM / RUNS); w++) {
      const t0 = performance.now();
      await lambda.send(new InvokeCommand({ FunctionName: name, Payload: EVENT }));
      warm.push(performance.now() - t0);
      const t1 = performance.now();
      await rawInvoke(name);
      raw.push(performance.now() - t1);
    }
    cpu.sandbox += cpuMs(sandboxPid) - before.sandbox;
    cpu.tree += treeCpuMs(sandboxPid) - before.tree;
    cpu.invokes += 2 * Math.ceil(WARM / RUNS);
  }
  console.log(
    `${c.label.padEnd(22)} cold (Init Duration) median ${fmt(median(init))} ms (${c.aws}), ` +
      `warm Invoke round trip median ${fmt(median(warm))} ms, min ${fmt(Math.min(...warm))} ms ` +
      `(without the SDK: median ${fmt(median(raw))} ms, min ${fmt(Math.min(...raw))} ms) ` +
      `(${init.length} cold, ${warm.length} warm); CPU per warm invoke: sandbox ${(cpu.sandbox / cpu.invokes).toFixed(2)} ms, ` +
      `with its runtime ${(cpu.tree / cpu.invokes).toFixed(2)} ms`,
  );
  emitFigure({
    id: `lambda.cold.${c.id}`,
    name: `cold start ${c.id} (${c.aws})`,
    unit: 'ms',
    ours: median(init),
    better: 'lower',
  });
  emitFigure({
    id: `lambda.warm.${c.id}`,
    name: `warm invoke round trip ${c.id}`,
    unit: 'ms',
    ours: median(warm),
    better: 'lower',
    target: { value: 3 },
  });
}

console.log(
  `bench-runtimes: ${RUNS} cold starts and ${Math.ceil(WARM / RUNS) * RUNS} warm invokes per runtime (each after ${WARMUP} uncounted), against \`s3trigger sandbox\` (${sb.endpoint})`,
);
try {
  for (const c of CASES) {
    try {
      await measure(c);
    } catch (err) {
      console.log(`${c.label}: failed: ${err instanceof Error ? err.message : String(err)}`);
      process.exitCode = 1;
    }
  }
} finally {
  lambda.destroy();
  agent.destroy();
  sb.child.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}
