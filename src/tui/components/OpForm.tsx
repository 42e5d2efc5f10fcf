import { Box, Text } from 'ink';
import { OP_LABELS } from '../format.js';
import { OPS_PANE_HEIGHT } from '../state/layout.js';
import type { Overlay } from '../state/types.js';
import { useTheme } from '../theme.js';
import { PaneTitle } from './PaneTitle.js';

type FormOverlay = Extract<Overlay, { kind: 'form' }>;

export function OpForm({ form }: { form: FormOverlay }) {
  const theme = useTheme();
  const labelWidth = Math.max(...form.fields.map((f) => f.label.length)) + 2;
  return (
    <Box flexDirection="column" height={OPS_PANE_HEIGHT} overflow="hidden">
      <PaneTitle
        title={form.burst ? 'BURST parameters' : `${OP_LABELS[form.op]} parameters`}
        focused
        extra="Enter fires · Tab next field · Esc cancels"
      />
      {form.fields.map((field, i) => (
        <Text key={field.name} wrap="truncate-end">
          <Text bold={i === form.focused} color={i === form.focused ? theme.accent : undefined}>
            {`${i === form.focused ? '›' : ' '} ${field.label.padEnd(labelWidth)}`}
          </Text>
          <Text inverse={i === form.focused}>{field.value}</Text>
          {i === form.focused ? <Text inverse> </Text> : null}
        </Text>
      ))}
      {form.error ? (
        <Text wrap="wrap" color={theme.error} bold={theme.noColor}>
          {form.error}
        </Text>
      ) : null}
    </Box>
  );
}
