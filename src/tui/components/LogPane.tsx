import { Box, Text } from 'ink';
import { memo, useSyncExternalStore } from 'react';
import type { LogLine } from '../../observe/types.js';
import { displayMessage, formatClock } from '../format.js';
import type { LogStore } from '../state/log-store.js';
import { belongsTo, visibleLog } from '../state/log-view.js';
import type { LogView } from '../state/types.js';
import { useTheme, type Theme } from '../theme.js';
import { PaneTitle } from './PaneTitle.js';

export interface LogPaneProps {
  store: LogStore;
  view: LogView;
  height: number;
  focused: boolean;
  /** Lines of this invocation are highlighted (the selected row's). */
  highlightRequestId?: string;
  /** Shown while the log is empty, e.g. "waiting for first invocation". */
  emptyText: string;
}

function lineStyle(theme: Theme, kind: LogLine['kind'], highlighted: boolean) {
  const isError = kind === 'error' || kind === 'timeout';
  const isFrame = kind === 'start' || kind === 'end' || kind === 'report';
  return {
    color: isError ? theme.error : highlighted ? theme.highlight : undefined,
    dimColor: isFrame && !highlighted,
    bold: highlighted || (theme.noColor && isError),
  };
}

export const LogPane = memo(function LogPane({ store, view, height, focused, highlightRequestId, emptyText }: LogPaneProps) {
  const theme = useTheme();
  const snapshot = useSyncExternalStore(store.subscribe, store.getSnapshot);
  const { lines } = visibleLog(snapshot.lines, view, height);
  const status = [
    view.follow ? 'following' : 'paused (f or End follows)',
    view.filter ? `filter "${view.filter}"` : '',
    `${snapshot.lines.length} lines`,
    snapshot.dropped ? `${snapshot.dropped} dropped` : '',
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <Box flexDirection="column" height={height + 1} overflow="hidden">
      <PaneTitle title="Log" focused={focused} extra={status} />
      {lines.length === 0 ? (
        <Text wrap="truncate-end" dimColor>
          {view.filter && snapshot.lines.length ? `no line matches "${view.filter}"` : emptyText}
        </Text>
      ) : (
        lines.map(({ seq, line }) => {
          const highlighted = belongsTo(line, highlightRequestId);
          return (
            <Text key={seq} wrap="truncate-end" {...lineStyle(theme, line.kind, highlighted)}>
              {highlighted ? '▌' : ' '}
              {formatClock(line.timestamp)} {displayMessage(line.message)}
            </Text>
          );
        })
      )}
    </Box>
  );
});
