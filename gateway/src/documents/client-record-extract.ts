import { type Html, html } from './html';
import { categoryName, formatDate, type Lang, langOf, requestKindName } from './i18n';
import { DocumentError, type DocumentRenderer } from './route';

/**
 * `GET /documents/client-record-extract/{clientId}?requestId=…[&lang=fi|sv]`: the full extract of a client's
 * record (issue 12 item 4; tarkastusoikeus, seeds 000–003) as a printable document answering the client's
 * ACCESS request — the documents subgraph's `clientRecordExtract` (the data protection officer and the
 * REGISTRAR; its own policy decision and checks of the request), grouped by unit, with the redaction decisions
 * and the withheld documents marked. In the client's service language unless `lang` is given. Every record
 * given is logged by the subgraph as EXPORT under this page's request id, the reason naming the request.
 */
const EXTRACT_QUERY = /* GraphQL */ `
  query PrintClientRecordExtract($clientId: ID!, $requestId: ID!) {
    clientRecordExtract(clientId: $clientId, requestId: $requestId) {
      request { id kind status receivedOn unitId }
      clientId
      controllerName
      serviceLanguage
      clientArchived
      producedAt
      units { id name organisationName }
      sections { entityType records { id entityType unitId disclosure fields { name category value } } }
      redactions { documentId withhold reason decidedAt decidedByName }
      awaitingRedaction
    }
  }
`;

