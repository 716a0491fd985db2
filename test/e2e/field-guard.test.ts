import { entries } from '@vartija/db';
import { eq } from 'drizzle-orm';
import { codesOf, DEMO, startTestStack, type TestStack } from '../testkit';

let t: TestStack;
beforeAll(async () => {
  t = await startTestStack();
});
afterAll(() => t?.close());

const logOf = (requestId: string) => t.database.db.select().from(entries).where(eq(entries.requestId, requestId));

describe('student-child: fields no rule allows are removed before planning', () => {
  it('answers them null + FORBIDDEN under aliases and fragments, and never fetches them', async () => {
    const result = await t.execute<{ client: Record<string, unknown> }>({
      as: 'student-child',
      query: /* GraphQL */ `
        fragment Hidden on Client { phone }
        query ($id: ID!) {
          client(id: $id) {
            displayName
            personalIdentityCode
            code: personalIdentityCode
            ...Hidden
            ... on Client { address { street } }
            medications { medicine }
          }
        }
      `,
      variables: { id: DEMO.clients.childWelfareOpen },
    });
    expect(Object.keys(result.data!.client)).toEqual(['displayName', 'personalIdentityCode', 'code', 'phone', 'address', 'medications']);
    expect(result.data!.client).toMatchObject({ personalIdentityCode: null, code: null, phone: null, address: null, medications: null });
    expect(result.data!.client['displayName']).toEqual(expect.any(String));
    const forbidden = (result.errors ?? []).filter((e) => e.extensions?.['code'] === 'FORBIDDEN').map((e) => e.path?.join('.'));
    expect(forbidden.sort()).toEqual(['client.address', 'client.code', 'client.medications', 'client.personalIdentityCode', 'client.phone']);

    const log = await logOf(result.headers['x-request-id']!);
    const denied = log.filter((e) => e.outcome === 'DENIED');
    expect(denied.every((e) => e.subgraph === 'gateway')).toBe(true);
    expect(denied.flatMap((e) => e.fields).sort()).toEqual(['address', 'medications', 'personalIdentityCode', 'phone']);
    // The clients subgraph resolved only what was allowed: the hidden fields never reached it.
    const clientsRead = log.filter((e) => e.subgraph === 'clients' && e.outcome === 'ALLOWED').flatMap((e) => e.fields);
    expect(clientsRead).toEqual(['displayName']);
    expect(log.some((e) => e.subgraph === 'services')).toBe(false);
  });

  it('rejects aliases that imitate the gateway\'s internal markers', async () => {
    const result = await t.execute({
      as: 'student-child',
      query: `query ($id: ID!) { client(id: $id) { vartijaForbidden_0: displayName } }`,
      variables: { id: DEMO.clients.childWelfareOpen },
    });
    expect(codesOf(result)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('sw-child: readable fields are untouched', () => {
  it('returns identity codes and contact data with no errors', async () => {
    const result = await t.execute<{ client: { personalIdentityCode: string; phone: string | null } }>({
      as: 'sw-child',
      query: `query ($id: ID!) { client(id: $id) { personalIdentityCode phone } }`,
      variables: { id: DEMO.clients.childWelfareOpen },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.client.personalIdentityCode).toEqual(expect.any(String));
  });
});

describe('sw-child: the access log names the unit whose grant allowed the read', () => {
  it('records the child-welfare unit on client entries', async () => {
    const result = await t.execute({ as: 'sw-child', query: `query ($id: ID!) { client(id: $id) { displayName } }`, variables: { id: DEMO.clients.childWelfareOpen } });
    const log = await logOf(result.headers['x-request-id']!);
    expect(log).toEqual([expect.objectContaining({ entityType: 'Client', clientId: DEMO.clients.childWelfareOpen, unitId: DEMO.units['child-welfare'].id, actorRole: 'SOCIAL_WORKER' })]);
  });
});

describe('the rewrite is kept per query and ability: one persona’s never gives another’s', () => {
  it('alternating student-child and sw-child on the same query text, each answer and log is its own, every time', async () => {
    const query = `query ($id: ID!) { client(id: $id) { displayName personalIdentityCode } }`;
    const variables = { id: DEMO.clients.childWelfareOpen };
    for (const as of ['student-child', 'sw-child', 'student-child', 'sw-child', 'student-child'] as const) {
      const result = await t.execute<{ client: { displayName: string; personalIdentityCode: string | null } }>({ as, query, variables });
      const log = await logOf(result.headers['x-request-id']!);
      if (as === 'student-child') {
        expect(result.data!.client.personalIdentityCode).toBeNull();
        expect((result.errors ?? []).map((e) => [e.extensions?.['code'], e.path?.join('.')])).toEqual([['FORBIDDEN', 'client.personalIdentityCode']]);
        // Each repetition logs its own refusal, and the subgraph never saw the field.
        expect(log.filter((e) => e.outcome === 'DENIED').flatMap((e) => e.fields)).toEqual(['personalIdentityCode']);
        expect(log.filter((e) => e.subgraph === 'clients').flatMap((e) => e.fields)).toEqual(['displayName']);
      } else {
        expect(result.errors).toBeUndefined();
        expect(result.data!.client.personalIdentityCode).toEqual(expect.any(String));
        expect(log.filter((e) => e.outcome === 'DENIED')).toEqual([]);
        expect(log.flatMap((e) => e.fields).sort()).toEqual(['displayName', 'personalIdentityCode']);
      }
    }
  });
});

describe('a never-readable field the operation does not ask for', () => {
  const deniedFieldsOf = async (requestId: string) => (await logOf(requestId)).filter((e) => e.outcome === 'DENIED').flatMap((e) => e.fields);

  it('is neither refused nor logged when skipped, and refused and logged when included', async () => {
    const query = `query ($id: ID!, $hide: Boolean!) { client(id: $id) { displayName personalIdentityCode @skip(if: $hide) } }`;
    const skipped = await t.execute<{ client: Record<string, unknown> }>({ as: 'student-child', query, variables: { id: DEMO.clients.childWelfareOpen, hide: true } });
    expect(skipped.errors).toBeUndefined();
    expect(Object.keys(skipped.data!.client)).toEqual(['displayName']);
    expect(await deniedFieldsOf(skipped.headers['x-request-id']!)).toEqual([]);
    const asked = await t.execute<{ client: Record<string, unknown> }>({ as: 'student-child', query, variables: { id: DEMO.clients.childWelfareOpen, hide: false } });
    expect(asked.data!.client['personalIdentityCode']).toBeNull();
    expect(codesOf(asked)).toEqual(['FORBIDDEN']);
    expect(await deniedFieldsOf(asked.headers['x-request-id']!)).toEqual(['personalIdentityCode']);
  });

  it('is not logged through a skipped fragment or a skipped parent, nor by default value of a variable', async () => {
    const query = /* GraphQL */ `
      fragment Code on Client { personalIdentityCode }
      query ($id: ID!, $hide: Boolean = true, $show: Boolean! = false) {
        client(id: $id) { displayName ...Code @skip(if: $hide) ... on Client @include(if: $show) { phone } }
        other: client(id: $id) @include(if: $show) { address { street } }
      }`;
    const result = await t.execute<{ client: Record<string, unknown> }>({ as: 'student-child', query, variables: { id: DEMO.clients.childWelfareOpen } });
    expect(result.errors).toBeUndefined();
    expect(await deniedFieldsOf(result.headers['x-request-id']!)).toEqual([]);
  });

  it('is logged only for the operation the request runs, not for another operation of the same document', async () => {
    const document = /* GraphQL */ `
      query Plain($id: ID!) { client(id: $id) { displayName } }
      query Coded($id: ID!) { client(id: $id) { displayName personalIdentityCode } }`;
    const send = async (operationName: string) => {
      const res = await t
        .gateway()
        .post('/graphql')
        .set('authorization', `Bearer ${await t.tokenFor('student-child')}`)
        .send({ query: document, operationName, variables: { id: DEMO.clients.childWelfareOpen } });
      return { body: res.body as { errors?: { extensions?: { code?: string } }[] }, requestId: res.headers['x-request-id'] as string };
    };
    const plain = await send('Plain');
    expect(plain.body.errors).toBeUndefined();
    expect(await deniedFieldsOf(plain.requestId)).toEqual([]);
    const coded = await send('Coded');
    expect(coded.body.errors?.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    expect(await deniedFieldsOf(coded.requestId)).toEqual(['personalIdentityCode']);
  });

  it('is still logged, without a target, when the operation asked for it and no entity came back', async () => {
    const result = await t.execute<{ client: unknown }>({
      as: 'student-child',
      query: `query ($id: ID!) { client(id: $id) { personalIdentityCode } }`,
      variables: { id: '00000000-0000-4000-8000-00000000dead' },
    });
    expect(result.data?.client ?? null).toBeNull();
    const denied = (await logOf(result.headers['x-request-id']!)).filter((e) => e.outcome === 'DENIED' && e.subgraph === 'gateway');
    expect(denied.map((e) => [e.fields, e.clientId])).toEqual([[['personalIdentityCode'], null]]);
  });
});
