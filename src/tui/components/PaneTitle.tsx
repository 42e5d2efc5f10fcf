import { Text } from 'ink';
import { useTheme } from '../theme.js';

/** A pane's one-line title; the focused pane's is shown inverse. */
export function PaneTitle({ title, focused, extra }: { title: string; focused: boolean; extra?: string }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text bold inverse={focused} color={focused ? undefined : theme.accent}>
        {` ${title} `}
      </Text>
      {extra ? <Text dimColor>{` ${extra}`}</Text> : null}
    </Text>
  );
}
