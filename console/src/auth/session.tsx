import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { type Answer, ApiError, execute, fetchFile } from '../api/graphql';
import type { TypedDocumentString } from '../generated/graphql';

export interface Session {
  token: string;
  /** Who signed in, as the sign-in named them (a persona login, the OIDC name). */
  label: string;
  method: 'dev' | 'oidc' | 'token';
}

interface SessionState {
  session: Session | null;
  /** Set when the API ended the session (401): the sign-in page says why. */
  ended: boolean;
  signIn(session: Session): void;
  signOut(ended?: boolean): void;
}

const STORAGE_KEY = 'vartija.console.session';
const SessionContext = createContext<SessionState | null>(null);

function stored(): Session | null {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

/** The bearer token for this tab only (sessionStorage): closing the tab signs out. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(stored);
  const [ended, setEnded] = useState(false);
  const signIn = useCallback((next: Session) => {
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    setEnded(false);
    setSession(next);
  }, []);
  const signOut = useCallback((byApi = false) => {
    sessionStorage.removeItem(STORAGE_KEY);
    setEnded(byApi);
    setSession(null);
  }, []);
  const value = useMemo(() => ({ session, ended, signIn, signOut }), [session, ended, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}

export interface Api {
  run<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables): Promise<Answer<TResult>>;
  file(path: string, accept: string): Promise<Blob>;
}

/** The API as the signed-in user; an UNAUTHENTICATED answer ends the session. */
export function useApi(): Api {
  const { session, signOut } = useSession();
  return useMemo(() => {
    const token = session?.token ?? '';
    const guard = async <T,>(work: Promise<T>): Promise<T> => {
      try {
        return await work;
      } catch (error) {
        if (error instanceof ApiError && (error.code === 'UNAUTHENTICATED' || error.status === 401)) signOut(true);
        throw error;
      }
    };
    return {
      run: (document, variables) => guard(execute(token, document, variables)),
      file: (path, accept) => guard(fetchFile(token, path, accept)),
    };
  }, [session, signOut]);
}
