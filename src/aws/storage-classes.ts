/**
 * S3's storage classes for an object (`x-amz-storage-class`), shared by the sandbox and the tool. AWS: PutObject,
 * "Using Amazon S3 storage classes" (the list the AWS CLI's `aws s3 cp --storage-class` takes). Pure.
 */
export const STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'OUTPOSTS',
  'GLACIER_IR',
  'SNOW',
  'EXPRESS_ONEZONE',
] as const;

/** One of STORAGE_CLASSES. */
export type StorageClassName = (typeof STORAGE_CLASSES)[number];

/** The classes whose objects are archived: GET answers InvalidObjectState until a RestoreObject completes. */
export const ARCHIVED_STORAGE_CLASSES: readonly StorageClassName[] = ['GLACIER', 'DEEP_ARCHIVE'];

/** S3 Glacier's retrieval tiers for RestoreObject (GlacierJobParameters.Tier); Standard is AWS's default. */
export const RESTORE_TIERS = ['Expedited', 'Standard', 'Bulk'] as const;

/** One of RESTORE_TIERS. */
export type RestoreTier = (typeof RESTORE_TIERS)[number];
