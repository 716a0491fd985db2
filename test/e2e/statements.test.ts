import { startTestStack, type TestStack } from '../testkit';

let t: TestStack;
beforeAll(async () => {
  // A long grant cache keeps the authentication query out of the counted requests. The list asks for every
  // nested list of 50 clients (care days of each placement too), far over the default operation budget
  // (priced 51,251): this test is about SQL per list level, not demand control, so it raises the budget.
  t = await startTestStack({ grantCacheMs: 60_000, maxOperationCost: 100_000 });
});
afterAll(() => t?.close());

const LIST = /* GraphQL */ `
  query ClientList($first: Int!) {
    clients(first: $first) {
      nodes {
        id
        displayName
        personalIdentityCode
        guardians { firstName }
        relationships { startedOn unit { name } }
        decisions { type legalSection }
        placements { kind careDays { day } }
        documents { type title revisions { revision } }
      }
    }
  }
`;

async function statementsFor(first: number): Promise<{ statements: number; clients: number }> {
  const before = t.database.statements.count;
  const result = await t.execute<{ clients: { nodes: unknown[] } }>({ as: 'mgr-child', query: LIST, variables: { first } });
  expect(result.errors).toBeUndefined();
  return { statements: t.database.statements.count - before, clients: result.data!.clients.nodes.length };
}

describe('no N+1: lists load through DataLoaders and SQL IN', () => {
  it('issues the same number of SQL statements for 20 and for 50 clients', async () => {
    await statementsFor(1); // warm the grant cache
    const small = await statementsFor(20);
    const large = await statementsFor(50);
    expect(small.clients).toBe(20);
    expect(large.clients).toBe(50);
    expect(large.statements).toBe(small.statements);
    // One query per list level and subgraph plus each subgraph's access-log batch: far below one per client.
    expect(large.statements).toBeLessThan(30);
  });
});

describe('no N+1 in access administration', () => {
  const USERS = /* GraphQL */ `
    query Users($first: Int!) {
      users(first: $first) {
        nodes { id displayName hasCommitment commitments { signedOn } grants { role unit { name } } organisation { name } }
      }
    }
  `;
  async function usersStatements(first: number): Promise<{ statements: number; users: number }> {
    const before = t.database.statements.count;
    const result = await t.execute<{ users: { nodes: unknown[] } }>({ as: 'admin', query: USERS, variables: { first } });
    expect(result.errors).toBeUndefined();
    return { statements: t.database.statements.count - before, users: result.data!.users.nodes.length };
  }

  it("loads a page of users' grants and commitments with the same statements for 3 and for all users", async () => {
    await usersStatements(1); // warm the grant cache
    const small = await usersStatements(3);
    const large = await usersStatements(100);
    expect(small.users).toBe(3);
    expect(large.users).toBeGreaterThan(10);
    expect(large.statements).toBe(small.statements);
  });
});
