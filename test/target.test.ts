import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeTarget } from '../src/target.js';
import { decideTarget, FALLBACK_NOTE, type TargetEnvironment, type TargetFlags } from '../src/target-decision.js';

const none: TargetEnvironment = { env: {}, configFile: {}, credentialsFile: {} };
const withCreds: TargetEnvironment = {
  env: {},
  configFile: {},
  credentialsFile: { default: { aws_access_key_id: 'AKIAEXAMPLE', aws_secret_access_key: 'x' } },
};

const cases: { name: string; flags: TargetFlags; e: TargetEnvironment; want: Record<string, unknown> }[] = [
  {
    name: 'fresh machine falls back to the sandbox, with a note',
    flags: {},
    e: none,
    want: { kind: 'sandbox', region: 'eu-west-1', note: FALLBACK_NOTE },
  },
  { name: '--local', flags: { local: true }, e: withCreds, want: { kind: 'sandbox', region: 'eu-west-1' } },
  { name: '--handler implies the sandbox', flags: { handler: 'h.py' }, e: withCreds, want: { kind: 'sandbox' } },
  { name: '--local --region', flags: { local: true, region: 'us-west-2' }, e: none, want: { kind: 'sandbox', region: 'us-west-2' } },
  {
    name: '--local with --endpoint-url',
    flags: { local: true, endpointUrl: 'http://x:1' },
    e: none,
    want: { kind: 'invalid', code: 'Usage' },
  },
  {
    name: '--handler with --endpoint-url',
    flags: { handler: 'h.js', endpointUrl: 'http://x:1' },
    e: none,
    want: { kind: 'invalid', code: 'Usage' },
  },
  {
    name: '--endpoint-url without credentials uses fake ones',
    flags: { endpointUrl: 'http://127.0.0.1:4566' },
    e: none,
    want: {
      kind: 'endpoint',
      s3Endpoint: 'http://127.0.0.1:4566',
      logsEndpoint: 'http://127.0.0.1:4566',
      fakeCredentials: true,
      region: 'eu-west-1',
    },
  },
  {
    name: 'AWS_ENDPOINT_URL',
    flags: {},
    e: { ...none, env: { AWS_ENDPOINT_URL: 'http://localhost:4566' } },
    want: { kind: 'endpoint', s3Endpoint: 'http://localhost:4566' },
  },
  {
    name: 'service-specific endpoints',
    flags: {},
    e: {
      ...none,
      env: { AWS_ENDPOINT_URL: 'http://a:1', AWS_ENDPOINT_URL_S3: 'http://s3:2', AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://logs:3' },
    },
    want: { kind: 'endpoint', s3Endpoint: 'http://s3:2', logsEndpoint: 'http://logs:3' },
  },
  {
    name: 'only AWS_ENDPOINT_URL_S3: S3 there, CloudWatch Logs on AWS (as the SDK does)',
    flags: {},
    e: { ...none, env: { AWS_ENDPOINT_URL_S3: 'http://s3:2' } },
    want: { kind: 'endpoint', s3Endpoint: 'http://s3:2', logsEndpoint: undefined },
  },
  {
    name: 'only AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, no credentials: S3 would be AWS -> NoCredentials',
    flags: {},
    e: { ...none, env: { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://logs:3' } },
    want: { kind: 'invalid', code: 'NoCredentials' },
  },
  {
    name: 'only AWS_ENDPOINT_URL_CLOUDWATCH_LOGS, with credentials: AWS with logs elsewhere',
    flags: {},
    e: { ...withCreds, env: { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://logs:3' } },
    want: { kind: 'aws', logsEndpoint: 'http://logs:3' },
  },
  {
    name: "a profile's endpoint_url (LocalStack's recommended profile)",
    flags: { profile: 'localstack' },
    e: {
      ...none,
      configFile: { localstack: { region: 'us-east-1', endpoint_url: 'http://localhost:4566' } },
      credentialsFile: { localstack: { aws_access_key_id: 'test', aws_secret_access_key: 'test' } },
    },
    want: {
      kind: 'endpoint',
      s3Endpoint: 'http://localhost:4566',
      logsEndpoint: 'http://localhost:4566',
      region: 'us-east-1',
      profile: 'localstack',
      fakeCredentials: false,
    },
  },
  {
    name: "a profile's services section beats its endpoint_url; the environment beats both",
    flags: {},
    e: {
      ...none,
      env: { AWS_ENDPOINT_URL_CLOUDWATCH_LOGS: 'http://env-logs:9' },
      configFile: {
        default: { endpoint_url: 'http://all:1', services: 'local' },
        'services.local': { 's3.endpoint_url': 'http://s3:2', 'cloudwatch_logs.endpoint_url': 'http://logs:3' },
      },
    },
    want: { kind: 'endpoint', s3Endpoint: 'http://s3:2', logsEndpoint: 'http://env-logs:9' },
  },
  {
    name: 'AWS_IGNORE_CONFIGURED_ENDPOINT_URLS=true ignores them all',
    flags: {},
    e: {
      ...none,
      env: { AWS_IGNORE_CONFIGURED_ENDPOINT_URLS: 'true', AWS_ENDPOINT_URL: 'http://localhost:4566' },
      configFile: { default: { endpoint_url: 'http://x:1' } },
    },
    want: { kind: 'sandbox' },
  },
  {
    name: 'ignore_configured_endpoint_urls in the profile',
    flags: {},
    e: { ...withCreds, configFile: { default: { endpoint_url: 'http://x:1', ignore_configured_endpoint_urls: 'true' } } },
    want: { kind: 'aws', logsEndpoint: undefined },
  },
  {
    name: 'AWS_ENDPOINT_URL_STS (a VPC endpoint) is kept for the account check on AWS',
    flags: {},
    e: { ...withCreds, env: { AWS_ENDPOINT_URL_STS: 'https://vpce-1.sts.eu-west-1.vpce.amazonaws.com' } },
    want: { kind: 'aws', stsEndpoint: 'https://vpce-1.sts.eu-west-1.vpce.amazonaws.com' },
  },
  {
    name: "--profile's own services section names its STS endpoint",
    flags: { profile: 'corp' },
    e: {
      ...none,
      configFile: { corp: { role_arn: 'r', services: 'vpc' }, 'services.vpc': { 'sts.endpoint_url': 'https://sts.corp:443' } },
    },
    want: { kind: 'aws', stsEndpoint: 'https://sts.corp:443', profile: 'corp' },
  },
  {
    name: 'a bad endpoint_url in the profile',
    flags: {},
    e: { ...none, configFile: { default: { endpoint_url: 'localhost:4566' } } },
    want: { kind: 'invalid', code: 'Usage' },
  },
  {
    name: '--endpoint-url beats the env',
    flags: { endpointUrl: 'http://flag:1' },
    e: { ...none, env: { AWS_ENDPOINT_URL_S3: 'http://s3:2' } },
    want: { s3Endpoint: 'http://flag:1', logsEndpoint: 'http://flag:1' },
  },
  {
    name: 'endpoint with real credentials keeps them',
    flags: { endpointUrl: 'http://x:1' },
    e: withCreds,
    want: { kind: 'endpoint', fakeCredentials: false },
  },
  { name: 'bad endpoint URL', flags: { endpointUrl: 'localhost:4566' }, e: none, want: { kind: 'invalid', code: 'Usage' } },
  {
    name: 'env keys -> AWS, us-east-1 default',
    flags: {},
    e: { ...none, env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' } },
    want: { kind: 'aws', region: 'us-east-1' },
  },
  {
    name: 'AWS_REGION',
    flags: {},
    e: { ...none, env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b', AWS_REGION: 'ap-south-1' } },
    want: { kind: 'aws', region: 'ap-south-1' },
  },
  { name: 'only a key id is not credentials', flags: {}, e: { ...none, env: { AWS_ACCESS_KEY_ID: 'a' } }, want: { kind: 'sandbox' } },
  { name: 'credentials file default profile', flags: {}, e: withCreds, want: { kind: 'aws' } },
  {
    name: 'profile region from config',
    flags: { profile: 'dev' },
    e: { ...none, configFile: { dev: { region: 'eu-central-1', sso_session: 's' } } },
    want: { kind: 'aws', region: 'eu-central-1', profile: 'dev' },
  },
  {
    name: '--region beats the profile',
    flags: { profile: 'dev', region: 'us-west-1' },
    e: { ...none, configFile: { dev: { region: 'eu-central-1', role_arn: 'r' } } },
    want: { region: 'us-west-1' },
  },
  { name: 'unknown --profile', flags: { profile: 'nope' }, e: withCreds, want: { kind: 'invalid', code: 'NoSuchProfile' } },
  {
    name: 'unknown AWS_PROFILE',
    flags: {},
    e: { ...withCreds, env: { AWS_PROFILE: 'gone' } },
    want: { kind: 'invalid', code: 'NoSuchProfile' },
  },
  {
    name: 'profile without credentials',
    flags: { profile: 'dev' },
    e: { ...none, configFile: { dev: { region: 'eu-west-2' } } },
    want: { kind: 'invalid', code: 'NoCredentials' },
  },
  {
    name: 'a named profile ignores env keys (like the SDK)',
    flags: { profile: 'dev' },
    e: { env: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' }, configFile: { dev: { region: 'eu-west-2' } }, credentialsFile: {} },
    want: { kind: 'invalid', code: 'NoCredentials' },
  },
  {
    name: 'credential_process',
    flags: {},
    e: { ...none, configFile: { default: { credential_process: '/bin/creds' } } },
    want: { kind: 'aws' },
  },
  {
    name: 'web identity env',
    flags: {},
    e: { ...none, env: { AWS_WEB_IDENTITY_TOKEN_FILE: '/t', AWS_ROLE_ARN: 'arn' } },
    want: { kind: 'aws' },
  },
  {
    name: 'ECS container credentials',
    flags: {},
    e: { ...none, env: { AWS_CONTAINER_CREDENTIALS_RELATIVE_URI: '/v2/creds' } },
    want: { kind: 'aws' },
  },
  { name: 'EC2 instance', flags: {}, e: { ...none, onEc2: true }, want: { kind: 'aws' } },
  {
    name: 'EC2 with IMDS disabled',
    flags: {},
    e: { ...none, onEc2: true, env: { AWS_EC2_METADATA_DISABLED: 'true' } },
    want: { kind: 'sandbox' },
  },
  {
    name: 'empty --endpoint-url',
    flags: { endpointUrl: '' },
    e: withCreds,
    want: { kind: 'invalid', message: '--endpoint-url is empty: give http(s)://host[:port], or drop the flag' },
  },
  {
    name: '--endpoint-url with a path',
    flags: { endpointUrl: 'http://h:1/s3' },
    e: none,
    want: {
      kind: 'invalid',
      message: "invalid endpoint URL 'http://h:1/s3' (--endpoint-url): expected http(s)://host[:port] with no path, query or fragment",
    },
  },
  {
    name: '--endpoint-url with a trailing slash',
    flags: { endpointUrl: 'http://h:1/' },
    e: none,
    want: { kind: 'endpoint', s3Endpoint: 'http://h:1/' },
  },
  {
    name: '--endpoint-url with user:password (the password is not shown)',
    flags: { endpointUrl: 'http://me:s3cr3t@h:1' },
    e: none,
    want: {
      kind: 'invalid',
      message:
        "invalid endpoint URL 'http://me:***@h:1' (--endpoint-url): expected http(s)://host[:port] with no user:password@ (requests are signed with AWS keys)",
    },
  },
  {
    name: 'AWS_ENDPOINT_URL_S3 with a query is named',
    flags: {},
    e: { ...none, env: { AWS_ENDPOINT_URL_S3: 'http://h:1?a=b' } },
    want: {
      kind: 'invalid',
      message:
        "invalid endpoint URL 'http://h:1?a=b' (AWS_ENDPOINT_URL_S3): expected http(s)://host[:port] with no path, query or fragment",
    },
  },
  {
    name: 'invalid --region',
    flags: { region: 'nope_1' },
    e: withCreds,
    want: { kind: 'invalid', message: "--region 'nope_1' is not a region name: use e.g. eu-west-1" },
  },
  {
    name: 'invalid --region with --local',
    flags: { local: true, region: 'a b' },
    e: none,
    want: { kind: 'invalid', message: "--region 'a b' is not a region name: use e.g. eu-west-1" },
  },
  {
    name: 'invalid AWS_DEFAULT_REGION',
    flags: {},
    e: { ...none, env: { AWS_DEFAULT_REGION: 'x/y' } },
    want: { kind: 'invalid', message: "AWS_DEFAULT_REGION 'x/y' is not a region name: use e.g. eu-west-1" },
  },
  {
    name: '--region wins over a bad AWS_REGION',
    flags: { region: 'eu-west-1' },
    e: { ...none, env: { AWS_REGION: 'x/y' } },
    want: { kind: 'sandbox', region: 'eu-west-1' },
  },
  {
    name: 'invalid region in the profile',
    flags: { profile: 'dev' },
    e: { ...none, configFile: { dev: { region: 'eu_west', role_arn: 'r' } } },
    want: { kind: 'invalid', message: "the region of profile dev 'eu_west' is not a region name: use e.g. eu-west-1" },
  },
];

for (const c of cases) {
  test(`decideTarget: ${c.name}`, () => {
    const got = decideTarget(c.flags, c.e) as unknown as Record<string, unknown>;
    for (const [k, v] of Object.entries(c.want)) assert.deepEqual(got[k], v, `${k} in ${JSON.stringify(got)}`);
  });
}

test('describeTarget labels each kind', () => {
  assert.equal(
    describeTarget({ kind: 'sandbox', region: 'eu-west-1' }, { endpoint: 'http://127.0.0.1:4000', account: '000000000000' }).label,
    'local sandbox http://127.0.0.1:4000 (region eu-west-1)',
  );
  assert.equal(
    describeTarget(
      { kind: 'endpoint', region: 'eu-west-1', s3Endpoint: 'http://a:1', logsEndpoint: 'http://b:2', fakeCredentials: true },
      {},
    ).label,
    'endpoint http://a:1 (logs http://b:2) (region eu-west-1)',
  );
  assert.equal(
    describeTarget({ kind: 'aws', region: 'us-east-1', profile: 'dev' }, { account: '123456789012' }).label,
    'AWS account 123456789012 (region us-east-1, profile dev)',
  );
  assert.equal(
    describeTarget({ kind: 'endpoint', region: 'eu-west-1', s3Endpoint: 'http://a:1', fakeCredentials: false }, {}).label,
    'endpoint http://a:1 (logs on AWS) (region eu-west-1)',
  );
  assert.equal(
    describeTarget({ kind: 'aws', region: 'us-east-1', logsEndpoint: 'http://b:2' }, { account: '123456789012' }).label,
    'AWS account 123456789012 (region us-east-1) (logs http://b:2)',
  );
  const sandbox = describeTarget({ kind: 'sandbox', region: 'eu-west-1', note: 'n' }, {});
  assert.equal(sandbox.note, 'n');
});
