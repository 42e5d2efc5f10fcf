/**
 * Which AWS to talk to, decided purely from the flags, the environment and the AWS config files (explicit
 * endpoint / embedded sandbox / the SDK credential chain); never waits on the network. target.ts builds the clients.
 */
import { readFileSync } from 'node:fs';
import type { ParsedIniData } from '@smithy/shared-ini-file-loader';
import { loadSharedConfigFiles } from '@smithy/shared-ini-file-loader';
import { isRegionName } from './aws/region.js';
import type { TimingOptions } from './sandbox/timing/profile.js';
import type { DemoVia } from './cli-flags.js';

export interface TargetFlags {
  local?: boolean;
  handler?: string;
  endpointUrl?: string;
  profile?: string;
  region?: string;
  /** The embedded sandbox's timing (`--local --timing aws`): instant by default. */
  timing?: TimingOptions;
  /** `--local --via`: how the embedded sandbox's demo bucket reaches its functions (direct by default). */
  via?: DemoVia;
  /** `--local --strict`: the embedded sandbox enforces AWS's permission checks along the event chain. */
  strict?: boolean;
}

export interface TargetEnvironment {
  env: Record<string, string | undefined>;
  configFile: ParsedIniData;
  credentialsFile: ParsedIniData;
  /** The machine looks like EC2 (instance credentials may exist behind IMDS). */
  onEc2?: boolean;
}

export type TargetDecision =
  | { kind: 'sandbox'; region: string; note?: string }
  /** S3 at an endpoint; CloudWatch Logs at `logsEndpoint`, or on AWS when that is unset (a mixed target). */
  | { kind: 'endpoint'; region: string; s3Endpoint: string; logsEndpoint?: string; profile?: string; fakeCredentials: boolean }
  | { kind: 'aws'; region: string; profile?: string; logsEndpoint?: string; stsEndpoint?: string }
  | { kind: 'invalid'; code: string; message: string };

export const SANDBOX_REGION_DEFAULT = 'eu-west-1';
/** The blog's scripts use eu-west-1 with their endpoint; keep that for custom endpoints. */
export const ENDPOINT_REGION_DEFAULT = 'eu-west-1';
export const AWS_REGION_DEFAULT = 'us-east-1';
export const FAKE_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

export const FALLBACK_NOTE =
  'no AWS credentials found (environment, ~/.aws/credentials, ~/.aws/config): using the local sandbox ' +
  '(pass --profile or --endpoint-url for AWS, --local to skip this check)';

const CREDENTIAL_KEYS = [
  'aws_access_key_id',
  'role_arn',
  'credential_process',
  'sso_session',
  'sso_start_url',
  'web_identity_token_file',
  'credential_source',
  'login_session',
];

function profileSections(e: TargetEnvironment, profile: string) {
  return [e.configFile[profile], e.credentialsFile[profile]].filter((s) => s !== undefined);
}

/** Mirrors the SDK's default chain without calling it: a named profile makes it skip env keys. */
export function hasCredentials(e: TargetEnvironment, profile: string, namedProfile: boolean): boolean {
  const env = e.env;
  if (!namedProfile && env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY) return true;
  if (env.AWS_WEB_IDENTITY_TOKEN_FILE && env.AWS_ROLE_ARN) return true;
  if (env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI || env.AWS_CONTAINER_CREDENTIALS_FULL_URI) return true;
  if (profileSections(e, profile).some((s) => CREDENTIAL_KEYS.some((k) => s[k]))) return true;
  return e.onEc2 === true && env.AWS_EC2_METADATA_DISABLED !== 'true';
}

/** Why `url` cannot be an endpoint, or undefined: the SDKs take scheme://host[:port] only (a path would be prefixed to every request). */
function endpointUrlProblem(url: string): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return 'expected http(s)://host[:port]';
  }
  if ((u.protocol !== 'http:' && u.protocol !== 'https:') || u.hostname === '') return 'expected http(s)://host[:port]';
  if (u.username || u.password) return 'expected http(s)://host[:port] with no user:password@ (requests are signed with AWS keys)';
  if ((u.pathname !== '/' && u.pathname !== '') || u.search || u.hash)
    return 'expected http(s)://host[:port] with no path, query or fragment';
  return undefined;
}

/** An endpoint URL as it may be printed: a password in it is replaced. */
export function showEndpoint(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@\s:]*):[^/@\s]*@/i, '$1:***@');
}

