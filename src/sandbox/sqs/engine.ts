/**
 * The queues and their messages, in memory (store.ts persists them): what SendMessage, ReceiveMessage, DeleteMessage,
 * ChangeMessageVisibility and PurgeQueue do to a standard queue, visibility timeouts, delays, retention, long-poll
 * waiters, and redrive to a dead-letter queue (SQS Developer Guide: "visibility timeout", "dead-letter queues").
 *
 * Receipt handles name the queue, the message and one receive: only the latest receive's handle deletes the message
 * (an older one "succeeds, but the message will not be deleted", as the DeleteMessage reference says); a handle that
 * does not decode, or names another queue, is ReceiptHandleIsInvalid.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { invalidValue, SqsError } from './errors.js';
import { md5Hex, md5OfAttributes, type StoredAttribute } from './md5.js';
import type { RedrivePolicy } from './queue-attributes.js';

export interface StoredMessage {
  id: string;
  body: string;
  md5OfBody: string;
  attributes: Record<string, StoredAttribute>;
  md5OfAttributes?: string;
  /** MessageSystemAttributes given at send (`AWSTraceHeader`). */
  systemAttributes: Record<string, StoredAttribute>;
  senderId: string;
  /** Epoch ms of the send (SentTimestamp); retention counts from it, also in a dead-letter queue. */
  sentAt: number;
  /** Epoch ms before which the message is hidden (delayed, or in flight after a receive). */
  visibleAt: number;
  receiveCount: number;
  firstReceiveAt?: number;
  /** The latest receive's nonce: the one receipt handle that deletes the message. */
  receipt?: string;
  /** Set when redrive moved the message here (the DeadLetterQueueSourceArn attribute). */
  deadLetterSourceArn?: string;
}

export interface Queue {
  name: string;
  arn: string;
  /** Epoch seconds, as CreatedTimestamp / LastModifiedTimestamp are answered. */
  createdAt: number;
  lastModifiedAt: number;
  attributes: Record<string, string>;
  tags: Record<string, string>;
  /** In send order (a redriven message is appended to its dead-letter queue). */
  messages: Map<string, StoredMessage>;
  waiters: Set<() => void>;
}

/** A message handed out by one receive, with the handle of that receive. */
export interface Received {
  message: StoredMessage;
  receiptHandle: string;
}

export interface NewMessage {
  body: string;
  attributes: Record<string, StoredAttribute>;
  systemAttributes?: Record<string, StoredAttribute>;
  delaySeconds: number;
  senderId: string;
}

const HANDLE_SEPARATOR = '\n';

export class SqsEngine {
  readonly queues = new Map<string, Queue>();

  private closed = false;

  /** True once the sandbox is closing: waits end at once. */
  get isClosed(): boolean {
    return this.closed;
  }

  constructor(
    readonly region: string,
    readonly accountId: string,
    /** Called after every change of state (store.ts schedules a snapshot). */
    private readonly changed: () => void,
    private readonly log: (line: string) => void,
  ) {}

  arnOf(name: string): string {
    return `arn:aws:sqs:${this.region}:${this.accountId}:${name}`;
  }

  /** The queue an ARN names, when it is this sandbox's and exists. */
  byArn(arn: string): Queue | undefined {
    const prefix = `arn:aws:sqs:${this.region}:${this.accountId}:`;
    return arn.startsWith(prefix) ? this.queues.get(arn.slice(prefix.length)) : undefined;
  }

  /** Adds a queue (the caller has checked name and attributes). */
  create(name: string, attributes: Record<string, string>, tags: Record<string, string>, now = Date.now()): Queue {
    const seconds = Math.floor(now / 1000);
    const queue: Queue = {
      name,
      arn: this.arnOf(name),
      createdAt: seconds,
      lastModifiedAt: seconds,
      attributes,
      tags,
      messages: new Map(),
      waiters: new Set(),
    };
    this.queues.set(name, queue);
    this.changed();
    return queue;
  }

  deleteQueue(queue: Queue): void {
    this.queues.delete(queue.name);
    this.wake(queue);
    this.changed();
  }

  setAttributes(queue: Queue, attributes: Record<string, string>, now = Date.now()): void {
    for (const [name, value] of Object.entries(attributes)) {
      if (value === '' && (name === 'Policy' || name === 'RedrivePolicy' || name === 'RedriveAllowPolicy')) delete queue.attributes[name];
      else queue.attributes[name] = value;
    }
    queue.lastModifiedAt = Math.floor(now / 1000);
    this.wake(queue); // a shorter delay or visibility may have made messages visible
    this.changed();
  }

  /** Records a change made in place (tags), which LastModifiedTimestamp does not count. */
  touch(): void {
    this.changed();
  }

  purge(queue: Queue): void {
    queue.messages.clear();
    this.changed();
  }

  send(queue: Queue, input: NewMessage, now = Date.now()): StoredMessage {
    const message: StoredMessage = {
      id: randomUUID(),
      body: input.body,
      md5OfBody: md5Hex(input.body),
      attributes: input.attributes,
      md5OfAttributes: md5OfAttributes(input.attributes),
      systemAttributes: input.systemAttributes ?? {},
      senderId: input.senderId,
      sentAt: now,
      visibleAt: now + input.delaySeconds * 1000,
      receiveCount: 0,
    };
    queue.messages.set(message.id, message);
    this.wake(queue);
    this.changed();
    return message;
  }

  /** ApproximateNumberOfMessages, …NotVisible (in flight), …Delayed (not yet received, delay not over). */
  counts(queue: Queue, now = Date.now()): { visible: number; notVisible: number; delayed: number } {
    this.dropExpired(queue, now);
    let visible = 0;
    let notVisible = 0;
    let delayed = 0;
    for (const m of queue.messages.values()) {
      if (m.visibleAt <= now) visible++;
      else if (m.receiveCount === 0) delayed++;
      else notVisible++;
    }
    return { visible, notVisible, delayed };
  }

