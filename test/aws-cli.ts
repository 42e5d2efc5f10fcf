/** The AWS CLIs the end-to-end tests drive: v1 is the `aws` on PATH, v2 Debian's /usr/bin/aws. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** The CLIs to try: label, command, major version. */
export const AWS_CLIS = [
  ['v1', 'aws', '1'],
  ['v2', '/usr/bin/aws', '2'],
] as const;

/** `candidate` when it runs and reports `aws-cli/<major>.`; undefined otherwise (the test then skips). */
export async function findCli(candidate: string, major: string): Promise<string | undefined> {
  try {
    const { stdout, stderr } = await run(candidate, ['--version'], { env: { PATH: process.env.PATH } });
    return `${stdout}${stderr}`.startsWith(`aws-cli/${major}.`) ? candidate : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The environment the CLIs (and boto3) run with against a sandbox: test credentials, the region, config and
 * credentials files under `home` (none exist), no pager, no EC2 metadata probe.
 */
export function awsCliEnv(home: string, region: string): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    HOME: home,
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
    AWS_DEFAULT_REGION: region,
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: `${home}/config`,
    AWS_SHARED_CREDENTIALS_FILE: `${home}/credentials`,
    AWS_PAGER: '',
  };
}
