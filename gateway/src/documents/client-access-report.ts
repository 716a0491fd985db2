import { type Html, html } from './html';
import { actionName, categoryName, formatDate, helsinkiDay, helsinkiMidnight, type Lang, nextDay, purposeName, roleName } from './i18n';
import { clientHeader, clientName, languageFor } from './client-header';
import { DocumentError, type DocumentRenderer } from './route';

/**
 * `GET /documents/client-access-report/{clientId}?from=YYYY-MM-DD&to=YYYY-MM-DD[&includeEmployees=true&reason=…][&lang=fi|sv]`:
 * the client's log extract (issue 12 item 5) as a document — the audit subgraph's `clientAccessReport`
 * (AUDITOR only; its own rules on employees) with a header: the client, identity code, period, controller.
 * Calendar days only (Finnish time), organisations and units by name.
 */
const REPORT_QUERY = /* GraphQL */ `
  query PrintClientAccessReport($clientId: ID!, $from: DateTime, $to: DateTime, $includeEmployees: Boolean, $reason: String) {
    clientAccessReport(clientId: $clientId, from: $from, to: $to, includeEmployees: $includeEmployees, reason: $reason) {
      clientId
      from
      to
      includesEmployees
      totalEntries
      rows {
        date
        organisationId
        organisation { id name }
        unitId
        unit { id name }
        role
        purpose
        categories
        actions
        emergency
        entries
        employeeIds
      }
    }
  }
`;

interface ReportRow {
  date: string;
  organisationId: string | null;
  organisation: { id: string; name: string } | null;
  unitId: string | null;
  unit: { id: string; name: string } | null;
  role: string | null;
  purpose: string | null;
  categories: string[];
  actions: string[];
  emergency: boolean;
  entries: number;
  employeeIds: string[] | null;
}

