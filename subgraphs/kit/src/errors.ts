import { GraphQLError } from 'graphql';

/** Error codes of DESIGN.md §6; clients branch on these, never on messages. */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'AUDIT_UNAVAILABLE'
  | 'INTERNAL_SERVER_ERROR';

export function appError(code: ErrorCode, message: string, extra: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...extra } });
}

export const unauthenticated = (reason: string) =>
  new GraphQLError(reason, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });

export const forbidden = (message: string) => appError('FORBIDDEN', message);

export const notFound = (what: string, id: string) => appError('NOT_FOUND', `${what} ${id} was not found`);

/** `field` names the input field at fault so a form can point at it. */
export const badInput = (field: string, reason: string) =>
  appError('BAD_USER_INPUT', `${field}: ${reason}`, { field, reason });

export const conflict = (message: string, extra: Record<string, unknown> = {}) => appError('CONFLICT', message, extra);
