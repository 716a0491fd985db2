import path from 'node:path';
import { observabilityConfigShape, parseActorContextSecret, parsedSetting, parseCorsOrigins, parseTrustedProxies, retiredSetting } from '@vartija/kit';
import { z } from 'zod';
import { DEFAULT_MAX_OPERATION_COST } from './demand-control';
import { DEFAULT_OMBUDSMAN_ADDRESS, type DocumentSettings } from './documents';

/** Requests per minute per staff user: far above what a person at a screen sends, well below a script. */
export const DEFAULT_STAFF_RATE_LIMIT_PER_MINUTE = 300;

const port = z.coerce.number().int().min(0).max(65535);
const url = z.string().url();
/** A comma-separated list, parsed by `parse` (which throws a message naming the bad entry). */
const listOf = (parse: (value: string | undefined) => string[]) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      try {
        return parse(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    });

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    /**
     * The gateway's port: GraphQL on /graphql, probes on /live and /ready; Prometheus on /metrics only outside
     * production without METRICS_PORT (this port is public).
     */
    GATEWAY_PORT: port.default(4000),
    ...observabilityConfigShape,
    /** Browser origins allowed to call the gateway (CORS): comma-separated exact origins, e.g. https://app.example.fi; none without. */
    CORS_ORIGINS: listOf(parseCorsOrigins),
    /** Proxies (addresses, CIDRs, `loopback`, `private`) whose X-Forwarded-For names the caller; none without (the peer is the caller). */
    TRUSTED_PROXIES: listOf(parseTrustedProxies),
    SUPERGRAPH_PATH: z.string().optional(),
    /** The subgraphs' GraphQL URLs; defaults http://127.0.0.1:4001/graphql (clients), 4002 (services), 4003 (documents), 4004 (audit). */
    CLIENTS_URL: url.optional(),
    SERVICES_URL: url.optional(),
    DOCUMENTS_URL: url.optional(),
    AUDIT_URL: url.optional(),
    /**
     * OIDC issuer of staff tokens (`iss`); without it only tokens signed by the local development key are
     * accepted. OIDC_ISSUER, OIDC_AUDIENCE and OIDC_JWKS_URL go together: all three or none.
     */
    OIDC_ISSUER: url.optional(),
    /** The audience (`aud`) the issuer puts in tokens for Vartija. */
    OIDC_AUDIENCE: z.string().min(1).optional(),
    /** Where the issuer publishes its signing keys (JWKS), e.g. https://login.example.fi/.well-known/jwks.json. */
    OIDC_JWKS_URL: url.optional(),
    /**
     * The auditor's console (GET /console) signs in at this OIDC provider (authorization code + PKCE in the
     * browser; its access token must be one the gateway accepts: OIDC_ISSUER, OIDC_AUDIENCE). With
     * CONSOLE_OIDC_CLIENT_ID (the console's public client); without them only the development sign-in.
     */
    CONSOLE_OIDC_AUTHORITY: url.optional(),
    CONSOLE_OIDC_CLIENT_ID: z.string().min(1).optional(),
    /** The scopes the console asks for. */
    CONSOLE_OIDC_SCOPE: z.string().min(1).default('openid profile'),
    /** The built console (vite build); console/dist of the repository without it. */
    CONSOLE_DIST_DIR: z.string().min(1).optional(),
    /**
     * The development key file (token signing, actor context, cursor secret), created on first use (mode 600);
     * `npm start`, `npm run token`, the gateway and the subgraphs must read the same file. Ignored in production.
     */
    DEV_KEYS_PATH: z.string().min(1).default(path.join(__dirname, '..', '..', '.data', 'dev-keys.json')),
    /**
     * `1`: unexpected errors are also printed whole to stderr (message and stack). Off by default, and not for
     * production: messages of database errors quote the values that caused them, which may be personal data.
     */
    VARTIJA_DEBUG_ERRORS: z.enum(['0', '1'], { message: 'must be 1 (on) or 0 (off)' }).optional(),
    /** The earlier version's Ed25519 actor-context key. */
    ACTOR_CONTEXT_PRIVATE_JWK: retiredSetting('set ACTOR_CONTEXT_SECRET (README: Keys)'),
    /**
     * Secret (≥ 32 random bytes, unpadded base64url) from which each subgraph's actor-context key is derived;
     * required in production. Each subgraph gets only its own key (ACTOR_CONTEXT_KEY).
     */
    ACTOR_CONTEXT_SECRET: parsedSetting(parseActorContextSecret),
    /** Longest accepted staff token lifetime (iat → exp), seconds. */
    TOKEN_MAX_AGE_SECONDS: z.coerce.number().int().positive().default(8 * 3600),
    /** Automatic sign-out after this long without a request, seconds (register statements require it). */
    IDLE_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(30 * 60),
    /** How far a staff token's issue time (iat) may lie ahead of the gateway's clock, seconds. */
    TOKEN_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
    /** Redis for partner and staff rate-limit counters and idle sign-out state shared by gateway replicas; in memory without it. */
    REDIS_URL: z.string().regex(/^rediss?:\/\//, 'must be a redis:// URL').optional(),
    /** How long grants read from the access schema are reused, milliseconds. */
    GRANT_CACHE_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
    /** Highest estimated cost of one operation (demand control, @cost / @listSize); above it COST_ESTIMATED_TOO_EXPENSIVE. */
    MAX_OPERATION_COST: z.coerce.number().int().positive().default(DEFAULT_MAX_OPERATION_COST),
    /** Requests per minute per staff user (Redis when REDIS_URL is set); 0 = no limit. */
    STAFF_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(0).default(DEFAULT_STAFF_RATE_LIMIT_PER_MINUTE),
    /** The Data Protection Ombudsman's contact details in the refusal certificate's appeal instructions (Finnish). */
    DPO_OMBUDSMAN_ADDRESS: z.string().trim().min(1).max(500).default(DEFAULT_OMBUDSMAN_ADDRESS.fi),
    /** The same in Swedish (dataombudsmannen), for documents in Swedish. */
    DPO_OMBUDSMAN_ADDRESS_SV: z.string().trim().min(1).max(500).default(DEFAULT_OMBUDSMAN_ADDRESS.sv),
  })
  .superRefine((env, ctx) => {
    // Half an OIDC configuration would silently leave only development tokens working: refuse it.
    const oidc = ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL'] as const;
    if (oidc.some((key) => env[key]) && !oidc.every((key) => env[key])) {
      for (const key of oidc.filter((k) => !env[k])) {
        ctx.addIssue({ code: 'custom', path: [key], message: `is required with ${oidc.filter((k) => env[k]).join(' and ')}: set all three OIDC variables, or none` });
      }
    }
    if (Boolean(env.CONSOLE_OIDC_AUTHORITY) !== Boolean(env.CONSOLE_OIDC_CLIENT_ID)) {
      const missing = env.CONSOLE_OIDC_AUTHORITY ? 'CONSOLE_OIDC_CLIENT_ID' : 'CONSOLE_OIDC_AUTHORITY';
      ctx.addIssue({ code: 'custom', path: [missing], message: 'is required with the other CONSOLE_OIDC variable: set both, or neither' });
    }
    // Every service holds the pseudonym key: as the actor-context secret it would let each subgraph sign for all.
    if (env.ACTOR_CONTEXT_SECRET && env.LOG_PSEUDONYM_KEY && env.ACTOR_CONTEXT_SECRET.trim() === env.LOG_PSEUDONYM_KEY.trim()) {
      ctx.addIssue({ code: 'custom', path: ['ACTOR_CONTEXT_SECRET'], message: 'must not be LOG_PSEUDONYM_KEY, which every service holds: give each its own random value' });
    }
    if (env.NODE_ENV === 'production') {
      for (const key of ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL', 'ACTOR_CONTEXT_SECRET'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
      }
      // Over plain http (or from a file) the issuer's signing keys could be swapped on the way: any token would pass.
      for (const key of ['OIDC_ISSUER', 'OIDC_JWKS_URL', 'CONSOLE_OIDC_AUTHORITY'] as const) {
        const value = env[key];
        if (value && new URL(value).protocol !== 'https:') ctx.addIssue({ code: 'custom', path: [key], message: 'must be an https: URL when NODE_ENV=production' });
      }
    }
  });

export type GatewayConfig = z.infer<typeof schema>;

/** What the printable documents take from the configuration. */
export function documentSettingsOf(config: Pick<GatewayConfig, 'DPO_OMBUDSMAN_ADDRESS' | 'DPO_OMBUDSMAN_ADDRESS_SV'>): DocumentSettings {
  return { ombudsmanAddress: { fi: config.DPO_OMBUDSMAN_ADDRESS, sv: config.DPO_OMBUDSMAN_ADDRESS_SV } };
}

/** Parsed once at start-up; a bad value stops the process with a message naming the variable. */
export function readGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const parsed = schema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid gateway configuration:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
