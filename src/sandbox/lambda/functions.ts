/** The Lambda operations over the store and the runner; each returns a value or throws a LambdaError. */
import { resourcePolicyAllows } from '../../aws/resource-policy.js';
import { randomUUID } from 'node:crypto';
import { lstatSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import type {
  AddPermissionRequest,
  FunctionConfiguration,
  GetFunctionResponse,
  ListFunctionsResponse,
  UpdateFunctionConfigurationRequest,
} from '@aws-sdk/client-lambda';
import type { FunctionSpec, InvocationOutcome } from './spec.js';
import { conflict, invalidParameter, LambdaError, notFound } from './errors.js';
import {
  functionArn,
  newConfiguration,
  parseFunctionRef,
  settled,
  validateArchitectures,
  validateCreate,
  validateUpdateConfiguration,
  withNewCode,
  withSettings,
  type CodeSource,
  type CreateFunctionBody,
} from './function-config.js';
import { logSettingsOf } from './logging-config.js';
import { FunctionGoneError, type Runner } from './runner.js';
import type { FunctionStore, PolicyStatement, StoredFunction } from './store.js';
import { splitRunnerKey } from './versions/rules.js';
import { VersionStore } from './versions/store.js';
import { FunctionVersions, type Target } from './versions/versions.js';
import { codeSha256, MAX_UNZIPPED_BYTES, MAX_ZIPPED_BYTES, UnzippedTooLargeError, ZipFormatError } from './zip.js';

export class LambdaFunctions {
  /** Published versions and aliases (versions/). */
  readonly versions: FunctionVersions;

  constructor(
    private readonly store: FunctionStore,
    private readonly runner: Runner,
    private readonly where: {
      region: string;
      accountId: string;
      sdkNodeModules?: string;
      endpoint: () => string | undefined;
      /** Told of each function created with (or switched to) a runtime, for the sandbox log's notices (index.ts). */
      runtimeChosen?: (functionName: string, runtime: string) => void;
      /** Reserved concurrency, shown by GetFunction (concurrency.ts). */
      concurrency?: { get(name: string): number | undefined };
      /** Called when a function is deleted, for state kept beside it. */
      forget?: (name: string) => void;
    },
  ) {
    this.versions = new FunctionVersions(store, new VersionStore((name) => store.functionDir(name)), (name) => this.arnOf(name));
    for (const f of store.list()) this.linkSdk(f.configuration.FunctionName!);
  }

  arnOf(name: string): string {
    return functionArn(this.where.region, this.where.accountId, name);
  }

  /** What a name / ARN / partial ARN refers to ($LATEST, a version `:N` or an alias), if it exists here. */
  target(ref: string): Target | undefined {
    const parsed = parseFunctionRef(ref);
    if (!parsed) return undefined;
    if (parsed.region && parsed.region !== this.where.region) return undefined;
    if (parsed.account && parsed.account !== this.where.accountId) return undefined;
    return this.versions.target(parsed.name, parsed.qualifier);
  }

  /** The configuration and resource policy a reference names (a version's or alias's own policy), if it exists. */
  resolve(ref: string): StoredFunction | undefined {
    return this.target(ref)?.stored;
  }

  /** `name` or `name:qualifier` for a reference that exists (what invokes take), undefined otherwise. */
  refOf(ref: string): string | undefined {
    const t = this.target(ref);
    return t ? (t.kind === 'latest' ? t.name : `${t.name}:${t.qualifier}`) : undefined;
  }

  private requireTarget(ref: string): Target {
    const found = this.target(ref);
    if (found) return found;
    const name = parseFunctionRef(ref)?.name ?? ref;
    const qualifier = parseFunctionRef(ref)?.qualifier;
    throw notFound(qualifier ? `${this.arnOf(name)}:${qualifier}` : this.arnOf(name));
  }

  /** $LATEST only (code and configuration updates): a qualifier other than $LATEST is not found. */
  private require(ref: string): StoredFunction {
    const t = this.requireTarget(ref);
    if (t.kind !== 'latest') throw notFound(`${this.arnOf(t.name)}:${t.qualifier}`);
    return t.stored;
  }

  /** The spec the runner starts environments from; `key` is `name` ($LATEST) or `name:N` (versions/rules.ts runnerKey). */
  specOf(key: string): FunctionSpec | undefined {
    const { name, version } = splitRunnerKey(key);
    if (!this.store.get(name)) return undefined;
    const published = version === '$LATEST' ? undefined : this.versions.version(name, version);
    const c = version === '$LATEST' ? this.store.get(name)?.configuration : published?.configuration;
    if (!c) return undefined;
    return {
      name,
      ...(version !== '$LATEST' ? { version } : {}),
      arn: c.FunctionArn!,
      runtime: c.Runtime!,
      handler: c.Handler!,
      codeDir: published?.codeDir ?? this.store.codeDir(name),
      timeoutSeconds: c.Timeout ?? 3,
      memorySizeMB: c.MemorySize ?? 128,
      environment: c.Environment?.Variables ?? {},
      logging: logSettingsOf(name, c.LoggingConfig),
    };
  }

  /**
   * The package bytes: inline (at most 50 MB, RequestEntityTooLargeException beyond, as AWS), or fetched
   * from the sandbox's own S3 (the request came over HTTP, so the endpoint is known), read no further
   * than the unzipped limit.
   */
  private async packageBytes(code: CodeSource): Promise<Buffer> {
    if (code.ZipFile) {
      const zip = Buffer.from(code.ZipFile, 'base64');
      if (zip.length > MAX_ZIPPED_BYTES)
        throw new LambdaError('RequestEntityTooLargeException', `Zipped size must be smaller than ${MAX_ZIPPED_BYTES} bytes`, 413);
      return zip;
    }
    if (!code.S3Bucket || !code.S3Key) throw invalidParameter('Please provide a source for function code: ZipFile or S3Bucket and S3Key.');
    const endpoint = this.where.endpoint();
    if (!endpoint) throw invalidParameter('The sandbox endpoint is not known yet; upload the code as ZipFile.');
    const key = code.S3Key.split('/').map(encodeURIComponent).join('/');
    const version = code.S3ObjectVersion ? `?versionId=${encodeURIComponent(code.S3ObjectVersion)}` : '';
    const res = await fetch(`${endpoint}/${encodeURIComponent(code.S3Bucket)}/${key}${version}`);
    if (!res.ok) {
      const text = await res.text();
      const s3Code = /<Code>([^<]*)<\/Code>/.exec(text)?.[1] ?? String(res.status);
      const s3Message = /<Message>([^<]*)<\/Message>/.exec(text)?.[1] ?? '';
      throw invalidParameter(`Error occurred while GetObject. S3 Error Code: ${s3Code}. S3 Error Message: ${s3Message}`);
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of res.body ?? []) {
      size += chunk.length;
      if (size > MAX_UNZIPPED_BYTES) {
        await res.body?.cancel().catch(() => {});
        throw invalidParameter(new UnzippedTooLargeError(MAX_UNZIPPED_BYTES).message);
      }
      chunks.push(chunk);
    }
    return Buffer.concat(chunks);
  }

  /** Unpacks aside (see FunctionStore.stageCode); a bad or oversized package is AWS's InvalidParameterValueException. */
  private async stage(zip: Buffer): Promise<string> {
    try {
      return await this.store.stageCode(zip);
    } catch (err) {
      if (err instanceof UnzippedTooLargeError) throw invalidParameter(err.message);
      if (err instanceof ZipFormatError)
        throw invalidParameter('Could not unzip uploaded file. Please check your file, then try to upload again.');
      throw err;
    }
  }

  private install(name: string, staged: string, zip: Buffer): { codeSha256: string; codeSize: number } {
    this.store.installCode(name, staged, zip);
    this.linkSdk(name);
    return { codeSha256: codeSha256(zip), codeSize: zip.length };
  }

  /** Handlers import the AWS SDK as on Lambda (where the runtime ships it): link ours next to the code. */
  linkSdk(name: string): void {
    const target = this.where.sdkNodeModules;
    if (!target) return;
    const link = join(this.store.functionDir(name), 'node_modules');
    try {
      if (lstatSync(link, { throwIfNoEntry: false })) {
        if (readlinkSync(link) === target) return;
        unlinkSync(link); // data dir from another install of s3trigger
      }
      symlinkSync(target, link, 'dir');
    } catch {
      /* without it only SDK-using node handlers are affected */
    }
  }

  async create(input: CreateFunctionBody): Promise<FunctionConfiguration> {
    const invalid = validateCreate(input);
    if (invalid) throw invalid;
    const name = parseFunctionRef(input.FunctionName!)!.name;
    if (this.store.get(name)) throw conflict(`Function already exist: ${name}`);
    const zip = await this.packageBytes(input.Code!);
    const staged = await this.stage(zip);
    // Nothing below awaits: the check and the install cannot interleave with another request.
    if (this.store.get(name)) {
      this.store.discardCode(staged);
      throw conflict(`Function already exist: ${name}`);
    }
    const code = this.install(name, staged, zip);
    const configuration = newConfiguration(input, { ...this.where, now: new Date(), revisionId: randomUUID() }, code);
    // Creation is instant here: the response says Pending (as AWS does), every later read says Active.
    this.store.put({ configuration: settled(configuration), policy: [] });
    this.where.runtimeChosen?.(name, configuration.Runtime!);
    return configuration;
  }

  get(ref: string): GetFunctionResponse {
    const t = this.requireTarget(ref);
    const stored = t.stored;
    const name = stored.configuration.FunctionName!;
    const version = stored.configuration.Version ?? '$LATEST';
    const endpoint = this.where.endpoint();
    const reserved = this.where.concurrency?.get(name);
    return {
      Configuration: stored.configuration,
      ...(reserved !== undefined ? { Concurrency: { ReservedConcurrentExecutions: reserved } } : {}),
      Code: {
        RepositoryType: 'S3',
        Location: `${endpoint ?? ''}/2015-03-31/functions/${encodeURIComponent(name)}/code.zip${version === '$LATEST' ? '' : `?Qualifier=${version}`}`,
      },
    };
  }

  configuration(ref: string): FunctionConfiguration {
    return this.requireTarget(ref).stored.configuration;
  }

  zipPath(ref: string): string {
    const c = this.requireTarget(ref).stored.configuration;
    return c.Version && c.Version !== '$LATEST' ? this.versions.zipPath(c.FunctionName!, c.Version) : this.store.zipPath(c.FunctionName!);
  }

  list(marker?: string, maxItems?: number): ListFunctionsResponse {
    const all = this.store.list().map((f) => f.configuration);
    const start = marker ? Number.parseInt(marker, 10) || 0 : 0;
    const size = Math.min(Math.max(maxItems ?? 50, 1), 50);
    const page = all.slice(start, start + size);
    return { Functions: page, ...(start + size < all.length ? { NextMarker: String(start + size) } : {}) };
  }

  /** DeleteFunction: the whole function, or with a version qualifier only that version (versions.ts deleteVersion). */
  delete(ref: string): void {
    const qualifier = parseFunctionRef(ref)?.qualifier;
    const name = this.requireTarget(parseFunctionRef(ref)?.name ?? ref).name;
    if (qualifier !== undefined) {
      this.versions.deleteVersion(name, qualifier);
      this.runner.forget(`${name}:${qualifier}`);
      return;
    }
    for (const v of this.versions.list(name).Versions) this.runner.forget(v.Version === '$LATEST' ? name : `${name}:${v.Version}`);
    this.versions.forget(name);
    this.store.delete(name);
    this.where.forget?.(name);
  }

  /** `replace`: start the environment for the new code now (hot reload), rather than at the next invocation. */
  async updateCode(
    ref: string,
    body: CodeSource & { DryRun?: boolean; Architectures?: unknown },
    options: { replace?: boolean } = {},
  ): Promise<FunctionConfiguration> {
    const stored = this.require(ref);
    if ([body.ZipFile, body.S3Bucket, body.S3Key].some((v) => v !== undefined && typeof v !== 'string')) {
      throw new LambdaError('SerializationException', 'ZipFile, S3Bucket and S3Key must be strings');
    }
    const badArchitectures = validateArchitectures(body.Architectures);
    if (badArchitectures) throw badArchitectures;
    const name = stored.configuration.FunctionName!;
    const zip = await this.packageBytes(body);
    if (body.DryRun) return stored.configuration;
    const staged = await this.stage(zip);
    const current = this.store.get(name);
    if (!current) {
      this.store.discardCode(staged); // deleted while its new code was unpacked
      throw notFound(this.arnOf(name));
    }
    const code = this.install(name, staged, zip);
    const configuration = withNewCode(current.configuration, code, new Date(), randomUUID());
    this.store.put({ ...current, configuration: settled(configuration) });
    this.runner.retire(name, options.replace ?? false);
    return configuration;
  }

  updateConfiguration(ref: string, input: UpdateFunctionConfigurationRequest): FunctionConfiguration {
    const stored = this.require(ref);
    const invalid = validateUpdateConfiguration(input, stored.configuration);
    if (invalid) throw invalid;
    if (input.RevisionId && input.RevisionId !== stored.configuration.RevisionId) {
      throw new LambdaError(
        'PreconditionFailedException',
        'The Revision Id provided does not match the latest Revision Id. Call the GetFunction/GetAlias API to retrieve the latest Revision Id',
        412,
      );
    }
    const configuration = withSettings(stored.configuration, input, new Date(), randomUUID());
    this.store.put({ ...stored, configuration: settled(configuration) });
    this.runner.retire(stored.configuration.FunctionName!);
    if (input.Runtime) this.where.runtimeChosen?.(stored.configuration.FunctionName!, input.Runtime);
    return configuration;
  }

  addPermission(ref: string, input: AddPermissionRequest): { Statement: string } {
    const target = this.requireTarget(ref);
    const stored = target.stored;
    if (typeof input.StatementId !== 'string' || typeof input.Action !== 'string' || typeof input.Principal !== 'string') {
      throw invalidParameter('StatementId, Action and Principal are required.');
    }
    if (stored.policy.some((s) => s.Sid === input.StatementId)) {
      throw conflict(
        `The statement id (${input.StatementId}) provided already exists. Please provide a new statement id, or remove the existing statement.`,
      );
    }
    const condition: PolicyStatement['Condition'] = {};
    if (input.SourceArn) condition.ArnLike = { 'AWS:SourceArn': input.SourceArn };
    if (input.SourceAccount) condition.StringEquals = { 'AWS:SourceAccount': input.SourceAccount };
    const statement: PolicyStatement = {
      Sid: input.StatementId,
      Effect: 'Allow',
      Principal: input.Principal.includes('.') ? { Service: input.Principal } : { AWS: input.Principal },
      Action: input.Action,
      // A version's or alias's own policy names it (its qualified ARN).
      Resource: target.kind === 'latest' ? stored.configuration.FunctionArn! : `${this.arnOf(target.name)}:${target.qualifier}`,
      ...(Object.keys(condition).length ? { Condition: condition } : {}),
    };
    this.setPolicy(target, [...stored.policy, statement]);
    return { Statement: JSON.stringify(statement) };
  }

  private setPolicy(target: Target, policy: PolicyStatement[]): void {
    if (target.kind === 'latest') this.store.put({ ...target.stored, policy });
    else this.versions.setPolicy(target, policy);
  }

  policy(ref: string): { Policy: string; RevisionId: string } {
    const stored = this.requireTarget(ref).stored;
    if (!stored.policy.length) throw new LambdaError('ResourceNotFoundException', 'The resource you requested does not exist.', 404);
    const policy = { Version: '2012-10-17', Id: 'default', Statement: stored.policy };
    return { Policy: JSON.stringify(policy), RevisionId: stored.configuration.RevisionId! };
  }

  removePermission(ref: string, sid: string): void {
    const target = this.requireTarget(ref);
    const stored = target.stored;
    if (!stored.policy.some((s) => s.Sid === sid)) {
      throw new LambdaError('ResourceNotFoundException', `Statement ${sid} is not found in resource policy.`, 404);
    }
    this.setPolicy(
      target,
      stored.policy.filter((s) => s.Sid !== sid),
    );
  }

  /**
   * Whether the function's resource policy allows `lambda:InvokeFunction` to `principal` for `sourceArn`
   * (aws/resource-policy.ts); false when the function does not exist.
   */
  allowsInvoke(ref: string, principal: string, sourceArn: string): boolean {
    const stored = this.resolve(ref);
    return (
      stored !== undefined &&
      resourcePolicyAllows(
        { Statement: stored.policy as unknown as Record<string, unknown>[] },
        {
          principal,
          action: 'lambda:InvokeFunction',
          sourceArn,
        },
      )
    );
  }

  /**
   * Validates the target and payload of an Invoke before anything runs; returns the runner key of the version that
   * runs it (`name` or `name:N`; an alias picks by its routing weights).
   */
  checkInvoke(ref: string, qualifier: string | undefined, payload: string): string {
    const target = this.requireTarget(qualifier ? `${ref}:${qualifier}` : ref);
    try {
      JSON.parse(payload);
    } catch (err) {
      throw new LambdaError(
        'InvalidRequestContentException',
        `Could not parse request body into json: Could not parse payload into json: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    return this.runnerKeyOf(`${target.name}:${target.qualifier}`) ?? target.name;
  }

  /** The runner key (`name` or `name:N`) an invocation of `ref` runs now; undefined when `ref` names nothing. */
  runnerKeyOf(ref: string): string | undefined {
    const parsed = parseFunctionRef(ref);
    return parsed ? this.versions.invocationKey(parsed.name, parsed.qualifier) : undefined;
  }

  /**
   * RequestResponse; a function deleted before its invocation starts is ResourceNotFoundException, as AWS. `tail`:
   * the outcome's logTail is kept (Invoke with `LogType: Tail`).
   */
  async invoke(ref: string, payload: string, clientContext?: string, traceId?: string, tail = false): Promise<InvocationOutcome> {
    const name = this.runnerKeyOf(ref) ?? ref;
    try {
      return await this.runner.invoke(name, payload, randomUUID(), clientContext, traceId, tail);
    } catch (err) {
      if (err instanceof FunctionGoneError) throw notFound(this.arnOf(name));
      throw err;
    }
  }

  /**
   * `ref`: a runner key, or a qualified reference resolved per event (an alias's weights pick a version each time).
   * `traceId`: the invocation's `_X_AMZN_TRACE_ID` (recursion/guard.ts); a new chain's when absent.
   */
  invokeAsync(ref: string, payload: string, traceId?: string): string {
    return this.runner.invokeAsync(this.runnerKeyOf(ref) ?? ref, payload, undefined, traceId);
  }
}
