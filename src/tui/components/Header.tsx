import { Box, Text } from 'ink';
import { memo } from 'react';
import type { Discovery, TargetInfo } from '../../events.js';
import type { TailState } from '../../observe/types.js';
import { oneLineText } from '../format.js';
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

export function tailSummary(discovery: Discovery | undefined, tails: readonly TailState[]): string {
  if (!discovery) return 'discovering the bucket’s notification configuration…';
  const parts: string[] = [];
  if (discovery.functions.length) parts.push(`λ ${discovery.functions.join(', ')}`);
  else parts.push('no Lambda function in the notification configuration');
  const groups = discovery.logGroups.map((group) => {
    const tail = tails.find((t) => t.logGroup === group);
    return `${group} (${tail ? tailModeText(tail) : 'connecting…'})`;
  });
  if (groups.length) parts.push(`tailing ${groups.join(', ')}`);
  if (discovery.destinations.length) parts.push(discovery.destinations.join('; '));
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
}

// The bucket comes before the target label: at 80 columns a long endpoint or profile label is what gets cut.
export const Header = memo(function Header({ target, bucket, discovery, tails, warnings, notice, queued }: HeaderProps) {
  const theme = useTheme();
  const allWarnings = [...(discovery?.warnings ?? []), ...warnings].map(oneLineText);
  return (
    <Box flexDirection="column" height={3} overflow="hidden">
      <Text wrap="truncate-end">
        <Text bold color={theme.accent}>
          s3trigger
        </Text>
        {'  '}
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
