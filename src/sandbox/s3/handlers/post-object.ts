/** Browser-form POST Object: multipart/form-data to the bucket URL, file streamed to disk, policy enforced. */
import { Readable, Transform } from 'node:stream';
import { createRequire } from 'node:module';
import type busboyModule from 'busboy';
import { S3Error } from '../errors.js';
import { quoteEtag, requireHeaderSafe, sendEmpty, sendXml, type S3Call } from '../http.js';
import { checkPostPolicy, postObjectKey, postSuccessStatus } from '../post-policy.js';
import { BodyDigests } from '../checksums.js';
import type { ObjectMeta } from '../store.js';
import { s3Xml } from '../xml.js';
import { cannedAcl, OBJECT_CANNED_ACLS } from '../acl.js';
import { parseTaggingXml } from '../tagging.js';
import type { ObjectAccess } from '../store.js';
import { requestedStorageClass } from '../storage-class.js';
import { encodeKeyForUrl, MAX_KEY_BYTES, requestBaseUrl, requireBucket, SSE, type S3Deps } from './common.js';
import { writeVersionId, writtenVersionHeader } from './versioning.js';

// Loaded on first POST: it costs start-up time and most sessions never post a form.
let busboy: typeof busboyModule | undefined;

/** Form fields stored with the object and sent back as headers on GET. */
const STORED_FIELDS = ['content-type', 'content-encoding', 'content-disposition', 'cache-control', 'expires'];
const MAX_FORM_FIELDS_BYTES = 20 * 1024;
const MAX_POST_FILE_BYTES = 5 * 1024 ** 3;

const notMultipart = () =>
  new S3Error('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, {
    Condition: 'Bucket POST must be of the enclosure-type multipart/form-data',
  });
const malformedPost = () => new S3Error('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.');

interface ParsedForm {
  fields: Array<[string, string]>;
  file?: { blob: string; size: number; md5Hex: string; filename?: string };
  /** Names of the fields that came after the file part, in order (AWS ignores them). */
  lateFields: string[];
}

/**
 * Reads the form. Every part before the file is a field, also one sent with a filename (Python `requests` with
 * `files=` names every part so). AWS ignores parts after the file; so does the sandbox under `--strict`. By default
 * it keeps them as LocalStack does (the blog's Perl script builds its form from a hash, in any order) and names them
 * in `lateFields` so the caller can say what AWS would do.
 */
