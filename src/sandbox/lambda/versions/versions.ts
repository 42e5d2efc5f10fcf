/**
 * PublishVersion, ListVersionsByFunction, the alias operations, and what a qualifier (`N`, an alias, `$LATEST`) names.
 * Versions run their own copy of the code (store.ts); an alias with RoutingConfig picks one of its two versions per
 * invocation with the configured weight.
 */
import { randomUUID } from 'node:crypto';
import type { AliasConfiguration, FunctionConfiguration } from '@aws-sdk/client-lambda';
import { invalidParameter, LambdaError, notFound, conflict } from '../errors.js';
import { parseFunctionRef } from '../function-config.js';
import type { FunctionStore, PolicyStatement, StoredFunction } from '../store.js';
import { aliasNameError, checkRouting, pickVersion, runnerKey, type StoredAlias, VERSION_RE, versionConfiguration } from './rules.js';
import type { VersionState, VersionStore } from './store.js';

/** What a function reference names: the configuration that runs (or would run) and the policy that governs it. */
export interface Target {
  name: string;
  /** `$LATEST`, a version number, or an alias name. */
  qualifier: string;
  kind: 'latest' | 'version' | 'alias';
  stored: StoredFunction;
  alias?: StoredAlias;
}

const preconditionFailed = () =>
  new LambdaError(
    'PreconditionFailedException',
    'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
    412,
  );

export class FunctionVersions {
  constructor(
    private readonly functions: FunctionStore,
    private readonly store: VersionStore,
    private readonly arnOf: (name: string) => string,
    private readonly random: () => number = Math.random,
  ) {}

  private latest(name: string): StoredFunction {
    const stored = this.functions.get(name);
    if (!stored) throw notFound(this.arnOf(name));
    return stored;
  }

  /** The target of `name` + qualifier, undefined when the function, version or alias does not exist. */
  target(name: string, qualifier: string | undefined): Target | undefined {
    const latest = this.functions.get(name);
    if (!latest) return undefined;
    if (qualifier === undefined || qualifier === '$LATEST') return { name, qualifier: '$LATEST', kind: 'latest', stored: latest };
    const state = this.store.get(name);
    if (VERSION_RE.test(qualifier)) {
      const v = state.versions[qualifier];
      return v ? { name, qualifier, kind: 'version', stored: { configuration: v.configuration, policy: v.policy } } : undefined;
    }
    const a = state.aliases[qualifier];
    if (!a) return undefined;
    const version = a.alias.FunctionVersion;
    const configuration = version === '$LATEST' ? latest.configuration : state.versions[version]?.configuration;
    if (!configuration) return undefined;
    return { name, qualifier, kind: 'alias', stored: { configuration, policy: a.policy }, alias: a.alias };
  }

  /**
   * The runner key of the version an invocation of `name:qualifier` runs now (an alias picks by its weights).
   * Undefined when it does not exist.
   */
  invocationKey(name: string, qualifier: string | undefined): string | undefined {
    const t = this.target(name, qualifier);
    if (!t) return undefined;
    if (t.kind !== 'alias') return runnerKey(name, t.qualifier);
    return runnerKey(name, pickVersion(t.alias!, this.random()));
  }

  /** A published version's configuration and its own code folder, for the runner. */
  version(name: string, version: string): { configuration: FunctionConfiguration; codeDir: string } | undefined {
    const v = this.store.get(name).versions[version];
    return v ? { configuration: v.configuration, codeDir: this.store.codeDir(name, version) } : undefined;
  }

  zipPath(name: string, version: string): string {
    return this.store.zipPath(name, version);
  }

