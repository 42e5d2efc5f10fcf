/**
 * The runtime's log records on fd 4 (the sandbox's node bootstrap): one NDJSON line per console call, written with a
 * blocking write at once (so a handler that locks up after printing keeps its lines, as with AWS's runtimes, which
 * write each record synchronously to the platform's telemetry fd with its own timestamp). The control messages stay
 * on fd 3 and carry the count of bytes written here so far (`logBytes`), so the sandbox need not read this pipe
 * while an invocation runs: it reads it when a message needs it (an invocation's 'done'), on a timer during a long
 * invocation (a live tail still shows it), and when the runtime exits — instead of waking once per line.
 */
import type { Socket } from 'node:net';
import { StringDecoder } from 'node:string_decoder';
import type { RuntimeMessage } from './runtimes/transport.js';

/**
 * How often a paused log pipe is read during an invocation (ms). Lambda does not deliver a function's lines
 * instantly either: the Telemetry API buffers them for up to `timeoutMs` (default 1,000 ms, minimum 25 ms) before a
 * subscriber gets them; 100 ms keeps a live tail of a running invocation well within that.
 * (docs.aws.amazon.com/lambda/latest/dg/telemetry-api-reference.html, Subscribe: buffering.timeoutMs)
 */
export const LOG_READ_INTERVAL_MS = 100;
/** A read this large in one interval means a chatty handler: the pipe then stays open until the invocation ends. */
const CHATTY_BYTES = 64 * 1024;

interface Handle {
  reading?: boolean;
  readStart?: () => number;
  readStop?: () => number;
}

export class RuntimeLogChannel {
  /** Bytes read so far (the runtime's `logBytes` counts the same bytes written). */
  private bytesRead = 0;
  private buffered = '';
  private readonly decoder = new StringDecoder('utf8');
  private readonly waiting: { bytes: number; then: () => void }[] = [];
  private ended = false;
  private paused = false;
  private timer?: NodeJS.Timeout;
  private readonly queue: (() => void)[] = [];

  constructor(
    private readonly socket: Socket,
    private readonly onRecord: (msg: RuntimeMessage) => void,
  ) {
    socket.on('error', () => {});
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('close', () => {
      this.ended = true;
      this.release();
    });
  }

  /** Runs `then` once `logBytes` bytes have been read (at once when they have, or when the runtime sends no count). */
  whenRead(logBytes: number | undefined, then: () => void): void {
    if (!this.waiting.length && (logBytes === undefined || this.ended || this.bytesRead >= logBytes)) {
      then();
      return;
    }
    this.waiting.push({ bytes: logBytes ?? 0, then });
    this.setReading(true);
  }

  /** An invocation starts: stop reading, apart from a read every LOG_READ_INTERVAL_MS. */
  pause(): void {
    if (this.waiting.length || this.ended) return;
    this.setReading(false);
    this.paused = true;
    this.timer ??= setInterval(() => this.peek(), LOG_READ_INTERVAL_MS);
  }

  /** The invocation is over (or timed out, or the runtime exited): read everything as it comes again. */
  resume(): void {
    this.paused = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    this.setReading(true);
  }

  /**
   * Runs `then` once what is in the pipe now has been read (a loop turn later, in order with earlier calls): before a
   * timeout's kill, and before the runtime's raw stdout/stderr output during a paused invocation, so console lines
   * printed before it stay before it. The pipe is then read as it comes until the invocation ends.
   */
  readFirst(then: () => void): void {
    if (!this.paused && !this.queue.length) {
      then();
      return;
    }
    this.queue.push(then);
    if (this.queue.length > 1) return;
    this.resume();
    // Called from a poll phase (a stdout chunk), the pipe is read in the next one: two check phases later is after it.
    setImmediate(() => setImmediate(() => this.settle()));
  }

  /** Runs what waits on readFirst now (the runtime exited: every pipe has been read to its end). */
  settle(): void {
    while (this.queue.length) this.queue.shift()!();
  }

  private peek(): void {
    if (!this.paused) return;
    const before = this.bytesRead;
    this.setReading(true);
    setImmediate(() => {
      if (!this.paused || this.waiting.length) return;
      if (this.bytesRead - before >= CHATTY_BYTES) this.resume();
      else this.setReading(false);
    });
  }

  private onData(chunk: Buffer): void {
    this.bytesRead += chunk.length;
    this.buffered += this.decoder.write(chunk);
    for (let nl = this.buffered.indexOf('\n'); nl !== -1; nl = this.buffered.indexOf('\n')) {
      const line = this.buffered.slice(0, nl);
      this.buffered = this.buffered.slice(nl + 1);
      try {
        this.onRecord(JSON.parse(line) as RuntimeMessage);
      } catch {
        // not a record: nothing the bootstrap writes
      }
    }
    this.release();
  }

  private release(): void {
    while (this.waiting.length && (this.ended || this.bytesRead >= this.waiting[0]!.bytes)) this.waiting.shift()!.then();
    if (!this.waiting.length && this.paused) this.setReading(false);
  }

  /**
   * Starts or stops libuv's reading of the pipe. A paused Readable still reads into its buffer (net.Socket stops only
   * at its highWaterMark), so the pipe handle itself is told, as net.Socket does for its `onread` sockets.
   */
  private setReading(on: boolean): void {
    if (this.ended) return;
    const h = (this.socket as unknown as { _handle?: Handle })._handle;
    if (!h?.readStart || !h.readStop || h.reading === on) return;
    h.reading = on;
    if (on) h.readStart();
    else h.readStop();
  }
}
