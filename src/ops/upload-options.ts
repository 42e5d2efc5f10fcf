/**
 * The upload options of PUT, COPY, POST and MULTIPART, as the AWS CLI names them: `--storage-class CLASS`,
 * `--acl CANNED_ACL` and `--tagging TAGS` (the `x-amz-tagging` form, `env=dev&team=a`). Checked before any request
 * with the shared tables; turned into the SDK's parameters or the POST form's fields. Pure; no SDK import at run time.
 */
import type { StorageClass, Tag } from '@aws-sdk/client-s3';
import { STORAGE_CLASSES, type StorageClassName } from '../aws/storage-classes.js';
import { parseCannedAcl } from './acl.js';
import { parseTagSet } from './tagging.js';
import { problem, type InputProblem } from './problems.js';
import type { FormFieldSpec, FormValue, OpModifiers } from './definition.js';

/** What an upload may set on the object it creates; absent: S3's defaults (STANDARD, private, no tags). */
export interface UploadOptions {
  storageClass?: string;
  acl?: string;
  tagging?: string;
}

/** The CI flags of the upload options, by field. */
export const UPLOAD_OPTION_FLAGS: Readonly<Record<keyof UploadOptions, string>> = {
  storageClass: '--storage-class',
  acl: '--acl',
  tagging: '--tagging',
};

const shown = (s: string): string => (s.length > 40 ? `${s.slice(0, 37)}...` : s).replace(/[\r\n\t]/g, ' ');

/** `text` as a storage class (exact, as S3 takes it), or the one-line reason naming the allowed values. */
export function parseStorageClass(text: string): { storageClass: StorageClassName } | { problem: string } {
  const storageClass = STORAGE_CLASSES.find((c) => c === text);
  if (storageClass) return { storageClass };
  const hint = STORAGE_CLASSES.find((c) => c === text.trim().toUpperCase().replace(/-/g, '_'));
  return {
    problem: `'${shown(text)}' is not a storage class${hint ? ` (did you mean ${hint}?)` : ''}: use one of ${STORAGE_CLASSES.join(', ')}`,
  };
}

/** The first upload option S3 would refuse, named with its flag (`flags`: the form's field names instead). */
export function uploadOptionsProblem(
  o: UploadOptions,
  flags: Readonly<Record<keyof UploadOptions, string>> = UPLOAD_OPTION_FLAGS,
): InputProblem | undefined {
  if (o.storageClass !== undefined) {
    const parsed = parseStorageClass(o.storageClass);
    if ('problem' in parsed) return problem('InvalidStorageClass', `${flags.storageClass}: ${parsed.problem}`);
  }
  if (o.acl !== undefined) {
    const parsed = parseCannedAcl(o.acl);
    if ('problem' in parsed) return problem('InvalidArgument', `${flags.acl}: ${parsed.problem}`);
  }
  if (o.tagging !== undefined) {
    const parsed = parseTagSet(o.tagging);
    if ('problem' in parsed) return problem('InvalidTag', `${flags.tagging}: ${parsed.problem}`);
  }
  return undefined;
}

/** The options given among the CI flags, only those present. */
export function uploadOptionsOf(f: Pick<OpModifiers, 'storageClass' | 'acl' | 'tagging'>): UploadOptions {
  return {
    ...(f.storageClass !== undefined ? { storageClass: f.storageClass } : {}),
    ...(f.acl !== undefined ? { acl: f.acl } : {}),
    ...(f.tagging !== undefined ? { tagging: f.tagging } : {}),
  };
}

const tagsOf = (tagging: string): Tag[] => {
  const parsed = parseTagSet(tagging);
  if ('problem' in parsed) throw Object.assign(new Error(parsed.problem), { name: 'InvalidTag' });
  return parsed.tags;
};

/** A tag set in the `x-amz-tagging` form, each key and value URL-encoded (what PutObject's `Tagging` takes). */
export function taggingHeader(tags: readonly Tag[]): string {
  return tags.map((t) => `${encodeURIComponent(t.Key ?? '')}=${encodeURIComponent(t.Value ?? '')}`).join('&');
}

