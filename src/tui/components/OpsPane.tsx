import { Box, Text } from 'ink';
import { memo } from 'react';
import { OP_LABELS, cell } from '../format.js';
import { bindingFor, formatKeys } from '../keymap.js';
import { OPS_PANE_HEIGHT } from '../state/layout.js';
import { currentInput, describeInput } from '../state/params.js';
import { OP_ORDER, type AppState } from '../state/types.js';
import { useTheme } from '../theme.js';
import { PaneTitle } from './PaneTitle.js';

/** The widest label and a space (DELETE-TAGGING), so descriptions line up. */
const LABEL_WIDTH = Math.max(...Object.values(OP_LABELS).map((l) => l.length)) + 1;

export interface OpsPaneProps {
  bucket: AppState['bucket'];
  params: AppState['params'];
  createdKeys: AppState['createdKeys'];
  selected: number;
  focused: boolean;
}

export const OpsPane = memo(function OpsPane({ bucket, params, createdKeys, selected, focused }: OpsPaneProps) {
  const theme = useTheme();
  return (
    <Box flexDirection="column" height={OPS_PANE_HEIGHT} overflow="hidden">
      <PaneTitle title="Operations" focused={focused} extra="key fires now · Shift+key edits first" />
      {OP_ORDER.map((kind, index) => {
        const now = currentInput({ bucket, params, createdKeys }, kind);
        const fireKeys = formatKeys(bindingFor(`fire.${kind}`));
        const editKeys = formatKeys(bindingFor(`edit.${kind}`));
        const highlighted = focused && index === selected;
        return (
          <Text key={kind} wrap="truncate-end" inverse={highlighted}>
            <Text bold color={theme.accent}>{` ${fireKeys} `}</Text>
            <Text dimColor>{`${editKeys} `}</Text>
            <Text bold>{cell(OP_LABELS[kind], LABEL_WIDTH)}</Text>
            <Text dimColor={'error' in now}>{describeInput(now)}</Text>
          </Text>
        );
      })}
    </Box>
  );
});
