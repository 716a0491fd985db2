/**
 * The documents' two languages (the bilingual city of seed 001: Finnish and Swedish). Codes from the API
 * (roles, categories, actions, purposes, request kinds …) are translated here; an unknown code is shown as
 * it is, so that a new enum value never disappears from a printed document.
 */
export type Lang = 'fi' | 'sv';
export const LANGS: readonly Lang[] = ['fi', 'sv'];

/** `fi`, `sv` (also `sv-FI`, `swe`, `ruotsi`, `svenska`); anything else, or nothing, is Finnish. */
export function langOf(value: string | null | undefined): Lang | null {
  const v = value?.trim().toLowerCase();
  if (!v) return null;
  if (v === 'sv' || v.startsWith('sv-') || v === 'swe' || v === 'svenska' || v === 'ruotsi') return 'sv';
  if (v === 'fi' || v.startsWith('fi-') || v === 'fin' || v === 'suomi' || v === 'finska') return 'fi';
  return null;
}

type Table = Record<string, { fi: string; sv: string }>;

const ROLES: Table = {
  SOCIAL_WORKER: { fi: 'sosiaalityöntekijä', sv: 'socialarbetare' },
  MANAGER: { fi: 'yksikön esihenkilö', sv: 'enhetens förman' },
  STUDENT: { fi: 'opiskelija', sv: 'studerande' },
  BILLING: { fi: 'laskutus', sv: 'fakturering' },
  AUDITOR: { fi: 'tietosuojavastaava / lokien valvoja', sv: 'dataskyddsombud / loggövervakare' },
  REGISTRAR: { fi: 'rekisterin ylläpitäjä', sv: 'registeradministratör' },
  PARTNER: { fi: 'palveluntuottaja (toimeksianto)', sv: 'tjänsteproducent (uppdrag)' },
  SYSTEM: { fi: 'järjestelmä', sv: 'systemet' },
};

const CATEGORIES: Table = {
  IDENTITY: { fi: 'nimi- ja henkilötiedot', sv: 'namn- och personuppgifter' },
  PERSONAL_ID: { fi: 'henkilötunnus', sv: 'personbeteckning' },
  CONTACT: { fi: 'yhteystiedot', sv: 'kontaktuppgifter' },
  FAMILY: { fi: 'perhetiedot', sv: 'familjeuppgifter' },
  WELFARE: { fi: 'sosiaalihuollon palvelutiedot', sv: 'uppgifter om socialvårdstjänster' },
  HEALTH: { fi: 'terveystiedot', sv: 'hälsouppgifter' },
  CASE_RECORD: { fi: 'asiakasasiakirjat', sv: 'klienthandlingar' },
  FINANCIAL: { fi: 'taloudelliset tiedot', sv: 'ekonomiska uppgifter' },
};

const ACTIONS: Table = {
  READ: { fi: 'katselu', sv: 'läsning' },
  CREATE: { fi: 'kirjaus', sv: 'registrering' },
  UPDATE: { fi: 'muutos', sv: 'ändring' },
  DELETE: { fi: 'poisto', sv: 'radering' },
  PRINT: { fi: 'tulostus', sv: 'utskrift' },
  EXPORT: { fi: 'tietojen poiminta', sv: 'uttag av uppgifter' },
  DISCLOSE: { fi: 'luovutus', sv: 'utlämnande' },
};

const PURPOSES: Table = {
  CLIENT_WORK: { fi: 'asiakastyö', sv: 'klientarbete' },
  LOG_MONITORING: { fi: 'lokivalvonta', sv: 'loggövervakning' },
  BILLING: { fi: 'laskutus', sv: 'fakturering' },
  REGISTER_ADMINISTRATION: { fi: 'rekisterin ylläpito', sv: 'registerförvaltning' },
  COMMISSIONED_SERVICE: { fi: 'toimeksiantoon perustuva palvelu', sv: 'tjänst på uppdrag' },
};

const REQUEST_KINDS: Table = {
  ACCESS: { fi: 'tarkastuspyyntö (tietojen tarkastaminen)', sv: 'begäran om insyn (granskning av uppgifter)' },
  RECTIFICATION: { fi: 'oikaisupyyntö (tiedon korjaaminen)', sv: 'begäran om rättelse av uppgifter' },
  OBJECTION: { fi: 'kielto (tietojen käsittelyn vastustaminen)', sv: 'invändning mot behandling av uppgifter' },
  RESTRICTION: { fi: 'käsittelyn rajoittaminen', sv: 'begränsning av behandlingen' },
  ERASURE: { fi: 'tietojen poistaminen', sv: 'radering av uppgifter' },
};

