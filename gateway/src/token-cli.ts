import { PERSONAS } from '@vartija/db';
import { readGatewayConfig } from './config';
import { loadOrCreateDevKeys } from './dev-keys';
import { signDevToken } from './dev-token';

/** `npm run token -- <login> [--ttl seconds]`: prints a development bearer token for a persona. */
async function main() {
  const [login, ...rest] = process.argv.slice(2);
  const config = readGatewayConfig();
  if (config.NODE_ENV === 'production') throw new Error('Development tokens are not available in production.');
  if (!login || login.startsWith('-')) {
    throw new Error(`Usage: npm run token -- <login>\nLogins: ${PERSONAS.map((p) => p.login).join(', ')}`);
  }
  const ttlIndex = rest.indexOf('--ttl');
  const ttl = ttlIndex >= 0 ? Number(rest[ttlIndex + 1]) : 3600;
  if (!Number.isInteger(ttl) || ttl <= 0) throw new Error('--ttl must be a positive number of seconds');
  const keys = await loadOrCreateDevKeys(config.DEV_KEYS_PATH);
  process.stdout.write(`${await signDevToken(keys.tokenSigning.privateJwk, login, ttl)}\n`);
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
