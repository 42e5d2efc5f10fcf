/** An EventBridge error: AWS's `__type` code, its message and HTTP status (400 unless said otherwise). */
export class EventsError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = 'EventsError';
  }
}

export const validation = (message: string) => new EventsError('ValidationException', message);

/** AWS's wording for one failed constraint: `1 validation error detected: Value 'x' at 'name' failed to satisfy constraint: …`. */
export function constraintError(value: unknown, path: string, constraint: string): EventsError {
  const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  return validation(`1 validation error detected: Value ${shown} at '${path}' failed to satisfy constraint: ${constraint}`);
}

export const busNotFound = (bus: string) => new EventsError('ResourceNotFoundException', `Event bus ${bus} does not exist.`);

export const ruleNotFound = (rule: string, bus: string) =>
  new EventsError('ResourceNotFoundException', `Rule ${rule} does not exist on EventBus ${bus}.`);

/** PutRule's and TestEventPattern's answer to a pattern Event Ruler refuses. */
export const invalidPattern = (reason: string) =>
  new EventsError('InvalidEventPatternException', `Event pattern is not valid. Reason: ${reason}`);
