/**
 * Cold start (Init Duration) of the sandbox's execution environments: the demo function (node) and a
 * python handler. Each run forces a fresh environment (UpdateFunctionConfiguration with a new environment variable
 * retires warm ones; UpdateFunctionCode would start the replacement ahead, as hot reload wants, runner.ts), invokes
 * with LogType Tail and reads Init Duration from the REPORT line. Also prints the warm invoke round trip.
 *
 *   npx tsx scripts/bench-lambda-coldstart.ts [runs]
 */
import {
  CreateFunctionCommand,
  InvokeCommand,
  LambdaClient,
  UpdateFunctionConfigurationCommand,
  type Runtime,
} from '@aws-sdk/client-lambda';
import { startSandbox } from '../src/sandbox/server.js';
import { DEMO_HANDLER, DEMO_HANDLER_SOURCE, DEMO_RUNTIME } from '../src/sandbox/lambda/demo-handler.js';
import { zipPackage } from '../src/sandbox/lambda/zip.js';

const runs = Number(process.argv[2] ?? 15);
const PY = `import json\n\ndef handler(event, context):\n    print('event', json.dumps(event))\n    return {'statusCode': 200}\n`;
const S3_EVENT = JSON.stringify({
  Records: [
    {
      eventName: 'ObjectCreated:Put',
      eventTime: new Date().toISOString(),
      s3: { bucket: { name: 'b' }, object: { key: 'k', size: 1, eTag: 'e' } },
    },
  ],
});

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))]!;
};
const fmt = (xs: number[]) =>
  `median ${quantile(xs, 0.5).toFixed(1)} ms  p90 ${quantile(xs, 0.9).toFixed(1)} ms  min ${Math.min(...xs).toFixed(1)}  max ${Math.max(...xs).toFixed(1)}  (n=${xs.length})`;

const sb = await startSandbox({ port: 0 });
const lambda = new LambdaClient({
  endpoint: sb.endpoint,
  region: sb.region,
  credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
});

async function measure(name: string, runtime: Runtime, handler: string, files: Record<string, string>) {
  const zip = zipPackage(files);
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: runtime,
      Handler: handler,
      Role: 'arn:aws:iam::000000000000:role/r',
      Code: { ZipFile: zip },
    }),
  );
  const init: number[] = [];
  const coldRoundTrip: number[] = [];
  const warmRoundTrip: number[] = [];
  for (let i = 0; i < runs; i++) {
    if (i > 0)
      await lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: { BENCH_RUN: String(i) } } }),
      );
    const t0 = performance.now();
    const out = await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(S3_EVENT), LogType: 'Tail' }));
    coldRoundTrip.push(performance.now() - t0);
    const m = /Init Duration: ([\d.]+) ms/.exec(Buffer.from(out.LogResult ?? '', 'base64').toString());
    if (!m) throw new Error(`${name}: no Init Duration on a cold start`);
    init.push(Number(m[1]));
    const t1 = performance.now();
    await lambda.send(new InvokeCommand({ FunctionName: name, Payload: Buffer.from(S3_EVENT) }));
    warmRoundTrip.push(performance.now() - t1);
  }
  console.log(`${name} (${runtime})`);
  console.log(`  Init Duration          ${fmt(init)}`);
  console.log(`  cold Invoke round trip ${fmt(coldRoundTrip)}`);
  console.log(`  warm Invoke round trip ${fmt(warmRoundTrip)}`);
}

try {
  await measure('event-handler', DEMO_RUNTIME, DEMO_HANDLER, { 'index.mjs': DEMO_HANDLER_SOURCE });
  await measure('python-handler', 'python3.12', 'app.handler', { 'app.py': PY });
} finally {
  lambda.destroy();
  await sb.close();
}
