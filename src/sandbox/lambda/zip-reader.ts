/**
 * A zip archive read from its central directory (PKWARE APPNOTE 4.3.12-4.3.16, with ZIP64), each entry
 * inflated as a stream so a caller can stop a zip bomb before it fills memory or disk.
 */
import { createInflateRaw, inflateRawSync } from 'node:zlib';

/** One file or folder of an archive, as its central directory record describes it (sizes in bytes). */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate; anything else is refused on read. */
  method: number;
  flags: number;
  compressedSize: number;
  /** The uncompressed size the archive declares; inflating more (or less) than this is a corrupt entry. */
  size: number;
  localHeaderOffset: number;
  /**
   * The Unix mode (`st_mode`: type and permission bits) from the external attributes, when the archive was
   * made on Unix (version made by, upper byte 3, APPNOTE 4.4.2) and says one; undefined otherwise (Windows zips).
   */
  unixMode?: number;
}

/** The archive cannot be read: truncated, not a zip, encrypted, an unknown method, or sizes that lie. */
export class ZipFormatError extends Error {
  override readonly name = 'ZipFormatError';
}

const EOCD = 0x06054b50;
const EOCD64 = 0x06064b50;
const EOCD64_LOCATOR = 0x07064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;
/** "Version made by" host system of Unix archives (APPNOTE 4.4.2.2). */
const UNIX_HOST = 3;
/** Output chunk size while unpacking. */
const CHUNK = 64 * 1024;

function view(zip: Uint8Array): DataView {
  return new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
}

function u64(v: DataView, at: number): number {
  const n = v.getBigUint64(at, true);
  if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw new ZipFormatError('zip64 value out of range');
  return Number(n);
}

function need(zip: Uint8Array, at: number, length: number): void {
  if (at < 0 || length < 0 || at + length > zip.length) throw new ZipFormatError('truncated archive');
}

/** Every entry of the archive, in central directory order. */
export function readCentralDirectory(zip: Uint8Array): ZipEntry[] {
  const v = view(zip);
  let end = -1;
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (v.getUint32(at, true) === EOCD) {
      end = at;
      break;
    }
  }
  if (end === -1) throw new ZipFormatError('no end of central directory record');
  let count = v.getUint16(end + 10, true);
  let cdSize = v.getUint32(end + 12, true);
  let cdOffset = v.getUint32(end + 16, true);
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    const locator = end - 20;
    if (locator >= 0 && v.getUint32(locator, true) === EOCD64_LOCATOR) {
      const at = u64(v, locator + 8);
      need(zip, at, 56);
      if (v.getUint32(at, true) !== EOCD64) throw new ZipFormatError('bad zip64 end record');
      count = u64(v, at + 32);
      cdSize = u64(v, at + 40);
      cdOffset = u64(v, at + 48);
    }
  }
  need(zip, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    need(zip, at, 46);
    if (v.getUint32(at, true) !== CENTRAL) throw new ZipFormatError('bad central directory record');
    const madeBy = v.getUint16(at + 4, true) >> 8;
    const flags = v.getUint16(at + 8, true);
    const method = v.getUint16(at + 10, true);
    let compressedSize = v.getUint32(at + 20, true);
    let size = v.getUint32(at + 24, true);
    const nameLength = v.getUint16(at + 28, true);
    const extraLength = v.getUint16(at + 30, true);
    const commentLength = v.getUint16(at + 32, true);
    const externalMode = v.getUint32(at + 38, true) >>> 16;
    let localHeaderOffset = v.getUint32(at + 42, true);
    need(zip, at + 46, nameLength + extraLength + commentLength);
    const nameBytes = zip.subarray(at + 46, at + 46 + nameLength);
    const name = Buffer.from(nameBytes).toString(flags & 0x800 ? 'utf8' : 'latin1');
    // ZIP64 extended information: only the fields whose 32-bit value is saturated, in this order.
    for (let x = at + 46 + nameLength; x + 4 <= at + 46 + nameLength + extraLength; ) {
      const id = v.getUint16(x, true);
      const length = v.getUint16(x + 2, true);
      if (id === 0x0001) {
        let f = x + 4;
        if (size === 0xffffffff && f + 8 <= x + 4 + length) {
          size = u64(v, f);
          f += 8;
        }
        if (compressedSize === 0xffffffff && f + 8 <= x + 4 + length) {
          compressedSize = u64(v, f);
          f += 8;
        }
        if (localHeaderOffset === 0xffffffff && f + 8 <= x + 4 + length) localHeaderOffset = u64(v, f);
      }
      x += 4 + length;
    }
    if (flags & 0x1) throw new ZipFormatError(`${name}: encrypted entries are not supported`);
    if (method !== 0 && method !== 8) throw new ZipFormatError(`${name}: compression method ${method} is not supported`);
    const entry: ZipEntry = { name, method, flags, compressedSize, size, localHeaderOffset };
    if (madeBy === UNIX_HOST && externalMode !== 0) entry.unixMode = externalMode;
    entries.push(entry);
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

/** The entry's compressed bytes, found through its local header. */
function compressedData(zip: Uint8Array, entry: ZipEntry): Uint8Array {
  const v = view(zip);
  need(zip, entry.localHeaderOffset, 30);
  if (v.getUint32(entry.localHeaderOffset, true) !== LOCAL) throw new ZipFormatError(`${entry.name}: bad local header`);
  const start =
    entry.localHeaderOffset + 30 + v.getUint16(entry.localHeaderOffset + 26, true) + v.getUint16(entry.localHeaderOffset + 28, true);
  need(zip, start, entry.compressedSize);
  return zip.subarray(start, start + entry.compressedSize);
}

/**
 * Yields the entry's uncompressed bytes in chunks of at most 64 KB (native zlib as a stream, so memory stays
 * flat). Stops with ZipFormatError as soon as the output passes the declared size, or when it ends short.
 */
export async function* inflateEntry(zip: Uint8Array, entry: ZipEntry): AsyncGenerator<Uint8Array> {
  const data = compressedData(zip, entry);
  let produced = 0;
  const check = (length: number) => {
    produced += length;
    if (produced > entry.size) throw new ZipFormatError(`${entry.name}: more data than its declared ${entry.size} bytes`);
  };
  if (entry.method === 0) {
    for (let at = 0; at < data.length; at += CHUNK) {
      const chunk = data.subarray(at, at + CHUNK);
      check(chunk.length);
      yield chunk;
    }
  } else {
    const inflate = createInflateRaw({ chunkSize: CHUNK });
    inflate.end(data);
    try {
      for await (const chunk of inflate as AsyncIterable<Buffer>) {
        check(chunk.length);
        yield chunk;
      }
    } catch (err) {
      if (err instanceof ZipFormatError) throw err;
      throw new ZipFormatError(`${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
    } finally {
      inflate.destroy();
    }
  }
  if (produced !== entry.size) throw new ZipFormatError(`${entry.name}: ${produced} bytes, not the declared ${entry.size}`);
}

/** The entry's uncompressed bytes at once; zlib itself stops one byte past the declared size. */
export function inflateEntrySync(zip: Uint8Array, entry: ZipEntry): Uint8Array {
  const data = compressedData(zip, entry);
  let out: Uint8Array;
  try {
    out = entry.method === 0 ? data : inflateRawSync(data, { maxOutputLength: entry.size + 1 });
  } catch (err) {
    throw new ZipFormatError(`${entry.name}: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (out.length !== entry.size) throw new ZipFormatError(`${entry.name}: ${out.length} bytes, not the declared ${entry.size}`);
  return out;
}
