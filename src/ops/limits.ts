/** Sizes and defaults of the operations (kept apart so that reading them loads no SDK module). */
export const MIB = 1024 * 1024;
export const DEFAULT_SIZE_MB = 6;
export const DEFAULT_PART_SIZE_MB = 5;
/** Parts in flight; the AWS CLI uses 10, lib-storage 4: 8 keeps a 2-core machine busy without queueing. */
export const DEFAULT_CONCURRENCY = 8;
export const MAX_PARTS = 10_000;
export const MIN_PART_MB = 5;
export const MAX_PART_MB = 5 * 1024;
export const MAX_CONCURRENCY = 64;
export const MAX_OBJECT_MB = 5 * 1024 * 1024;
