/**
 * SNS's state: topics (attributes, tags) and subscriptions (attributes, confirmation), in memory and in
 * `<dataDir>/sns/state.json`, rewritten whole after every change (temp file + rename, so a crash leaves the
 * previous state), loaded at start-up.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Tag {
  Key: string;
  Value: string;
}

export interface StoredTopic {
  arn: string;
  name: string;
  /** Attributes set by CreateTopic/SetTopicAttributes (DisplayName, Policy, DeliveryPolicy, FifoTopic…); computed ones are added on read. */
  attributes: Record<string, string>;
  tags: Tag[];
  /** Subscriptions deleted so far (SubscriptionsDeleted). */
  subscriptionsDeleted: number;
}

export interface StoredSubscription {
  arn: string;
  topicArn: string;
  /** `lambda`, `sqs`, `http` or `https`. */
  protocol: string;
  endpoint: string;
  owner: string;
  /** RawMessageDelivery, FilterPolicy, FilterPolicyScope, RedrivePolicy, DeliveryPolicy, SubscriptionRoleArn. */
  attributes: Record<string, string>;
  pendingConfirmation: boolean;
  /** The confirmation token of a pending http(s) subscription. */
  token?: string;
}

interface StateFile {
  topics: StoredTopic[];
  subscriptions: StoredSubscription[];
}

export class SnsStore {
  readonly topics = new Map<string, StoredTopic>();
  readonly subscriptions = new Map<string, StoredSubscription>();
  private readonly file: string;

  constructor(root: string) {
    mkdirSync(root, { recursive: true });
    this.file = join(root, 'state.json');
    let state: StateFile | undefined;
    try {
      state = JSON.parse(readFileSync(this.file, 'utf8')) as StateFile;
    } catch {
      state = undefined; // none yet (or unreadable): start empty
    }
    for (const t of state?.topics ?? []) this.topics.set(t.arn, t);
    for (const s of state?.subscriptions ?? []) if (this.topics.has(s.topicArn)) this.subscriptions.set(s.arn, s);
  }

  /** Writes the whole state atomically; call after each change. */
  save(): void {
    const state: StateFile = { topics: [...this.topics.values()], subscriptions: [...this.subscriptions.values()] };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(state));
    renameSync(`${this.file}.tmp`, this.file);
  }

  subscriptionsOf(topicArn: string): StoredSubscription[] {
    return [...this.subscriptions.values()].filter((s) => s.topicArn === topicArn);
  }

  deleteTopic(arn: string): void {
    if (!this.topics.delete(arn)) return;
    for (const s of this.subscriptionsOf(arn)) this.subscriptions.delete(s.arn);
    this.save();
  }
}
