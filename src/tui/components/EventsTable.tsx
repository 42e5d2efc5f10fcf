import { Box, Text } from 'ink';
import { memo } from 'react';
import type { Invocation } from '../../observe/types.js';
import { COLUMNS, eventCells, keyColumnWidth, type EventCells } from '../event-cells.js';
import { cell } from '../format.js';
import { rowKey, type Row } from '../state/types.js';
import { useTheme, type Theme } from '../theme.js';
import { PaneTitle } from './PaneTitle.js';

export interface EventsTableProps {
  rows: readonly Row[];
  invocations: Record<string, Invocation>;
  selected: number;
  offset: number;
  height: number;
  width: number;
  focused: boolean;
}

function line(cells: Partial<Record<(typeof COLUMNS)[number]['name'], string>>, keyWidth: number): string {
  return COLUMNS.map((c) => cell(cells[c.name] ?? '', c.width || keyWidth, c.align)).join(' ');
}

/** A row's colour by its tone (none under NO_COLOR: the status word carries it). */
export function toneColor(theme: Theme, tone: EventCells['tone']): string | undefined {
  switch (tone) {
    case 'matched':
      return theme.ok;
    case 'failed':
    case 'lambda-failed':
      return theme.error;
    case 'no-match':
      return theme.warn;
    case 'progress':
      return theme.accent;
    case 'foreign':
      return theme.highlight;
    default:
      return undefined;
  }
}

export const EventsTable = memo(function EventsTable({ rows, invocations, selected, offset, height, width, focused }: EventsTableProps) {
  const theme = useTheme();
  const keyWidth = keyColumnWidth(width);
  const titles = Object.fromEntries(COLUMNS.map((c) => [c.name, c.title]));
  const visible = rows.slice(offset, offset + height);
  const extra = rows.length > height ? `${offset + 1}-${offset + visible.length} of ${rows.length}` : `${rows.length}`;
  return (
    <Box flexDirection="column" height={height + 2} overflow="hidden">
      <PaneTitle title="Events" focused={focused} extra={extra} />
      <Text wrap="truncate-end" bold dimColor>
        {line(titles, keyWidth)}
      </Text>
      {visible.length === 0 ? (
        <Text wrap="truncate-end" dimColor>
          no operations yet: press p, c, o, d or m
        </Text>
      ) : (
        visible.map((row, i) => {
          const cells = eventCells(row, invocations);
          const isSelected = offset + i === selected;
          const failed = cells.tone === 'failed' || cells.tone === 'lambda-failed';
          return (
            <Text
              key={rowKey(row)}
              wrap="truncate-end"
              color={toneColor(theme, cells.tone)}
              inverse={isSelected && focused}
              bold={(isSelected && !focused) || (theme.noColor && failed)}
            >
              {line(cells, keyWidth)}
            </Text>
          );
        })
      )}
    </Box>
  );
});