  publish(name: string, input: { CodeSha256?: string; Description?: string; RevisionId?: string }): FunctionConfiguration {
    const latest = this.latest(name).configuration;
    if (input.CodeSha256 !== undefined && input.CodeSha256 !== latest.CodeSha256) {
      throw invalidParameter(
        `CodeSHA256 (${input.CodeSha256}) is different from current CodeSHA256 in $LATEST (${latest.CodeSha256}). Please try publishing again.`,
      );
    }
    if (input.RevisionId !== undefined && input.RevisionId !== latest.RevisionId) throw preconditionFailed();
    const state = this.store.get(name);
    const last = Object.values(state.versions).at(-1);
    // Nothing changed since the last version: AWS returns that version instead of publishing another.
    if (last && last.sourceRevisionId === latest.RevisionId) return last.configuration;
    const version = String(state.nextVersion);
    this.store.snapshotCode(name, version, this.functions.codeDir(name), this.functions.zipPath(name));
    const configuration = versionConfiguration(latest, version, input.Description, new Date(), randomUUID());
    this.store.save(name, {
      ...state,
      nextVersion: state.nextVersion + 1,
      versions: { ...state.versions, [version]: { configuration, policy: [], sourceRevisionId: latest.RevisionId! } },
    });
    return configuration;
  }

  /** $LATEST (with its qualified ARN, as AWS lists it) and then every version, oldest first. */
  list(name: string): { Versions: FunctionConfiguration[] } {
    const latest = this.latest(name).configuration;
    const versions = Object.values(this.store.get(name).versions)
      .map((v) => v.configuration)
      .sort((a, b) => Number(a.Version) - Number(b.Version));
    return { Versions: [{ ...latest, FunctionArn: `${latest.FunctionArn}:$LATEST` }, ...versions] };
  }

  /** DeleteFunction with a version Qualifier: not $LATEST, not a version an alias uses. */
  deleteVersion(name: string, version: string): void {
    this.latest(name);
    if (version === '$LATEST') throw invalidParameter('$LATEST version cannot be deleted without deleting the function.');
    if (!VERSION_RE.test(version)) throw invalidParameter('Deletion of aliases is not supported by DeleteFunction. Use DeleteAlias.');
    const state = this.store.get(name);
    if (!state.versions[version]) throw notFound(`${this.arnOf(name)}:${version}`);
    const users = Object.values(state.aliases)
      .map((a) => a.alias)
      .filter((a) => a.FunctionVersion === version || a.RoutingConfig?.AdditionalVersionWeights?.[version] !== undefined);
    if (users.length) {
      throw conflict(`Unable to delete version because the following aliases reference it: [${users.map((a) => a.Name).join(', ')}]`);
    }
    const { [version]: _gone, ...versions } = state.versions;
    this.store.save(name, { ...state, versions });
    this.store.removeCode(name, version);
  }

  private aliasArn(name: string, alias: string): string {
    return `${this.arnOf(name)}:${alias}`;
  }

  private checkVersion(name: string, state: VersionState, version: unknown): string {
    if (typeof version !== 'string' || !(version === '$LATEST' || VERSION_RE.test(version))) {
      throw new LambdaError(
        'ValidationException',
        `1 validation error detected: Value '${String(version)}' at 'functionVersion' failed to satisfy constraint: Member must satisfy regular expression pattern: (\\$LATEST|[0-9]+)`,
      );
    }
    if (version !== '$LATEST' && !state.versions[version]) throw notFound(`${this.arnOf(name)}:${version}`);
    return version;
  }

  createAlias(
    name: string,
    input: { Name?: unknown; FunctionVersion?: unknown; Description?: unknown; RoutingConfig?: unknown },
  ): AliasConfiguration {
    this.latest(name);
    const bad = aliasNameError(input.Name);
    if (bad) throw bad;
    const aliasName = input.Name as string;
    const state = this.store.get(name);
    const version = this.checkVersion(name, state, input.FunctionVersion);
    if (state.aliases[aliasName]) throw conflict(`Alias already exists: ${this.aliasArn(name, aliasName)}`);
    const routing = checkRouting(
      input.RoutingConfig,
      version,
      (v) => !!state.versions[v],
      (v) => `${this.arnOf(name)}:${v}`,
    );
    const alias: StoredAlias = {
      AliasArn: this.aliasArn(name, aliasName),
      Name: aliasName,
      FunctionVersion: version,
      Description: typeof input.Description === 'string' ? input.Description : '',
      ...(routing ? { RoutingConfig: routing } : {}),
      RevisionId: randomUUID(),
    };
    this.store.save(name, { ...state, aliases: { ...state.aliases, [aliasName]: { alias, policy: [] } } });
    return alias;
  }

