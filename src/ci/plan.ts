/** CI flags -> the operations to fire, in the blog scripts' order: put, copy, delete, post, multipart. */
import type { ModifierFlag, OpDefinition, OpModifiers } from '../ops/definition.js';
import type { OpInput } from '../ops/types.js';
import { CLI_ORDER, type OpFlagName } from '../ops/registry.js';

/** Each operation's flag value(s) as parsed (`copy` takes three), plus the bucket and the shared flags. */
export type OpFlags = OpModifiers & { bucket: string } & { [F in OpFlagName]?: string | string[] };

/** A definition's flag name, as the registry's flag-name type (its definitions declare it as a literal). */
const flagOf = (d: OpDefinition): OpFlagName => d.cli.flag as OpFlagName;

const NUMBER_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five'];

/** The operation flags' yargs options, in the scripts' order (`--copy` takes exactly three values). */
export function opFlagOptions(
  group: string,
): [OpFlagName, { type: 'string'; array?: true; nargs?: number; describe: string; group: string }][] {
  return CLI_ORDER.map((d) => [
    flagOf(d),
    {
      type: 'string',
      ...(d.cli.metavars.length > 1 ? { array: true, nargs: d.cli.metavars.length } : {}),
      describe: d.cli.describe,
      group,
    },
  ]);
}

/** The operation flags' values among parsed arguments. */
export function opFlagValues(args: Readonly<Record<string, unknown>>): { [F in OpFlagName]?: string | string[] } {
  const values: { [F in OpFlagName]?: string | string[] } = {};
  for (const d of CLI_ORDER) {
    const v = args[d.cli.flag];
    if (typeof v === 'string' || Array.isArray(v)) values[flagOf(d)] = v as string | string[];
  }
  return values;
}

/** A flag that takes several values given a wrong number of them, e.g. `--copy` with two. */
export function opFlagArityProblem(f: Partial<OpFlags>): string | undefined {
  for (const d of CLI_ORDER) {
    const v = f[flagOf(d)];
    const n = d.cli.metavars.length;
    if (n > 1 && v !== undefined && (!Array.isArray(v) || v.length !== n)) {
      return `--${d.cli.flag} needs exactly ${NUMBER_WORDS[n] ?? n} values: ${d.cli.metavars.join(' ')}`;
    }
  }
  return undefined;
}

/** Whether any operation flag was given (CI mode). */
export function hasOpFlags(f: Partial<OpFlags>): boolean {
  return CLI_ORDER.some((d) => f[flagOf(d)] !== undefined);
}

/**
 * A shared flag of some operations (`--storage-class`, `--version-id`, `--days`...) given with none of them: a usage
 * message naming the operations that take it. `given`: the shared flags on the command line.
 */
export function orphanModifierProblem(f: Partial<OpFlags>, given: readonly ModifierFlag[]): string | undefined {
  for (const flag of given) {
    const takers = CLI_ORDER.filter((d) => d.cli.modifiers?.includes(flag));
    if (takers.some((d) => f[flagOf(d)] !== undefined)) continue;
    const names = takers.map((d) => `--${d.cli.flag}`);
    const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : names[0];
    return `--${flag} applies to ${list}: add ${names.length > 1 ? 'one of them' : `${list} ${takers[0]?.cli.metavars.join(' ')}`} or drop --${flag}`;
  }
  return undefined;
}

/** The operations the flags ask for, in the scripts' order. */
export function planOps(f: OpFlags): OpInput[] {
  const ops: OpInput[] = [];
  for (const d of CLI_ORDER) {
    const v = f[flagOf(d)];
    if (v !== undefined) ops.push(d.cli.input(Array.isArray(v) ? v : [v], f));
  }
  return ops;
}

/**
 * `--key` names one object: given with several operations that would each take it (`--put a --post b --key p`),
 * a usage message naming them. An operation takes it when its input changes with it (the registry decides, e.g.
 * COPY has its own DEST_KEY).
 */
export function keyFlagProblem(f: OpFlags): string | undefined {
  if (f.key === undefined) return undefined;
  const withKey = planOps(f);
  const withoutKey = planOps({ ...f, key: undefined });
  const takers = CLI_ORDER.filter((d) => f[flagOf(d)] !== undefined)
    .filter((_, i) => JSON.stringify(withKey[i]) !== JSON.stringify(withoutKey[i]))
    .map((d) => `--${d.cli.flag}`);
  if (takers.length < 2) return undefined;
  const names = `${takers.slice(0, -1).join(', ')} and ${takers.at(-1)}`;
  return `--key would apply to ${takers.length === 2 ? 'both ' : 'each of '}${names}: give --key with one of them and run the other${takers.length > 2 ? 's' : ''} separately`;
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** The longest --timeout: timers past 2^31-1 ms (24.8 days) fire at once, and a day is already generous. */
export const MAX_TIMEOUT_MS = 24 * UNIT_MS.h!;

/** "30s", "500ms", "2m", "1h", or a bare number of seconds -> ms; undefined when unreadable or not positive. */
export function parseDuration(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(text);
  if (!m) return undefined;
  const ms = Number(m[1]) * UNIT_MS[m[2] ?? 's']!;
  return ms > 0 ? Math.round(ms) : undefined;
}

/** --timeout TEXT -> ms, or a one-line usage message naming what to fix (negative, zero, unreadable, over 24 h). */
export function parseTimeout(text: string): { ms: number } | { problem: string } {
  const ms = parseDuration(text);
  if (ms === undefined) {
    const negative = /^\s*-/.test(text) || /^\s*0*(\.0*)?\s*(ms|s|m|h)?\s*$/.test(text);
    return { problem: `--timeout '${text}' is not ${negative ? 'a positive duration' : 'a duration'}: use e.g. 30s, 2m or 500ms` };
  }
  if (ms > MAX_TIMEOUT_MS) return { problem: `--timeout '${text}' is longer than 24h: use at most 24h` };
  return { ms };
}

/** The most invocations --expect-invocations may ask per operation (more is a typo, not a topology). */
export const MAX_EXPECT_INVOCATIONS = 1000;

/** --expect-invocations TEXT -> a whole number from 1 to 1000, or a one-line usage message naming what to fix. */
export function parseExpectInvocations(text: string): { count: number } | { problem: string } {
  if (!/^\s*\d+\s*$/.test(text)) return { problem: `--expect-invocations '${text}' is not a whole number: use e.g. 2` };
  const count = Number(text);
  if (count < 1) return { problem: `--expect-invocations '${text}' must be at least 1` };
  if (count > MAX_EXPECT_INVOCATIONS) return { problem: `--expect-invocations '${text}' is more than ${MAX_EXPECT_INVOCATIONS}` };
  return { count };
}
