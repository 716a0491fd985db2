import type { TypedDocumentString } from '../generated/graphql';

export interface ApiErrorInfo {
  message: string;
  path?: readonly (string | number)[];
  extensions?: { code?: string };
}

/** A refusal or failure from the API: its code (extensions.code) and the API's own message. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string | null,
    readonly status: number,
  ) {
    super(message);
  }
}

export interface Answer<TResult> {
  data: TResult;
  /** Errors next to data (e.g. a client name the auditor may not read): shown as a note, not a failure. */
  errors: ApiErrorInfo[];
}

/** POST /graphql as the signed-in user; an answer without data is an ApiError. */
export async function execute<TResult, TVariables>(
  token: string,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): Promise<Answer<TResult>> {
  let response: Response;
  try {
    response = await fetch('/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: document.toString(), variables }),
    });
  } catch {
    throw new ApiError('network', 'NETWORK', 0);
  }
  const body = (await response.json().catch(() => null)) as { data?: TResult | null; errors?: ApiErrorInfo[] } | null;
  const errors = body?.errors ?? [];
  if (!body?.data) {
    const first = errors[0];
    throw new ApiError(first?.message ?? `HTTP ${response.status}`, first?.extensions?.code ?? null, response.status);
  }
  return { data: body.data, errors };
}

/** A file the gateway makes for the caller (CSV export, printable document), fetched with the token. */
export async function fetchFile(token: string, path: string, accept: string): Promise<Blob> {
  let response: Response;
  try {
    response = await fetch(path, { headers: { authorization: `Bearer ${token}`, accept } });
  } catch {
    throw new ApiError('network', 'NETWORK', 0);
  }
  if (!response.ok) {
    const body = (await response.json().catch(() => null)) as { errors?: ApiErrorInfo[] } | null;
    const first = body?.errors?.[0];
    throw new ApiError(first?.message ?? `HTTP ${response.status}`, first?.extensions?.code ?? null, response.status);
  }
  return response.blob();
}
