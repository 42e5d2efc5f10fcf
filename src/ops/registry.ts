/**
 * Every operation kind, each defined in its own file. The mapped type makes the compiler demand an entry for
 * each OpKind; the CLI flags, CI order, TUI keys, forms and ops pane all derive from here.
 */
import type { AwaitedEvents, OpDefinition } from './definition.js';
import type { OpInput, OpKind } from './types.js';
import { put } from './put.js';
import { copy } from './copy.js';
import { post } from './post.js';
import { del } from './delete.js';
import { multipart } from './multipart.js';
import { putTagging } from './put-tagging.js';
import { deleteTagging } from './delete-tagging.js';
import { putAcl } from './put-acl.js';
import { restore } from './restore.js';
import { retrigger } from './retrigger.js';
import { replay } from './replay.js';

/** Key order is the interactive view's (the ops pane and its keys p c o d m t u a w). */
export const OPS = {
  put,
  copy,
  post,
  delete: del,
  multipart,
  'put-tagging': putTagging,
  'delete-tagging': deleteTagging,
  'put-acl': putAcl,
  restore,
  retrigger,
  replay,
} satisfies { readonly [K in OpKind]: OpDefinition<K, unknown, string> };

type Registry = typeof OPS;

/** The TUI parameters of each kind, as its definition declares them. */
export type OpParams = { [K in OpKind]: Registry[K] extends OpDefinition<K, infer P, string> ? P : never };

/** The CI flag name of each kind (`delkey` for delete). */
export type OpFlagName = { [K in OpKind]: Registry[K] extends OpDefinition<K, unknown, infer F> ? F : never }[OpKind];

const DEFINITIONS: { readonly [K in OpKind]: OpDefinition<K> } = OPS;

/** The definition of one kind. */
export function opDefinition<K extends OpKind>(kind: K): OpDefinition<K> {
  return DEFINITIONS[kind];
}

/** Every kind in the interactive view's order. */
export const OP_KINDS: readonly OpKind[] = Object.values(OPS).map((d) => d.kind);

/** A kind with its own TUI keys and form (REPLAY has none: `r` on a row fires it). */
export type TuiOpKind = { [K in OpKind]: Registry[K] extends { tui: object } ? K : never }[OpKind];

/** The kinds with TUI keys, in the interactive view's order. */
export const TUI_OP_KINDS: readonly TuiOpKind[] = OP_KINDS.filter((k): k is TuiOpKind => opDefinition(k).tui !== undefined);

/** The TUI side of a kind the TUI fires with its own keys; a kind without one (REPLAY) is a programming error. */
export function tuiSpec<K extends OpKind>(kind: K): NonNullable<OpDefinition<K>['tui']> {
  const { tui } = DEFINITIONS[kind];
  if (!tui) throw new Error(`${kind} has no TUI keys or form`);
  return tui as NonNullable<OpDefinition<K>['tui']>;
}

/**
 * Every definition in the blog scripts' order (put, copy, delete, post, multipart), then put-tagging, delete-tagging,
 * put-acl, restore (issue #12): CI runs and lists them so.
 */
export const CLI_ORDER: readonly OpDefinition[] = OP_KINDS.map((k) => opDefinition(k)).sort((a, b) => a.cli.order - b.cli.order);

/** S3 event name the operation is expected to trigger, e.g. ObjectCreated:Put. */
export function eventNameFor(kind: OpKind): string {
  return opDefinition(kind).eventNames[0];
}

/**
 * What waiting for this operation's invocation means on this target: its definition's `awaits`, else one invocation
 * (per function) of any of its event names.
 */
export function awaitedEventsOf(input: OpInput, target: { sandbox: boolean }): AwaitedEvents {
  const d = opDefinition(input.kind);
  return d.awaits?.(input, target) ?? { eventNames: d.eventNames, perFunction: 1 };
}

/** Whether the operation's events create or remove its object (DELETE's key is no longer there to copy). */
export function objectEffect(kind: OpKind): 'created' | 'removed' | 'none' {
  if (opDefinition(kind).invokes === 'lambda') return 'none';
  const names = opDefinition(kind).eventNames;
  if (names.some((n) => n.startsWith('ObjectCreated:'))) return 'created';
  return names.some((n) => n.startsWith('ObjectRemoved:')) ? 'removed' : 'none';
}
