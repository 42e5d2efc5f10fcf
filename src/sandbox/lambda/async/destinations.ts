/**
 * Where an asynchronous event goes when it ends: the invocation record to the OnSuccess / OnFailure destination
 * (SQS SendMessage, SNS Publish, an asynchronous Lambda invoke, or EventBridge PutEvents with Lambda's detail types),
 * and a failed event to the function's dead-letter queue or topic (in addition to an on-failure destination, as on
 * AWS). Delivery goes through the sandbox's in-process services; a failed delivery is one line in the sandbox's log
 * (AWS counts it in the DestinationDeliveryFailures metric).
 */
import type { QueueMessageAttribute, SandboxContext } from '../../context.js';
import { functionArn } from '../function-config.js';
import type { AsyncEnd } from '../runner.js';
import type { EventInvokeConfigStore } from './config.js';
import { destinationKind } from './config.js';
import { deadLetterMessage, invocationRecord, type AsyncEventEnd } from './record.js';

/** EventBridge's detail types for Lambda's invocation records. */
export const DETAIL_TYPE = {
  success: 'Lambda Function Invocation Result - Success',
  failure: 'Lambda Function Invocation Result - Failure',
} as const;

type Services = Pick<SandboxContext, 'queues' | 'topics' | 'eventBus' | 'functions' | 'log' | 'region' | 'accountId'>;

/** Sends `body` to the SQS queue, SNS topic, Lambda function or EventBridge bus `arn` names. Throws when it cannot. */
function send(
  ctx: Services,
  arn: string,
  body: string,
  options: { detailType: string; functionArn: string; attributes?: Record<string, QueueMessageAttribute> },
): void {
  switch (destinationKind(arn)) {
    case 'sqs':
      ctx.queues.send(arn, body, options.attributes ? { messageAttributes: options.attributes } : {});
      return;
    case 'sns':
      ctx.topics.publish(arn, { message: body, ...(options.attributes ? { messageAttributes: options.attributes } : {}) });
      return;
    case 'lambda': {
      const name = ctx.functions.functionFor(arn);
      if (!name) throw new Error(`function ${arn} does not exist`);
      ctx.functions.invokeAsync(name, body);
      return;
    }
    case 'events':
      ctx.eventBus.put({ source: 'lambda', detailType: options.detailType, detail: body, resources: [arn, options.functionArn] });
      return;
    default:
      throw new Error(`${arn} is not a destination Lambda delivers to`);
  }
}

/**
 * The AsyncHooks.ended of a Lambda service: reads the function's event invoke config and dead-letter config at the
 * moment the event ends (as Lambda does), and delivers. `ctx` is read at each call: services start after Lambda.
 */
export function createAsyncDelivery(
  ctx: Services,
  configs: EventInvokeConfigStore,
  deadLetterTargetOf: (name: string) => string | undefined,
): (name: string, end: AsyncEnd) => void {
  return (name, end) => {
    const arn = functionArn(ctx.region, ctx.accountId, name);
    const full: AsyncEventEnd = { ...end, functionName: name, functionArn: arn, at: Date.now() };
    const destinations = configs.get(name)?.DestinationConfig;
    const success = end.condition === 'Success';
    const target = (success ? destinations?.OnSuccess : destinations?.OnFailure)?.Destination;
    const deliver = (to: string, what: string, fn: () => void) => {
      try {
        fn();
      } catch (err) {
        ctx.log(
          `lambda: ${name} event ${end.requestId}: could not send the ${what} to ${to}: ${err instanceof Error ? err.message : String(err)}`,
        );
      }
    };
    if (target) {
      const body = JSON.stringify(invocationRecord(full));
      const detailType = success ? DETAIL_TYPE.success : DETAIL_TYPE.failure;
      deliver(target, 'invocation record', () => send(ctx, target, body, { detailType, functionArn: `${arn}:$LATEST` }));
    }
    if (success) return;
    const dlq = deadLetterTargetOf(name);
    if (dlq) {
      const message = deadLetterMessage(full);
      deliver(dlq, 'event', () => send(ctx, dlq, message.body, { detailType: '', functionArn: arn, attributes: message.attributes }));
    }
    if (!target && !dlq) {
      const why = end.condition === 'EventAgeExceeded' ? 'was older than its MaximumEventAgeInSeconds' : `failed ${end.attempts} times`;
      ctx.log(`lambda: ${name} event ${end.requestId} ${why}; discarded (no on-failure destination or dead-letter queue)`);
    }
  };
}
