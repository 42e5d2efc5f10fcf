/**
 * Decoder for `Content-Encoding: aws-chunked` bodies (signed and unsigned, with trailers).
 * Hand-written: no installed library decodes it (the SDK only encodes).
 */
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from './errors.js';

const MAX_LINE = 8192;

export class AwsChunkedDecoder extends Transform {
  /** Trailer headers (lower-case names), available once the stream has ended. */
  readonly trailers: Record<string, string> = {};
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private pending: Buffer | undefined;
  private remaining = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    try {
      this.consume(this.pending ? Buffer.concat([this.pending, chunk]) : chunk);
      done();
    } catch (err) {
      done(err as Error);
    }
  }

  override _flush(done: TransformCallback): void {
    // A last trailer line without the closing blank line is accepted.
    if (this.state === 'done' || (this.state === 'trailer' && !this.pending)) done();
    else done(new S3Error('IncompleteBody', 'The request body terminated unexpectedly'));
  }

  private consume(buf: Buffer): void {
    this.pending = undefined;
    let i = 0;
    while (i < buf.length) {
      if (this.state === 'data') {
        const n = Math.min(this.remaining, buf.length - i);
        this.push(buf.subarray(i, i + n));
        i += n;
        this.remaining -= n;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      const eol = buf.indexOf('\r\n', i);
      if (eol < 0) {
        if (buf.length - i > MAX_LINE) throw malformed();
        this.pending = Buffer.from(buf.subarray(i));
        return;
      }
      if (eol - i > MAX_LINE) throw malformed();
      const line = buf.toString('latin1', i, eol);
      i = eol + 2;
      this.line(line);
    }
  }

  private line(line: string): void {
    switch (this.state) {
      case 'data-end':
        if (line !== '') throw malformed();
        this.state = 'size';
        return;
      case 'size': {
        const hex = line.split(';')[0]!.trim();
        if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) throw malformed();
        this.remaining = parseInt(hex, 16);
        this.state = this.remaining === 0 ? 'trailer' : 'data';
        return;
      }
      case 'trailer': {
        if (line === '') {
          this.state = 'done';
          return;
        }
        const colon = line.indexOf(':');
        if (colon <= 0) throw malformed();
        this.trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
        return;
      }
      default:
        throw malformed();
    }
  }
}

const malformed = () => new S3Error('InvalidRequest', 'The aws-chunked body is malformed.');

export function isAwsChunked(headers: { [k: string]: string | string[] | undefined }): boolean {
  const sha = headers['x-amz-content-sha256'];
  const enc = headers['content-encoding'];
  return (typeof sha === 'string' && sha.startsWith('STREAMING-')) || (typeof enc === 'string' && enc.includes('aws-chunked'));
}
