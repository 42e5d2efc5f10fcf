/** The TUI's `r`: the replay a row asks for, or why it cannot be replayed. Pure. */
import { functionOfGroup } from '../../ci/json.js';
import { type ReplayInput, replayInputOf } from '../../ops/replay.js';
import { describeEvent, loggedEvent } from '../../replay/event-file.js';
import type { AppState } from './types.js';

/**
 * The selected row's invocation re-sent to that row's function: disabled (an error naming why) when the row has no
 * invocation yet or its handler never printed the event it received.
 */
export function replayOfRow(
  state: Pick<AppState, 'rows' | 'selected' | 'invocations' | 'bucket'>,
): { input: ReplayInput } | { error: string } {
  const row = state.rows[state.selected];
  if (!row) return { error: 'replay: select a row with an invocation first' };
  const requestId = row.requestId;
  const invocation = requestId ? state.invocations[requestId] : undefined;
  if (!invocation) return { error: 'replay: this row has no invocation yet (nothing to re-send)' };
  const fn = functionOfGroup(invocation.logGroup);
  const messages = invocation.lines.filter((l) => l.kind === 'app').map((l) => l.message);
  const found = loggedEvent(messages);
  if (!found) {
    return { error: `replay: ${fn} never logged its event` };
  }
  const input = replayInputOf({ event: found, ...describeEvent(found) }, state.bucket ?? '', `the invocation ${invocation.requestId}`);
  return { input: { ...input, functions: [fn], recordedFunction: fn } };
}
