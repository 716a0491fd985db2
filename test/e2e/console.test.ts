/**
 * The auditor's console (issue 15) in a real browser: playwright-core driving Debian's Chromium against
 * one test stack seeded with the demo log history, through the gateway's GET /console. Signs in as dpo,
 * searches by client, opens an entry, draws the activity chart from the seeded data, marks a queue item
 * reviewed (and finds the review in the log), downloads a CSV (compared with the GraphQL answer), opens
 * the printable extract; a non-auditor (sw-child) is refused and the refusal is logged. A screenshot of
 * each view goes to test/e2e/console-screenshots/ (gitignored).
 *
 * Needs /usr/bin/chromium (`apt-get install chromium`; .ci/run installs it): skipped with the reason
 * printed when it is missing. Builds console/dist (vite build) when it is missing or older than its sources.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { DEMO, entries } from '@vartija/db';
import { and, eq, sql } from 'drizzle-orm';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';
import { ensureConsoleBuilt } from '@vartija/tools';
import { startTestStack, type TestStack } from '../testkit';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOTS = path.join(__dirname, 'console-screenshots');
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  console.warn(`console.test.ts skipped: ${CHROMIUM} is missing (apt-get install -y --no-install-recommends chromium; .ci/run does this).`);
}
const describeInBrowser = haveChromium ? describe : describe.skip;

const DPO = DEMO.users.dpo.id;
const SW_CHILD = DEMO.users['sw-child'].id;

/** A GET with the path exactly as given (no client-side normalisation of dot segments). */
function rawGet(url: string, target: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(url), { method: 'GET', path: target }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** RFC 4180 (quoted fields, doubled quotes, CRLF), as the export writes it. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c !== '"') field += c;
      else if (text[i + 1] === '"') field += text[++i];
      else quoted = false;
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      endField();
    } else if (c === '\n') {
      endField();
      rows.push(row);
      row = [];
    } else if (c !== '\r') {
      field += c;
    }
  }
  if (field || row.length) {
    endField();
    rows.push(row);
  }
  return rows;
}