const xmlText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** A tag set as the `<Tagging>` document a POST form's `tagging` field carries (AWS: "POST Object", tagging). */
export function taggingXml(tags: readonly Tag[]): string {
  const body = tags.map((t) => `<Tag><Key>${xmlText(t.Key ?? '')}</Key><Value>${xmlText(t.Value ?? '')}</Value></Tag>`).join('');
  return `<Tagging><TagSet>${body}</TagSet></Tagging>`;
}

/**
 * The SDK parameters of PutObject, CreateMultipartUpload and CopyObject. COPY with tags replaces the source's
 * (`TaggingDirective: REPLACE`: S3 copies the source's tags otherwise and ignores `x-amz-tagging`).
 */
export function uploadParams(
  o: UploadOptions,
  op: 'put' | 'copy' | 'multipart',
): { StorageClass?: StorageClass; ACL?: ReturnType<typeof aclOf>; Tagging?: string; TaggingDirective?: 'REPLACE' } {
  return {
    ...(o.storageClass !== undefined ? { StorageClass: o.storageClass as StorageClass } : {}),
    ...(o.acl !== undefined ? { ACL: aclOf(o.acl) } : {}),
    ...(o.tagging !== undefined ? { Tagging: taggingHeader(tagsOf(o.tagging)) } : {}),
    ...(o.tagging !== undefined && op === 'copy' ? { TaggingDirective: 'REPLACE' as const } : {}),
  };
}

function aclOf(text: string) {
  const parsed = parseCannedAcl(text);
  if ('problem' in parsed) throw Object.assign(new Error(parsed.problem), { name: 'InvalidArgument' });
  return parsed.acl;
}

/** The POST form's fields for the options (`x-amz-storage-class`, `acl`, `tagging` as XML); also signed into the policy. */
export function postFields(o: UploadOptions): Record<string, string> {
  return {
    ...(o.storageClass !== undefined ? { 'x-amz-storage-class': o.storageClass } : {}),
    ...(o.acl !== undefined ? { acl: aclOf(o.acl) } : {}),
    ...(o.tagging !== undefined ? { tagging: taggingXml(tagsOf(o.tagging)) } : {}),
  };
}

/** ` [GLACIER, public-read, tags env=dev]` for the ops pane and the scripts' lines; '' without options. */
export function describeUploadOptions(o: UploadOptions): string {
  const parts = [o.storageClass, o.acl, o.tagging !== undefined ? `tags ${o.tagging}` : undefined].filter((p) => p !== undefined);
  return parts.length ? ` [${parts.join(', ')}]` : '';
}

/** The upload options' fields of a TUI form (optional: empty means S3's default). */
export const UPLOAD_FORM_FIELDS: readonly FormFieldSpec[] = [
  { name: 'storageClass', label: 'Storage class (optional)' },
  { name: 'acl', label: 'Canned ACL (optional)' },
  { name: 'tagging', label: 'Tags (optional)' },
];

const FORM_NAMES: Readonly<Record<keyof UploadOptions, string>> = { storageClass: 'storage class', acl: 'acl', tagging: 'tags' };

/** A form's upload options (empty fields left out), or what is wrong with one. */
export function uploadOptionsFromForm(v: FormValue): UploadOptions | { error: string } {
  const o: UploadOptions = {
    ...(v('storageClass') ? { storageClass: v('storageClass') } : {}),
    ...(v('acl') ? { acl: v('acl') } : {}),
    ...(v('tagging') ? { tagging: v('tagging') } : {}),
  };
  const wrong = uploadOptionsProblem(o, FORM_NAMES);
  return wrong ? { error: wrong.message } : o;
}

/** The form's prefilled upload options. */
export function uploadFormValues(o: UploadOptions): Record<string, string | undefined> {
  return { storageClass: o.storageClass, acl: o.acl, tagging: o.tagging };
}

/** Only the upload options of an input or parameters (for the TUI's saved parameters). */
export function pickUploadOptions(o: UploadOptions): UploadOptions {
  return uploadOptionsOf(o);
}
