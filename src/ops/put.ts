/** PUT: one PutObject of a local file. */
import type { OpDefinition } from './definition.js';
import { baseName, missingField } from './definition.js';
import { fileProblem, problem } from './problems.js';

/** PUT a local file, to `key` or to the path as given. */
export interface PutInput {
  kind: 'put';
  bucket: string;
  file: string;
  key?: string;
}

/** The TUI's PUT parameters. */
export interface PutParams {
  file: string;
  key: string;
}

/** The object key for a local file: the path as given, without leading `./` or `/` (`--key` wins). */
export function keyForFile(file: string, key?: string): string {
  if (key !== undefined && key !== '') return key;
  return file.replace(/^(?:\.\/|\/)+/, '');
}

/** The PUT operation. */
export const put: OpDefinition<'put', PutParams, 'put'> = {
  kind: 'put',
  label: 'PUT',
  eventNames: ['ObjectCreated:Put'],
  keyOf: (input) => keyForFile(input.file, input.key),
  keys: (input) => [{ key: keyForFile(input.file, input.key), flag: input.key ? '--key' : '--put FILE (the key is the path)' }],
  problem(input) {
    if (!input.file) return problem('Usage', '--put needs a FILE');
    if (input.key === '') return problem('Usage', '--key must not be empty');
    return undefined;
  },
  localProblem: (input) => fileProblem(input.file, '--put'),
  run: async (ctx, input, startedAt) => (await import('./simple.js')).putObject(ctx, input, startedAt),
  cli: {
    flag: 'put',
    metavars: ['FILE'],
    describe: 'PUT this FILE (key = the path, ./ stripped)',
    order: 1,
    input: ([file = ''], f) => ({ kind: 'put', bucket: f.bucket, file, ...(f.key !== undefined ? { key: f.key } : {}) }),
    startLine: (input) => `PUT object ${keyForFile(input.file, input.key)} to bucket ${input.bucket}`,
    doneLine: (input, result) => `Done. Uploaded ${result.bytes ?? 0} bytes from file: ${input.file}`,
  },
  tui: {
    fireKey: 'p',
    editKey: 'P',
    fireHelp: 'PUT the file now',
    footer: 'put',
    fields: [
      { name: 'file', label: 'File', path: true },
      { name: 'key', label: 'Key' },
    ],
    initial(d) {
      const file = d.putFile ?? d.demoFile;
      return { file, key: baseName(file) };
    },
    current: (p, ctx) => ({ kind: 'put', bucket: ctx.bucket, file: p.file, key: p.key }),
    describe: (input) => `${baseName(input.file)} -> ${input.key}`,
    formValues: (p) => ({ file: p.file, key: p.key }),
    fromForm: (v, bucket) => missingField(v, ['file', 'key']) ?? { kind: 'put', bucket, file: v('file'), key: v('key') },
    save: (v) => ({ file: v('file'), key: v('key') }),
  },
};
