import path from 'node:path';
import { z } from 'zod';
import { DEFAULT_MAX_OPERATION_COST } from './demand-control';
import { DEFAULT_OMBUDSMAN_ADDRESS, type DocumentSettings } from './documents';

/** Requests per minute per staff user: far above what a person at a screen sends, well below a script. */
export const DEFAULT_STAFF_RATE_LIMIT_PER_MINUTE = 300;

const port = z.coerce.number().int().min(0).max(65535);
const url = z.string().url();

const schema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    HOST: z.string().default('127.0.0.1'),
    GATEWAY_PORT: port.default(4000),
    SUPERGRAPH_PATH: z.string().optional(),
    CLIENTS_URL: url.optional(),
    SERVICES_URL: url.optional(),
    DOCUMENTS_URL: url.optional(),
    AUDIT_URL: url.optional(),
    /** OIDC issuer of staff tokens; without it only tokens signed by the local development key are accepted. */
    OIDC_ISSUER: url.optional(),
    OIDC_AUDIENCE: z.string().min(1).optional(),
    OIDC_JWKS_URL: url.optional(),
    /** Development keys (token signing and actor context), created on first use. Never used in production. */
    DEV_KEYS_PATH: z.string().default(path.join(__dirname, '..', '..', '.data', 'dev-keys.json')),
    /** Private Ed25519 JWK (JSON) that signs the actor context; required in production. */
    ACTOR_CONTEXT_PRIVATE_JWK: z.string().optional(),
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
    if (env.NODE_ENV === 'production') {
      for (const key of ['OIDC_ISSUER', 'OIDC_AUDIENCE', 'OIDC_JWKS_URL', 'ACTOR_CONTEXT_PRIVATE_JWK'] as const) {
        if (!env[key]) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when NODE_ENV=production' });
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
