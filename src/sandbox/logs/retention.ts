/** PutRetentionPolicy and DeleteRetentionPolicy, with AWS's allowed values and errors. */
import { groupNotFound, invalidParameter } from './errors.js';
import { requiredString, validGroupName } from './input.js';
import type { OperationHandler } from './request-context.js';

/** The retentionInDays values CloudWatch Logs accepts (PutRetentionPolicy API reference). */
export const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

/** The days of a PutRetentionPolicy request, or AWS's validation error. */
export function validRetentionDays(value: unknown): number {
  if (value === undefined || value === null) {
    throw invalidParameter(
      "1 validation error detected: Value null at 'retentionInDays' failed to satisfy constraint: Member must not be null",
    );
  }
  if (typeof value !== 'number' || !(RETENTION_DAYS as readonly number[]).includes(value)) {
    throw invalidParameter(
      `1 validation error detected: Value '${String(value)}' at 'retentionInDays' failed to satisfy constraint: ` +
        `Member must satisfy enum value set: [${RETENTION_DAYS.join(', ')}]`,
    );
  }
  return value;
}

const putRetentionPolicy: OperationHandler = (ctx, input) => {
  const name = validGroupName(requiredString(input, 'logGroupName'));
  const days = validRetentionDays(input.retentionInDays);
  if (!ctx.store.group(name)) throw groupNotFound();
  ctx.store.setRetention(name, days);
  return {};
};

const deleteRetentionPolicy: OperationHandler = (ctx, input) => {
  const name = validGroupName(requiredString(input, 'logGroupName'));
  if (!ctx.store.group(name)) throw groupNotFound();
  ctx.store.setRetention(name, undefined);
  return {};
};

export const retentionOperations: Record<string, OperationHandler> = {
  PutRetentionPolicy: putRetentionPolicy,
  DeleteRetentionPolicy: deleteRetentionPolicy,
};