function readForm(deps: S3Deps, call: S3Call): Promise<ParsedForm> {
  return new Promise((resolve, reject) => {
    let parser: busboyModule.Busboy;
    try {
      busboy ??= createRequire(import.meta.url)('busboy') as typeof busboyModule;
      parser = busboy({ headers: call.req.headers, limits: { fieldSize: MAX_FORM_FIELDS_BYTES, fileSize: MAX_POST_FILE_BYTES } });
    } catch {
      reject(notMultipart());
      return;
    }
    const form: ParsedForm = { fields: [], lateFields: [] };
    const addField = (name: string, value: string) => {
      if (fileWrite) {
        form.lateFields.push(name);
        if (deps.ctx.strict) return;
      }
      form.fields.push([name, value]);
    };
    let fieldBytes = 0;
    let failure: S3Error | undefined;
    let fileWrite: Promise<void> | undefined;
    let fileStream: Readable | undefined;
    const fieldReads: Promise<void>[] = [];
    // A part sent with a filename but not named `file` is a field: its content is the value (cut at the field limit).
    const readFieldPart = (stream: Readable, done: (value: string) => void) => {
      const chunks: Buffer[] = [];
      let size = 0;
      fieldReads.push(
        new Promise<void>((ok) => {
          stream.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size <= MAX_FORM_FIELDS_BYTES + 1) chunks.push(chunk);
          });
          stream.on('error', () => ok());
          stream.on('end', () => {
            guarded(() => done(Buffer.concat(chunks).toString('utf8')))();
            ok();
          });
        }),
      );
    };
    const writeFile = (source: Readable, filename: string | undefined) => {
      const digests = new BodyDigests([]);
      const tap = new Transform({
        transform(chunk: Buffer, _e, done) {
          digests.update(chunk);
          done(null, chunk);
        },
      });
      fileWrite = deps.store.blobs.write(source, [tap]).then(async (blob) => {
        const r = await digests.result();
        form.file = { blob, size: r.size, md5Hex: r.md5.toString('hex'), filename };
      });
      // Settled in settle(); this keeps an early failure from counting as an unhandled rejection.
      fileWrite.catch(() => {});
    };
    // Event callbacks run outside the request's promise: a throw there would end the process.
    const guarded =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        try {
          fn(...args);
        } catch (err) {
          failure ??= err instanceof S3Error ? err : malformedPost();
          abandon();
        }
      };
    const abandon = () => {
      fileStream?.destroy(new Error('form abandoned'));
      call.req.unpipe(parser);
      call.req.resume();
      settle();
    };
    parser.on(
      'field',
      guarded((name: string | undefined, value: string, info: busboyModule.FieldInfo) => {
        if (typeof name !== 'string' || name === '') throw malformedPost();
        fieldBytes += name.length + value.length;
        if (info.valueTruncated || fieldBytes > MAX_FORM_FIELDS_BYTES) {
          failure ??= new S3Error('MaxPostPreDataLengthExceeded', 'Your POST request fields preceeding the upload file was too large.');
        }
        if (name.toLowerCase() === 'file' && !fileWrite) writeFile(Readable.from([Buffer.from(value)]), undefined);
        else addField(name, value);
      }),
    );
    parser.on(
      'file',
      guarded((name: string | undefined, stream: Readable, info: busboyModule.FileInfo) => {
        if (typeof name !== 'string' || name === '') {
          stream.resume();
          throw malformedPost();
        }
        if (name.toLowerCase() === 'file' && fileWrite) {
          stream.resume();
          return;
        }
        if (name.toLowerCase() !== 'file') {
          readFieldPart(stream, (value) => {
            fieldBytes += name.length + value.length;
            if (fieldBytes > MAX_FORM_FIELDS_BYTES) {
              failure ??= new S3Error('MaxPostPreDataLengthExceeded', 'Your POST request fields preceeding the upload file was too large.');
            }
            addField(name, value);
          });
          return;
        }
        stream.once('limit', () => {
          failure ??= new S3Error('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, {
            MaxSizeAllowed: MAX_POST_FILE_BYTES,
          });
        });
        fileStream = stream;
        writeFile(stream, info.filename);
      }),
    );
    parser.on(
      'error',
      guarded(() => {
        failure ??= malformedPost();
        abandon();
      }),
    );
    parser.on(
      'close',
      guarded(() => settle()),
    );
    let settled = false;
    const settle = () => {
      if (settled) return;
      settled = true;
      void Promise.all(fieldReads)
        .then(() => fileWrite ?? Promise.resolve())
        .catch(() => {
          failure ??= malformedPost();
        })
        .then(() => {
          if (failure) {
            if (form.file) deps.store.blobs.remove([form.file.blob]);
            reject(failure);
          } else resolve(form);
        });
    };
    call.req.on(
      'error',
      guarded(() => {
        failure ??= malformedPost();
        fileStream?.destroy(new Error('request aborted'));
        parser.destroy();
        settle();
      }),
    );
    call.req.pipe(parser);
  });
}

