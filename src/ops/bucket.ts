/** Bucket name rules (checked before any request) and create-if-missing. */
import type { BucketLocationConstraint, S3Client } from '@aws-sdk/client-s3';
import { CreateBucketCommand, HeadBucketCommand } from '../aws/clients-s3.js';

export { bucketNameProblem } from '../aws/bucket-name.js';

/** Creates the bucket when HeadBucket says it is missing; resolves to true when it created it. */
export async function ensureBucket(s3: S3Client, bucket: string): Promise<boolean> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    return false;
  } catch (err) {
    const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.name !== 'NotFound' && e.name !== 'NoSuchBucket' && e.$metadata?.httpStatusCode !== 404) throw err;
  }
  const region = await s3.config.region();
  try {
    await s3.send(
      new CreateBucketCommand({
        Bucket: bucket,
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === 'BucketAlreadyOwnedByYou') return false;
    throw err;
  }
}
