import { Text } from 'ink';
import { useTheme } from '../theme.js';

export function FilterPrompt({ draft }: { draft: string }) {
  const theme = useTheme();
  return (
    <Text wrap="truncate-end">
      <Text bold color={theme.accent}>
        filter log: /
      </Text>
      {draft}
      <Text inverse> </Text>
      <Text dimColor>{'  Enter apply · Esc clear'}</Text>
    </Text>
  );
}
