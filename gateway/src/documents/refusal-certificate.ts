import { html } from './html';
import { channelName, formatDate, type Lang, outcomeName, requesterName, requestKindName } from './i18n';
import { clientFields, clientName, type HeaderClient, languageFor, mayReadLanguage } from './client-header';
import { DocumentError, type DocumentRenderer } from './route';

/**
 * `GET /documents/refusal-certificate/{requestId}[?lang=fi|sv]`: the written refusal certificate
 * (kieltäytymistodistus; seeds 001, 002, 003; EU 2016/679 art. 12(4)) for a data-subject request refused in
 * whole or in part — the controller, the request, the decision with its reasons and legal ground, and how
 * to take the matter to the Data Protection Ombudsman. Read with `dataSubjectRequest(id)` (documents
 * subgraph) under its rules; a request that was not refused is CONFLICT.
 */
const OUTCOME_QUERY = /* GraphQL */ `
  query PrintRefusalCertificateOutcome($id: ID!) {
    dataSubjectRequest(id: $id) { id outcome }
  }
`;

const certificateQuery = (withLanguage: boolean) => /* GraphQL */ `
  query PrintRefusalCertificate($id: ID!) {
    dataSubjectRequest(id: $id) {
      id
      kind
      status
      receivedOn
      channel
      requesterKind
      requesterName
      subject
      decidedOn
      outcome
      legalGround
      reasons
      refusalReason
      decidedByName
      unit { id name organisation { id name } }
      client { ${clientFields(withLanguage)} }
    }
  }
`;

interface CertificateData {
  dataSubjectRequest: {
    id: string;
    kind: string | null;
    status: string | null;
    receivedOn: string | null;
    channel: string | null;
    requesterKind: string | null;
    requesterName: string | null;
    subject: string | null;
    decidedOn: string | null;
    outcome: string | null;
    legalGround: string | null;
    reasons: string | null;
    refusalReason: string | null;
    decidedByName: string | null;
    unit: { id: string; name: string; organisation: { id: string; name: string } | null } | null;
    client: HeaderClient | null;
  } | null;
}

const REFUSALS = ['REFUSED', 'PARTLY_GRANTED'];

const TEXT = {
  fi: {
    title: 'Kieltäytymistodistus',
    subtitle: 'Todistus rekisteröidyn pyynnön epäämisestä (EU:n yleinen tietosuoja-asetus 2016/679, 12 artiklan 4 kohta)',
    controllerHeading: 'Rekisterinpitäjä',
    controller: 'Rekisterinpitäjä',
    unit: 'Pyynnön käsitellyt yksikkö',
    subjectHeading: 'Rekisteröity',
    client: 'Asiakas',
    identityCode: 'Henkilötunnus',
    requestHeading: 'Pyyntö',
    reference: 'Pyynnön tunniste',
    kind: 'Pyynnön laji',
    receivedOn: 'Vastaanotettu',
    channel: 'Saapumistapa',
    requester: 'Pyynnön esittäjä',
    asked: 'Mitä pyydettiin',
    decisionHeading: 'Päätös',
    decidedOn: 'Päätöspäivä',
    outcome: 'Ratkaisu',
    legalGround: 'Oikeudellinen peruste',
    reasons: 'Epäämisen perustelut',
    decidedBy: 'Päätöksen tekijä',
    partly: 'Pyyntö on hyväksytty osittain. Tämä todistus koskee sitä osaa pyynnöstä, joka evättiin.',
    appealHeading: 'Oikeus saattaa asia tietosuojavaltuutetun käsiteltäväksi',
    appeal: [
      'Jos olette tyytymätön päätökseen, teillä on oikeus saattaa asia tietosuojavaltuutetun käsiteltäväksi (EU:n yleinen tietosuoja-asetus 2016/679, 77 artikla; tietosuojalaki 1050/2018). Tietosuojavaltuutettu voi antaa rekisterinpitäjälle määräyksen tarkastusoikeuden toteuttamisesta tai tiedon korjaamisesta.',
      'Asian voi panna vireille kirjallisesti tai tietosuojavaltuutetun toimiston sähköisellä lomakkeella. Liittäkää mukaan tämä todistus. Asian vireillepano on maksuton.',
      'Lisäksi teillä on oikeus hakea muutosta tuomioistuimessa (tietosuoja-asetus, 79 artikla).',
    ],
    ombudsman: 'Tietosuojavaltuutetun yhteystiedot',
  },
  sv: {
    title: 'Intyg om vägran',
    subtitle: 'Intyg över att den registrerades begäran har avslagits (EU:s allmänna dataskyddsförordning 2016/679, artikel 12.4)',
    controllerHeading: 'Personuppgiftsansvarig',
    controller: 'Personuppgiftsansvarig',
    unit: 'Enhet som handlagt begäran',
    subjectHeading: 'Den registrerade',
    client: 'Klient',
    identityCode: 'Personbeteckning',
    requestHeading: 'Begäran',
    reference: 'Begärans identifierare',
    kind: 'Typ av begäran',
    receivedOn: 'Mottagen',
    channel: 'Inkommen',
    requester: 'Begäran framställd av',
    asked: 'Vad som begärdes',
    decisionHeading: 'Beslut',
    decidedOn: 'Beslutsdatum',
    outcome: 'Avgörande',
    legalGround: 'Rättslig grund',
    reasons: 'Motivering till vägran',
    decidedBy: 'Beslutsfattare',
    partly: 'Begäran har delvis bifallits. Detta intyg gäller den del av begäran som avslogs.',
    appealHeading: 'Rätt att föra ärendet till dataombudsmannen',
    appeal: [
      'Om ni är missnöjd med beslutet har ni rätt att föra ärendet till dataombudsmannen för behandling (EU:s allmänna dataskyddsförordning 2016/679, artikel 77; dataskyddslagen 1050/2018). Dataombudsmannen kan ålägga den personuppgiftsansvarige att tillgodose rätten till insyn eller att rätta uppgiften.',
      'Ärendet kan inledas skriftligen eller med dataombudsmannens byrås elektroniska blankett. Bifoga detta intyg. Det är avgiftsfritt att inleda ärendet.',
      'Ni har dessutom rätt att söka ändring vid domstol (dataskyddsförordningen, artikel 79).',
    ],
    ombudsman: 'Dataombudsmannens kontaktuppgifter',
  },
} satisfies Record<Lang, unknown>;