  /**
   * Receives up to `max` visible messages, hiding each for `visibilityTimeout` seconds. A message already received
   * maxReceiveCount times moves to the RedrivePolicy's dead-letter queue instead (when that queue exists; otherwise
   * it stays, and a line is logged).
   */
  receive(queue: Queue, max: number, visibilityTimeout: number, now = Date.now()): Received[] {
    this.dropExpired(queue, now);
    const redrive = this.redriveOf(queue);
    const out: Received[] = [];
    for (const message of queue.messages.values()) {
      if (out.length >= max) break;
      if (message.visibleAt > now) continue;
      if (redrive && message.receiveCount >= redrive.policy.maxReceiveCount) {
        if (redrive.target && redrive.target !== queue) {
          this.moveToDeadLetter(queue, message, redrive.target, now);
          continue;
        }
        this.log(
          `sqs: queue ${queue.name}: dead-letter queue ${redrive.policy.deadLetterTargetArn} does not exist; message ${message.id} stays`,
        );
      }
      const nonce = randomBytes(12).toString('hex');
      message.receiveCount++;
      message.firstReceiveAt ??= now;
      message.receipt = nonce;
      message.visibleAt = now + visibilityTimeout * 1000;
      out.push({ message, receiptHandle: this.handleOf(queue, message.id, nonce) });
    }
    if (out.length > 0) this.changed();
    return out;
  }

  /**
   * DeleteMessage: `deleted`, or `ignored` for a message already gone or a handle a later receive superseded (both
   * succeed on AWS). Errors: ReceiptHandleIsInvalid.
   */
  deleteMessage(queue: Queue, receiptHandle: string): 'deleted' | 'ignored' {
    const { messageId, nonce } = this.decodeHandle(queue, receiptHandle);
    const message = queue.messages.get(messageId);
    if (!message || message.receipt !== nonce) return 'ignored';
    queue.messages.delete(messageId);
    this.changed();
    return 'deleted';
  }

  /**
   * ChangeMessageVisibility: hides the message `seconds` from now (0: visible at once). Errors: ReceiptHandleIsInvalid;
   * InvalidParameterValue for a message deleted or received again since, and for `seconds` outside 0-43200.
   */
  changeVisibility(queue: Queue, receiptHandle: string, seconds: number, now = Date.now()): void {
    const { messageId, nonce } = this.decodeHandle(queue, receiptHandle);
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > 43200) {
      throw invalidValue('VisibilityTimeout', seconds, 'VisibilityTimeout must be an integer between 0 and 43200.');
    }
    const message = queue.messages.get(messageId);
    if (!message || message.receipt !== nonce) {
      throw invalidValue('ReceiptHandle', receiptHandle, 'Message does not exist or is not available for visibility timeout change.');
    }
    message.visibleAt = now + seconds * 1000;
    if (seconds === 0) this.wake(queue);
    this.changed();
  }

  /** Resolves when a message may have become visible (a send, a visibility change, a timeout running out), after `ms`, or on `signal`. */
  wait(queue: Queue, ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const now = Date.now();
      let next = Number.POSITIVE_INFINITY;
      for (const m of queue.messages.values()) {
        if (m.visibleAt <= now) return resolve();
        if (m.visibleAt < next) next = m.visibleAt;
      }
      if (signal?.aborted || this.closed) return resolve();
      const done = () => {
        clearTimeout(timer);
        queue.waiters.delete(done);
        signal?.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(ms, next - now)));
      queue.waiters.add(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Ends every wait, and later ones at once (the sandbox closes). */
  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) this.wake(queue);
  }

  private wake(queue: Queue): void {
    for (const waiter of [...queue.waiters]) waiter();
  }

  private handleOf(queue: Queue, messageId: string, nonce: string): string {
    return Buffer.from([queue.arn, messageId, nonce].join(HANDLE_SEPARATOR)).toString('base64');
  }

  private decodeHandle(queue: Queue, receiptHandle: string): { messageId: string; nonce: string } {
    const parts = Buffer.from(receiptHandle, 'base64').toString('utf8').split(HANDLE_SEPARATOR);
    if (parts.length !== 3 || parts[0] !== queue.arn || !parts[1] || !parts[2]) {
      throw new SqsError('ReceiptHandleIsInvalid', `The input receipt handle "${receiptHandle}" is not a valid receipt handle.`);
    }
    return { messageId: parts[1], nonce: parts[2] };
  }

  private redriveOf(queue: Queue): { policy: RedrivePolicy; target: Queue | undefined } | undefined {
    const raw = queue.attributes.RedrivePolicy;
    if (!raw) return undefined;
    const policy = JSON.parse(raw) as RedrivePolicy;
    return { policy, target: this.byArn(policy.deadLetterTargetArn) };
  }

  private moveToDeadLetter(from: Queue, message: StoredMessage, to: Queue, now: number): void {
    from.messages.delete(message.id);
    message.visibleAt = now;
    message.receipt = undefined;
    message.deadLetterSourceArn = from.arn;
    to.messages.set(message.id, message);
    this.wake(to);
    this.changed();
  }

  /** Drops messages past MessageRetentionPeriod, oldest first (send order; stops at the first one still kept). */
  private dropExpired(queue: Queue, now: number): void {
    const keepMs = Number(queue.attributes.MessageRetentionPeriod ?? 345600) * 1000;
    let dropped = false;
    for (const [id, m] of queue.messages) {
      if (m.sentAt + keepMs > now) break;
      queue.messages.delete(id);
      dropped = true;
    }
    if (dropped) this.changed();
  }
}
