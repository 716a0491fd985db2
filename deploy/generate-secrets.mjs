#!/usr/bin/env node
/* global process, console, Buffer */
/**
 * New keys and passwords for one Vartija deployment, from node:crypto only (plain `node`, no install):
 *
 *   node deploy/generate-secrets.mjs > deploy/.env                       # docker compose (deploy/compose.yaml)
 *   node deploy/generate-secrets.mjs --kubernetes | kubectl apply -n vartija -f -   # Secrets vartija-keys, vartija-gateway-keys, vartija-audit-checkpoint
 *
 * What it makes:
 *   ACTOR_CONTEXT_SECRET                    32 random bytes (the gateway only): each subgraph fetch is signed (HMAC)
 *                                           with a key derived from it for that subgraph
 *   ACTOR_CONTEXT_KEY_<SUBGRAPH>            that subgraph's key (HKDF-SHA256 of the secret; the kit's
 *                                           subgraphActorContextKey): give each subgraph only its own, as ACTOR_CONTEXT_KEY
 *   CURSOR_SECRET                           32 random bytes: page cursors (every replica of a subgraph shares it)
 *   AUDIT_CHECKPOINT_PRIVATE_JWK            Ed25519: signs checkpoints of the access log (the audit subgraph only;
 *                                           keep it away from the database's administrators)
 *                                           (its public part is printed as a comment: keep it, for
 *                                           AUDIT_CHECKPOINT_PUBLIC_JWKS after the key is replaced)
 *   LOG_PSEUDONYM_KEY                       HMAC key of the actor pseudonyms in the request log (all services)
 *   *_DB_PASSWORD                           (compose only) a password per database role of deploy/sql/roles.sql,
 *                                           POSTGRES_DB_PASSWORD for the server's superuser
 *
 * Nothing is written anywhere but standard output; nothing is reused between runs.
 */
import { createPublicKey, generateKeyPairSync, hkdfSync, randomBytes } from 'node:crypto';

const today = new Date().toISOString().slice(0, 10);

function ed25519(kid) {
  const { privateKey } = generateKeyPairSync('ed25519');
  const privateJwk = { ...privateKey.export({ format: 'jwk' }), kid, alg: 'EdDSA' };
  const publicJwk = { ...createPublicKey(privateKey).export({ format: 'jwk' }), kid, alg: 'EdDSA' };
  return { privateJwk: JSON.stringify(privateJwk), publicJwk: JSON.stringify(publicJwk) };
}

/** As subgraphActorContextKey in subgraphs/kit/src/actor-context.ts (a test holds the two together). */
const subgraphKey = (secret, subgraph) =>
  Buffer.from(hkdfSync('sha256', Buffer.from(secret, 'base64url'), 'vartija actor context v1', `subgraph:${subgraph}`, 32)).toString('base64url');
const SUBGRAPHS = ['clients', 'services', 'documents', 'audit'];

const actorSecret = randomBytes(32).toString('base64url');
const checkpoint = ed25519(`audit-checkpoint-${today}`);
const keys = {
  ACTOR_CONTEXT_SECRET: actorSecret,
  ...Object.fromEntries(SUBGRAPHS.map((name) => [`ACTOR_CONTEXT_KEY_${name.toUpperCase()}`, subgraphKey(actorSecret, name)])),
  CURSOR_SECRET: randomBytes(32).toString('base64url'),
  AUDIT_CHECKPOINT_PRIVATE_JWK: checkpoint.privateJwk,
  LOG_PSEUDONYM_KEY: randomBytes(32).toString('base64url'),
};
/** Hex: safe inside a postgres:// URL without escaping. */
const password = () => randomBytes(24).toString('hex');
const DB_ROLES = ['POSTGRES', 'OWNER', 'GATEWAY', 'CLIENTS', 'SERVICES', 'DOCUMENTS', 'AUDIT', 'RETENTION'];

const args = process.argv.slice(2);
if (args.includes('--help') || args.some((a) => a !== '--kubernetes')) {
  console.log('Usage: node deploy/generate-secrets.mjs [--kubernetes]\n  (default) lines for deploy/.env (docker compose)\n  --kubernetes  the Secrets vartija-keys, vartija-gateway-keys and vartija-audit-checkpoint as YAML, for kubectl apply -f -');
  process.exit(args.includes('--help') ? 0 : 2);
}

if (args.includes('--kubernetes')) {
  // Three Secrets, so that RBAC can keep the checkpoint key from whoever administers the database (and the
  // gateway's secret apart; the subgraph keys in vartija-keys are, together, as strong as it: restrict both).
  // JSON strings are valid YAML scalars: no quoting rules of our own.
  const secret = (name, entries, comment) => [
    'apiVersion: v1',
    'kind: Secret',
    'metadata:',
    `  name: ${name}`,
    '  labels:',
    '    app.kubernetes.io/part-of: vartija',
    'type: Opaque',
    ...(comment ? [`# ${comment}`] : []),
    'stringData:',
    ...entries.map(([key, value]) => `  ${key}: ${JSON.stringify(value)}`),
  ];
  const { AUDIT_CHECKPOINT_PRIVATE_JWK, ACTOR_CONTEXT_SECRET, ...shared } = keys;
  const lines = [
    ...secret('vartija-keys', Object.entries(shared)),
    '---',
    // The gateway's alone: every subgraph key derives from it.
    ...secret('vartija-gateway-keys', [['ACTOR_CONTEXT_SECRET', ACTOR_CONTEXT_SECRET]]),
    '---',
    ...secret(
      'vartija-audit-checkpoint',
      [['AUDIT_CHECKPOINT_PRIVATE_JWK', AUDIT_CHECKPOINT_PRIVATE_JWK]],
      `public part, for AUDIT_CHECKPOINT_PUBLIC_JWKS after a rotation: ${checkpoint.publicJwk}`,
    ),
  ];
  console.log(lines.join('\n'));
} else {
  const lines = [
    `# Vartija secrets generated ${new Date().toISOString()}: keep this file out of version control.`,
    '# OIDC (required with NODE_ENV=production): your identity provider.',
    'OIDC_ISSUER=',
    'OIDC_AUDIENCE=',
    'OIDC_JWKS_URL=',
    ...Object.entries(keys).map(([name, value]) => `${name}='${value}'`),
    `# public part of the checkpoint key, for AUDIT_CHECKPOINT_PUBLIC_JWKS after a rotation: ${checkpoint.publicJwk}`,
    ...DB_ROLES.map((role) => `${role}_DB_PASSWORD=${password()}`),
  ];
  console.log(lines.join('\n'));
}