export const refusalCertificate: DocumentRenderer = async (request) => {
  // Whether there is a refusal to certify, before the request's content is read (and logged).
  const check = await request.run<{ dataSubjectRequest: { id: string; outcome: string | null } | null }>(OUTCOME_QUERY, { id: request.id });
  if (!check.dataSubjectRequest) throw new DocumentError(404, 'NOT_FOUND', 'No such request, or the request is outside your reach.');
  if (!REFUSALS.includes(check.dataSubjectRequest.outcome ?? '')) {
    throw new DocumentError(
      409,
      'CONFLICT',
      'The request has not been refused, in whole or in part: a refusal certificate is given only for a decided refusal (outcome REFUSED or PARTLY_GRANTED).',
    );
  }
  // The client's fields are the header's: a field the caller may not read is printed as missing.
  const data = await request.run<CertificateData>(certificateQuery(mayReadLanguage(request)), { id: request.id }, { optional: ['dataSubjectRequest.client'] });
  const dsr = data.dataSubjectRequest;
  if (!dsr) throw new DocumentError(404, 'NOT_FOUND', 'No such request, or the request is outside your reach.');
  const lang = languageFor(request, dsr.client);
  const t = TEXT[lang];
  const requester = dsr.requesterName ? `${requesterName(dsr.requesterKind, lang)}: ${dsr.requesterName}` : requesterName(dsr.requesterKind, lang);
  const address = request.settings.ombudsmanAddress[lang];
  const body = html`
<h1>${t.title}</h1>
<p class="subtitle">${t.subtitle}</p>
<h2>${t.controllerHeading}</h2>
<dl class="facts">
  <dt>${t.controller}</dt><dd>${dsr.unit?.organisation?.name ?? '—'}</dd>
  <dt>${t.unit}</dt><dd>${dsr.unit?.name ?? '—'}</dd>
</dl>
<h2>${t.subjectHeading}</h2>
<dl class="facts">
  <dt>${t.client}</dt><dd>${clientName(dsr.client)}</dd>
  <dt>${t.identityCode}</dt><dd>${dsr.client?.personalIdentityCode ?? '—'}</dd>
</dl>
<h2>${t.requestHeading}</h2>
<dl class="facts">
  <dt>${t.reference}</dt><dd>${dsr.id}</dd>
  <dt>${t.kind}</dt><dd>${requestKindName(dsr.kind, lang)}</dd>
  <dt>${t.receivedOn}</dt><dd>${formatDate(dsr.receivedOn, lang)}</dd>
  <dt>${t.channel}</dt><dd>${channelName(dsr.channel, lang)}</dd>
  <dt>${t.requester}</dt><dd>${requester}</dd>
  <dt>${t.asked}</dt><dd>${dsr.subject ?? '—'}</dd>
</dl>
<h2>${t.decisionHeading}</h2>
${dsr.outcome === 'PARTLY_GRANTED' ? html`<p>${t.partly}</p>` : null}
<dl class="facts">
  <dt>${t.decidedOn}</dt><dd>${formatDate(dsr.decidedOn, lang)}</dd>
  <dt>${t.outcome}</dt><dd>${outcomeName(dsr.outcome, lang)}</dd>
  <dt>${t.legalGround}</dt><dd>${dsr.legalGround ?? '—'}</dd>
  <dt>${t.reasons}</dt><dd>${dsr.reasons ?? dsr.refusalReason ?? '—'}</dd>
  ${dsr.decidedByName ? html`<dt>${t.decidedBy}</dt><dd>${dsr.decidedByName}</dd>` : null}
</dl>
<h2>${t.appealHeading}</h2>
<div class="appeal">
${t.appeal.map((p) => html`<p>${p}</p>`)}
<p><strong>${t.ombudsman}:</strong><br>${address}</p>
</div>
`;
  return { lang, title: `${t.title} – ${clientName(dsr.client)}`, body };
};
