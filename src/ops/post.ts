/** POST: a browser-style upload with a presigned POST form (the form code loads only when a POST runs). */
import type { OpDefinition } from './definition.js';
import { baseName, missingField } from './definition.js';
import { fileProblem, problem } from './problems.js';
import { keyForFile } from './put.js';
import {
  describeUploadOptions,
  UPLOAD_FORM_FIELDS,
  uploadFormValues,
  uploadOptionsFromForm,
  uploadOptionsOf,
  uploadOptionsProblem,
  type UploadOptions,
} from './upload-options.js';

/** POST a local file through a presigned POST form, to `key` or to the path as given, with the upload options given. */
export interface PostInput extends UploadOptions {
  kind: 'post';
  bucket: string;
  file: string;
  key?: string;
}

/** The TUI's POST parameters. */
export interface PostParams extends UploadOptions {
  file: string;
  key: string;
}

/** The presigned POST operation. */
export const post: OpDefinition<'post', PostParams, 'post'> = {
  kind: 'post',
  label: 'POST',
  eventNames: ['ObjectCreated:Post'],
  keyOf: (input) => keyForFile(input.file, input.key),
  keys: (input) => [{ key: keyForFile(input.file, input.key), flag: input.key ? '--key' : '--post FILE (the key is the path)' }],
  problem(input) {
    if (!input.file) return problem('Usage', '--post needs a FILE');
    if (input.key === '') return problem('Usage', '--key must not be empty');
    return uploadOptionsProblem(input);
  },
  localProblem: (input) => fileProblem(input.file, '--post'),
  // presigned-post and the XML parser load only when used
  run: async (ctx, input, startedAt) => (await import('./post-upload.js')).postObject(ctx, input, startedAt),
  cli: {
    flag: 'post',
    metavars: ['FILE'],
    describe: 'POST this FILE with a presigned POST form',
    order: 4,
    input: ([file = ''], f) => ({
      kind: 'post',
      bucket: f.bucket,
      file,
      ...(f.key !== undefined ? { key: f.key } : {}),
      ...uploadOptionsOf(f),
    }),
    startLine: (input) => `POST object ${keyForFile(input.file, input.key)} to bucket ${input.bucket}${describeUploadOptions(input)}`,
    doneLine: () => 'Upload successful. S3 POST trigger should fire.',
    modifiers: ['storage-class', 'acl', 'tagging'],
  },
  tui: {
    fireKey: 'o',
    editKey: 'O',
    fireHelp: 'POST (presigned) the file now',
    footer: 'post',
    fields: [{ name: 'file', label: 'File', path: true }, { name: 'key', label: 'Key' }, ...UPLOAD_FORM_FIELDS],
    initial(d) {
      const file = d.postFile ?? d.demoFile;
      return { file, key: `post_${baseName(file)}` };
    },
    current: (p, ctx) => ({ kind: 'post', bucket: ctx.bucket, file: p.file, key: p.key, ...uploadOptionsOf(p) }),
    describe: (input) => `${baseName(input.file)} -> ${input.key}${describeUploadOptions(input)}`,
    formValues: (p) => ({ file: p.file, key: p.key, ...uploadFormValues(p) }),
    fromForm(v, bucket) {
      const options = missingField(v, ['file', 'key']) ?? uploadOptionsFromForm(v);
      return 'error' in options ? options : { kind: 'post', bucket, file: v('file'), key: v('key'), ...options };
    },
    save(v, p) {
      const options = uploadOptionsFromForm(v);
      return { file: v('file'), key: v('key'), ...('error' in options ? uploadOptionsOf(p) : options) };
    },
  },
};
