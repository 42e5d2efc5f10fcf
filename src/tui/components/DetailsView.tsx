import { Box, Text } from 'ink';
import type { DetailLine } from '../details.js';
import { sanitize } from '../format.js';
import { useTheme, type Theme } from '../theme.js';
import { PaneTitle } from './PaneTitle.js';

function style(theme: Theme, line: DetailLine) {
  if (line.style === 'title') return { bold: true, color: theme.accent };
  if (line.style === 'error') return { color: theme.error, bold: theme.noColor };
  if (line.style === 'log') {
    const isError = line.kind === 'error' || line.kind === 'timeout';
    return { color: isError ? theme.error : undefined, dimColor: line.kind === 'start' || line.kind === 'end' || line.kind === 'report' };
  }
  return line.style === 'dim' ? { dimColor: true } : {};
}

export interface DetailsViewProps {
  /** The row's details (selectors.ts detailsOf); undefined once the row was cleared. */
  lines: readonly DetailLine[] | undefined;
  height: number;
  scroll: number;
}

export function DetailsView({ lines: rowLines, height, scroll }: DetailsViewProps) {
  const theme = useTheme();
  const lines: readonly DetailLine[] = rowLines ?? [{ text: 'this row was cleared', style: 'dim' }];
  const bodyHeight = Math.max(1, height - 1);
  const start = Math.min(scroll, Math.max(0, lines.length - bodyHeight));
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <PaneTitle
        title="Details"
        focused
        extra={`${start + 1}-${Math.min(lines.length, start + bodyHeight)} of ${lines.length} · ↑/↓ scroll · Esc back`}
      />
      {lines.slice(start, start + bodyHeight).map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line's identity is its position in the scrolled text
        <Text key={start + i} wrap="truncate-end" {...style(theme, line)}>
          {sanitize(line.text) || ' '}
        </Text>
      ))}
    </Box>
  );
}
