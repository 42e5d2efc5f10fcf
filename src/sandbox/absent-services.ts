/**
 * The cross-service interfaces of the context before (or without) the services behind them: lookups find nothing,
 * sends throw "the X service is not running". Services replace their own at start (see services.ts).
 */
import type { SandboxContext } from './context.js';

/** Lambda's side of the context until the Lambda service has started. */
const NO_FUNCTIONS: SandboxContext['functions'] = {
  exists: () => false,
  functionFor: () => undefined,
  invokeAsync: () => {
    throw new Error('the Lambda service is not running');
  },
  allowsInvoke: () => false,
};

const notRunning = (service: string) => () => {
  throw new Error(`the ${service} service is not running`);
};

/** SQS's, SNS's and EventBridge's sides of the context until (unless) those services have started. */
const NO_QUEUES: SandboxContext['queues'] = {
  exists: () => false,
  send: notRunning('SQS'),
  receive: notRunning('SQS'),
  waitForMessages: async () => {},
  delete: () => false,
  changeVisibility: notRunning('SQS'),
  visibilityTimeoutOf: () => undefined,
  allowsSend: () => false,
};
const NO_TOPICS: SandboxContext['topics'] = { exists: () => false, publish: notRunning('SNS'), allowsPublish: () => false };
const NO_EVENT_BUS: SandboxContext['eventBus'] = { put: notRunning('EventBridge') };

/** A fresh set of the absent interfaces, for a context being built (the server, and tests that start one service). */
export function absentServices(): Pick<SandboxContext, 'functions' | 'queues' | 'topics' | 'eventBus'> {
  return { functions: NO_FUNCTIONS, queues: NO_QUEUES, topics: NO_TOPICS, eventBus: NO_EVENT_BUS };
}