interface ExtractField {
  name: string;
  category: string;
  value: string | null;
}
interface ExtractRecord {
  id: string;
  entityType: string;
  unitId: string | null;
  disclosure: 'SHOWN' | 'WITHHELD' | 'AWAITING_REDACTION_DECISION';
  fields: ExtractField[];
}
interface ExtractData {
  clientRecordExtract: {
    request: { id: string; kind: string; status: string; receivedOn: string; unitId: string | null };
    clientId: string;
    controllerName: string;
    serviceLanguage: string | null;
    clientArchived: boolean;
    producedAt: string;
    units: { id: string; name: string; organisationName: string }[];
    sections: { entityType: string; records: ExtractRecord[] }[];
    redactions: { documentId: string; withhold: boolean; reason: string; decidedAt: string; decidedByName: string | null }[];
    awaitingRedaction: string[];
  };
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

type Table = Record<string, { fi: string; sv: string }>;
const SECTIONS: Table = {
  Client: { fi: 'Henkilötiedot', sv: 'Personuppgifter' },
  Guardian: { fi: 'Huoltajat ja muut läheiset', sv: 'Vårdnadshavare och andra närstående' },
  ClientRelationship: { fi: 'Asiakkuudet', sv: 'Klientrelationer' },
  Commission: { fi: 'Toimeksiannot', sv: 'Uppdrag' },
  Consent: { fi: 'Suostumukset', sv: 'Samtycken' },
  Decision: { fi: 'Päätökset', sv: 'Beslut' },
  Placement: { fi: 'Sijoitukset ja palvelut', sv: 'Placeringar och tjänster' },
  CareDay: { fi: 'Hoitopäivät', sv: 'Vårddagar' },
  PaymentCommitment: { fi: 'Maksusitoumukset', sv: 'Betalningsförbindelser' },
  Invoice: { fi: 'Laskut', sv: 'Fakturor' },
  Restriction: { fi: 'Rajoitustoimenpiteet', sv: 'Begränsningsåtgärder' },
  AssistanceRequest: { fi: 'Virka-apupyynnöt', sv: 'Begäranden om handräckning' },
  Medication: { fi: 'Lääkitys', sv: 'Medicinering' },
  Document: { fi: 'Asiakirjat', sv: 'Handlingar' },
  DocumentRevision: { fi: 'Asiakirjojen versiot', sv: 'Handlingarnas versioner' },
  Disclosure: { fi: 'Tietojen luovutukset', sv: 'Utlämnanden av uppgifter' },
  DataSubjectRequest: { fi: 'Rekisteröidyn pyynnöt', sv: 'Den registrerades begäranden' },
  Revision: { fi: 'Korjaushistoria (korvatut arvot)', sv: 'Rättelsehistorik (ersatta värden)' },
};

const TEXT = {
  fi: {
    title: 'Ote asiakasrekisteristä',
    subtitle: 'Rekisteröidyn oikeus tarkastaa itseään koskevat tiedot (EU:n yleinen tietosuoja-asetus 2016/679, 15 artikla)',
    controllerHeading: 'Rekisterinpitäjä',
    controller: 'Rekisterinpitäjä',
    subjectHeading: 'Rekisteröity',
    client: 'Asiakas',
    identityCode: 'Henkilötunnus',
    archived: 'Arkistoitu asiakas',
    yes: 'kyllä',
    no: 'ei',
    requestHeading: 'Tarkastuspyyntö',
    reference: 'Pyynnön tunniste',
    kind: 'Pyynnön laji',
    receivedOn: 'Vastaanotettu',
    handledBy: 'Pyynnön käsittelevä yksikkö',
    producedOn: 'Ote laadittu',
    scope: 'Ote sisältää kaikki rekisterinpitäjän rekisteriin rekisteröidystä tallennetut tiedot kaikista yksiköistä, myös arkistoidut tiedot.',
    redactionsHeading: 'Päätökset tietojen antamisesta',
    noRedactions: 'Ei salassa pidettäviksi arvioitavia asiakirjoja.',
    document: 'Asiakirja',
    decision: 'Päätös',
    reason: 'Perustelu',
    decidedOn: 'Päätetty',
    withheld: 'jätetty pois otteesta',
    shown: 'annettu otteessa',
    awaiting: 'odottaa päätöstä tietojen antamisesta – sisältöä ei ole otteessa',
    withheldNote: 'Asiakirjan sisältö on jätetty pois otteesta päätöksellä (ks. päätökset tietojen antamisesta).',
    awaitingNote: 'Asiakirjan sisältö annetaan vasta, kun sen antamisesta on tehty perusteltu päätös.',
    unitHeading: 'Yksikkö',
    noUnit: 'Koko rekisteri (ei yksikköön kuuluvat tiedot)',
    field: 'Tieto',
    category: 'Tietoryhmä',
    value: 'Arvo',
    record: 'Tunniste',
    count: 'kpl',
  },
  sv: {
    title: 'Utdrag ur klientregistret',
    subtitle: 'Den registrerades rätt att få tillgång till uppgifter om sig själv (EU:s allmänna dataskyddsförordning 2016/679, artikel 15)',
    controllerHeading: 'Personuppgiftsansvarig',
    controller: 'Personuppgiftsansvarig',
    subjectHeading: 'Den registrerade',
    client: 'Klient',
    identityCode: 'Personbeteckning',
    archived: 'Arkiverad klient',
    yes: 'ja',
    no: 'nej',
    requestHeading: 'Begäran om insyn',
    reference: 'Begärans identifierare',
    kind: 'Typ av begäran',
    receivedOn: 'Mottagen',
    handledBy: 'Enhet som handlägger begäran',
    producedOn: 'Utdraget upprättat',
    scope: 'Utdraget innehåller alla uppgifter om den registrerade i den personuppgiftsansvariges register från alla enheter, även arkiverade uppgifter.',
    redactionsHeading: 'Beslut om utlämnande av uppgifter',
    noRedactions: 'Inga handlingar som ska prövas för sekretess.',
    document: 'Handling',
    decision: 'Beslut',
    reason: 'Motivering',
    decidedOn: 'Beslutat',
    withheld: 'utelämnad ur utdraget',
    shown: 'utlämnad i utdraget',
    awaiting: 'väntar på beslut om utlämnande – innehållet ingår inte i utdraget',
    withheldNote: 'Handlingens innehåll har utelämnats ur utdraget genom beslut (se besluten om utlämnande).',
    awaitingNote: 'Handlingens innehåll lämnas ut först när ett motiverat beslut om utlämnande har fattats.',
    unitHeading: 'Enhet',
    noUnit: 'Hela registret (uppgifter som inte hör till en enhet)',
    field: 'Uppgift',
    category: 'Kategori',
    value: 'Värde',
    record: 'Identifierare',
    count: 'st.',
  },
} satisfies Record<Lang, unknown>;

const fieldOf = (record: ExtractRecord | undefined, name: string) => record?.fields.find((f) => f.name === name)?.value ?? null;

export const clientRecordExtract: DocumentRenderer = async (request) => {
  const requestId = request.query.get('requestId');
  if (!requestId || !UUID.test(requestId)) {
    throw new DocumentError(400, 'BAD_USER_INPUT', 'requestId: give the id of the ACCESS request the extract answers (a UUID)');
  }
  const data = await request.run<ExtractData>(EXTRACT_QUERY, { clientId: request.id, requestId });
  const x = data.clientRecordExtract;
  const lang = request.langOverride ?? langOf(x.serviceLanguage) ?? 'fi';
  const t = TEXT[lang];
  const section = (type: string) => x.sections.find((s) => s.entityType === type)?.records ?? [];
  const person = section('Client')[0];
  const name = [fieldOf(person, 'firstName'), fieldOf(person, 'lastName')].filter(Boolean).join(' ') || fieldOf(person, 'pseudonym') || '—';
  const unitName = (id: string | null) => x.units.find((u) => u.id === id)?.name ?? id ?? '—';
  const documentTitle = (id: string) => {
    const doc = section('Document').find((d) => d.id === id);
    return `${fieldOf(doc, 'type') ?? ''} ${formatDate(fieldOf(doc, 'recordedAt'), lang)} (${id})`;
  };

  const recordTable = (record: ExtractRecord): Html => html`
<table class="record">
  <thead><tr><th colspan="3">${SECTIONS[record.entityType]?.[lang] ?? record.entityType} · ${t.record} ${record.id}</th></tr></thead>
  <tbody>
  ${record.disclosure === 'WITHHELD' ? html`<tr><td colspan="3" class="note"><strong>${t.withheld}.</strong> ${t.withheldNote}</td></tr>` : null}
  ${record.disclosure === 'AWAITING_REDACTION_DECISION' ? html`<tr><td colspan="3" class="note"><strong>${t.awaiting}.</strong> ${t.awaitingNote}</td></tr>` : null}
  ${record.fields.map((f) => html`<tr><td>${f.name}</td><td>${categoryName(f.category, lang)}</td><td class="text">${f.value ?? '—'}</td></tr>`)}
  </tbody>
</table>`;

  // Grouped by unit: the units the records belong to (by name), then what belongs to no unit.
  const unitIds = [...x.units.map((u) => u.id), null];
  const groups = unitIds
    .map((unitId) => ({
      unitId,
      sections: x.sections.map((s) => ({ entityType: s.entityType, records: s.records.filter((r) => r.unitId === unitId) })).filter((s) => s.records.length > 0),
    }))
    .filter((g) => g.sections.length > 0);

  const body = html`
<h1>${t.title}</h1>
<p class="subtitle">${t.subtitle}</p>
<h2>${t.controllerHeading}</h2>
<dl class="facts">
  <dt>${t.controller}</dt><dd>${x.controllerName}</dd>
</dl>
<h2>${t.subjectHeading}</h2>
<dl class="facts">
  <dt>${t.client}</dt><dd>${name}</dd>
  <dt>${t.identityCode}</dt><dd>${fieldOf(person, 'personalIdentityCode') ?? '—'}</dd>
  <dt>${t.archived}</dt><dd>${x.clientArchived ? t.yes : t.no}</dd>
</dl>
<h2>${t.requestHeading}</h2>
<dl class="facts">
  <dt>${t.reference}</dt><dd>${x.request.id}</dd>
  <dt>${t.kind}</dt><dd>${requestKindName(x.request.kind, lang)}</dd>
  <dt>${t.receivedOn}</dt><dd>${formatDate(x.request.receivedOn, lang)}</dd>
  <dt>${t.handledBy}</dt><dd>${unitName(x.request.unitId)}</dd>
  <dt>${t.producedOn}</dt><dd>${formatDate(x.producedAt, lang)}</dd>
</dl>
<p class="note">${t.scope}</p>
<h2>${t.redactionsHeading}</h2>
${
  x.redactions.length === 0 && x.awaitingRedaction.length === 0
    ? html`<p>${t.noRedactions}</p>`
    : html`<table>
  <thead><tr><th>${t.document}</th><th>${t.decision}</th><th>${t.reason}</th><th>${t.decidedOn}</th></tr></thead>
  <tbody>
  ${x.redactions.map(
    (r) => html`<tr><td>${documentTitle(r.documentId)}</td><td>${r.withhold ? t.withheld : t.shown}</td><td class="text">${r.reason}</td><td>${formatDate(r.decidedAt, lang)}${r.decidedByName ? html`, ${r.decidedByName}` : null}</td></tr>`,
  )}
  ${x.awaitingRedaction.map((id) => html`<tr><td>${documentTitle(id)}</td><td colspan="3">${t.awaiting}</td></tr>`)}
  </tbody>
</table>`
}
${groups.map(
  (g) => html`
<h2>${g.unitId ? html`${t.unitHeading}: ${unitName(g.unitId)}` : t.noUnit}</h2>
${g.sections.map(
  (s) => html`
<h3>${SECTIONS[s.entityType]?.[lang] ?? s.entityType} (${s.records.length} ${t.count})</h3>
${s.records.map(recordTable)}`,
)}`,
)}
`;
  return { lang, title: `${t.title} – ${name}`, body };
};
