import { Box, Text } from 'ink';
import { memo } from 'react';
import type { Discovery, TargetInfo } from '../../events.js';
import type { TailState } from '../../observe/types.js';
import { formatClock, oneLineText } from '../format.js';
import { useTheme } from '../theme.js';

export function tailModeText(tail: TailState): string {
  switch (tail.mode) {
    case 'live':
      return 'live';
    case 'polling':
      return tail.intervalMs ? `polling every ${tail.intervalMs} ms` : 'polling';
    case 'waiting-for-group':
      return 'waiting for first invocation';
    case 'reconnecting':
      return 'reconnecting';
    case 'connecting':
      return 'connecting…';
    case 'stopped':
      return tail.detail ? `stopped: ${oneLineText(tail.detail)}` : 'stopped';
  }
}

/** Several log groups in one phrase: `tailing 2 log groups (live)`, `tailing 2 log groups (1 live, 1 connecting…)`. */
function tailCounts(logGroups: readonly string[], tails: readonly TailState[]): string {
  const counts = new Map<string, number>();
  for (const group of logGroups) {
    const tail = tails.find((t) => t.logGroup === group);
    const mode = tail ? tailModeText(tail) : 'connecting…';
    counts.set(mode, (counts.get(mode) ?? 0) + 1);
  }
  const modes = [...counts].map(([mode, n]) => (counts.size === 1 ? mode : `${n} ${mode}`));
  return `tailing ${logGroups.length} log groups (${modes.join(', ')})`;
}

/**
 * The header's second line: the chain discovery followed (`test-bucket → SNS uploads → fn-resize, fn-index`) or the
 * functions notified, then the tail of each log group (counted by state when a chain has several), then destinations.
 */
export function tailSummary(discovery: Discovery | undefined, tails: readonly TailState[]): string {
  if (!discovery) return 'discovering the bucket’s notification configuration…';
  const parts: string[] = [];
  // A chain that reaches no function says less than the plain phrase; its unfollowed links are warnings already.
  const chain = discovery.chain;
  const showsChain = chain !== undefined && chain.summary !== '' && (chain.routes.length > 0 || discovery.functions.length > 0);
  if (showsChain) parts.push(chain.summary);
  else if (discovery.functions.length) parts.push(`λ ${discovery.functions.join(', ')}`);
  else parts.push('no Lambda function in the notification configuration');
  const groups = discovery.logGroups.map((group) => {
    const tail = tails.find((t) => t.logGroup === group);
    return `${group} (${tail ? tailModeText(tail) : 'connecting…'})`;
  });
  if (discovery.chain && groups.length > 1) parts.push(tailCounts(discovery.logGroups, tails));
  else if (groups.length) parts.push(`tailing ${groups.join(', ')}`);
  // The chain already names the topics, queues and rules it went through.
  if (discovery.destinations.length && !showsChain) parts.push(discovery.destinations.join('; '));
  return parts.join(' · ');
}

export interface HeaderProps {
  target: TargetInfo;
  bucket?: string;
  discovery?: Discovery;
  tails: readonly TailState[];
  warnings: readonly string[];
  notice?: string;
  /** Keys waiting for the tail, e.g. "1 queued until the tail is ready". */
  queued?: string;
  /** The last hot reload of `--handler`: shown as `reloaded HH:MM:SS`. */
  reloaded?: { at: number; files: number };
}

// The bucket comes before the target label: at 80 columns a long endpoint or profile label is what gets cut.
export const Header = memo(function Header({ target, bucket, discovery, tails, warnings, notice, queued, reloaded }: HeaderProps) {
  const theme = useTheme();
  // Links of the chain discovery could not follow are warnings too: a function they lead to is not tailed.
  const allWarnings = [...new Set([...(discovery?.warnings ?? []), ...(discovery?.chain?.unfollowed ?? []), ...warnings].map(oneLineText))];
  return (
    <Box flexDirection="column" height={3} overflow="hidden">
      <Text wrap="truncate-end">
        <Text bold color={theme.accent}>
          s3trigger
        </Text>
        {'  '}
        {reloaded ? (
          <Text color={theme.accent} bold>
            {`reloaded ${formatClock(reloaded.at).slice(0, 8)}  `}
          </Text>
        ) : null}
        <Text bold>bucket: {bucket ?? '(none: press b)'}</Text>
        {`  ${target.label}`}
      </Text>
      <Text wrap="truncate-end" dimColor={!bucket}>
        {queued ? (
          <Text color={theme.accent} bold>
            {`${queued} · `}
          </Text>
        ) : null}
        {bucket ? tailSummary(discovery, tails) : 'no bucket chosen'}
      </Text>
      {notice ? (
        <Text wrap="truncate-end" color={theme.accent} bold={theme.noColor}>
          {notice}
        </Text>
      ) : allWarnings.length ? (
        <Text wrap="truncate-end" color={theme.warn} bold={theme.noColor}>
          ⚠ {allWarnings.join(' · ')}
        </Text>
      ) : (
        <Text wrap="truncate-end" dimColor>
          {target.note ?? ' '}
        </Text>
      )}
    </Box>
  );
});