interface ReportData {
  clientAccessReport: { clientId: string; from: string; to: string; includesEmployees: boolean; totalEntries: number; rows: ReportRow[] };
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** A `YYYY-MM-DD` query parameter that is a real day, or null when not given. */
function dayParam(query: URLSearchParams, name: string): string | null {
  const value = query.get(name);
  if (value === null || value === '') return null;
  const parsed = new Date(`${value}T00:00:00Z`);
  if (!DAY.test(value) || Number.isNaN(parsed.getTime()) || parsed.toISOString().slice(0, 10) !== value) {
    throw new DocumentError(400, 'BAD_USER_INPUT', `${name}: must be a date YYYY-MM-DD`);
  }
  return value;
}

const TEXT = {
  fi: {
    title: 'Ote käyttölokista',
    subtitle: 'Asiakkaan tietojen käyttö: kuka käsitteli tietoja, minä päivänä, missä organisaatiossa ja yksikössä, missä roolissa, mitä tietoja ja mihin tarkoitukseen.',
    client: 'Asiakas',
    identityCode: 'Henkilötunnus',
    period: 'Ajanjakso',
    controller: 'Rekisterinpitäjä',
    entries: 'Lokimerkintöjä',
    employeesShown: 'Työntekijät näytetään',
    yes: 'kyllä',
    uses: 'Tietojen käyttö',
    date: 'Päivä',
    organisation: 'Organisaatio',
    unit: 'Yksikkö',
    role: 'Rooli',
    purpose: 'Käyttötarkoitus',
    data: 'Tiedot',
    action: 'Käsittely',
    count: 'Kertaa',
    employees: 'Työntekijät (tunnisteet)',
    emergency: 'kiireellinen käyttö',
    none: 'Ajanjaksolla ei ole merkintöjä asiakkaan tietojen käytöstä.',
    notes: [
      'Päivämäärät ovat Suomen aikaa; kellonaikoja ei näytetä.',
      'Yksittäisten työntekijöiden tiedot näytetään vain, kun niiden antamiselle on kirjattu peruste.',
      'Otteen tulostaminen on kirjattu käyttölokiin.',
    ],
  },
  sv: {
    title: 'Utdrag ur användningsloggen',
    subtitle: 'Användningen av klientens uppgifter: vem som behandlade uppgifterna, vilken dag, i vilken organisation och enhet, i vilken roll, vilka uppgifter och för vilket ändamål.',
    client: 'Klient',
    identityCode: 'Personbeteckning',
    period: 'Period',
    controller: 'Personuppgiftsansvarig',
    entries: 'Loggposter',
    employeesShown: 'Anställda visas',
    yes: 'ja',
    uses: 'Användning av uppgifterna',
    date: 'Dag',
    organisation: 'Organisation',
    unit: 'Enhet',
    role: 'Roll',
    purpose: 'Ändamål',
    data: 'Uppgifter',
    action: 'Behandling',
    count: 'Gånger',
    employees: 'Anställda (identifierare)',
    emergency: 'brådskande användning',
    none: 'Under perioden finns inga anteckningar om användning av klientens uppgifter.',
    notes: [
      'Datumen anges enligt finsk tid; klockslag visas inte.',
      'Uppgifter om enskilda anställda visas endast när det finns en antecknad grund för att lämna ut dem.',
      'Utskriften av utdraget har antecknats i användningsloggen.',
    ],
  },
} satisfies Record<Lang, unknown>;

export const clientAccessReport: DocumentRenderer = async (request) => {
  const from = dayParam(request.query, 'from');
  const to = dayParam(request.query, 'to');
  if (from && to && from > to) throw new DocumentError(400, 'BAD_USER_INPUT', 'from: must not be after to');
  const includeEmployees = request.query.get('includeEmployees') === 'true';
  const reason = request.query.get('reason');
  // The report first: its own rules (AUDITOR only, a reason for employees) refuse before any client data is read.
  const { clientAccessReport: report } = await request.run<ReportData>(REPORT_QUERY, {
    clientId: request.id,
    from: from ? helsinkiMidnight(from).toISOString() : null,
    // `to` is the last day included.
    to: to ? helsinkiMidnight(nextDay(to)).toISOString() : null,
    includeEmployees,
    reason: reason ?? null,
  });
  const header = await clientHeader(request);
  const lang = languageFor(request, header.client);
  const t = TEXT[lang];
  // The auditor's organisation; without units to name it, as the report's own rows name it.
  const controller = header.controller ?? report.rows.find((r) => r.organisationId === request.actor.organisationId)?.organisation?.name ?? '—';
  const period = `${formatDate(from ?? report.from, lang)} – ${formatDate(to ?? helsinkiDay(new Date(report.to)), lang)}`;
  const body = html`
<h1>${t.title}</h1>
<p class="subtitle">${t.subtitle}</p>
<dl class="facts">
  <dt>${t.client}</dt><dd>${clientName(header.client)}</dd>
  <dt>${t.identityCode}</dt><dd>${header.client.personalIdentityCode ?? '—'}</dd>
  <dt>${t.period}</dt><dd>${period}</dd>
  <dt>${t.controller}</dt><dd>${controller}</dd>
  <dt>${t.entries}</dt><dd>${report.totalEntries}</dd>
  ${report.includesEmployees ? html`<dt>${t.employeesShown}</dt><dd>${t.yes}</dd>` : null}
</dl>
<h2>${t.uses}</h2>
${report.rows.length === 0 ? html`<p>${t.none}</p>` : table(report.rows, report.includesEmployees, lang)}
<ul class="note">${t.notes.map((n) => html`<li>${n}</li>`)}</ul>
`;
  return { lang, title: `${t.title} – ${clientName(header.client)}`, body };
};

function table(rows: ReportRow[], employees: boolean, lang: Lang): Html {
  const t = TEXT[lang];
  return html`<table>
<thead><tr><th>${t.date}</th><th>${t.organisation}</th><th>${t.unit}</th><th>${t.role}</th><th>${t.purpose}</th><th>${t.data}</th><th>${t.action}</th><th>${t.count}</th>${employees ? html`<th>${t.employees}</th>` : null}</tr></thead>
<tbody>
${rows.map(
  (row) => html`<tr>
<td>${formatDate(row.date, lang)}</td>
<td>${row.organisation?.name ?? '—'}</td>
<td>${row.unit?.name ?? '—'}</td>
<td>${roleName(row.role, lang)}</td>
<td>${purposeName(row.purpose, lang)}${row.emergency ? html` (${t.emergency})` : null}</td>
<td>${row.categories.map((c) => categoryName(c, lang)).join(', ')}</td>
<td>${row.actions.map((a) => actionName(a, lang)).join(', ')}</td>
<td class="num">${row.entries}</td>
${employees ? html`<td>${(row.employeeIds ?? []).join(', ')}</td>` : null}
</tr>
`,
)}
</tbody>
</table>`;
}
