/**
 * What one operation kind is, in one place: its S3 events, validation, how it runs, its CI flag, its TUI keys
 * and form. Data and plain functions only (no SDK import, no ink): the faces read these and render them.
 */
import type { OpContext } from './context.js';
import type { InputProblem } from './problems.js';
import type { OpInput, OpKind, OpResult } from './types.js';

/** The input of one operation kind. */
export type InputOf<K extends OpKind> = Extract<OpInput, { kind: K }>;

/** CI flags every operation may read besides its own (`--key`, `--size`...), already parsed. */
export interface OpModifiers {
  size?: number;
  file?: string;
  key?: string;
  partSize?: number;
  concurrency?: number;
  /** Upload options of PUT, COPY, POST and MULTIPART (`--storage-class`, `--acl`, `--tagging`), as given. */
  storageClass?: string;
  acl?: string;
  tagging?: string;
  /** `--version-id`: DELETE that version (S3 DeleteObject's VersionId). */
  versionId?: string;
  /** RESTORE's `--days` and `--tier`; `--wait-restore` waits for ObjectRestore:Completed on any target. */
  days?: number;
  tier?: string;
  waitRestore?: boolean;
}

/** The shared CI flags an operation may read, by their flag names (`--storage-class` is `storage-class`). */
export type ModifierFlag = 'storage-class' | 'acl' | 'tagging' | 'version-id' | 'days' | 'tier' | 'wait-restore';

/** The operation's CI flag, e.g. `--copy SRC_BUCKET SRC_KEY DEST_KEY`. */
export interface CliSpec<K extends OpKind, Flag extends string> {
  flag: Flag;
  /** The value names in `--help`; more than one makes the flag take exactly that many values. */
  metavars: readonly string[];
  describe: string;
  /** Place in the blog scripts' order (put, copy, delete, post, multipart): several operations run in it. */
  order: number;
  /** The flag's values (one per metavar) and the shared flags -> the input. */
  input(values: readonly string[], flags: OpModifiers & { bucket: string }): InputOf<K>;
  /** The scripts' line before the operation runs. */
  startLine(input: InputOf<K>): string;
  /** The scripts' line once S3 acknowledged it (default `Done.`). */
  doneLine?(input: InputOf<K>, result: OpResult): string;
  /** The shared flags among ModifierFlag it reads: one given with no operation that reads it is a usage error. */
  modifiers?: readonly ModifierFlag[];
}

/** The events an operation's invocations are matched by, and how many invocations each function gets for it. */
export interface AwaitedEvents {
  eventNames: readonly [string, ...string[]];
  /** Invocations per function (RESTORE on the sandbox: ObjectRestore:Post, then ObjectRestore:Completed). */
  perFunction: number;
}

/** One field of the TUI's parameter form. */
export interface FormFieldSpec {
  name: string;
  label: string;
  /** A local file path: the TUI checks it before firing and names the field in what is wrong with it. */
  path?: boolean;
}

/** What the TUI's operations may start from (`--size`, the generated demo file...). */
export interface OpDefaults {
  /** The generated demo file (used by PUT and POST unless a file was given). */
  demoFile: string;
  putFile?: string;
  postFile?: string;
  copy?: { sourceBucket: string; sourceKey: string; key: string };
  deleteKey?: string;
  multipartKey?: string;
  sizeMB?: number;
  /** `--part-size` (MiB) and `--concurrency` for MULTIPART. */
  partSizeMB?: number;
  concurrency?: number;
}

/** What an operation's current input may depend on besides its own parameters. */
export interface ParamContext {
  bucket: string;
  /** The newest key created in this bucket this session. */
  lastCreated?: string;
  /** The key another operation would use now. */
  keyFor(kind: OpKind): string | undefined;
}

/** A form value by field name, trimmed ('' when absent). */
export type FormValue = (name: string) => string;

/** The operation in the interactive view: keys, ops-pane line and parameter form. */
export interface TuiSpec<K extends OpKind, P> {
  /** Fires now with the current parameters; the edit key is its Shift form. */
  fireKey: string;
  editKey: string;
  /** Help overlay text of the fire key. */
  fireHelp: string;
  /** Footer label of the fire key. */
  footer: string;
  fields: readonly FormFieldSpec[];
  /** The parameters the view starts with. */
  initial(defaults: OpDefaults): P;
  /** What a key press fires now, or why it cannot. */
  current(params: P, ctx: ParamContext): InputOf<K> | { error: string };
  /** One line for the operations pane. */
  describe(input: InputOf<K>): string;
  /** The form prefilled: values by field name (`now` is undefined when the current input is an error). */
  formValues(params: P, now: InputOf<K> | undefined, bucket: string | undefined): Record<string, string | number | undefined>;
  /** A submitted form -> the input, or what is wrong with it (`params`: what the form does not show, e.g. --part-size). */
  fromForm(value: FormValue, bucket: string, params?: P): InputOf<K> | { error: string };
  /** The parameters kept after a submitted form (some kinds follow the session instead). */
  save(value: FormValue, params: P): P;
  /** On real AWS, the question asked before firing (destructive operations). */
  confirmOnAws?(input: InputOf<K>): string;
}

/**
 * One operation kind. `P` is its TUI parameters, `Flag` its CI flag's name.
 * Methods (not function properties) so that a definition fits the registry's general `OpDefinition<K>`.
 */
export interface OpDefinition<K extends OpKind = OpKind, P = unknown, Flag extends string = string> {
  kind: K;
  /** As shown everywhere: `PUT`, `MULTIPART`. */
  label: string;
  /** AWS's names of the S3 events it causes, without `s3:`; the first is the one awaited. */
  eventNames: readonly [string, ...string[]];
  /**
   * What it sends to: S3 (default), or Lambda directly (REPLAY). A Lambda op gets no notification preview and is
   * matched by the request ids of its own Invoke calls.
   */
  invokes?: 's3' | 'lambda';
  /** The functions it will reach, given the ones discovery found for the bucket (`--function` included); default: the chain decides. */
  expectedFunctions?(input: InputOf<K>, discovered: readonly string[]): string[];
  /** The object key it acts on. */
  keyOf(input: InputOf<K>): string;
  /** Every key it sends (COPY: source and destination), each with the flag that gave it, for S3's key rules. */
  keys(input: InputOf<K>): { key: string; flag: string }[];
  /** Its own rules, checked before any request (the bucket name is checked for every kind). */
  problem(input: InputOf<K>): InputProblem | undefined;
  /** Local checks after the pure ones: files exist and are readable, room for generated data. */
  localProblem?(input: InputOf<K>): Promise<InputProblem | undefined>;
  /**
   * What `--wait` waits for when it is not one invocation of any of `eventNames` (the default). `sandbox`: the target
   * is the embedded sandbox, where slow events (a restore's completion) come in seconds.
   */
  awaits?(input: InputOf<K>, target: { sandbox: boolean }): AwaitedEvents;
  /** Sends it; throws on failure (runOp turns that into the result's error). SDK code is imported lazily here. */
  run(ctx: OpContext, input: InputOf<K>, startedAt: number): Promise<OpResult>;
  cli: CliSpec<K, Flag>;
  /** Absent for a kind the TUI fires from elsewhere (REPLAY: `r` on a row). */
  tui?: TuiSpec<K, P>;
}

/** `name is required` for the first empty field among `names`. */
export function missingField(value: FormValue, names: readonly string[]): { error: string } | undefined {
  const gap = names.find((n) => value(n) === '');
  return gap ? { error: `${gap} is required` } : undefined;
}

/** A file's base name, for the operations pane. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
