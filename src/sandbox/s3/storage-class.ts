/**
 * Storage classes: which a write may name (`x-amz-storage-class`, the POST form field), how GET/HEAD and listings
 * show them, and which are archived (GET refused until restored). Pure apart from the S3Error it throws.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { S3Error } from './errors.js';

/**
 * The classes a general purpose bucket takes (S3 API, `StorageClass`): OUTPOSTS, EXPRESS_ONEZONE, SNOW and the FSX
 * classes belong to other kinds of buckets and are refused with InvalidStorageClass, as AWS does for OUTPOSTS.
 */
export const STORAGE_CLASSES = [
  'STANDARD',
  'REDUCED_REDUNDANCY',
  'STANDARD_IA',
  'ONEZONE_IA',
  'INTELLIGENT_TIERING',
  'GLACIER',
  'DEEP_ARCHIVE',
  'GLACIER_IR',
] as const;
export type StorageClass = (typeof STORAGE_CLASSES)[number];

/** Archived classes: their objects are read only through a restored copy (S3 User Guide, "Working with archived objects"). */
export const ARCHIVED_CLASSES: readonly StorageClass[] = ['GLACIER', 'DEEP_ARCHIVE'];

export const isArchived = (storageClass: StorageClass | undefined): boolean =>
  storageClass !== undefined && ARCHIVED_CLASSES.includes(storageClass);

/** AWS's 400 InvalidStorageClass, naming the value (recorded: `StorageClassRequested`). */
export const invalidStorageClass = (requested: string) =>
  new S3Error('InvalidStorageClass', 'The storage class you specified is not valid', 400, { StorageClassRequested: requested });

/**
 * The class a write asks for: undefined when absent or STANDARD (the stored metadata leaves STANDARD out), the class
 * otherwise; InvalidStorageClass for a name S3 does not take for this kind of bucket (names are case-sensitive).
 */
export function requestedStorageClass(raw: string | undefined): StorageClass | undefined {
  if (raw === undefined) return undefined;
  if (!(STORAGE_CLASSES as readonly string[]).includes(raw)) throw invalidStorageClass(raw);
  return raw === 'STANDARD' ? undefined : (raw as StorageClass);
}

/** `{ storageClass }` for a request's `x-amz-storage-class` header (empty for STANDARD), to spread into stored metadata. */
export function storageClassFromHeaders(headers: IncomingHttpHeaders): { storageClass?: StorageClass } {
  const raw = headers['x-amz-storage-class'];
  const storageClass = requestedStorageClass(Array.isArray(raw) ? raw[0] : raw);
  return storageClass ? { storageClass } : {};
}

/** `x-amz-storage-class` on GET/HEAD: only for a class other than STANDARD, as AWS sends it. */
export function storageClassHeader(storageClass: StorageClass | undefined): Record<string, string> {
  return storageClass ? { 'x-amz-storage-class': storageClass } : {};
}

/** A listing's `StorageClass` element. */
export const listedStorageClass = (storageClass: StorageClass | undefined): StorageClass => storageClass ?? 'STANDARD';
