/** PUT: one PutObject of a local file. */
import type { OpDefinition } from './definition.js';
import { baseName, missingField } from './definition.js';
import { fileProblem, problem } from './problems.js';
import {
  describeUploadOptions,
  UPLOAD_FORM_FIELDS,
  uploadFormValues,
  uploadOptionsFromForm,
  uploadOptionsOf,
  uploadOptionsProblem,
  type UploadOptions,
} from './upload-options.js';

/** PUT a local file, to `key` or to the path as given, with the upload options given. */
export interface PutInput extends UploadOptions {
  kind: 'put';
  bucket: string;
  file: string;
  key?: string;
}

/** The TUI's PUT parameters. */
export interface PutParams extends UploadOptions {
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
    return uploadOptionsProblem(input);
  },
  localProblem: (input) => fileProblem(input.file, '--put'),
  run: async (ctx, input, startedAt) => (await import('./simple.js')).putObject(ctx, input, startedAt),
  cli: {
    flag: 'put',
    metavars: ['FILE'],
    describe: 'PUT this FILE (key = the path, ./ stripped)',
    order: 1,
    input: ([file = ''], f) => ({
      kind: 'put',
      bucket: f.bucket,
      file,
      ...(f.key !== undefined ? { key: f.key } : {}),
      ...uploadOptionsOf(f),
    }),
    startLine: (input) => `PUT object ${keyForFile(input.file, input.key)} to bucket ${input.bucket}${describeUploadOptions(input)}`,
    doneLine: (input, result) => `Done. Uploaded ${result.bytes ?? 0} bytes from file: ${input.file}`,
    modifiers: ['storage-class', 'acl', 'tagging'],
  },
  tui: {
    fireKey: 'p',
    editKey: 'P',
    fireHelp: 'PUT the file now',
    footer: 'put',
    fields: [{ name: 'file', label: 'File', path: true }, { name: 'key', label: 'Key' }, ...UPLOAD_FORM_FIELDS],
    initial(d) {
      const file = d.putFile ?? d.demoFile;
      return { file, key: baseName(file) };
    },
    current: (p, ctx) => ({ kind: 'put', bucket: ctx.bucket, file: p.file, key: p.key, ...uploadOptionsOf(p) }),
    describe: (input) => `${baseName(input.file)} -> ${input.key}${describeUploadOptions(input)}`,
    formValues: (p) => ({ file: p.file, key: p.key, ...uploadFormValues(p) }),
    fromForm(v, bucket) {
      const options = missingField(v, ['file', 'key']) ?? uploadOptionsFromForm(v);
      return 'error' in options ? options : { kind: 'put', bucket, file: v('file'), key: v('key'), ...options };
    },
    save(v, p) {
      const options = uploadOptionsFromForm(v);
      return { file: v('file'), key: v('key'), ...('error' in options ? uploadOptionsOf(p) : options) };
    },
  },
};