const OUTCOMES: Table = {
  GRANTED: { fi: 'hyväksytty', sv: 'bifallen' },
  PARTLY_GRANTED: { fi: 'hyväksytty osittain, muilta osin evätty', sv: 'delvis bifallen, i övrigt avslagen' },
  REFUSED: { fi: 'evätty', sv: 'avslagen' },
};

const REQUESTERS: Table = {
  CLIENT: { fi: 'asiakas itse', sv: 'klienten själv' },
  SUBJECT: { fi: 'asiakas itse', sv: 'klienten själv' },
  DATA_SUBJECT: { fi: 'asiakas itse', sv: 'klienten själv' },
  SELF: { fi: 'asiakas itse', sv: 'klienten själv' },
  GUARDIAN: { fi: 'huoltaja', sv: 'vårdnadshavare' },
  LEGAL_REPRESENTATIVE: { fi: 'laillinen edustaja (edunvalvoja)', sv: 'lagstadgad företrädare (intressebevakare)' },
};

const CHANNELS: Table = {
  IN_WRITING: { fi: 'kirjallisesti', sv: 'skriftligen' },
  WRITTEN: { fi: 'kirjallisesti', sv: 'skriftligen' },
  LETTER: { fi: 'kirjeitse', sv: 'per brev' },
  MAIL: { fi: 'kirjeitse', sv: 'per brev' },
  POST: { fi: 'kirjeitse', sv: 'per brev' },
  IN_PERSON: { fi: 'henkilökohtaisesti', sv: 'personligen' },
  EMAIL: { fi: 'sähköpostitse', sv: 'per e-post' },
  SECURE_EMAIL: { fi: 'suojatulla sähköpostilla', sv: 'med skyddad e-post' },
  E_SERVICE: { fi: 'sähköisen asioinnin kautta', sv: 'via e-tjänsten' },
  ELECTRONIC: { fi: 'sähköisesti', sv: 'elektroniskt' },
  PHONE: { fi: 'puhelimitse', sv: 'per telefon' },
};

const lookup = (table: Table) => (code: string | null | undefined, lang: Lang): string => {
  if (!code) return '—';
  return table[code]?.[lang] ?? code;
};

export const roleName = lookup(ROLES);
export const categoryName = lookup(CATEGORIES);
export const actionName = lookup(ACTIONS);
export const purposeName = lookup(PURPOSES);
export const requestKindName = lookup(REQUEST_KINDS);
export const outcomeName = lookup(OUTCOMES);
export const requesterName = lookup(REQUESTERS);
export const channelName = lookup(CHANNELS);

const HELSINKI = 'Europe/Helsinki';

/**
 * A date without a time of day, as written in Finland (1.12.2026), the Finnish calendar day of an instant.
 * `YYYY-MM-DD` strings (GraphQL Date) are that day itself.
 */
export function formatDate(value: string | Date | null | undefined, lang: Lang): string {
  if (value === null || value === undefined || value === '') return '—';
  const day = typeof value === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(value) ? value : helsinkiDay(new Date(value));
  if (!day) return '—';
  const [y, m, d] = day.split('-').map(Number);
  void lang; // both languages write dates d.M.yyyy in Finland
  return `${d}.${m}.${y}`;
}

/** The Finnish calendar day (YYYY-MM-DD) of an instant; null for an invalid date. */
export function helsinkiDay(instant: Date): string | null {
  if (Number.isNaN(instant.getTime())) return null;
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: HELSINKI, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** The instant a Finnish calendar day (YYYY-MM-DD) begins, Helsinki time (EET/EEST). */
export function helsinkiMidnight(day: string): Date {
  const utcMidnight = new Date(`${day}T00:00:00Z`);
  // Helsinki is 2 or 3 hours ahead of UTC: try both offsets, keep the one that is midnight there.
  for (const hours of [2, 3]) {
    const candidate = new Date(utcMidnight.getTime() - hours * 3_600_000);
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: HELSINKI, hour: '2-digit', hourCycle: 'h23' }).format(candidate);
    if (parts === '00' && helsinkiDay(candidate) === day) return candidate;
  }
  return new Date(utcMidnight.getTime() - 2 * 3_600_000);
}

/** The day after a YYYY-MM-DD day. */
export function nextDay(day: string): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + 1);
  return d.toISOString().slice(0, 10);
}
