import { randomUUID } from 'node:crypto';
import type http from 'node:http';
import { type ApolloServer, HeaderMap } from '@apollo/server';
import { type Actor, type AppAbility, defineAbilityFor, unavailableDependency } from '@vartija/kit';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from '../gateway-server';
import { escapeHtml, type Html } from './html';
import { formatDate, type Lang, LANGS } from './i18n';
import { page } from './layout';

/** Where the printable documents are served: `GET /documents/{kind}/{id}`. */
export const DOCUMENTS_PATH = '/documents/';

/** What the documents take from configuration (DPO_OMBUDSMAN_ADDRESS, DPO_OMBUDSMAN_ADDRESS_SV). */
export interface DocumentSettings {
  /** The Data Protection Ombudsman's contact details per language, as printed in the appeal instructions. */
  ombudsmanAddress: Record<Lang, string>;
}

export const DEFAULT_OMBUDSMAN_ADDRESS: Record<Lang, string> = {
  fi: 'Tietosuojavaltuutetun toimisto, PL 800, 00531 Helsinki, tietosuoja@om.fi, www.tietosuoja.fi',
  sv: 'Dataombudsmannens byrå, PB 800, 00531 Helsingfors, tietosuoja@om.fi, www.tietosuoja.fi',
};

/** A refusal or failure to answer with: status, GraphQL error code, and a message without personal data. */
export class DocumentError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RunOptions {
  /**
   * Paths (dot-joined, list indexes left out) under which a FORBIDDEN or null answer is tolerated: the
   * value is printed as missing. Any other error fails the whole document.
   */
  optional?: string[];
}

/** One document being printed: its id, the caller, and a way to ask the API as the caller. */
export interface DocumentRequest {
  id: string;
  query: URLSearchParams;
  actor: Actor;
  ability: AppAbility;
  requestId: string;
  settings: DocumentSettings;
  /** `?lang=fi|sv` when given (else the document picks by the client's service language). */
  langOverride: Lang | null;
  /**
   * Runs one GraphQL operation through this gateway as the caller with access intent PRINT: the same
   * authentication, limits, field guard, subgraph policy and fail-closed logging as any operation, and
   * every sensitive value read is logged as PRINT. Throws DocumentError for an error it does not tolerate.
   */
  run<TData>(query: string, variables: Record<string, unknown>, options?: RunOptions): Promise<TData>;
}

export interface RenderedDocument {
  lang: Lang;
  title: string;
  body: Html;
}

export type DocumentRenderer = (request: DocumentRequest) => Promise<RenderedDocument>;

export interface DocumentsHandlerOptions {
  server: ApolloServer<GatewayContext>;
  /** The gateway's own request context (authentication, rate limit, recorder) with intent PRINT. */
  context(req: http.IncomingMessage, requestId: string): Promise<GatewayContext>;
  settings: DocumentSettings;
  renderers: Record<string, DocumentRenderer>;
}

const STATUS_OF: Record<string, number> = {
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  BAD_USER_INPUT: 400,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  PERSISTED_QUERY_NOT_FOUND: 403,
  COST_ESTIMATED_TOO_EXPENSIVE: 400,
  AUDIT_UNAVAILABLE: 503,
  SERVICE_UNAVAILABLE: 503,
};

/** Messages a person can act on, never the API's own text (which may name a value): only the code's meaning. */
const MESSAGE_OF: Record<string, string> = {
  FORBIDDEN: 'You may not print this document (your role does not allow it).',
  NOT_FOUND: 'No such document: the id is unknown or outside your reach.',
  RATE_LIMITED: 'Too many requests; try again in a minute.',
  AUDIT_UNAVAILABLE: 'The access log cannot be written right now, so nothing is printed; try again shortly.',
  SERVICE_UNAVAILABLE: 'A part of the register cannot be reached right now; try again shortly.',
};

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
  'cache-control': 'no-store',
  pragma: 'no-cache',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isDocumentsPath(url: string | undefined): boolean {
  return (url ?? '').startsWith(DOCUMENTS_PATH);
}

/**
 * `GET /documents/{kind}/{id}`: staff only (a partner token is 403), authenticated exactly as GraphQL
 * is; the page's data comes from GraphQL operations run through this gateway as the caller (never from
 * the database), each logged as PRINT under one request id (the `x-request-id` answered).
 */
export function documentsHandler(options: DocumentsHandlerOptions): (req: http.IncomingMessage, res: http.ServerResponse) => Promise<void> {
  return async (req, res) => {
    try {
      await serve(options, req, res);
    } catch (error) {
      sendError(req, res, asDocumentError(error));
    }
  };
}

