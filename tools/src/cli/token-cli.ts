import { DEMO_PARTNER_TOKEN, PERSONAS } from '@vartija/db';
import { type CliIo, CliRefusal, consoleIo, EXIT_FAILED, EXIT_OK, helpText, integerOption, parseCliArgs, runCli, UsageError } from '@vartija/kit';
// The modules alone, not the gateway's index: printing a token loads no gateway runtime.
import { readGatewayConfig } from '@vartija/gateway/src/config';
import { loadOrCreateDevKeys } from '@vartija/gateway/src/dev-keys';
import { signDevToken } from '../dev-token';

/** The demo world's partner organisation: its API token is printed, not signed (it is not a staff user). */
export const PARTNER_LOGIN = 'majakka';

const personaLines = () => [
  ...PERSONAS.map((p) => `  ${p.login.padEnd(20)} ${p.grants.map((g) => `${g.role} ${g.unit ?? p.organisation}`).join(' + ')}`),
  `  ${PARTNER_LOGIN.padEnd(20)} PARTNER: the demo partner API token (drizzle/src/seed/partner-token.ts)`,
];

export const TOKEN_HELP = helpText({
  usage: ['npm run -s token -- <login> [--ttl <seconds>]', 'npm run -s token -- <login> --any-login'],
  summary: `Prints a bearer token for a persona of the demo world (DESIGN.md §7) on stdout, so that
TOKEN=$(npm run -s token -- sw-child) works. Staff personas get a development token signed with the
local development key, which the gateway accepts only outside production; \`majakka\` gets the demo
partner API token of the seed (always the same; it works only where the demo world is seeded).`,
  options: [
    ['--ttl <seconds>', 'lifetime of a staff token (default 3600, at most TOKEN_MAX_AGE_SECONDS); the gateway signs the session out after IDLE_TIMEOUT_SECONDS without a request'],
    ['--any-login', 'sign a token for a login that is not a persona (a user created with npm run users); the gateway accepts it only if that user exists and has an effective grant'],
  ],
  environment: [
    ['DEV_KEYS_PATH', 'the development key file (default .data/dev-keys.json, created on first use); npm start and the gateway must read the same file'],
    ['NODE_ENV', 'production: refused (production takes staff tokens from the OIDC issuer only)'],
    ['TOKEN_MAX_AGE_SECONDS', 'the longest --ttl the gateway accepts (default 28800)'],
  ],
  exitCodes: { 0: 'the token was printed', 1: 'refused: not a persona, or NODE_ENV=production' },
  notes: ['Logins:', ...personaLines()].join('\n'),
});

const PARTNER_GUIDE = `This is the demo partner API token of majakka (not a JWT; public by design, demo world only).
Send it like a staff token: -H "authorization: Bearer $TOKEN". It has no operation allowlist, so it may also
send plain queries; tokens issued with --operations or --manifest run only their persisted operations
(npm run partner-token -- --help).`;

/** `npm run token -- <login>`; stdout carries the token only, guidance goes to stderr. */
export async function main(argv: string[], io: CliIo = consoleIo, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const { help, values, positionals } = parseCliArgs(argv, { ttl: { type: 'string' }, 'any-login': { type: 'boolean' } }, TOKEN_HELP, 1);
  if (help) {
    io.out(TOKEN_HELP);
    return EXIT_OK;
  }
  const [login] = positionals;
  if (!login) throw new UsageError(`Give the login of a persona.\n\n${TOKEN_HELP}`);
  // Before the rest of the configuration, which production requires in full.
  if (env['NODE_ENV'] === 'production') {
    throw new CliRefusal('Development tokens are not available in production: staff sign in through the OIDC issuer (OIDC_ISSUER).');
  }
  const config = readGatewayConfig(env);
  if (login === PARTNER_LOGIN) {
    if (values.ttl !== undefined) throw new UsageError('--ttl does not apply to the partner token: it is an API token stored in the database, with its own expiry.');
    io.out(DEMO_PARTNER_TOKEN);
    io.err(PARTNER_GUIDE);
    return EXIT_OK;
  }
  if (!values['any-login'] && !PERSONAS.some((p) => p.login === login)) {
    io.err(`${login} is not a persona of the demo world; the gateway would refuse its token. Logins:\n${personaLines().join('\n')}`);
    io.err('(A user created with npm run users: add --any-login.)');
    return EXIT_FAILED;
  }
  const ttl = integerOption(values.ttl, 'ttl', 1, config.TOKEN_MAX_AGE_SECONDS) ?? Math.min(3600, config.TOKEN_MAX_AGE_SECONDS);
  const keys = await loadOrCreateDevKeys(config.DEV_KEYS_PATH);
  io.out(await signDevToken(keys.tokenSigning.privateJwk, login, ttl));
  return EXIT_OK;
}

if (require.main === module) runCli(main);
