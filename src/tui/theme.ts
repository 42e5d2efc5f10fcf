/** Colours, dropped entirely when NO_COLOR is set (https://no-color.org). */
import { createContext, useContext } from 'react';

export interface Theme {
  noColor: boolean;
  accent?: string;
  ok?: string;
  warn?: string;
  error?: string;
  highlight?: string;
  muted?: string;
}

export function makeTheme(noColor: boolean): Theme {
  if (noColor) return { noColor };
  return { noColor, accent: 'cyan', ok: 'green', warn: 'yellow', error: 'red', highlight: 'magenta', muted: 'gray' };
}

export const ThemeContext = createContext<Theme>(makeTheme(false));

export function useTheme(): Theme {
  return useContext(ThemeContext);
}