describeInBrowser('the auditor console in a browser', () => {
  let t: TestStack;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const pageErrors: string[] = [];
  let shot = 0;
  const watch = (target: Page) => {
    target.on('pageerror', (error) => pageErrors.push(error.message));
    target.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text())) pageErrors.push(message.text());
    });
  };

  const screenshot = async (name: string, target: Page = page) => {
    shot += 1;
    await target.screenshot({ path: path.join(SCREENSHOTS, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };
  const gql = async <T>(query: string, variables: Record<string, unknown> = {}, as = 'dpo'): Promise<T> => {
    const result = await t.execute<T>({ as, query, variables });
    expect(result.errors).toBeUndefined();
    return result.data!;
  };
  const logRows = (where: ReturnType<typeof and>) => t.database.db.select().from(entries).where(where);
  /** Every input, select and textarea of the page has an accessible name (label, aria-label or aria-labelledby). */
  const unlabelledControls = (target: Page = page) =>
    target.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((el) => (el as HTMLInputElement).type !== 'hidden')
        .filter((el) => !((el as HTMLInputElement).labels?.length || el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')))
        .map((el) => el.outerHTML.slice(0, 120)),
    );

  beforeAll(async () => {
    // Built once when console/dist is missing or older than its sources (vite build, React's production build).
    await ensureConsoleBuilt();
    rmSync(SCREENSHOTS, { recursive: true, force: true });
    mkdirSync(SCREENSHOTS, { recursive: true });
    t = await startTestStack({ logHistory: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
    context = await browser.newContext({ locale: 'fi-FI', timezoneId: 'Europe/Helsinki', viewport: { width: 1280, height: 900 }, acceptDownloads: true });
    page = await context.newPage();
    watch(page);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  afterEach(() => {
    // No script error and no Content-Security-Policy refusal in any view.
    expect(pageErrors).toEqual([]);
  });

  it('is served at /console with a strict CSP, index.html for its views and long-cached hashed assets', async () => {
    const index = await t.gateway().get('/console');
    expect(index.status).toBe(200);
    expect(index.headers['content-type']).toMatch(/^text\/html/);
    const csp = String(index.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp.split(';').find((d) => d.trim().startsWith('script-src'))).not.toContain('unsafe');
    expect(index.headers['cache-control']).toBe('no-cache');
    // No inline script in the page: every script has a src.
    expect(index.text).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const view = await t.gateway().get('/console/queues?kind=DENIED');
    expect(view.status).toBe(200);
    expect(view.text).toBe(index.text);
    const asset = /src="(\/console\/assets\/[^"]+\.js)"/.exec(index.text)![1]!;
    const js = await t.gateway().get(asset);
    expect(js.status).toBe(200);
    expect(js.headers['cache-control']).toContain('immutable');
    expect((await t.gateway().get('/console/assets/missing.js')).status).toBe(404);
    // Sent as written (supertest would resolve the dots): nothing outside console/dist is served.
    for (const escape of ['/console/%2e%2e/package.json', '/console/..%2fpackage.json', '/console/assets/..%2f..%2f..%2fpackage.json', '/console/%2e%2e/%2e%2e/package.json']) {
      const answer = await rawGet(t.stack.gatewayUrl, escape);
      expect([escape, answer.status]).toEqual([escape, 404]);
      expect(answer.body).not.toContain('"workspaces"');
    }
    expect((await t.gateway().post('/console/').send('x')).status).toBe(405);
    // The dev sign-in signs tokens for the demo personas only.
    const refused = await t.gateway().post('/console/dev-token').set('content-type', 'application/json').send({ login: 'nobody' });
    expect(refused.status).toBe(400);
  });

  it('signs in as dpo with the development sign-in', async () => {
    await page.goto(`${t.stack.gatewayUrl}/console`);
    await page.getByRole('heading', { level: 1, name: 'Kirjaudu sisään' }).waitFor();
    // A Finnish browser gets the Finnish console.
    expect(await page.locator('html').getAttribute('lang')).toBe('fi');
    expect(await unlabelledControls()).toEqual([]);
    await screenshot('sign-in');
    await page.getByLabel('Demohenkilö').selectOption('dpo');
    await page.getByRole('button', { name: 'Kirjaudu tänä henkilönä' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lokihaku' }).waitFor();
    await page.getByText(/Kirjautuneena: dpo \(AUDITOR\)/).waitFor();
    await page.getByRole('table').first().waitFor();
    expect(await unlabelledControls()).toEqual([]);
  });

  it('switches between Finnish and English (texts and the lang attribute)', async () => {
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('heading', { level: 1, name: 'Log search' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await page.getByRole('button', { name: 'Suomi' }).click();
    await page.getByRole('heading', { level: 1, name: 'Lokihaku' }).waitFor();
    expect(await page.locator('html').getAttribute('lang')).toBe('fi');
  });

  let clientId = '';
  let clientName = '';
  let entryId = '';

  it('searches the log by client (chosen by name) and opens an entry with all its details', async () => {
    // A client the seeded history touched, read by sw-child.
    const { auditEntries } = await gql<{ auditEntries: { nodes: { clientId: string | null; client: { displayName: string; lastName: string } | null }[] } }>(
      `query ($filter: AuditFilter) { auditEntries(filter: $filter, first: 100) { nodes { clientId client { displayName lastName } } } }`,
      { filter: { actorId: SW_CHILD, outcome: 'ALLOWED' } },
    );
    const touched = auditEntries.nodes.find((n) => n.clientId && n.client?.lastName);
    expect(touched).toBeDefined();
    clientId = touched!.clientId!;
    clientName = touched!.client!.displayName;

    const picker = page.getByRole('group', { name: 'Asiakas' });
    await picker.getByRole('searchbox').fill(touched!.client!.lastName.slice(0, 4));
    await picker.getByRole('button', { name: 'Hae', exact: true }).click();
    await picker.getByRole('button', { name: clientName, exact: true }).click();
    await picker.getByText(`Valittu: ${clientName}`).waitFor();
    await page.getByRole('button', { name: 'Hae lokista' }).click();
    await page.waitForURL((url) => url.searchParams.get('clientId') === clientId);
    const rows = page.locator('table.entries tbody tr');
    await rows.first().waitFor();
    // Every row is about the client: its name in the client column.
    const clientCells = await rows.locator('td:nth-child(4)').allInnerTexts();
    expect(clientCells.length).toBeGreaterThan(0);
    for (const cell of clientCells) expect(cell).toBe(clientName);
    await screenshot('search-by-client');

    // Open an entry of sw-child's (not the auditor's own query of the log).
    const row = rows.filter({ hasText: 'SOCIAL_WORKER' }).first();
    await row.getByRole('link').click();
    const heading = page.getByRole('heading', { level: 1, name: /^Lokimerkintä \d+$/ });
    await heading.waitFor();
    entryId = /(\d+)$/.exec((await heading.innerText()).trim())![1]!;
    const details = page.locator('dl.details');
    for (const term of ['Kentät', 'Tietoryhmät', 'Käyttötarkoitus', 'Hätäkäyttö', 'Käyttötapa', 'Kutsujan osoite', 'Peruste']) {
      await details.getByText(term, { exact: true }).waitFor();
    }
    await page.getByRole('heading', { level: 2, name: 'Tarkastukset' }).waitFor();
    // What the page shows is the API's entry.
    const requestId = decodeURIComponent(/\/entries\/([^/]+)\//.exec(new URL(page.url()).pathname)![1]!);
    const { auditEntries: detail } = await gql<{ auditEntries: { nodes: { id: string; fields: string[]; purpose: string | null; intent: string }[] } }>(
      `query ($filter: AuditFilter) { auditEntries(filter: $filter, first: 100) { nodes { id fields purpose intent } } }`,
      { filter: { requestId } },
    );
    const shown = detail.nodes.find((n) => n.id === entryId);
    expect(shown).toBeDefined();
    const text = await details.innerText();
    if (shown!.fields.length) expect(text).toContain(shown!.fields.join(', '));
    if (shown!.purpose) expect(text).toContain(shown!.purpose);
    expect(text).toContain(shown!.intent);
    await screenshot('entry-detail');
  });

  it('downloads the current search as CSV: the same entries as the GraphQL answer, logged as EXPORT', async () => {
    // sw-child's entries about the client: nothing in the test adds to them while it runs.
    const filter = { clientId, actorId: SW_CHILD };
    await page.goto(`${t.stack.gatewayUrl}/console/?clientId=${clientId}&actorId=${SW_CHILD}`);
    await page.locator('table.entries tbody tr').first().waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Lataa CSV-tiedostona' }).click()]);
    expect(download.suggestedFilename()).toBe('audit-entries.csv');
    const file = await download.path();
    const [header, ...records] = parseCsv(readFileSync(file, 'utf8'));
    await page.getByText(/vienti kirjattiin käyttölokiin/).waitFor();

    // Every entry of the search, page by page through GraphQL, with the columns compared.
    const COLUMNS = ['id', 'at', 'requestId', 'actorId', 'clientId', 'entityType', 'action', 'outcome', 'intent'] as const;
    type Row = Record<(typeof COLUMNS)[number], string>;
    type Page = { auditEntries: { nodes: Row[]; pageInfo: { hasNextPage: boolean; endCursor: string } } };
    const fromApi: Row[] = [];
    for (let after: string | null = null; ; ) {
      const { auditEntries }: Page = await gql<Page>(
        `query ($filter: AuditFilter, $after: String) { auditEntries(filter: $filter, first: 100, after: $after) { nodes { ${COLUMNS.join(' ')} } pageInfo { hasNextPage endCursor } } }`,
        { filter, after },
      );
      fromApi.push(...auditEntries.nodes);
      if (!auditEntries.pageInfo.hasNextPage) break;
      after = auditEntries.pageInfo.endCursor;
    }
    expect(fromApi.length).toBeGreaterThan(0);
    for (const column of COLUMNS) expect(header).toContain(column);
    const fromCsv = records.map((r) => Object.fromEntries(COLUMNS.map((c) => [c, r[header!.indexOf(c)]])) as Row);
    const byId = (a: Row, b: Row) => Number(a.id) - Number(b.id);
    const instant = (row: Row) => ({ ...row, at: new Date(row.at).toISOString() });
    expect(fromCsv.map(instant).sort(byId)).toEqual(fromApi.map(instant).sort(byId));
    const exports = await logRows(and(eq(entries.actorId, DPO), eq(entries.action, 'EXPORT'))!);
    expect(exports.length).toBeGreaterThan(0);
  });

  it('opens the printable log extract of the client in a new window (logged as PRINT)', async () => {
    const before = (await logRows(and(eq(entries.actorId, DPO), eq(entries.action, 'PRINT'))!)).length;
    const [popup] = await Promise.all([context.waitForEvent('page'), page.getByRole('button', { name: 'Asiakkaan tulostettava lokiote' }).click()]);
    watch(popup);
    await popup.waitForURL(/^blob:/);
    await popup.getByRole('heading', { level: 1, name: /^(Ote käyttölokista|Utdrag ur användningsloggen)$/ }).waitFor();
    expect(await popup.content()).toContain(clientName);
    await screenshot('printable-extract', popup);
    await popup.close();
    await page.getByText(/tulostus kirjattiin käyttölokiin/).waitFor();
    expect((await logRows(and(eq(entries.actorId, DPO), eq(entries.action, 'PRINT'))!)).length).toBeGreaterThan(before);
  });

  it('draws the activity of an actor from the seeded history, with the usual range and a table alternative', async () => {
    await page.getByRole('link', { name: 'Aktiivisuus' }).click();
    await page.getByRole('heading', { level: 1, name: 'Käyttäjän aktiivisuus' }).waitFor();
    const picker = page.getByRole('group', { name: /Käyttäjä/ });
    await picker.getByRole('searchbox').fill('sw-child');
    await picker.getByRole('button', { name: 'Hae', exact: true }).click();
    await picker.getByRole('button', { name: /\(sw-child\)$/ }).click();
    const from = await page.getByLabel('Alkaen (päivä)').inputValue();
    const to = await page.getByLabel('Päättyen (päivä, mukaan lukien)').inputValue();
    await page.getByRole('button', { name: 'Näytä aktiivisuus' }).click();
    const chart = page.locator('#accesses-chart');
    await chart.locator('.recharts-bar-rectangle').first().waitFor();
    await page.locator('#clients-chart .recharts-bar-rectangle').first().waitFor();
    // The usual range is drawn: the band and the median and 90th percentile lines.
    expect(await chart.locator('.recharts-reference-area').count()).toBe(1);
    expect(await chart.locator('.recharts-reference-line').count()).toBe(2);

    const { actorActivity } = await gql<{ actorActivity: { days: { day: string; accesses: number; distinctClients: number }[] } }>(
      `query ($actorId: ID!, $from: Date!, $to: Date!) { actorActivity(actorId: $actorId, from: $from, to: $to) { days { day accesses distinctClients } } }`,
      { actorId: SW_CHILD, from, to },
    );
    const active = actorActivity.days.filter((d) => d.accesses > 0);
    expect(active.length).toBeGreaterThan(0);
    // One bar per day with accesses (recharts draws none for 0).
    expect(await chart.locator('.recharts-bar-rectangle path').count()).toBe(active.length);
    // The text alternative: a table of every day with the API's numbers.
    await page.getByText('Näytä luvut taulukkona').click();
    const cells = await page.locator('table.activity-table tbody tr').evaluateAll((rows) =>
      rows.map((r) => [...r.querySelectorAll('td')].map((td) => Number.parseInt(td.textContent ?? '', 10))),
    );
    expect(cells).toEqual(actorActivity.days.map((d) => [d.accesses, d.distinctClients]));
    expect(await page.locator('#accesses-chart figcaption').innerText()).toMatch(/käyttökertaa/);
    await screenshot('activity');
  });

  it('marks a review-queue item reviewed with a note; the review is on the entry and in the log', async () => {
    await page.getByRole('link', { name: 'Tarkastusjonot' }).click();
    await page.getByRole('heading', { level: 1, name: 'Tarkastusjonot' }).waitFor();
    await page.getByRole('radio', { name: 'Hätäkäytöt' }).check();
    const rows = page.locator('table.entries tbody tr');
    await rows.first().waitFor();
    await screenshot('review-queue');
    const first = rows.first();
    const link = await first.getByRole('link').getAttribute('href');
    const reviewed = /\/entries\/[^/]+\/(\d+)$/.exec(link!)![1]!;
    const note = `Checked with the unit manager: break-glass was justified (${reviewed}).`;
    await first.getByRole('button', { name: /Merkitse tarkastetuksi/ }).click();
    await first.getByLabel(/Tarkastusmerkintä/).fill(note);
    await screenshot('review-note');
    await first.getByRole('button', { name: 'Tallenna' }).click();
    await page.getByText(`Merkintä ${reviewed} merkittiin tarkastetuksi.`).waitFor();

    // The review is on the entry (GraphQL) and recorded in the log itself (entity AuditReview, UPDATE).
    const { reviewQueue } = await gql<{ reviewQueue: { reviewed: boolean; entry: { id: string; reviews: { note: string; reviewerId: string }[] } }[] }>(
      `{ reviewQueue(kind: EMERGENCY, includeReviewed: true, first: 500) { reviewed entry { id reviews { note reviewerId } } } }`,
    );
    const item = reviewQueue.find((i) => i.entry.id === reviewed);
    expect(item?.reviewed).toBe(true);
    expect(item?.entry.reviews).toEqual(expect.arrayContaining([{ note, reviewerId: DPO }]));
    const logged = await logRows(and(eq(entries.actorId, DPO), eq(entries.entityType, 'AuditReview'), eq(entries.action, 'UPDATE'))!);
    expect(logged.length).toBeGreaterThan(0);

    // And in the console: the entry's detail lists the review; the log search finds the review entry.
    await page.goto(`${t.stack.gatewayUrl}${link}`);
    await page.getByText(note).waitFor();
    await page.goto(`${t.stack.gatewayUrl}/console/?actorId=${DPO}&action=UPDATE`);
    await page.locator('table.entries tbody tr', { hasText: 'AuditReview' }).first().waitFor();
    await screenshot('review-in-log');
  });

  it('draws a random sample as a monitoring run and reviews one of its entries', async () => {
    await page.getByRole('link', { name: 'Otantatarkastus' }).click();
    await page.getByRole('heading', { level: 1, name: 'Satunnaisotannan tarkastus' }).waitFor();
    await page.getByLabel('Siemenluku').fill('4242');
    await page.getByLabel('Otoksen koko').fill('5');
    await page.getByRole('button', { name: 'Poimi otos' }).click();
    const rows = page.locator('.run table.entries tbody tr');
    await rows.first().waitFor();
    expect(await rows.count()).toBeGreaterThan(0);
    await rows.first().getByRole('button', { name: /Merkitse tarkastetuksi/ }).click();
    await rows.first().getByLabel(/Tarkastusmerkintä/).fill('Sampled entry matches a documented client meeting.');
    await rows.first().getByRole('button', { name: 'Tallenna' }).click();
    await page.getByText(/1 \/ \d+ tarkastettu/).waitFor();
    const { monitoringRuns } = await gql<{ monitoringRuns: { seed: number; size: number; reviewedCount: number }[] }>(`{ monitoringRuns(first: 1) { seed size reviewedCount } }`);
    expect(monitoringRuns[0]).toEqual({ seed: 4242, size: 5, reviewedCount: 1 });
    await screenshot('sample-review');
  });

  it('can be used with the keyboard alone: skip link first, focus visible', async () => {
    await page.goto(`${t.stack.gatewayUrl}/console/`);
    await page.locator('table.entries').waitFor();
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => ({ text: document.activeElement?.textContent, outline: getComputedStyle(document.activeElement!).outlineStyle }));
    expect(focused.text).toBe('Siirry sisältöön');
    expect(focused.outline).toBe('solid');
    // Tables have column headers; every form control a label.
    expect(await page.locator('table.entries thead th[scope="col"]').count()).toBeGreaterThan(0);
    expect(await unlabelledControls()).toEqual([]);
  });

  it('refuses a non-auditor (sw-child) and the refusal is in the log as DENIED', async () => {
    const deniedBefore = await logRows(and(eq(entries.actorId, SW_CHILD), eq(entries.outcome, 'DENIED'), eq(entries.entityType, 'AuditLog'))!);
    const other = await browser.newContext({ locale: 'fi-FI', timezoneId: 'Europe/Helsinki', viewport: { width: 1280, height: 720 } });
    try {
      const refusedPage = await other.newPage();
      watch(refusedPage);
      await refusedPage.goto(`${t.stack.gatewayUrl}/console/`);
      await refusedPage.getByLabel('Demohenkilö').selectOption('sw-child');
      await refusedPage.getByRole('button', { name: 'Kirjaudu tänä henkilönä' }).click();
      await refusedPage.getByRole('heading', { level: 1, name: 'Ei pääsyä käyttölokiin' }).waitFor();
      // Nothing of the log is shown: no navigation, no table.
      expect(await refusedPage.getByRole('navigation').count()).toBe(0);
      expect(await refusedPage.locator('table').count()).toBe(0);
      await screenshot('refused-sw-child', refusedPage);
    } finally {
      await other.close();
    }
    const deniedAfter = await logRows(and(eq(entries.actorId, SW_CHILD), eq(entries.outcome, 'DENIED'), eq(entries.entityType, 'AuditLog'))!);
    expect(deniedAfter.length).toBeGreaterThan(deniedBefore.length);
    const [latest] = await t.database.db
      .select({ n: sql<number>`count(*)::int` })
      .from(entries)
      .where(and(eq(entries.actorId, SW_CHILD), eq(entries.outcome, 'ALLOWED'), eq(entries.entityType, 'AuditLog')));
    expect(latest!.n).toBe(0);
  });
});
