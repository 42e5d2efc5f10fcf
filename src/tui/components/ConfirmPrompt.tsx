import { Box, Text } from 'ink';
import { useTheme } from '../theme.js';
import { PaneTitle } from './PaneTitle.js';

export function ConfirmPrompt({ message }: { message: string }) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" height={6} overflow="hidden">
      <PaneTitle title="Confirm" focused />
      <Box height={4} overflow="hidden">
        <Text wrap="wrap" color={theme.warn} bold>
          {message}
        </Text>
      </Box>
      <Text wrap="truncate-end">y: yes · n or Esc: no</Text>
    </Box>
  );
}