function invalidEndpoint(...urls: ({ url: string; source: string } | undefined)[]): TargetDecision | undefined {
  for (const found of urls) {
    const why = found && endpointUrlProblem(found.url);
    if (found && why)
      return { kind: 'invalid', code: 'Usage', message: `invalid endpoint URL '${showEndpoint(found.url)}' (${found.source}): ${why}` };
  }
  return undefined;
}

function invalidRegion(region: string | undefined, source: string): TargetDecision | undefined {
  if (region === undefined || isRegionName(region)) return undefined;
  return { kind: 'invalid', code: 'Usage', message: `${source} '${region}' is not a region name: use e.g. eu-west-1` };
}

type Service = { env: string; config: string };
const S3_SERVICE: Service = { env: 'S3', config: 's3' };
const LOGS_SERVICE: Service = { env: 'CLOUDWATCH_LOGS', config: 'cloudwatch_logs' };
const STS_SERVICE: Service = { env: 'STS', config: 'sts' };

/**
 * Where the SDK itself sends a service (its "configured endpoints"): AWS_ENDPOINT_URL_<SERVICE>, then
 * AWS_ENDPOINT_URL, then the profile's `services` section, then its `endpoint_url` (LocalStack's
 * recommended profile); none when AWS_IGNORE_CONFIGURED_ENDPOINT_URLS / ignore_configured_endpoint_urls is true.
 */
export function configuredEndpoint(service: Service, e: TargetEnvironment, profile: string): string | undefined {
  return configuredEndpointFrom(service, e, profile)?.url;
}

/** configuredEndpoint, with the setting it came from (for a message naming what to fix). */
function configuredEndpointFrom(service: Service, e: TargetEnvironment, profile: string): { url: string; source: string } | undefined {
  const section: Record<string, string | undefined> = { ...e.credentialsFile[profile], ...e.configFile[profile] };
  const ignore = e.env.AWS_IGNORE_CONFIGURED_ENDPOINT_URLS || section.ignore_configured_endpoint_urls;
  if (ignore?.toLowerCase() === 'true') return undefined;
  const serviceVar = `AWS_ENDPOINT_URL_${service.env}`;
  if (e.env[serviceVar]) return { url: e.env[serviceVar]!, source: serviceVar };
  if (e.env.AWS_ENDPOINT_URL) return { url: e.env.AWS_ENDPOINT_URL, source: 'AWS_ENDPOINT_URL' };
  const services = section.services ? e.configFile[`services.${section.services}`] : undefined;
  const fromServices = services?.[`${service.config}.endpoint_url`];
  if (fromServices) return { url: fromServices, source: `services ${section.services} in ~/.aws/config` };
  return section.endpoint_url ? { url: section.endpoint_url, source: `profile ${profile}'s endpoint_url` } : undefined;
}

/**
 * For clients s3trigger sends to AWS itself: the SDK reads configured endpoints from AWS_PROFILE / default,
 * never from the client's `profile`, so with --profile it could go elsewhere than the target line says.
 */
/** SDK client options for clients sent to AWS: configured endpoints of the default profile must not redirect them. */
export const ON_AWS = { ignoreConfiguredEndpointUrls: true };

