/** Put/Get/DeleteBucketLifecycleConfiguration (`?lifecycle` on a bucket); the rules are applied by ../lifecycle-runner.ts. */
import { receiveSmallBody } from '../body.js';
import { S3Error } from '../errors.js';
import { header, sendEmpty, sendXml } from '../http.js';
import { lifecycleRulesXml, parseLifecycleXml } from '../lifecycle.js';
import { s3Xml } from '../xml.js';
import { requireBucket, type Handler } from './common.js';

/** AWS's default for lifecycle transitions, echoed on Put and Get (no other value changes what the sandbox does). */
const MIN_SIZE_HEADER = 'x-amz-transition-default-minimum-object-size';
const MIN_SIZE_VALUES = ['all_storage_classes_128K', 'varies_by_storage_class'];

function minimumObjectSize(requested: string | undefined): string {
  const value = requested ?? MIN_SIZE_VALUES[0]!;
  if (!MIN_SIZE_VALUES.includes(value)) throw new S3Error('InvalidRequest', `Invalid TransitionDefaultMinimumObjectSize found: ${value}`);
  return value;
}

/** Replaces the bucket's rules after AWS's validation (MalformedXML, InvalidArgument, InvalidRequest); 200. */
export const putBucketLifecycleConfiguration: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  const minSize = minimumObjectSize(header(call.req, MIN_SIZE_HEADER));
  const rules = parseLifecycleXml(await receiveSmallBody(call.req));
  await deps.store.updateBucket(bucket.name, { lifecycle: rules });
  sendEmpty(call, 200, { [MIN_SIZE_HEADER]: minSize });
};

/** The rules as stored; 404 NoSuchLifecycleConfiguration when there are none. */
export const getBucketLifecycleConfiguration: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  if (!bucket.lifecycle?.length) {
    throw new S3Error('NoSuchLifecycleConfiguration', 'The lifecycle configuration does not exist', 404, { BucketName: bucket.name });
  }
  sendXml(call, s3Xml('LifecycleConfiguration', { Rule: lifecycleRulesXml(bucket.lifecycle) }), 200, {
    [MIN_SIZE_HEADER]: MIN_SIZE_VALUES[0]!,
  });
};

/** Removes the rules; 204 whether or not there were any, as AWS answers. */
export const deleteBucketLifecycle: Handler = async (deps, call) => {
  const bucket = requireBucket(deps, call);
  await deps.store.updateBucket(bucket.name, { lifecycle: undefined });
  sendEmpty(call, 204);
};
