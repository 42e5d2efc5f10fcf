import { Box, Text } from 'ink';
import { KEYMAP, SCOPE_TITLES, formatKeys, type Scope } from '../keymap.js';
import { useTheme } from '../theme.js';
import { PaneTitle } from './PaneTitle.js';

export interface HelpLine {
  text: string;
  heading?: boolean;
}

/** Every binding of the keymap, grouped by scope. */
export function helpLines(): HelpLine[] {
  const scopes = [...new Set(KEYMAP.map((b) => b.scope))] as Scope[];
  const lines: HelpLine[] = [];
  for (const scope of scopes) {
    lines.push({ text: SCOPE_TITLES[scope], heading: true });
    for (const b of KEYMAP.filter((x) => x.scope === scope)) lines.push({ text: `  ${formatKeys(b).padEnd(16)} ${b.description}` });
  }
  return lines;
}

export function HelpOverlay({ height, scroll }: { height: number; scroll: number }) {
  const theme = useTheme();
  const lines = helpLines();
  const bodyHeight = Math.max(1, height - 1);
  const start = Math.min(scroll, Math.max(0, lines.length - bodyHeight));
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <PaneTitle title="Help" focused extra={lines.length > bodyHeight ? '↑/↓ scroll · Esc closes' : 'Esc closes'} />
      {lines.slice(start, start + bodyHeight).map((line, i) => (
        <Text key={start + i} wrap="truncate-end" bold={line.heading} color={line.heading ? theme.accent : undefined}>
          {line.text}
        </Text>
      ))}
    </Box>
  );
}
