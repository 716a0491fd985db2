import { useEffect, useState } from 'react';
import type { TypedDocumentString } from '../generated/graphql';
import { useApi } from '../auth/session';
import type { Answer } from './graphql';

export interface QueryState<TResult> {
  loading: boolean;
  answer: Answer<TResult> | null;
  error: unknown;
  refetch(): void;
}

interface Settled<TResult> {
  /** The variables (as JSON) the answer or error belongs to. */
  key: string | null;
  answer: Answer<TResult> | null;
  error: unknown;
}

/**
 * Runs the operation whenever its variables change; `null` variables: not yet (nothing asked). An answer
 * is only ever shown with the variables it was asked with (never the last search's rows under new
 * filters); a refetch keeps the current answer on screen until the new one arrives.
 */
export function useQuery<TResult, TVariables>(document: TypedDocumentString<TResult, TVariables>, variables: TVariables | null): QueryState<TResult> {
  const api = useApi();
  const key = variables === null ? null : JSON.stringify(variables);
  const [settled, setSettled] = useState<Settled<TResult>>({ key: null, answer: null, error: null });
  const [pending, setPending] = useState(0);
  const [version, setVersion] = useState(0);
  useEffect(() => {
    if (key === null) return;
    let live = true;
    setPending((n) => n + 1);
    api
      .run(document, JSON.parse(key) as TVariables)
      .then(
        (answer) => live && setSettled({ key, answer, error: null }),
        (error: unknown) => live && setSettled({ key, answer: null, error }),
      )
      .finally(() => setPending((n) => n - 1));
    return () => {
      live = false;
    };
  }, [api, document, key, version]);
  const current = settled.key === key;
  return {
    loading: key !== null && (!current || pending > 0),
    answer: current ? settled.answer : null,
    error: current ? settled.error : null,
    refetch: () => setVersion((v) => v + 1),
  };
}
