/** Flag-level rules yargs does not apply: values that begin with '-', and scalar flags given twice. */
import { oneLine } from './errors.js';

/** Flags that take one value each (the rest are booleans, or repeatable like --function). */
export const SCALAR_FLAGS = [
  'bucket',
  'put',
  'delkey',
  'delete-tagging',
  'post',
  'multipart',
  'size',
  'file',
  'key',
  'part-size',
  'concurrency',
  'storage-class',
  'acl',
  'tagging',
  'version-id',
  'days',
  'tier',
  'timeout',
  'expect',
  'expect-invocations',
  'handler',
  'endpoint-url',
  'profile',
  'region',
  'port',
  'host',
  'data',
  'demo',
  'timing',
  'timing-scale',
  'timing-seed',
  'via',
  'retrigger',
  'replay',
  'retrigger-prefix',
  'parallel',
  'burst',
  'op',
  'expect-p99',
  'max-lost',
] as const;

/** `--via`: how the demo bucket's events reach its functions (direct: S3 -> Lambda, as before). */
export const VIA_VALUES = ['direct', 'sns', 'sqs', 'eventbridge'] as const;
export type DemoVia = (typeof VIA_VALUES)[number];

/** `--via`'s value, or the usage message for a value it does not take. */
export function parseVia(raw: string): { via: DemoVia } | { problem: string } {
  const via = VIA_VALUES.find((v) => v === raw.trim().toLowerCase());
  return via ? { via } : { problem: `--via '${oneLine(raw)}': use direct, sns, sqs or eventbridge` };
}

/**
 * `--via` and `--strict` shape the embedded sandbox only: with any other target (no --local or --handler) they
 * are a usage error, named in one line; undefined when fine.
 */
export function sandboxOnlyFlagProblem(flags: { via?: string; strict?: boolean; local?: boolean; handler?: string }): string | undefined {
  if (flags.local || flags.handler) return undefined;
  if (flags.via !== undefined) {
    return `--via ${oneLine(flags.via)} wires the embedded sandbox's demo bucket: add --local (for another target, run s3trigger sandbox --demo BUCKET --via ${oneLine(flags.via)} and use --endpoint-url)`;
  }
  if (flags.strict) {
    return "--strict enforces AWS's permission checks in the embedded sandbox: add --local (for another client, run s3trigger sandbox --strict and use --endpoint-url)";
  }
  return undefined;
}

/** `s3trigger sandbox --via` without `--demo`: nothing to wire. */
export function sandboxViaProblem(flags: { via?: string; demo?: string }): string | undefined {
  return flags.via !== undefined && flags.demo === undefined
    ? `--via ${oneLine(flags.via)} wires the demo bucket: add --demo BUCKET`
    : undefined;
}

/**
 * `--bucket -abc` or `--timeout -5s`: yargs reads the value as short flags ("Unknown arguments: a, b, c"). A
 * single-dash word after a scalar flag is that flag's value (this tool has no short flags), so it becomes
 * `--bucket=-abc` and is then checked, and named, like any other value.
 */
export function attachDashValues(argv: readonly string[], scalars: readonly string[] = SCALAR_FLAGS): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') return [...out, ...argv.slice(i)];
    const next = argv[i + 1];
    if (arg.startsWith('--') && scalars.includes(arg.slice(2)) && next !== undefined && /^-[^-]/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

/** An operation's flag as the registry declares it (ops/registry.ts CLI_ORDER): its metavars and label. */
export interface OperationFlag {
  cli: { flag: string; metavars: readonly string[] };
  label: string;
}

/**
 * The first scalar flag, or operation flag of `operations` (the main command passes ops/registry.ts CLI_ORDER),
 * given more than once (yargs then hands over an array), as a usage message.
 */
export function repeatedFlagProblem(
  args: Record<string, unknown>,
  scalars: readonly string[] = SCALAR_FLAGS,
  operations: readonly OperationFlag[] = [],
): string | undefined {
  for (const name of scalars) {
    const value = args[name];
    if (Array.isArray(value))
      return `--${name} was given more than once (${value.map((v) => `'${oneLine(String(v))}'`).join(', ')}): give it once`;
  }
  for (const { cli, label } of operations) {
    const value = args[cli.flag];
    if (cli.metavars.length > 1 && Array.isArray(value) && value.length > cli.metavars.length)
      return `--${cli.flag} was given more than once: one ${label} per run (${cli.metavars.join(' ')})`;
  }
  return undefined;
}

/**
 * The most operations --parallel puts in flight at once, with --burst and --retrigger-prefix alike (each holds a
 * socket to S3). Here, not in burst/plan.ts: the sandbox's bundle reads this module and must not load the SDK.
 */
export const MAX_PARALLEL = 256;

/**
 * `--parallel N` as given: paces --burst (default 16) or --retrigger-prefix (default 1), a whole number from 1 to
 * MAX_PARALLEL; the usage message for a value it does not take or a run it does not pace, undefined when fine.
 */
export function parallelProblem(raw: string | undefined, paces: { burst?: string; retriggerPrefix?: string }): string | undefined {
  if (raw === undefined) return undefined;
  if (paces.burst === undefined && paces.retriggerPrefix === undefined) return '--parallel needs --burst N or --retrigger-prefix P';
  const n = /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN;
  return n >= 1 && n <= MAX_PARALLEL ? undefined : `--parallel '${oneLine(raw)}' must be a whole number from 1 to ${MAX_PARALLEL}`;
}
