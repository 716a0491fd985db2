import { createContext, useContext } from 'react';
import type { ConsoleSessionQuery } from './generated/graphql';

/** Who is signed in and the units the log names (from ConsoleSession), for every view. */
export const ConsoleContext = createContext<ConsoleSessionQuery | null>(null);

export function useConsole(): ConsoleSessionQuery {
  const value = useContext(ConsoleContext);
  if (!value) throw new Error('useConsole outside the signed-in console');
  return value;
}
