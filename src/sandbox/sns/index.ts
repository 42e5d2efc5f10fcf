/**
 * The sandbox's Amazon SNS: topics, subscriptions (lambda, sqs, loopback http/https), Publish and PublishBatch with
 * filter policies and delivery. AWS query protocol (form body, `Action`, `Version=2010-03-31`; XML answers in SNS's
 * namespace), as in the SNS API reference. State under `<dataDir>/sns/` (store.ts).
 */
import { join } from 'node:path';
import type { SandboxContext, SandboxService } from '../context.js';
import { notImplemented, writeProtocolError } from '../protocol/errors.js';
import { QueryProtocolError, readQueryParameters, sendQueryResult } from '../protocol/query.js';
import { SnsError } from './errors.js';
import { SnsModel } from './model.js';
import { publish, publishBatch } from './publish.js';
import { SnsStore } from './store.js';
import {
  confirmSubscription,
  getSubscriptionAttributes,
  listSubscriptions,
  listSubscriptionsByTopic,
  setSubscriptionAttributes,
  subscribe,
  unsubscribe,
} from './subscriptions.js';
import {
  createTopic,
  deleteTopic,
  getTopicAttributes,
  listTagsForResource,
  listTopics,
  setTopicAttributes,
  tagResource,
  untagResource,
} from './topics.js';
import { SNS_NAMESPACE } from './xml.js';

/** A query form of PublishBatch carries up to 10 messages of 256 KiB, form-encoded (up to 3 bytes per byte). */
const MAX_FORM_BYTES = 10 * 1024 * 1024;

/** `traceHeader`: the request's X-Amzn-Trace-Id, which Publish carries to the subscriptions. */
type Operation = (sns: SnsModel, params: URLSearchParams, traceHeader?: string) => string | undefined;

const OPERATIONS: Record<string, Operation> = {
  CreateTopic: createTopic,
  DeleteTopic: deleteTopic,
  ListTopics: listTopics,
  GetTopicAttributes: getTopicAttributes,
  SetTopicAttributes: setTopicAttributes,
  Subscribe: subscribe,
  ConfirmSubscription: confirmSubscription,
  Unsubscribe: unsubscribe,
  ListSubscriptions: listSubscriptions,
  ListSubscriptionsByTopic: listSubscriptionsByTopic,
  GetSubscriptionAttributes: getSubscriptionAttributes,
  SetSubscriptionAttributes: setSubscriptionAttributes,
  Publish: publish,
  PublishBatch: publishBatch,
  TagResource: tagResource,
  UntagResource: untagResource,
  ListTagsForResource: listTagsForResource,
};

export interface SnsService extends SandboxService {
  model: SnsModel;
}

/** Starts SNS over `<ctx.dataDir>/sns/`; the caller sets `model.registry()` as `ctx.topics`. */
export function createSnsService(ctx: SandboxContext): SnsService {
  const model = new SnsModel(ctx, new SnsStore(join(ctx.dataDir, 'sns')));
  return {
    model,
    async handle(req, res) {
      let params: URLSearchParams;
      try {
        params = await readQueryParameters(req, MAX_FORM_BYTES);
      } catch (err) {
        if (!(err instanceof QueryProtocolError)) throw err;
        return writeProtocolError(req, res, 'query', { code: err.code, message: err.message, status: err.status });
      }
      const action = params.get('Action');
      if (!action) return writeProtocolError(req, res, 'query', { code: 'MissingAction', message: 'Missing Action', status: 400 });
      const operation = OPERATIONS[action];
      if (!operation) return writeProtocolError(req, res, 'query', notImplemented('sns', action));
      let result: string | undefined;
      try {
        const trace = req.headers['x-amzn-trace-id'];
        result = operation(model, params, typeof trace === 'string' && trace ? trace : undefined);
      } catch (err) {
        if (!(err instanceof SnsError)) throw err;
        return writeProtocolError(req, res, 'query', err.toProtocolError());
      }
      sendQueryResult(res, action, SNS_NAMESPACE, result);
    },
    close: async () => {},
  };
}