export async function postObject(deps: S3Deps, call: S3Call): Promise<void> {
  const contentType = call.req.headers['content-type'] ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) throw notMultipart();
  const bucket = requireBucket(deps, call);
  const form = await readForm(deps, call);
  const file = form.file;
  let committed = false;
  try {
    if (!file) {
      throw new S3Error('InvalidArgument', 'POST requires exactly one file upload per request.', 400, {
        ArgumentName: 'file',
        ArgumentValue: 0,
      });
    }
    const key = postObjectKey(form.fields, file.filename);
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) throw new S3Error('KeyTooLongError', 'Your key is too long');
    if (key === '') throw new S3Error('InvalidArgument', 'User key must have a length greater than 0.', 400, { ArgumentName: 'key' });
    checkPostPolicy({ fields: form.fields, bucket: bucket.name, fileSize: file.size, now: new Date() });
    const field = (name: string) => form.fields.find(([n]) => n.toLowerCase() === name)?.[1];
    const metadata: Record<string, string> = {};
    for (const [n, v] of form.fields) {
      const name = n.toLowerCase();
      if (name.startsWith('x-amz-meta-')) metadata[name.slice(11)] = v;
      if (name.startsWith('x-amz-meta-') || STORED_FIELDS.includes(name)) requireHeaderSafe(name, v, n);
    }
    const versionId = writeVersionId(bucket);
    const obj: ObjectMeta = {
      ...formAccess(field),
      ...storageClassFromForm(field('x-amz-storage-class')),
      ...(versionId ? { versionId } : {}),
      key,
      size: file.size,
      etag: file.md5Hex,
      lastModified: new Date().toISOString(),
      contentType: field('content-type') ?? 'binary/octet-stream',
      contentEncoding: field('content-encoding'),
      contentDisposition: field('content-disposition'),
      cacheControl: field('cache-control'),
      expires: field('expires'),
      metadata,
      segments: [{ blob: file.blob, size: file.size }],
    };
    await deps.store.putObject(bucket.name, obj);
    committed = true;
    if (form.lateFields.length > 0) {
      deps.ctx.log(
        `s3: POST s3://${bucket.name}/${key}: form fields after the file part (${form.lateFields.join(', ')}) were used; ` +
          'AWS ignores them (send the file part last), and so does `s3trigger sandbox --strict`',
      );
    }
    respond(call, bucket.name, obj, form.fields);
    deps.events.publish(bucket, 'ObjectCreated:Post', key, call, { size: obj.size, etag: obj.etag, versionId: obj.versionId });
  } catch (err) {
    if (file && !committed) deps.store.blobs.remove([file.blob]);
    throw err;
  }
}

/** The form's `tagging` field (a `<Tagging>` document, as AWS's POST form takes it) and `acl` field (a canned ACL). */
function formAccess(field: (name: string) => string | undefined): ObjectAccess {
  const tagging = field('tagging');
  const tags = tagging === undefined ? [] : parseTaggingXml(tagging);
  const acl = field('acl');
  if (acl !== undefined && !(OBJECT_CANNED_ACLS as readonly string[]).includes(acl)) {
    throw new S3Error('InvalidArgument', '', 400, { ArgumentName: 'acl', ArgumentValue: acl });
  }
  return { ...(tags.length ? { tags } : {}), ...(acl !== undefined ? { acl: cannedAcl(acl) } : {}) };
}

function respond(call: S3Call, bucket: string, obj: ObjectMeta, fields: Array<[string, string]>): void {
  const location = `${requestBaseUrl(call)}/${bucket}/${encodeKeyForUrl(obj.key)}`;
  const field = (name: string) => fields.find(([n]) => n.toLowerCase() === name)?.[1];
  const redirect = field('success_action_redirect') ?? field('redirect');
  if (redirect) {
    let target: URL | undefined;
    try {
      target = new URL(redirect);
    } catch {
      target = undefined;
    }
    if (target) {
      target.searchParams.set('bucket', bucket);
      target.searchParams.set('key', obj.key);
      target.searchParams.set('etag', quoteEtag(obj.etag));
      sendEmpty(call, 303, { Location: target.toString(), ETag: quoteEtag(obj.etag), ...writtenVersionHeader(obj) });
      return;
    }
  }
  const status = postSuccessStatus(fields);
  const headers = { ETag: quoteEtag(obj.etag), Location: location, ...SSE, ...writtenVersionHeader(obj) };
  if (status === 201) {
    sendXml(call, s3Xml('PostResponse', { Location: location, Bucket: bucket, Key: obj.key, ETag: quoteEtag(obj.etag) }), 201, headers);
  } else sendEmpty(call, status, headers);
}

/** The form's `x-amz-storage-class` field (STANDARD is left out of the stored metadata); InvalidStorageClass for an unknown one. */
function storageClassFromForm(value: string | undefined): Pick<ObjectMeta, 'storageClass'> {
  const storageClass = requestedStorageClass(value);
  return storageClass ? { storageClass } : {};
}
