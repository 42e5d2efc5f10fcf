/** Shared builders for TUI tests. */
import type { SessionEvent } from '../../src/events.js';
import type { OpInput } from '../../src/ops/types.js';
import { reducer, initialState } from '../../src/tui/state/reducer.js';
import type { Action, AppState } from '../../src/tui/state/types.js';

export const TARGET = { kind: 'sandbox' as const, region: 'us-east-1', label: 'local sandbox http://127.0.0.1:4566' };

export function baseState(overrides: Partial<AppState> = {}): AppState {
  return {
    ...initialState({ target: TARGET, isRealAws: false, bucket: 'test-bucket', columns: 120, rows: 40, demoFile: '/tmp/demo/test.txt' }),
    tailReady: true,
    ...overrides,
  };
}

export function reduce(state: AppState, ...actions: Action[]): AppState {
  return actions.reduce(reducer, state);
}

export function session(...events: SessionEvent[]): Action {
  return { type: 'session', events };
}

export const putInput: OpInput = { kind: 'put', bucket: 'test-bucket', file: '/tmp/demo/test.txt', key: 'test.txt' };

export function started(opId: number, input: OpInput = putInput, warnings: string[] = []): SessionEvent {
  return { type: 'OpStarted', opId, input, startedAt: 1000 + opId, warnings };
}

export function acked(opId: number, key = 'test.txt', op: OpInput['kind'] = 'put', bucket = 'test-bucket'): SessionEvent {
  return { type: 'OpAcked', opId, result: { opId, op, bucket, key, bytes: 29, startedAt: 1000, ackedAt: 1010, requestId: 'S3REQ' } };
}
