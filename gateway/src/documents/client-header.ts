import { type Lang, langOf } from './i18n';
import { DocumentError, type DocumentRequest } from './route';

/** The client as a document's header shows it; each field null when the caller may not read it. */
export interface HeaderClient {
  id: string;
  displayName: string | null;
  firstName: string | null;
  lastName: string | null;
  personalIdentityCode: string | null;
  serviceLanguage?: string | null;
}

export interface ClientHeader {
  client: HeaderClient;
  /** The caller's organisation's name: the controller (rekisterinpitäjä) whose register is reported on. */
  controller: string | null;
}

/** Client fields of a header; `serviceLanguage` only for a caller who may ever read it (never a refusal logged for it). */
export function clientFields(withLanguage: boolean): string {
  return `id displayName firstName lastName personalIdentityCode${withLanguage ? ' serviceLanguage' : ''}`;
}

/** Whether the caller's policy lets it read a client's service language at all (AUDITOR: names only, no). */
export const mayReadLanguage = (request: DocumentRequest) => request.ability.can('read', 'Client', 'serviceLanguage');

/**
 * The client (404 when invisible or unknown: the same answer for both) and the controller's name, read
 * through the API as the caller. The organisation's name comes from its units (`units` answers the
 * caller's organisation's).
 */
export async function clientHeader(request: DocumentRequest): Promise<ClientHeader> {
  const query = `query PrintClientHeader($clientId: ID!) {
    client(id: $clientId) { ${clientFields(mayReadLanguage(request))} }
    units { organisation { id name } }
  }`;
  const data = await request.run<{ client: HeaderClient | null; units: { organisation: { id: string; name: string } }[] }>(
    query,
    { clientId: request.id },
    { optional: ['client'] },
  );
  if (!data.client) throw new DocumentError(404, 'NOT_FOUND', 'No such client, or the client is outside your reach.');
  const own = data.units.map((u) => u.organisation).find((o) => o.id === request.actor.organisationId);
  return { client: data.client, controller: own?.name ?? null };
}

/** `?lang=` when given, else the client's service language (fi or sv), else Finnish. */
export function languageFor(request: DocumentRequest, client: Pick<HeaderClient, 'serviceLanguage'> | null): Lang {
  return request.langOverride ?? langOf(client?.serviceLanguage) ?? 'fi';
}

/** First and last name, or the name as shown (a pseudonym), or a dash. */
export function clientName(client: Pick<HeaderClient, 'displayName' | 'firstName' | 'lastName'> | null): string {
  if (!client) return '—';
  const full = [client.firstName, client.lastName].filter(Boolean).join(' ');
  return full || client.displayName || '—';
}
