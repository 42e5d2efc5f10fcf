/**
 * The `application/vnd.amazon.eventstream` message encoding (AWS's event stream framing, as StartLiveTail and
 * SelectObjectContent responses use it), for messages whose headers are all strings:
 *
 *   total length (uint32) | headers length (uint32) | CRC32 of those 8 bytes |
 *   headers: name length (uint8), name, type 7 (string), value length (uint16), value, … |
 *   payload | CRC32 of everything before it
 *
 * Big-endian integers, CRC32 as in zip/zlib (node:zlib's, native). @smithy/eventstream-codec encodes the same bytes
 * (the tests compare them) but computes its CRCs in JavaScript: a burst's live tail pushes a frame per update.
 */
import { crc32 } from 'node:zlib';

const STRING_TYPE = 7;
const PRELUDE_BYTES = 12;
const CRC_BYTES = 4;

/**
 * One message: `headers` in order (names of at most 255 bytes, values of at most 65,535, UTF-8), then `payload`.
 * Throws RangeError for a longer name or value.
 */
export function encodeEventStreamMessage(headers: readonly (readonly [name: string, value: string])[], payload: Uint8Array): Buffer {
  let headersLength = 0;
  for (const [name, value] of headers) headersLength += 1 + Buffer.byteLength(name) + 1 + 2 + Buffer.byteLength(value);
  const total = PRELUDE_BYTES + headersLength + payload.length + CRC_BYTES;
  const out = Buffer.allocUnsafe(total);
  out.writeUInt32BE(total, 0);
  out.writeUInt32BE(headersLength, 4);
  out.writeUInt32BE(crc32(out.subarray(0, 8)), 8);
  let at = PRELUDE_BYTES;
  for (const [name, value] of headers) {
    const nameLength = out.write(name, at + 1, 'utf8');
    if (nameLength > 255) throw new RangeError(`event stream header name longer than 255 bytes: ${name.slice(0, 40)}`);
    out.writeUInt8(nameLength, at);
    at += 1 + nameLength;
    out.writeUInt8(STRING_TYPE, at);
    const valueLength = out.write(value, at + 3, 'utf8');
    if (valueLength > 0xffff) throw new RangeError(`event stream header value longer than 65535 bytes (${name})`);
    out.writeUInt16BE(valueLength, at + 1);
    at += 3 + valueLength;
  }
  out.set(payload, at);
  at += payload.length;
  out.writeUInt32BE(crc32(out.subarray(0, at)), at);
  return out;
}
