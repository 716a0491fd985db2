import { parseArgs } from 'node:util';
import { ApiTokenService } from '@vartija/clients';
import { openDatabase, organisations, readDbConfig } from '@vartija/db';
import { eq } from 'drizzle-orm';

const USAGE = `Usage:
  npm run partner-token -- issue --org <code> --issuer <region code> --name <name> --scopes clients:read,documents:read [--days 90] [--operations id,id] [--rate 600]
  npm run partner-token -- list [--org <code>]
  npm run partner-token -- revoke <token id>
  npm run partner-token -- rotate <token id> [--overlap-hours 24]`;

/** The registrar's command line for partner tokens; the same service as the GraphQL mutations. */
async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      org: { type: 'string' },
      name: { type: 'string' },
      scopes: { type: 'string' },
      issuer: { type: 'string' },
      days: { type: 'string', default: '90' },
      operations: { type: 'string' },
      rate: { type: 'string' },
      'overlap-hours': { type: 'string', default: '24' },
    },
  });
  const [command, id] = positionals;
  const config = readDbConfig();
  const database = await openDatabase({ url: config.DATABASE_URL, dataDir: config.PGLITE_DATA_DIR });
  try {
    await database.migrate();
    const service = new ApiTokenService(database.db);
    const organisationId = async (code: string | undefined) => {
      if (!code) return undefined;
      const [row] = await database.db.select().from(organisations).where(eq(organisations.code, code));
      if (!row) throw new Error(`No organisation with code ${code}.`);
      return row.id;
    };
    switch (command) {
      case 'issue': {
        if (!values.name || !values.scopes || !values.org || !values.issuer) throw new Error(USAGE);
        const issued = await service.issue(
          {
            organisationId: await organisationId(values.org),
            name: values.name,
            scopes: values.scopes.split(',').map((s) => s.trim()),
            expiresInDays: Number(values.days),
            allowedOperations: values.operations ? values.operations.split(',') : null,
            rateLimitPerMinute: values.rate ? Number(values.rate) : null,
          },
          null,
          // The welfare region issuing it: the token reaches that region's commissions only.
          (await organisationId(values.issuer))!,
        );
        console.log(`Issued ${issued.apiToken.id} (${issued.apiToken.tokenPrefix}), expires ${issued.apiToken.expiresAt.toISOString()}.`);
        console.log('The token is shown only now; store it in the partner\'s secret store:');
        console.log(issued.token);
        break;
      }
      case 'list':
        for (const t of await service.list(await organisationId(values.org))) {
          const state = t.revokedAt ? 'revoked' : t.expiresAt < new Date() ? 'expired' : 'active';
          console.log([t.id, t.tokenPrefix, state, t.name, t.scopes.join(','), `expires ${t.expiresAt.toISOString()}`, `last used ${t.lastUsedAt?.toISOString() ?? 'never'}`].join('  '));
        }
        break;
      case 'revoke':
        if (!id) throw new Error(USAGE);
        await service.revoke(id);
        console.log(`Revoked ${id}; it is refused from now on.`);
        break;
      case 'rotate': {
        if (!id) throw new Error(USAGE);
        const issued = await service.rotate(id, Number(values['overlap-hours']), null);
        console.log(`Rotated ${id} → ${issued.apiToken.id}; the old token works for ${values['overlap-hours']} more hours.`);
        console.log(issued.token);
        break;
      }
      default:
        throw new Error(USAGE);
    }
  } finally {
    await database.close();
  }
}

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  const extensions = (error as { extensions?: { reason?: string; field?: string } }).extensions;
  console.error(extensions?.field ? `${extensions.field}: ${extensions.reason}` : message);
  process.exit(1);
});