export function decideTarget(flags: TargetFlags, e: TargetEnvironment): TargetDecision {
  const env = e.env;
  const explicitEndpoint = flags.endpointUrl;
  if (explicitEndpoint !== undefined && explicitEndpoint.trim() === '') {
    return { kind: 'invalid', code: 'Usage', message: '--endpoint-url is empty: give http(s)://host[:port], or drop the flag' };
  }
  const badRegion =
    invalidRegion(flags.region, '--region') ??
    (flags.region === undefined
      ? (invalidRegion(env.AWS_REGION, 'AWS_REGION') ??
        (env.AWS_REGION ? undefined : invalidRegion(env.AWS_DEFAULT_REGION, 'AWS_DEFAULT_REGION')))
      : undefined);
  if (badRegion) return badRegion;
  if (flags.local && explicitEndpoint) {
    return { kind: 'invalid', code: 'Usage', message: '--local and --endpoint-url exclude each other: pick one' };
  }
  if (flags.handler && explicitEndpoint) {
    return {
      kind: 'invalid',
      code: 'Usage',
      message: '--handler runs your function in the local sandbox: drop --endpoint-url or --handler',
    };
  }
  if (flags.local || flags.handler) return { kind: 'sandbox', region: flags.region ?? SANDBOX_REGION_DEFAULT };

  const profile = flags.profile ?? env.AWS_PROFILE ?? 'default';
  const namedProfile = flags.profile !== undefined || env.AWS_PROFILE !== undefined;
  const via = flags.profile !== undefined ? '--profile' : 'AWS_PROFILE';
  if (namedProfile && profileSections(e, profile).length === 0) {
    return {
      kind: 'invalid',
      code: 'NoSuchProfile',
      message: `profile '${profile}' (${via}) is not in ~/.aws/config or ~/.aws/credentials: fix the name, or use --local for the sandbox`,
    };
  }
  const profileRegion = profileSections(e, profile).find((s) => s.region)?.region;
  const badProfileRegion =
    (flags.region ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION)
      ? undefined
      : invalidRegion(profileRegion, `the region of profile ${profile}`);
  if (badProfileRegion) return badProfileRegion;
  const envRegion = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  const credentials = hasCredentials(e, profile, namedProfile);
  const profileField = namedProfile ? { profile } : {};

  const explicit = explicitEndpoint !== undefined ? { url: explicitEndpoint, source: '--endpoint-url' } : undefined;
  const s3From = explicit ?? configuredEndpointFrom(S3_SERVICE, e, profile);
  const logsFrom = explicit ?? configuredEndpointFrom(LOGS_SERVICE, e, profile);
  const invalid = invalidEndpoint(s3From, logsFrom);
  if (invalid) return invalid;
  const s3Endpoint = s3From?.url;
  const logsEndpoint = logsFrom?.url;
  const logsField = logsEndpoint ? { logsEndpoint } : {};
  if (s3Endpoint !== undefined) {
    return {
      kind: 'endpoint',
      region: flags.region ?? envRegion ?? profileRegion ?? ENDPOINT_REGION_DEFAULT,
      s3Endpoint,
      ...logsField,
      ...profileField,
      fakeCredentials: !credentials,
    };
  }
  if (logsEndpoint !== undefined && !credentials) {
    return {
      kind: 'invalid',
      code: 'NoCredentials',
      message: `only CloudWatch Logs has an endpoint (${logsEndpoint}); S3 goes to AWS and needs credentials: set AWS_ENDPOINT_URL (or --endpoint-url) for both, or configure credentials`,
    };
  }
  if (credentials) {
    // An STS endpoint of its own (a VPC endpoint) is kept for the account check.
    const stsFrom = configuredEndpointFrom(STS_SERVICE, e, profile);
    const invalidSts = invalidEndpoint(stsFrom);
    if (invalidSts) return invalidSts;
    const stsEndpoint = stsFrom?.url;
    return {
      kind: 'aws',
      region: flags.region ?? envRegion ?? profileRegion ?? AWS_REGION_DEFAULT,
      ...profileField,
      ...logsField,
      ...(stsEndpoint ? { stsEndpoint } : {}),
    };
  }
  if (namedProfile) {
    return {
      kind: 'invalid',
      code: 'NoCredentials',
      message: `profile '${profile}' (${via}) has no credentials (keys, role, SSO or credential_process): fix it, or use --local for the sandbox`,
    };
  }
  return { kind: 'sandbox', region: flags.region ?? SANDBOX_REGION_DEFAULT, note: FALLBACK_NOTE };
}

/** EC2 without IMDS: the DMI / hypervisor files say so, instantly (never probe IMDS off EC2). */
function looksLikeEc2(): boolean {
  for (const [file, test] of [
    ['/sys/devices/virtual/dmi/id/sys_vendor', (s: string) => s.startsWith('Amazon EC2')],
    ['/sys/devices/virtual/dmi/id/board_asset_tag', (s: string) => s.startsWith('i-')],
    ['/sys/hypervisor/uuid', (s: string) => s.toLowerCase().startsWith('ec2')],
  ] as const) {
    try {
      if (test(readFileSync(file, 'utf8').trim())) return true;
    } catch {
      // not there: keep looking
    }
  }
  return false;
}

export async function loadTargetEnvironment(env: Record<string, string | undefined> = process.env): Promise<TargetEnvironment> {
  const files = await loadSharedConfigFiles({
    ...(env.AWS_SHARED_CREDENTIALS_FILE ? { filepath: env.AWS_SHARED_CREDENTIALS_FILE } : {}),
    ...(env.AWS_CONFIG_FILE ? { configFilepath: env.AWS_CONFIG_FILE } : {}),
  }).catch(() => ({ configFile: {}, credentialsFile: {} }));
  const hasOtherSource = Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE || env.AWS_CONTAINER_CREDENTIALS_RELATIVE_URI);
  return { env, configFile: files.configFile, credentialsFile: files.credentialsFile, onEc2: !hasOtherSource && looksLikeEc2() };
}
