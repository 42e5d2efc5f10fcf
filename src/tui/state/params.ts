/** What each operation will use now, and the parameter forms. */
import type { OpInput, OpKind } from '../../ops/types.js';
import type { AppState, FormField, OpParams } from './types.js';

export interface ParamDefaults {
  /** The generated demo file (used by PUT and POST unless a file was given). */
  demoFile: string;
  putFile?: string;
  postFile?: string;
  copy?: { sourceBucket: string; sourceKey: string; key: string };
  deleteKey?: string;
  multipartKey?: string;
  sizeMB?: number;
}

export const DEFAULT_MULTIPART_KEY = 'bigfile.bin';
export const DEFAULT_MULTIPART_MB = 6;

export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

export function initialParams(d: ParamDefaults): OpParams {
  const putFile = d.putFile ?? d.demoFile;
  const postFile = d.postFile ?? d.demoFile;
  return {
    put: { file: putFile, key: baseName(putFile) },
    post: { file: postFile, key: `post_${baseName(postFile)}` },
    copy: d.copy ? { ...d.copy } : {},
    delete: d.deleteKey ? { key: d.deleteKey } : {},
    multipart: { key: d.multipartKey ?? DEFAULT_MULTIPART_KEY, sizeMB: d.sizeMB ?? DEFAULT_MULTIPART_MB },
  };
}

/** `dir/a.txt` -> `dir/copy_a.txt`, the blog's naming. */
export function copyKeyFor(sourceKey: string): string {
  const slash = sourceKey.lastIndexOf('/');
  return `${sourceKey.slice(0, slash + 1)}copy_${sourceKey.slice(slash + 1)}`;
}

export type InputOrError = { input: OpInput } | { error: string };

/** The operation a key press fires now, or why it cannot. */
export function currentInput(state: Pick<AppState, 'bucket' | 'params' | 'createdKeys'>, kind: OpKind): InputOrError {
  const { bucket, params, createdKeys } = state;
  if (!bucket) return { error: 'choose a bucket first (b)' };
  const lastCreated = createdKeys[createdKeys.length - 1];
  switch (kind) {
    case 'put':
      return { input: { kind, bucket, file: params.put.file, key: params.put.key } };
    case 'post':
      return { input: { kind, bucket, file: params.post.file, key: params.post.key } };
    case 'copy': {
      const sourceKey = params.copy.sourceKey ?? lastCreated ?? params.put.key;
      return {
        input: {
          kind,
          bucket,
          sourceBucket: params.copy.sourceBucket ?? bucket,
          sourceKey,
          key: params.copy.key ?? copyKeyFor(sourceKey),
        },
      };
    }
    case 'delete': {
      const key = params.delete.key ?? lastCreated;
      if (!key) return { error: 'nothing created this session to delete: press D to name a key' };
      return { input: { kind, bucket, key } };
    }
    case 'multipart': {
      const { key, sizeMB, file } = params.multipart;
      return { input: file ? { kind, bucket, key, file } : { kind, bucket, key, sizeMB } };
    }
  }
}

/** One line describing what the operation will do, for the operations pane. */
export function describeInput(result: InputOrError): string {
  if ('error' in result) return result.error;
  const i = result.input;
  switch (i.kind) {
    case 'put':
    case 'post':
      return `${baseName(i.file)} -> ${i.key}`;
    case 'copy':
      return `${i.sourceBucket === i.bucket ? '' : `${i.sourceBucket}/`}${i.sourceKey} -> ${i.key}`;
    case 'delete':
      return i.key;
    case 'multipart':
      return i.file ? `${baseName(i.file)} -> ${i.key}` : `${i.sizeMB} MB generated -> ${i.key}`;
  }
}

const field = (name: string, label: string, value: string | number | undefined): FormField => ({
  name,
  label,
  value: value === undefined ? '' : String(value),
});

/** The form for an operation, prefilled with what it would use now. */
export function formFields(state: Pick<AppState, 'bucket' | 'params' | 'createdKeys'>, kind: OpKind): FormField[] {
  const now = currentInput(state, kind);
  const i = 'input' in now ? now.input : undefined;
  switch (kind) {
    case 'put':
    case 'post': {
      const p = state.params[kind];
      return [field('file', 'File', p.file), field('key', 'Key', p.key)];
    }
    case 'copy':
      return [
        field('sourceBucket', 'Source bucket', i?.kind === 'copy' ? i.sourceBucket : state.bucket),
        field('sourceKey', 'Source key', i?.kind === 'copy' ? i.sourceKey : ''),
        field('key', 'Destination key', i?.kind === 'copy' ? i.key : ''),
      ];
    case 'delete':
      return [field('key', 'Key', i?.kind === 'delete' ? i.key : '')];
    case 'multipart': {
      const p = state.params.multipart;
      return [field('key', 'Key', p.key), field('sizeMB', 'Size (MB)', p.sizeMB), field('file', 'File (empty: generate)', p.file)];
    }
  }
}

/** The operation a submitted form fires, or what is wrong with it. */
export function formInput(bucket: string | undefined, kind: OpKind, values: Record<string, string>): InputOrError {
  if (!bucket) return { error: 'choose a bucket first (b)' };
  const v = (name: string) => (values[name] ?? '').trim();
  const missing = (names: string[]) => names.find((n) => v(n) === '');
  switch (kind) {
    case 'put':
    case 'post': {
      const gap = missing(['file', 'key']);
      if (gap) return { error: `${gap} is required` };
      return { input: { kind, bucket, file: v('file'), key: v('key') } };
    }
    case 'copy': {
      const gap = missing(['sourceBucket', 'sourceKey', 'key']);
      if (gap) return { error: `${gap} is required` };
      return { input: { kind, bucket, sourceBucket: v('sourceBucket'), sourceKey: v('sourceKey'), key: v('key') } };
    }
    case 'delete':
      if (!v('key')) return { error: 'key is required' };
      return { input: { kind, bucket, key: v('key') } };
    case 'multipart': {
      if (!v('key')) return { error: 'key is required' };
      if (v('file')) return { input: { kind, bucket, key: v('key'), file: v('file') } };
      const sizeMB = Number(v('sizeMB'));
      if (!Number.isFinite(sizeMB) || sizeMB <= 0) return { error: 'size must be a positive number of MB' };
      return { input: { kind, bucket, key: v('key'), sizeMB } };
    }
  }
}
