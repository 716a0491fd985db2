import { randomUUID } from 'node:crypto';
import {
  assistanceRequests,
  careDays,
  clientRelationships,
  clients,
  commissions,
  consents,
  dataSubjectRequests,
  type Db,
  DEMO,
  decisions,
  disclosureDocuments,
  disclosures,
  documentRevisions,
  documents,
  guardians,
  invoices,
  medications,
  paymentCommitments,
  placements,
  restrictions,
} from '@vartija/db';
import { and, eq, isNull } from 'drizzle-orm';

const DAY_MS = 86_400_000;

export interface FixtureOptions {
  clientId: string;
  unitId: string;
  /** Only the records that are recorded in a unit (for "recorded in another unit" leak checks). */
  unitScopedOnly?: boolean;
}

/**
 * One record of every kind for a client, recorded in the given unit, with every nullable column filled,
 * so that an allowed field is visibly non-null. Returns the ids of the unit-recorded rows.
 */
export async function insertClientFixture(db: Db, now: Date, options: FixtureOptions): Promise<string[]> {
  const { clientId, unitId } = options;
  const at = (days: number): Date => new Date(now.getTime() + days * DAY_MS);
  const day = (days: number): string => at(days).toISOString().slice(0, 10);
  const majakka = DEMO.organisations.majakka.id;
  // The register the unit belongs to: its documents are that organisation's, its requests handled by its DPO.
  const unit = Object.values(DEMO.units).find((u) => u.id === unitId);
  if (!unit) throw new Error(`fixture: unknown unit ${unitId}`);
  const region = unit.organisationId;
  const dpo = region === DEMO.organisations['region-b'].id ? DEMO.users['dpo-b'].id : DEMO.users.dpo.id;

  const [open] = await db
    .select()
    .from(clientRelationships)
    .where(and(eq(clientRelationships.clientId, clientId), eq(clientRelationships.unitId, unitId), isNull(clientRelationships.endedOn)));
  const worker = open?.responsibleWorkerId ?? DEMO.users['sw-child'].id;

  if (!options.unitScopedOnly) {
    if (!open) throw new Error(`fixture: client ${clientId} has no open relationship in unit ${unitId}`);
    // Fill the client's own nullable columns (children have no e-mail or marital status in the seed).
    const [row] = await db.select().from(clients).where(eq(clients.id, clientId));
    await db
      .update(clients)
      .set({
        pseudonym: row?.pseudonym ?? 'Matriisi',
        phone: row?.phone ?? '+358 40 555 0101',
        email: row?.email ?? 'matriisi@example.com',
        maritalStatus: row?.maritalStatus ?? 'UNMARRIED',
        motherTongue: row?.motherTongue ?? 'fi',
        serviceLanguage: row?.serviceLanguage ?? 'fi',
        nationality: row?.nationality ?? 'FI',
        municipality: row?.municipality ?? 'Tampere',
        streetAddress: row?.streetAddress ?? 'Koivukuja 1',
        postalCode: row?.postalCode ?? '33100',
        postOffice: row?.postOffice ?? 'TAMPERE',
      })
      .where(eq(clients.id, clientId));
    await db.insert(guardians).values({
      clientId,
      kind: 'CUSTODIAN',
      firstName: 'Matti',
      lastName: 'Matriisi',
      hasCustody: true,
      relation: 'isä',
      email: 'matti.matriisi@example.com',
      phone: '+358 50 555 0102',
      streetAddress: 'Rantatie 2',
      postalCode: '33200',
      postOffice: 'TAMPERE',
    });
    // An earlier relationship in the same unit that ended within the visibility window (so that endedOn has
    // a value), with the same responsible worker.
    await db.insert(clientRelationships).values({
      clientId,
      unitId,
      serviceTask: open.serviceTask,
      startedOn: day(-400),
      endedOn: day(-30),
      responsibleWorkerId: worker,
    });
    // Ended long ago: the partner does not gain the client.
    await db.insert(commissions).values({
      clientId,
      commissionerUnitId: unitId,
      partnerOrganisationId: majakka,
      kind: 'SUPPORT',
      startsOn: day(-300),
      endsOn: day(-200),
    });
    await db.insert(consents).values({
      clientId,
      unitId,
      recipientName: 'Koulun oppilashuolto',
      purpose: 'Matriisitesti',
      givenOn: day(-100),
      withdrawnOn: day(-50),
    });
    await db.insert(dataSubjectRequests).values({
      clientId,
      unitId,
      kind: 'ACCESS',
      status: 'REFUSED',
      receivedOn: day(-40),
      decidedOn: day(-20),
      refusalReason: 'Matriisitesti: tietojen antaminen vaarantaisi toisen henkilön turvallisuuden.',
      handledBy: dpo,
      // The request workflow (issue 12): every field of a request has a value in one of the client's requests.
      requesterKind: 'GUARDIAN',
      requesterName: 'Matti Matriisi',
      identityVerification: 'IN_PERSON_ID_DOCUMENT',
      identityVerificationNote: 'Matriisitesti: ajokortti',
      channel: 'LETTER',
      subject: 'Matriisitesti: kaikki asiakirjat',
      extendedDueOn: day(-5),
      extensionReason: 'Matriisitesti: laaja pyyntö',
      outcome: 'REFUSED',
      legalGround: 'Tietosuojalaki 1050/2018 34 §',
      reasons: 'Matriisitesti: tietojen antaminen vaarantaisi toisen henkilön turvallisuuden.',
      decidedBy: dpo,
      feeCharged: true,
      feeGround: 'Matriisitesti: toistuva pyyntö',
    });
    await db.insert(dataSubjectRequests).values([
      {
        clientId,
        unitId,
        kind: 'OBJECTION',
        status: 'RECEIVED',
        receivedOn: day(-2),
        objectionRecipientName: 'Matriisitesti: vastaanottaja',
        objectionAllNonStatutory: false,
      },
      {
        clientId,
        unitId,
        kind: 'RECTIFICATION',
        status: 'GRANTED',
        outcome: 'GRANTED',
        receivedOn: day(-10),
        decidedOn: day(-1),
        legalGround: 'EU 2016/679 16 art.',
        correctedEntityType: 'Client',
        correctedEntityId: clientId,
        correctedRevision: 1,
      },
    ]);
  }

  const ids: string[] = [];
  const decisionId = randomUUID();
  await db.insert(decisions).values({
    id: decisionId,
    clientId,
    unitId,
    type: 'OPEN_CARE_SUPPORT',
    legalAct: 'Lastensuojelulaki 417/2007',
    legalSection: '34 §',
    decidedAt: at(-70),
    decisionMakerId: worker,
    content: 'Matriisitesti: avohuollon tukitoimi.',
    notifiedOn: day(-68),
    notificationMethod: 'LETTER_WITH_RECEIPT',
  });
  const placementId = randomUUID();
  await db.insert(placements).values({
    id: placementId,
    clientId,
    unitId,
    decisionId,
    kind: 'FAMILY_CARE',
    providerOrganisationId: majakka,
    providerName: DEMO.organisations.majakka.name,
    startsOn: day(-60),
    endsOn: day(60),
  });
  await db.insert(careDays).values([
    { placementId, day: day(-10), costCents: 9_500 },
    { placementId, day: day(-9), costCents: 9_500 },
  ]);
  const commitmentId = randomUUID();
  await db.insert(paymentCommitments).values({
    id: commitmentId,
    clientId,
    unitId,
    placementId,
    providerOrganisationId: majakka,
    amountCents: 1_140_000,
    validFrom: day(-60),
    validUntil: day(60),
  });
  const invoiceId = randomUUID();
  await db.insert(invoices).values({
    id: invoiceId,
    paymentCommitmentId: commitmentId,
    providerOrganisationId: majakka,
    periodStart: day(-40),
    periodEnd: day(-11),
    amountCents: 285_000,
    status: 'SENT',
  });
  const restrictionId = randomUUID();
  await db.insert(restrictions).values({
    id: restrictionId,
    clientId,
    unitId,
    placementId,
    kind: 'CONFISCATION',
    reason: 'Matriisitesti: vaarallinen esine.',
    startsAt: at(-5),
    endsAt: new Date(at(-5).getTime() + 2 * 3_600_000),
    decidedBy: worker,
  });
  const assistanceId = randomUUID();
  await db.insert(assistanceRequests).values({
    id: assistanceId,
    clientId,
    unitId,
    requestedFrom: 'Poliisi, Sisä-Suomen poliisilaitos',
    reason: 'Matriisitesti: virka-apu kotikäynnille.',
    status: 'GRANTED',
    requestedAt: at(-8),
    requestedBy: worker,
  });
  const medicationId = randomUUID();
  await db.insert(medications).values({
    id: medicationId,
    clientId,
    unitId,
    placementId,
    medicine: 'Melatoniini 3 mg tabl.',
    dose: '1 tabl. iltaisin',
    givenAt: at(-3),
    givenBy: 'Perhekoti Majakka, ohjaaja',
  });
  // A corrected case note (2 revisions) and a restricted STATEMENT, both disclosed.
  const caseNoteId = randomUUID();
  const statementId = randomUUID();
  await db.insert(documents).values([
    {
      id: caseNoteId,
      clientId,
      unitId,
      relationshipId: open?.id ?? null,
      authorId: worker,
      authorOrganisationId: region,
      type: 'CASE_NOTE',
      title: 'Matriisin muistiinpano (korjattu)',
      body: 'Matriisitesti. Korjattu.',
      recordedAt: at(-20),
      currentRevision: 2,
      updatedAt: at(-19),
    },
    {
      id: statementId,
      clientId,
      unitId,
      relationshipId: open?.id ?? null,
      authorId: worker,
      authorOrganisationId: region,
      type: 'STATEMENT',
      title: 'Matriisin lausunto',
      body: 'Matriisitesti: lausunto.',
      recordedAt: at(-15),
      currentRevision: 1,
      updatedAt: at(-15),
    },
  ]);
  await db.insert(documentRevisions).values([
    { documentId: caseNoteId, revision: 1, title: 'Matriisin muistiinpano', body: 'Matriisitesti.', authorId: worker, reason: null, createdAt: at(-20) },
    { documentId: caseNoteId, revision: 2, title: 'Matriisin muistiinpano (korjattu)', body: 'Matriisitesti. Korjattu.', authorId: worker, reason: 'Korjattu kirjoitusvirhe.', createdAt: at(-19) },
    { documentId: statementId, revision: 1, title: 'Matriisin lausunto', body: 'Matriisitesti: lausunto.', authorId: worker, reason: null, createdAt: at(-15) },
  ]);
  const disclosureId = randomUUID();
  await db.insert(disclosures).values({
    id: disclosureId,
    clientId,
    unitId,
    recipientOrganisationId: region,
    recipientName: 'Hämeenlinnan hallinto-oikeus',
    legalBasis: 'Lastensuojelulaki 417/2007 43 §',
    requestDescription: 'Matriisitesti: hallinto-oikeuden yksilöity pyyntö asiakirjoista.',
    requestedOn: day(-4),
    disclosedAt: at(-2),
    disclosedBy: worker,
  });
  await db.insert(disclosureDocuments).values([
    { disclosureId, documentId: caseNoteId },
    { disclosureId, documentId: statementId },
  ]);
  // A disclosure on the client's consent (no legal basis), recorded in the unit like the consent.
  const consentId = randomUUID();
  await db.insert(consents).values({
    id: consentId,
    clientId,
    unitId,
    recipientName: 'Koulun oppilashuolto',
    purpose: 'Matriisitesti: koulunkäynnin tuki',
    scope: ['CASE_RECORD'],
    givenOn: day(-12),
  });
  const consentDisclosureId = randomUUID();
  await db.insert(disclosures).values({
    id: consentDisclosureId,
    clientId,
    unitId,
    recipientName: 'Koulun oppilashuolto',
    consentId,
    requestDescription: 'Matriisitesti: oppilashuollon pyyntö suostumuksella.',
    requestedOn: day(-3),
    disclosedAt: at(-1),
    disclosedBy: worker,
  });
  await db.insert(disclosureDocuments).values([{ disclosureId: consentDisclosureId, documentId: caseNoteId }]);
  ids.push(decisionId, placementId, commitmentId, invoiceId, restrictionId, assistanceId, medicationId, caseNoteId, statementId, disclosureId, consentDisclosureId);
  return ids;
}

/** A client controlled by another organisation (the partner), with no relationship to any region unit. */
export async function insertOtherOrganisationClient(db: Db): Promise<string> {
  const id = randomUUID();
  await db.insert(clients).values({
    id,
    organisationId: DEMO.organisations.majakka.id,
    firstName: 'Toinen',
    lastName: 'Rekisterinpitäjä',
    municipality: 'Tampere',
    streetAddress: 'Myllytie 3',
    postalCode: '33500',
    postOffice: 'TAMPERE',
    phone: '+358 40 555 0199',
    addressNonDisclosure: false,
  });
  return id;
}
