import { Box, Text } from 'ink';
import { keepVisible } from '../state/layout.js';
import { pickerMatches } from '../state/reducer.js';
import type { PickerState } from '../state/types.js';
import { useTheme } from '../theme.js';
import { PaneTitle } from './PaneTitle.js';

export function BucketPicker({ picker, height }: { picker: PickerState; height: number }) {
  const theme = useTheme();
  const matches = pickerMatches(picker.buckets, picker.filter);
  const listHeight = Math.max(1, height - 4);
  const offset = keepVisible(0, picker.selected, listHeight, matches.length);
  const status = picker.busy
    ? `${picker.busy}…`
    : picker.error
      ? picker.error
      : picker.hint
        ? picker.hint
        : picker.buckets
          ? `${matches.length} of ${picker.buckets.length} buckets`
          : '';
  return (
    <Box flexDirection="column" height={height} overflow="hidden">
      <PaneTitle title="Choose a bucket" focused extra="type to filter · Enter uses · n new, q quits (empty filter) · Esc back" />
      {picker.naming ? (
        <Text wrap="truncate-end">
          <Text bold color={theme.accent}>
            new bucket name:{' '}
          </Text>
          {picker.naming.draft}
          <Text inverse> </Text>
          {picker.naming.error ? <Text color={theme.error} bold={theme.noColor}>{`  ${picker.naming.error}`}</Text> : null}
        </Text>
      ) : (
        <Text wrap="truncate-end">
          <Text bold>filter: </Text>
          {picker.filter}
          <Text inverse> </Text>
        </Text>
      )}
      <Text wrap="truncate-end" dimColor={!picker.error} color={picker.error ? theme.error : undefined}>
        {status || ' '}
      </Text>
      {picker.buckets && matches.length === 0 && !picker.busy ? (
        <Text wrap="truncate-end" dimColor>
          {picker.filter ? 'no bucket matches: Esc clears the filter, then n creates one' : 'no buckets yet: press n to create one'}
        </Text>
      ) : null}
      {matches.slice(offset, offset + listHeight).map((bucket, i) => (
        <Text key={bucket} wrap="truncate-end" inverse={offset + i === picker.selected}>
          {`  ${bucket}`}
        </Text>
      ))}
    </Box>
  );
}
