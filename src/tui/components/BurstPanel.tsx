import { Box, Text } from 'ink';
import { OPS_PANE_HEIGHT } from '../state/layout.js';
import { burstLines, type BurstView } from '../state/burst.js';
import { useTheme } from '../theme.js';
import { PaneTitle } from './PaneTitle.js';

/** The running (or last) burst in the operations pane's place: counts, percentiles and a trigger-latency histogram. */
export function BurstPanel({ view, width }: { view: BurstView; width: number }) {
  const theme = useTheme();
  const [title, ...lines] = burstLines(view, width, OPS_PANE_HEIGHT);
  return (
    <Box flexDirection="column" height={OPS_PANE_HEIGHT} overflow="hidden">
      <PaneTitle title={title ?? 'BURST'} focused={false} />
      {lines.map((line, i) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: fixed lines, redrawn whole
        <Text key={i} wrap="truncate-end" color={view.error && i === 0 ? theme.error : undefined}>
          {line}
        </Text>
      ))}
    </Box>
  );
}
