/** The chain in the details view: a route's hops as text, and per-hop latency lines that name their clocks. Pure. */
import type { ChainHop, ChainRoute } from '../events.js';
import type { LatencyHop } from '../observe/types.js';
import { formatMs } from './format.js';

function hopText(hop: ChainHop): string {
  if (hop.kind === 'sns') return `SNS ${hop.name}`;
  if (hop.kind === 'sqs') return `SQS ${hop.name}`;
  return hop.bus === 'default' ? `EventBridge rule ${hop.rule}` : `EventBridge rule ${hop.bus}/${hop.rule}`;
}

/** `test-bucket → SNS uploads → fn-resize`; a direct notification: `test-bucket → fn-resize`. */
export function routeText(bucket: string, route: ChainRoute): string {
  return [bucket, ...route.hops.map(hopText), route.function].join(' → ');
}

const ENDPOINT_LABELS: Record<LatencyHop['from'] | LatencyHop['to'], string> = {
  ack: 'S3 ack',
  sns: 'SNS',
  sqs: 'SQS',
  eventbridge: 'EventBridge',
  start: 'Lambda START',
};

/** `S3 ack → SNS  12ms  (this machine → SNS)`: one hop, its figure and the clocks it spans. */
export function hopLatencyText(hop: LatencyHop): string {
  const clocks = hop.clocks.replace(/\s*->\s*/g, ' → ');
  return `${ENDPOINT_LABELS[hop.from]} → ${ENDPOINT_LABELS[hop.to]}  ${formatMs(hop.ms) || '-'}  (${clocks})`;
}
