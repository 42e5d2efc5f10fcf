/** What each operation will use now, and the parameter forms: the operation definitions, applied to the view's state. */
import type { OpDefaults, ParamContext } from '../../ops/definition.js';
import { opDefinition, TUI_OP_KINDS, tuiSpec, type OpParams } from '../../ops/registry.js';
import type { OpInput, OpKind } from '../../ops/types.js';
import type { AppState, FormField } from './types.js';

export { baseName } from '../../ops/definition.js';
export { copyKeyFor } from '../../ops/copy.js';

/** What the operations start from (the generated demo file, `--size`...). */
export type ParamDefaults = OpDefaults;

/** The parameters every operation starts with. */
export function initialParams(d: ParamDefaults): OpParams {
  const entries = TUI_OP_KINDS.map((kind) => [kind, tuiSpec(kind).initial(d)]);
  return Object.fromEntries(entries) as OpParams;
}

/** An input ready to fire, or why there is none. */
export type InputOrError = { input: OpInput } | { error: string };

type ParamState = Pick<AppState, 'bucket' | 'params' | 'createdKeys'>;

/** The operation a key press fires now, or why it cannot. */
export function currentInput(state: ParamState, kind: OpKind): InputOrError {
  const { bucket, params, createdKeys } = state;
  if (!bucket) return { error: 'choose a bucket first (b)' };
  const ctx: ParamContext = {
    bucket,
    lastCreated: createdKeys[createdKeys.length - 1],
    keyFor: (other) => {
      const now = other === kind ? undefined : currentInput(state, other);
      return now && 'input' in now ? opDefinition(other).keyOf(now.input) : undefined;
    },
  };
  const now = tuiSpec(kind).current(params[kind], ctx);
  return 'error' in now ? now : { input: now };
}

/** One line describing what the operation will do, for the operations pane. */
export function describeInput(result: InputOrError): string {
  return 'error' in result ? result.error : tuiSpec(result.input.kind).describe(result.input);
}

/** The form for an operation, prefilled with what it would use now. */
export function formFields(state: ParamState, kind: OpKind): FormField[] {
  const tui = tuiSpec(kind);
  const now = currentInput(state, kind);
  const values = tui.formValues(state.params[kind], 'input' in now ? now.input : undefined, state.bucket);
  return tui.fields.map(({ name, label, path }) => ({
    name,
    label,
    value: values[name] === undefined ? '' : String(values[name]),
    ...(path ? { path } : {}),
  }));
}

const formValue = (values: Record<string, string>) => (name: string) => (values[name] ?? '').trim();

/** The operation a submitted form fires, or what is wrong with it (`params`: the settings the form does not show). */
export function formInput(bucket: string | undefined, kind: OpKind, values: Record<string, string>, params?: OpParams): InputOrError {
  if (!bucket) return { error: 'choose a bucket first (b)' };
  const out = tuiSpec(kind).fromForm(formValue(values), bucket, params?.[kind]);
  return 'error' in out ? out : { input: out };
}

/** The parameters after a submitted form (COPY and DELETE keep following the session). */
export function savedParams(params: OpParams, kind: OpKind, values: Record<string, string>): OpParams {
  return { ...params, [kind]: tuiSpec(kind).save(formValue(values), params[kind]) };
}
