/**
 * A test target shaped like AWS: the sandbox behind TLS under AWS's own endpoint names, for the built CLI
 * run with no endpoint configured (the real-AWS code path: credential chain, STS for the account label,
 * virtual-host S3, StartLiveTail on `stream-logs.`). Per process only: a test CA from `openssl`, a TLS front
 * on a free port, and a preload (preload.mjs) in the spawned CLI that sends `*.amazonaws.com:443` there.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setupDemo } from '../../src/sandbox/demo.js';
import { startSandbox, type Sandbox, type SandboxOptions } from '../../src/sandbox/server.js';
import { CLI, cleanEnv, cliBuilt, collect, NOT_BUILT, type RunResult } from '../ci/helpers.js';
import { makeTestCertificates, opensslMissing } from './certs.js';
import { startTlsFront, type TlsFront } from './tls-front.js';

export const PRELOAD = fileURLToPath(new URL('./preload.mjs', import.meta.url));
/** AWS's documented example keys: shaped like real ones, valid nowhere. */
export const EXAMPLE_CREDENTIALS = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };

export interface AwsShapedOptions {
  /** The region of the sandbox, the certificate's names and the CLI's AWS_REGION (default eu-west-1). */
  region?: string;
  /** Passed to startSandbox as is (e.g. a timing profile); port, region and acceptAwsHostNames are the harness's. */
  sandbox?: Omit<SandboxOptions, 'port' | 'region' | 'acceptAwsHostNames'>;
  /** Buckets created and wired to the demo function `event-handler` before the test runs. */
  demoBuckets?: string[];
}

export interface AwsShapedTarget {
  sandbox: Sandbox;
  front: TlsFront;
  region: string;
  /** The environment of a CLI run in `dir` (a workDir()): credentials in the environment, no endpoint, no config files. */
  env(dir: string): NodeJS.ProcessEnv;
  /** Runs the built CLI with the preload, in `dir`. */
  runCli(args: string[], dir: string, extraEnv?: Record<string, string>): Promise<RunResult>;
  close(): Promise<void>;
}

/** Why the target cannot run here (CLI not built, no openssl), or undefined. */
export async function awsShapedSkip(): Promise<string | undefined> {
  if (!cliBuilt) return NOT_BUILT;
  return opensslMissing();
}

/** Starts the sandbox (accepting AWS's names), the CA, the TLS front and the demo buckets. */
export async function startAwsShapedTarget(options: AwsShapedOptions = {}): Promise<AwsShapedTarget> {
  const region = options.region ?? 'eu-west-1';
  const certDir = mkdtempSync(join(tmpdir(), 's3trigger-aws-shaped-'));
  let sandbox: Sandbox | undefined;
  let front: TlsFront | undefined;
  const close = async () => {
    await front?.close();
    await sandbox?.close();
    rmSync(certDir, { recursive: true, force: true });
  };
  try {
    const certs = await makeTestCertificates(certDir, region);
    sandbox = await startSandbox({ ...options.sandbox, port: 0, region, acceptAwsHostNames: true });
    for (const bucket of options.demoBuckets ?? []) await setupDemo(sandbox, { bucket });
    front = await startTlsFront({ key: certs.key, cert: certs.cert, upstreamPort: sandbox.port });
    const frontAddress = front.address;
    const env = (dir: string) =>
      cleanEnv(dir, {
        AWS_ACCESS_KEY_ID: EXAMPLE_CREDENTIALS.accessKeyId,
        AWS_SECRET_ACCESS_KEY: EXAMPLE_CREDENTIALS.secretAccessKey,
        AWS_REGION: region,
        NODE_EXTRA_CA_CERTS: certs.caFile,
        S3TRIGGER_TEST_AWS_FRONT: frontAddress,
      });
    return {
      sandbox,
      front,
      region,
      env,
      runCli: (args, dir, extraEnv = {}) =>
        collect(
          spawn(process.execPath, ['--import', PRELOAD, CLI, ...args], {
            cwd: dir,
            env: { ...env(dir), ...extraEnv },
            stdio: ['ignore', 'pipe', 'pipe'],
          }),
        ),
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}
