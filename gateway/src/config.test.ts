import { randomBytes } from 'node:crypto';
import { readGatewayConfig } from './config';

const OIDC = {
  OIDC_ISSUER: 'https://login.example.fi/realms/hva',
  OIDC_AUDIENCE: 'vartija',
  OIDC_JWKS_URL: 'https://login.example.fi/realms/hva/protocol/openid-connect/certs',
} as const;

const messageOf = (env: NodeJS.ProcessEnv): string => {
  try {
    readGatewayConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('the configuration was accepted');
};

/** 32 bytes as base64url. */
const ACTOR_SECRET = randomBytes(32).toString('base64url');

describe('OIDC: all three variables or none', () => {
  it('accepts none (development tokens only) and all three', () => {
    expect(readGatewayConfig({}).OIDC_ISSUER).toBeUndefined();
    expect(readGatewayConfig({ ...OIDC })).toMatchObject(OIDC);
  });

  it.each([
    [{ OIDC_ISSUER: OIDC.OIDC_ISSUER }, ['OIDC_AUDIENCE', 'OIDC_JWKS_URL']],
    [{ OIDC_ISSUER: OIDC.OIDC_ISSUER, OIDC_AUDIENCE: OIDC.OIDC_AUDIENCE }, ['OIDC_JWKS_URL']],
    [{ OIDC_AUDIENCE: OIDC.OIDC_AUDIENCE }, ['OIDC_ISSUER', 'OIDC_JWKS_URL']],
    [{ OIDC_JWKS_URL: OIDC.OIDC_JWKS_URL }, ['OIDC_ISSUER', 'OIDC_AUDIENCE']],
    [{ OIDC_AUDIENCE: OIDC.OIDC_AUDIENCE, OIDC_JWKS_URL: OIDC.OIDC_JWKS_URL }, ['OIDC_ISSUER']],
  ])('refuses the partial configuration %j, naming what is missing', (env, missing) => {
    const message = messageOf(env);
    expect(message).toMatch(/^Invalid gateway configuration:/);
    const named = message.split('\n').slice(1).map((line) => line.trim().split(':')[0]);
    expect(named.sort()).toEqual([...missing].sort());
    expect(message).toContain('set all three OIDC variables, or none');
  });

  it('in production still names each missing variable once', () => {
    const message = messageOf({ NODE_ENV: 'production', OIDC_ISSUER: OIDC.OIDC_ISSUER, ACTOR_CONTEXT_SECRET: ACTOR_SECRET });
    expect(message).toContain('OIDC_AUDIENCE: is required with OIDC_ISSUER');
    expect(message).toContain('OIDC_AUDIENCE: is required when NODE_ENV=production');
  });
});

describe('VARTIJA_DEBUG_ERRORS and DEV_KEYS_PATH', () => {
  it('takes 0 or 1 and nothing else', () => {
    expect(readGatewayConfig({ VARTIJA_DEBUG_ERRORS: '1' }).VARTIJA_DEBUG_ERRORS).toBe('1');
    expect(readGatewayConfig({ VARTIJA_DEBUG_ERRORS: '0' }).VARTIJA_DEBUG_ERRORS).toBe('0');
    expect(messageOf({ VARTIJA_DEBUG_ERRORS: 'yes' })).toContain('VARTIJA_DEBUG_ERRORS: must be 1 (on) or 0 (off)');
  });

  it('defaults DEV_KEYS_PATH to the repository .data folder and refuses an empty path', () => {
    expect(readGatewayConfig({}).DEV_KEYS_PATH).toMatch(/[/\\]\.data[/\\]dev-keys\.json$/);
    expect(messageOf({ DEV_KEYS_PATH: '' })).toContain('DEV_KEYS_PATH');
  });
});

describe('production refuses what would let tokens or callers be forged', () => {
  const production = { NODE_ENV: 'production', ACTOR_CONTEXT_SECRET: ACTOR_SECRET, ...OIDC };

  it('requires the actor-context secret, of at least 32 random bytes', () => {
    const { ACTOR_CONTEXT_SECRET: _secret, ...without } = production;
    expect(messageOf(without)).toContain('ACTOR_CONTEXT_SECRET: is required when NODE_ENV=production');
    expect(messageOf({ ...production, ACTOR_CONTEXT_SECRET: 'changeme' })).toMatch(/ACTOR_CONTEXT_SECRET: must be at least 32 random bytes/);
    expect(messageOf({ ...production, ACTOR_CONTEXT_SECRET: 'A'.repeat(43) })).toMatch(/ACTOR_CONTEXT_SECRET: is not random/);
    // Every service holds the pseudonym key: it must not double as the secret every subgraph key comes from.
    expect(messageOf({ ...production, LOG_PSEUDONYM_KEY: ACTOR_SECRET })).toMatch(/ACTOR_CONTEXT_SECRET: must not be LOG_PSEUDONYM_KEY/);
  });

  it('refuses the Ed25519 key of an earlier version rather than ignoring it', () => {
    expect(messageOf({ ACTOR_CONTEXT_PRIVATE_JWK: '{"kty":"OKP"}' })).toMatch(/ACTOR_CONTEXT_PRIVATE_JWK: is no longer read: set ACTOR_CONTEXT_SECRET/);
  });

  it('takes https: OIDC URLs, refuses http: and file: ones', () => {
    expect(() => readGatewayConfig(production)).not.toThrow();
    expect(messageOf({ ...production, OIDC_ISSUER: 'http://login.example.fi/realms/hva' })).toContain('OIDC_ISSUER: must be an https: URL when NODE_ENV=production');
    expect(messageOf({ ...production, OIDC_JWKS_URL: 'file:///etc/jwks.json' })).toContain('OIDC_JWKS_URL: must be an https: URL when NODE_ENV=production');
    // Development may use a local issuer over http.
    expect(readGatewayConfig({ ...OIDC, OIDC_JWKS_URL: 'http://127.0.0.1:8080/jwks' }).OIDC_JWKS_URL).toBe('http://127.0.0.1:8080/jwks');
  });

  it('CORS_ORIGINS: no wildcard anywhere; TRUSTED_PROXIES: nothing wider than /8 or /32', () => {
    expect(messageOf({ CORS_ORIGINS: 'https://*.example.fi' })).toContain('CORS_ORIGINS');
    expect(messageOf({ TRUSTED_PROXIES: '10.0.0.0/4' })).toContain('TRUSTED_PROXIES');
    expect(messageOf({ TRUSTED_PROXIES: '2001:db8::/16' })).toContain('TRUSTED_PROXIES');
    expect(readGatewayConfig({ TRUSTED_PROXIES: '10.42.0.0/16' }).TRUSTED_PROXIES).toEqual(['10.42.0.0/16']);
  });
});

describe('METRICS_PORT, METRICS_HOST and KNOWN_OPERATION_NAMES', () => {
  it('parses them', () => {
    expect(readGatewayConfig({ METRICS_PORT: '9464', METRICS_HOST: '0.0.0.0', KNOWN_OPERATION_NAMES: 'A, B' })).toMatchObject({
      METRICS_PORT: 9464,
      METRICS_HOST: '0.0.0.0',
      KNOWN_OPERATION_NAMES: ['A', 'B'],
    });
    expect(readGatewayConfig({}).KNOWN_OPERATION_NAMES).toEqual([]);
    expect(messageOf({ METRICS_PORT: 'x' })).toContain('METRICS_PORT');
    expect(messageOf({ KNOWN_OPERATION_NAMES: 'A-B' })).toContain('KNOWN_OPERATION_NAMES');
  });
});