  private requireAlias(name: string, aliasName: string): { alias: StoredAlias; policy: PolicyStatement[] } {
    this.latest(name);
    const found = this.store.get(name).aliases[aliasName];
    if (!found) throw new LambdaError('ResourceNotFoundException', `Alias not found: ${this.aliasArn(name, aliasName)}`, 404);
    return found;
  }

  getAlias(name: string, aliasName: string): AliasConfiguration {
    return this.requireAlias(name, aliasName).alias;
  }

  updateAlias(
    name: string,
    aliasName: string,
    input: { FunctionVersion?: unknown; Description?: unknown; RoutingConfig?: unknown; RevisionId?: unknown },
  ): AliasConfiguration {
    const current = this.requireAlias(name, aliasName);
    if (input.RevisionId !== undefined && input.RevisionId !== current.alias.RevisionId) throw preconditionFailed();
    const state = this.store.get(name);
    const version =
      input.FunctionVersion === undefined ? current.alias.FunctionVersion : this.checkVersion(name, state, input.FunctionVersion);
    // RoutingConfig left out keeps the current one (when still valid); an empty map removes it.
    const routing =
      input.RoutingConfig !== undefined
        ? checkRouting(
            input.RoutingConfig,
            version,
            (v) => !!state.versions[v],
            (v) => `${this.arnOf(name)}:${v}`,
          )
        : current.alias.RoutingConfig;
    const weights = routing?.AdditionalVersionWeights ?? {};
    if (weights[version] !== undefined) {
      throw invalidParameter(
        `Invalid function version ${version}. Function version ${version} is already included in routing configuration.`,
      );
    }
    const { RoutingConfig: _old, ...rest } = current.alias;
    const alias: StoredAlias = {
      ...rest,
      FunctionVersion: version,
      ...(typeof input.Description === 'string' ? { Description: input.Description } : {}),
      ...(routing && Object.keys(weights).length ? { RoutingConfig: routing } : {}),
      RevisionId: randomUUID(),
    };
    this.store.save(name, { ...state, aliases: { ...state.aliases, [aliasName]: { ...current, alias } } });
    return alias;
  }

  deleteAlias(name: string, aliasName: string): void {
    this.latest(name);
    const state = this.store.get(name);
    // AWS answers 204 for an alias that does not exist too.
    if (!state.aliases[aliasName]) return;
    const { [aliasName]: _gone, ...aliases } = state.aliases;
    this.store.save(name, { ...state, aliases });
  }

  listAliases(name: string, functionVersion?: string): { Aliases: AliasConfiguration[] } {
    this.latest(name);
    const all = Object.values(this.store.get(name).aliases).map((a) => a.alias);
    return {
      Aliases: all
        .filter((a) => functionVersion === undefined || a.FunctionVersion === functionVersion)
        .sort((a, b) => a.Name.localeCompare(b.Name)),
    };
  }

  /** Replaces the resource policy of a version or alias (AddPermission / RemovePermission with a Qualifier). */
  setPolicy(target: Target, policy: PolicyStatement[]): void {
    const state = this.store.get(target.name);
    if (target.kind === 'version') {
      const v = state.versions[target.qualifier]!;
      this.store.save(target.name, { ...state, versions: { ...state.versions, [target.qualifier]: { ...v, policy } } });
    } else if (target.kind === 'alias') {
      const a = state.aliases[target.qualifier]!;
      this.store.save(target.name, { ...state, aliases: { ...state.aliases, [target.qualifier]: { ...a, policy } } });
    }
  }

  forget(name: string): void {
    this.store.forget(name);
  }
}

/** The name and qualifier of a reference (`f`, `f:live`, an ARN); undefined when it is not one. */
export function splitRef(ref: string): { name: string; qualifier?: string } | undefined {
  const p = parseFunctionRef(ref);
  return p ? { name: p.name, ...(p.qualifier !== undefined ? { qualifier: p.qualifier } : {}) } : undefined;
}
