/**
 * The checksums SQS returns with every message: MD5OfMessageBody / MD5OfBody (the body's UTF-8 bytes), and
 * MD5OfMessageAttributes / MD5OfMessageSystemAttributes over an encoding of the attributes that AWS documents
 * (SQS Developer Guide, "Calculating the MD5 message digest for message attributes"): attributes sorted by name,
 * each as length-prefixed name, length-prefixed data type, one transport byte (1 String/Number, 2 Binary) and the
 * length-prefixed value; lengths are 4-byte big-endian byte counts.
 */
import { createHash } from 'node:crypto';

/** An attribute as the sandbox keeps it: binary values in base64, as the JSON wire carries them. */
export interface StoredAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** Lower-case hex MD5 of a string's UTF-8 bytes (or of raw bytes). */
export function md5Hex(data: string | Uint8Array): string {
  return createHash('md5').update(data).digest('hex');
}

function lengthPrefixed(bytes: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(bytes.length);
  return Buffer.concat([length, bytes]);
}

/** The binary-transport data types: `Binary` and custom `Binary.<label>`. */
export const isBinaryType = (dataType: string) => dataType === 'Binary' || dataType.startsWith('Binary.');

/** MD5 of the attributes as AWS computes it (module comment); undefined for none, as AWS then leaves the field out. */
export function md5OfAttributes(attributes: Record<string, StoredAttribute>): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  for (const name of names) {
    const { DataType, StringValue, BinaryValue } = attributes[name]!;
    hash.update(lengthPrefixed(Buffer.from(name, 'utf8')));
    hash.update(lengthPrefixed(Buffer.from(DataType, 'utf8')));
    if (isBinaryType(DataType)) {
      hash.update(Buffer.of(2));
      hash.update(lengthPrefixed(Buffer.from(BinaryValue ?? '', 'base64')));
    } else {
      hash.update(Buffer.of(1));
      hash.update(lengthPrefixed(Buffer.from(StringValue ?? '', 'utf8')));
    }
  }
  return hash.digest('hex');
}
