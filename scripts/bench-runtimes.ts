/**
 * Cold start and warm invoke round trip per runtime family (issue #13), on an in-process sandbox:
 * node (nodejs20.x), python (python3.12), ruby (ruby3.3; skipped without `ruby`) and a `provided.al2023` Go binary
 * built here from test/fixtures/go-runtime/main.go (skipped without `go`; built in a temp dir, GOCACHE in tmp).
 *  - cold: each run forces a fresh execution environment (UpdateFunctionConfiguration with a new environment variable
 *    retires the warm ones; not UpdateFunctionCode, whose replacement environment starts ahead for hot reload and may
 *    adopt a standby runtime, runner.ts), invokes with
 *    LogType Tail and reads `Init Duration` from the REPORT line (Lambda's own figure, as AWS reports it);
 *  - warm: synchronous Invoke round trip through the JS SDK (client and sandbox in this process), after the cold one;
 *    interleaved with the same Invoke as one raw HTTP request (no SDK: its signing and middleware run on the same
 *    thread as the sandbox), printed beside it to show how much of the round trip is the client's.
 * Medians of N runs. AWS's published cold starts (Node ~250 ms, Python ~190 ms, custom runtime ~20 ms) are named
 * beside ours; they are not a peer measured here, so no ratio is computed.
 *
 *   npx tsx scripts/bench-runtimes.ts [--runs N] [--warm N]
 */
import { spawnSync } from 'node:child_process';
import { Agent, request } from 'node:http';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { startSandbox } from '../src/sandbox/server.js';
import { zipPackage } from '../src/sandbox/lambda/zip.js';
import { emitFigure, median } from './bench/figures.js';

const argv = process.argv.slice(2);
const flag = (name: string, fallback: number) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? Number(argv[i + 1]) : fallback;
};
const RUNS = flag('runs', 9);
const WARM = flag('warm', 20);
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

const sb = await startSandbox({ port: 0 });
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
    for (let w = 0; w < Math.ceil(WARM / RUNS); w++) {
      const t0 = performance.now();
      await lambda.send(new InvokeCommand({ FunctionName: name, Payload: EVENT }));
      warm.push(performance.now() - t0);
      const t1 = performance.now();
      await rawInvoke(name);
      raw.push(performance.now() - t1);
    }
  }
  console.log(
    `${c.label.padEnd(22)} cold (Init Duration) median ${fmt(median(init))} ms (${c.aws}), ` +
      `warm Invoke round trip median ${fmt(median(warm))} ms, min ${fmt(Math.min(...warm))} ms ` +
      `(without the SDK: median ${fmt(median(raw))} ms, min ${fmt(Math.min(...raw))} ms) ` +
      `(${init.length} cold, ${warm.length} warm)`,
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

console.log(`bench-runtimes: ${RUNS} cold starts and ${Math.ceil(WARM / RUNS) * RUNS} warm invokes per runtime`);
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
  await sb.close();
  rmSync(work, { recursive: true, force: true });
}
