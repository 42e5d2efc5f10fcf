/**
 * `s3trigger doctor` wall time on the sandbox (issue #14): `node dist/bin.cjs doctor --endpoint-url URL --bucket B
 * --key K`, process start to exit, against a separate `s3trigger sandbox --demo B` process; median of R runs (one
 * warm-up first, which also writes the code cache). For scale, one `aws s3api get-bucket-notification-configuration`
 * (AWS CLI v2, /usr/bin/aws) on the same sandbox: a single read where doctor makes a dozen.
 *
 *   npx tsx scripts/bench-doctor.ts [--runs R]
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { emitFigure, median } from './bench/figures.js';

const CLI = resolve('dist/bin.cjs');
const AWS_V2 = '/usr/bin/aws';
const BUCKET = 'doctor-bench';
const argv = process.argv.slice(2);
const runsAt = argv.indexOf('--runs');
const RUNS = runsAt >= 0 ? Number(argv[runsAt + 1]) : 7;

const work = mkdtempSync(join(tmpdir(), 's3trigger-bench-doctor-'));
writeFileSync(join(work, 'aws-config'), '');
writeFileSync(join(work, 'aws-credentials'), '[default]\naws_access_key_id = test\naws_secret_access_key = test\n');
const env: NodeJS.ProcessEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('AWS_'))),
  AWS_CONFIG_FILE: join(work, 'aws-config'),
  AWS_SHARED_CREDENTIALS_FILE: join(work, 'aws-credentials'),
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_DEFAULT_REGION: 'eu-west-1',
  AWS_PAGER: '',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};

function timed(cmd: string, args: string[]): { ms: number; code: number | null; stderr: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { cwd: work, env, encoding: 'utf8' });
  return { ms: performance.now() - t0, code: r.status, stderr: r.stderr ?? '' };
}

async function main() {
  if (!existsSync(CLI)) throw new Error('build first: npm run build');
  const sandbox = spawn(process.execPath, [CLI, 'sandbox', '--port', '0', '--demo', BUCKET], {
    cwd: work,
    env,
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  try {
    const endpoint = await new Promise<string>((ok, fail) => {
      let out = '';
      sandbox.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /ready on (http:\/\/\S+)/.exec(out);
        if (m) ok(m[1]!);
      });
      sandbox.on('exit', (code) => fail(new Error(`sandbox exited with ${code}`)));
    });
    const doctor = [CLI, 'doctor', '--endpoint-url', endpoint, '--bucket', BUCKET, '--key', 'uploads/photo.jpg'];
    const warm = timed(process.execPath, doctor);
    if (warm.code !== 0) throw new Error(`doctor exited ${warm.code}: ${warm.stderr.trim().split('\n').pop()}`);
    const times: number[] = [];
    for (let i = 0; i < RUNS; i++) times.push(timed(process.execPath, doctor).ms);
    console.log(
      `s3trigger doctor --bucket ${BUCKET} --key K: median ${median(times).toFixed(0)} ms, max ${Math.max(...times).toFixed(0)} ms (${RUNS} runs)`,
    );
    let peer: number | undefined;
    if (!existsSync(AWS_V2)) console.log('aws s3api get-bucket-notification-configuration: skipped (AWS CLI v2 not at /usr/bin/aws)');
    else {
      const r = timed(AWS_V2, ['s3api', 'get-bucket-notification-configuration', '--bucket', BUCKET, '--endpoint-url', endpoint]);
      if (r.code !== 0) console.log(`aws s3api get-bucket-notification-configuration: failed: ${r.stderr.trim().split('\n').pop()}`);
      else {
        peer = r.ms;
        console.log(`aws s3api get-bucket-notification-configuration (v2, one call, for scale): ${r.ms.toFixed(0)} ms`);
      }
    }
    emitFigure({
      id: 'doctor.wall',
      name: 'doctor --bucket --key, start -> exit',
      unit: 'ms',
      ours: median(times),
      ...(peer !== undefined ? { peer: { name: 'aws s3api get-bucket-notification-configuration', value: peer } } : {}),
      better: 'lower',
      target: { value: 1000 },
    });
  } finally {
    sandbox.kill('SIGTERM');
    await sleep(200);
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
});
