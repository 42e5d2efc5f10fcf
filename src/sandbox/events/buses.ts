/** Event buses (EventBridge API reference): the account's `default` bus, and custom ones made with CreateEventBus. */
import type { EventBus } from '@aws-sdk/client-eventbridge';
import { EventsError, validation } from './errors.js';
import { busMember, page, pageMember, stringMember } from './input.js';
import { busArn, type EventsContext, existingBus, type OperationHandler } from './operation.js';
import type { StoredBus } from './store.js';
import { tagsMember } from './tags.js';

/** The default bus as the store creates it on first start. */
export function defaultBus(c: Pick<EventsContext, 'region' | 'accountId' | 'now'>): StoredBus {
  const now = c.now();
  return { name: 'default', arn: `arn:aws:events:${c.region}:${c.accountId}:event-bus/default`, createdAt: now, modifiedAt: now };
}

/** EventBus on the wire: JSON 1.1 timestamps are epoch seconds. */
type WireEventBus = Omit<EventBus, 'CreationTime' | 'LastModifiedTime'> & { CreationTime: number; LastModifiedTime: number };

function busShape(bus: StoredBus): WireEventBus {
  return {
    Name: bus.name,
    Arn: bus.arn,
    ...(bus.description !== undefined ? { Description: bus.description } : {}),
    CreationTime: bus.createdAt / 1000,
    LastModifiedTime: bus.modifiedAt / 1000,
  };
}

export const busOperations: Record<string, OperationHandler> = {
  DescribeEventBus(c, input) {
    const name = stringMember(input, 'Name', { path: 'name', max: 1600 });
    return busShape(existingBus(c, busMember({ EventBusName: name })));
  },

  ListEventBuses(c, input) {
    const prefix = stringMember(input, 'NamePrefix', { path: 'namePrefix', max: 256 }) ?? '';
    const { items, nextToken } = page(
      c.store.allBuses().filter((b) => b.name.startsWith(prefix)),
      pageMember(input),
    );
    return { EventBuses: items.map(busShape), ...(nextToken ? { NextToken: nextToken } : {}) };
  },

  CreateEventBus(c, input) {
    const name = stringMember(input, 'Name', {
      path: 'name',
      required: true,
      max: 256,
      pattern: [/^[/.\-_A-Za-z0-9]+$/, String.raw`[/\.\-_A-Za-z0-9]+`],
    })!;
    const description = stringMember(input, 'Description', { path: 'description', max: 512 });
    const tags = tagsMember(input);
    if (input.EventSourceName !== undefined)
      throw validation('Partner event buses (EventSourceName) are not supported by the s3trigger sandbox.');
    if (name.includes('/')) throw validation("Event bus name must not contain '/'.");
    if (c.store.bus(name)) throw new EventsError('ResourceAlreadyExistsException', `Event bus ${name} already exists.`);
    const now = c.now();
    c.store.putBus({
      name,
      arn: busArn(c, name),
      ...(description !== undefined ? { description } : {}),
      createdAt: now,
      modifiedAt: now,
      ...(tags ? { tags } : {}),
    });
    return { EventBusArn: busArn(c, name), ...(description !== undefined ? { Description: description } : {}) };
  },

  DeleteEventBus(c, input) {
    const name = stringMember(input, 'Name', { path: 'name', required: true, max: 256 })!;
    if (name === 'default') throw validation('Cannot delete event bus default.');
    c.store.deleteBus(name);
    return {};
  },
};
