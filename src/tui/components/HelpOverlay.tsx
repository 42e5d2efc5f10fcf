import { Box, Text } from 'ink';
import { helpLines } from '../keymap.js';
import { useTheme } from '../theme.js';
import { PaneTitle } from './PaneTitle.js';

export function HelpOverlay({ height, scroll }: { height: number; scroll: number }) {
  const theme = useTheme();
  const lines = helpLines();
  const bodyHeight = Math.max(1, height - 1);
  const start = Math.min(scroll, Math.max(0, lines.length - bodyHeight));
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <PaneTitle title="Help" focused extra={lines.length > bodyHeight ? '↑/↓ scroll · Esc closes' : 'Esc closes'} />
      {lines.slice(start, start + bodyHeight).map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: a line's identity is its position in the scrolled text
        <Text key={start + i} wrap="truncate-end" bold={line.heading} color={line.heading ? theme.accent : undefined}>
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
