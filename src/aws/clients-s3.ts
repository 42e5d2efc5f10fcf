/**
 * The S3 SDK's values for the modules on a PUT's path, imported from one place. In the bundle (scripts/bundle.mjs) each
 * module that imports a CommonJS package gets its own namespace copy of it (esbuild's __toESM: one getter per export,
 * 709 for @aws-sdk/client-s3); modules that import through this file share this file's one copy.
 * Types need no such care: `import type` from '@aws-sdk/client-s3' is erased.
 */
export {
  CopyObjectCommand,
  CreateBucketCommand,
  DeleteObjectCommand,
  GetBucketNotificationConfigurationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectCommand,
  paginateListObjectsV2,
  S3Client,
} from '@aws-sdk/client-s3';
