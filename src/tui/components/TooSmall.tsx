import { Text } from 'ink';
import { MIN_COLUMNS, MIN_ROWS } from '../state/layout.js';

export function TooSmall({ columns, rows }: { columns: number; rows: number }) {
  return (
    <Text wrap="truncate-end">
      terminal too small ({columns}x{rows}): s3trigger needs {MIN_COLUMNS}x{MIN_ROWS} (q quits)
    </Text>
  );
}
