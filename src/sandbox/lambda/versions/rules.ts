/**
 * Pure rules of Lambda versions and aliases (API_PublishVersion, API_CreateAlias, "Lambda function aliases",
 * "Implement Lambda canary deployments using a weighted alias"): names, routing weights, the shapes AWS returns.
 */
import type { AliasConfiguration, FunctionConfiguration } from '@aws-sdk/client-lambda';
import { invalidParameter, LambdaError } from '../errors.js';
import { lastModified } from '../function-config.js';

/** An alias as kept on disk: AWS's AliasConfiguration plus its own resource policy. */
export type StoredAlias = Required<Pick<AliasConfiguration, 'AliasArn' | 'Name' | 'FunctionVersion' | 'Description' | 'RevisionId'>> &
  Pick<AliasConfiguration, 'RoutingConfig'>;

/** Alias names: 1-128 of `[a-zA-Z0-9-_]`, not all digits (they would read as a version). */
const ALIAS_RE = /^(?!^[0-9]+$)[a-zA-Z0-9_-]{1,128}$/;
/** Published versions: 1, 2, 3… */
export const VERSION_RE = /^[1-9][0-9]*$/;

/** The runner's key for a version: `name` for $LATEST, `name:N` for version N. */
export function runnerKey(name: string, version: string): string {
  return version === '$LATEST' ? name : `${name}:${version}`;
}

/** The inverse of runnerKey: the function's name and its version (`$LATEST` for a bare name). */
export function splitRunnerKey(key: string): { name: string; version: string } {
  const at = key.indexOf(':');
  return at === -1 ? { name: key, version: '$LATEST' } : { name: key.slice(0, at), version: key.slice(at + 1) };
}

/** ValidationException for an alias name outside AWS's pattern, undefined when it is fine. */
export function aliasNameError(name: unknown): LambdaError | undefined {
  if (typeof name === 'string' && ALIAS_RE.test(name)) return undefined;
  return new LambdaError(
    'ValidationException',
    `1 validation error detected: Value '${String(name)}' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: (?!^[0-9]+$)([a-zA-Z0-9-_]+)`,
  );
}

/**
 * Checks RoutingConfig.AdditionalVersionWeights: at most one other published version (an alias points at two versions
 * at most), weights from 0.0 to 1.0, never the alias's own version nor $LATEST. `exists` tells whether a version exists.
 * Returns the config to store (undefined for none) or throws InvalidParameterValueException / ResourceNotFoundException.
 */
export function checkRouting(
  routing: unknown,
  functionVersion: string,
  exists: (version: string) => boolean,
  versionArn: (version: string) => string,
): AliasConfiguration['RoutingConfig'] | undefined {
  if (routing === undefined) return undefined;
  const weights = (routing as { AdditionalVersionWeights?: unknown })?.AdditionalVersionWeights;
  if (weights === undefined) return undefined;
  if (!weights || typeof weights !== 'object' || Array.isArray(weights))
    throw invalidParameter('AdditionalVersionWeights must be a map of version to weight.');
  const entries = Object.entries(weights as Record<string, unknown>);
  if (entries.length === 0) return { AdditionalVersionWeights: {} };
  if (entries.length > 1) throw invalidParameter('Number of items in AdditionalVersionWeights cannot be greater than 1');
  const [version, weight] = entries[0]!;
  if (typeof weight !== 'number' || !(weight >= 0 && weight <= 1)) {
    throw new LambdaError(
      'ValidationException',
      `1 validation error detected: Value '${String(weight)}' at 'routingConfig.additionalVersionWeights' failed to satisfy constraint: Map value must satisfy constraint: [Member must have value less than or equal to 1.0, Member must have value greater than or equal to 0.0]`,
    );
  }
  if (functionVersion === '$LATEST' || version === '$LATEST') {
    throw invalidParameter('$LATEST is not supported for an alias pointing to more than 1 version');
  }
  if (!VERSION_RE.test(version))
    throw invalidParameter(`Invalid function version ${version}. Function version ${version} is not a published version.`);
  if (version === functionVersion) {
    throw invalidParameter(
      `Invalid function version ${version}. Function version ${version} is already included in routing configuration.`,
    );
  }
  if (!exists(version)) throw new LambdaError('ResourceNotFoundException', `Function not found: ${versionArn(version)}`, 404);
  return { AdditionalVersionWeights: { [version]: weight } };
}

/**
 * The version an invocation through the alias runs: the additional version with its weight's probability, else the
 * alias's FunctionVersion. `random` is in [0, 1).
 */
export function pickVersion(alias: Pick<StoredAlias, 'FunctionVersion' | 'RoutingConfig'>, random: number): string {
  for (const [version, weight] of Object.entries(alias.RoutingConfig?.AdditionalVersionWeights ?? {})) {
    if (random < weight) return version;
  }
  return alias.FunctionVersion;
}

/**
 * Version N's configuration, snapshotted from $LATEST: qualified FunctionArn, `Version: N`, the publish request's
 * Description (else $LATEST's, as AWS copies it), its own RevisionId.
 */
export function versionConfiguration(
  latest: FunctionConfiguration,
  version: string,
  description: string | undefined,
  now: Date,
  revisionId: string,
): FunctionConfiguration {
  return {
    ...latest,
    FunctionArn: `${latest.FunctionArn}:${version}`,
    Version: version,
    Description: description ?? latest.Description ?? '',
    LastModified: lastModified(now),
    RevisionId: revisionId,
    State: 'Active',
    LastUpdateStatus: 'Successful',
  };
}