async function serve(options: DocumentsHandlerOptions, req: http.IncomingMessage, res: http.ServerResponse) {
  const method = (req.method ?? 'GET').toUpperCase();
  if (method !== 'GET' && method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    throw new DocumentError(405, 'METHOD_NOT_ALLOWED', 'Printable documents are fetched with GET.');
  }
  // Nothing in the body is read: drain it so the connection stays usable.
  req.resume();
  const url = new URL(req.url ?? '/', 'http://localhost');
  const requestId = randomUUID();
  res.setHeader('x-request-id', requestId);
  // Authentication first: nothing about documents is answered to an unauthenticated caller.
  let pending: GatewayContext | undefined = await options.context(req, requestId);
  const { actor } = pending;
  if (actor.kind !== 'USER') {
    throw new DocumentError(403, 'FORBIDDEN', "Printable documents are for the register's staff; a partner token cannot fetch them.");
  }
  const [kind, id, ...rest] = url.pathname.slice(DOCUMENTS_PATH.length).split('/');
  const renderer = kind ? options.renderers[kind] : undefined;
  if (!renderer || rest.length > 0 || !id) {
    throw new DocumentError(404, 'NOT_FOUND', `Unknown document; these are served: ${Object.keys(options.renderers).map((k) => `${DOCUMENTS_PATH}${k}/{id}`).join(', ')}.`);
  }
  const documentId = id;
  if (!UUID.test(documentId)) throw new DocumentError(400, 'BAD_USER_INPUT', 'id: must be a UUID');
  const lang = url.searchParams.get('lang');
  if (lang !== null && !(LANGS as readonly string[]).includes(lang)) throw new DocumentError(400, 'BAD_USER_INPUT', 'lang: must be fi or sv');
  const langOverride = lang as Lang | null;

  const run = async <TData>(query: string, variables: Record<string, unknown>, runOptions: RunOptions = {}): Promise<TData> => {
    const headers = new HeaderMap();
    headers.set('content-type', 'application/json');
    const response = await options.server.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: 'POST', headers, search: '', body: { query, variables } },
      // The first operation reuses the context authenticated above; later ones authenticate again (grants may change).
      context: async () => {
        const context = pending ?? (await options.context(req, requestId));
        pending = undefined;
        return context;
      },
    });
    if (response.body.kind !== 'complete') throw new DocumentError(500, 'INTERNAL_SERVER_ERROR', 'unexpected incremental answer');
    const result = JSON.parse(response.body.string) as { data?: TData | null; errors?: GraphQLFormattedError[] };
    const fatal = (result.errors ?? []).find((e) => !tolerated(e, runOptions.optional ?? []));
    if (fatal) throw fromGraphQL(fatal);
    if (!result.data) throw new DocumentError(response.status ?? 500, 'INTERNAL_SERVER_ERROR', 'the API gave no answer');
    return result.data;
  };

  const rendered = await renderer({
    id: documentId,
    query: url.searchParams,
    actor,
    ability: defineAbilityFor(actor),
    requestId,
    settings: options.settings,
    langOverride,
    run,
  });
  const printedOn = formatDate(new Date(), rendered.lang);
  const footer =
    rendered.lang === 'sv'
      ? `Utskriven ${printedOn} · utskriftens identifierare ${requestId} (utskriften har antecknats i användningsloggen)`
      : `Tulostettu ${printedOn} · tulostuksen tunniste ${requestId} (tulostus on kirjattu käyttölokiin)`;
  const body = page({ lang: rendered.lang, title: rendered.title, body: rendered.body, footer });
  res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8', 'content-language': rendered.lang });
  res.end(method === 'HEAD' ? undefined : body);
}

/** A FORBIDDEN (or the null it leaves) under an optional path; the error's path without list indexes. */
function tolerated(error: GraphQLFormattedError, optional: string[]): boolean {
  if (error.extensions?.['code'] !== 'FORBIDDEN' || !error.path) return false;
  const path = error.path.filter((p) => typeof p === 'string').join('.');
  return optional.some((prefix) => path === prefix || path.startsWith(`${prefix}.`));
}

function fromGraphQL(error: GraphQLFormattedError): DocumentError {
  const code = String(error.extensions?.['code'] ?? 'INTERNAL_SERVER_ERROR');
  const status = STATUS_OF[code] ?? 500;
  // Input errors name the parameter and what is wrong with it: the reason is ours, safe to show.
  const message = code === 'BAD_USER_INPUT' ? error.message : (MESSAGE_OF[code] ?? (status === 500 ? 'The document could not be produced.' : error.message));
  return new DocumentError(status, code, message);
}

function asDocumentError(error: unknown): DocumentError {
  if (error instanceof DocumentError) return error;
  if (error instanceof GraphQLError) {
    const code = String(error.extensions['code'] ?? 'INTERNAL_SERVER_ERROR');
    const http = error.extensions['http'] as { status?: number } | undefined;
    // Authentication's own messages say what to do (sign in again, send a token) and name no one.
    return new DocumentError(http?.status ?? STATUS_OF[code] ?? 500, code, STATUS_OF[code] ? error.message : 'The document could not be produced.');
  }
  const dependency = unavailableDependency(error, null);
  if (dependency) return new DocumentError(503, 'SERVICE_UNAVAILABLE', `Service unavailable: ${dependency} cannot be reached. Try again in a few seconds.`);
  return new DocumentError(500, 'INTERNAL_SERVER_ERROR', 'The document could not be produced.');
}

/** JSON as the rest of the API answers errors, or a small HTML page for a browser; no stack, no personal data. */
function sendError(req: http.IncomingMessage, res: http.ServerResponse, error: DocumentError) {
  if (res.headersSent) return void res.end();
  const wantsHtml = (req.headers.accept ?? '').includes('text/html');
  const headers: Record<string, string> = { ...SECURITY_HEADERS };
  if (error.status === 503) headers['retry-after'] = '5';
  if (error.status === 401) headers['www-authenticate'] = 'Bearer';
  if (wantsHtml) {
    res.writeHead(error.status, { ...headers, 'content-type': 'text/html; charset=utf-8' });
    res.end(
      `<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>${error.status} ${escapeHtml(error.code)}</title></head>` +
        `<body><h1>${error.status} ${escapeHtml(error.code)}</h1><p>${escapeHtml(error.message)}</p></body></html>\n`,
    );
    return;
  }
  res.writeHead(error.status, { ...headers, 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify({ errors: [{ message: error.message, extensions: { code: error.code } }] }));
}
