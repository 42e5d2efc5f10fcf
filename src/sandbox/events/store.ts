/**
 * EventBridge's state: event buses, their rules and each rule's targets, kept in memory and written whole to
 * `<dataDir>/events/state.json` after every change (temp file + rename, so a crash leaves the old or the new state).
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RuleState, Tag, Target } from '@aws-sdk/client-eventbridge';

export interface StoredBus {
  name: string;
  arn: string;
  description?: string;
  /** Epoch ms. */
  createdAt: number;
  modifiedAt: number;
  tags?: Tag[];
}

export interface StoredRule {
  name: string;
  /** The event bus's name. */
  bus: string;
  arn: string;
  /** As PutRule received it (JSON text); absent on a schedule-only rule. */
  eventPattern?: string;
  /** Stored and answered, never run by the sandbox. */
  scheduleExpression?: string;
  state: RuleState;
  description?: string;
  roleArn?: string;
  createdAt: number;
  /** In the order they were first put; PutTargets with a known Id replaces that target in place. */
  targets: Target[];
  tags?: Tag[];
}

interface StateFile {
  version: 1;
  buses: StoredBus[];
  rules: StoredRule[];
}

const ruleKey = (bus: string, name: string) => `${bus}\u0000${name}`;

export class EventsStore {
  private readonly buses = new Map<string, StoredBus>();
  private readonly rules = new Map<string, StoredRule>();
  /** Parsed patterns, by rule key (parsed once: delivery matches every event against them). */
  private readonly patterns = new Map<string, unknown>();
  private readonly file: string;

  /** Loads `root/state.json` when present; an unreadable file is logged and set aside (`state.json.corrupt`), not fatal. */
  constructor(root: string, defaultBus: () => StoredBus, log: (line: string) => void) {
    mkdirSync(root, { recursive: true });
    this.file = join(root, 'state.json');
    let state: StateFile | undefined;
    try {
      state = JSON.parse(readFileSync(this.file, 'utf8')) as StateFile;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
        log(`events: ${this.file} is unreadable (${err instanceof Error ? err.message : String(err)}); starting without rules`);
        renameSync(this.file, `${this.file}.corrupt`);
      }
    }
    for (const bus of state?.buses ?? []) this.buses.set(bus.name, bus);
    if (!this.buses.has('default')) this.buses.set('default', defaultBus());
    for (const rule of state?.rules ?? []) this.setRule(rule);
  }

  bus(name: string): StoredBus | undefined {
    return this.buses.get(name);
  }

  allBuses(): StoredBus[] {
    return [...this.buses.values()].sort((a, b) => a.name.localeCompare(b.name));
  }

  putBus(bus: StoredBus): void {
    this.buses.set(bus.name, bus);
    this.save();
  }

  /** Removes a custom bus and its rules. */
  deleteBus(name: string): void {
    if (name === 'default' || !this.buses.delete(name)) return;
    for (const rule of this.rulesOn(name)) this.forget(rule);
    this.save();
  }

  rule(bus: string, name: string): StoredRule | undefined {
    return this.rules.get(ruleKey(bus, name));
  }

  /** The bus's rules, sorted by name. */
  rulesOn(bus: string): StoredRule[] {
    return [...this.rules.values()].filter((r) => r.bus === bus).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** The rule's parsed EventPattern; undefined for a schedule-only rule. */
  patternOf(rule: StoredRule): unknown {
    return this.patterns.get(ruleKey(rule.bus, rule.name));
  }

  putRule(rule: StoredRule): void {
    this.setRule(rule);
    this.save();
  }

  deleteRule(rule: StoredRule): void {
    this.forget(rule);
    this.save();
  }

  private setRule(rule: StoredRule): void {
    const key = ruleKey(rule.bus, rule.name);
    this.rules.set(key, rule);
    if (rule.eventPattern === undefined) this.patterns.delete(key);
    else this.patterns.set(key, JSON.parse(rule.eventPattern));
  }

  private forget(rule: StoredRule): void {
    const key = ruleKey(rule.bus, rule.name);
    this.rules.delete(key);
    this.patterns.delete(key);
  }

  /** Writes the whole state (small: rules and targets only). Called after every change. */
  save(): void {
    const state: StateFile = { version: 1, buses: [...this.buses.values()], rules: [...this.rules.values()] };
    writeFileSync(`${this.file}.tmp`, JSON.stringify(state));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
