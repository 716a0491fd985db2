/**
 * Shared by the deployment tests (build, deployment kit, database roles): a scratch PostgreSQL
 * database set up as deploy/ says — roles from deploy/sql/roles.sql, migrations as the owner, table
 * privileges from deploy/sql/grants.sql — and the stack run with one role per service.
 */
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type Database, openDatabase } from '@vartija/db';
import { type DevKeys, type SubgraphName, SUBGRAPHS } from '@vartija/gateway';
import { ActorContextVerifier, setCursorSecret, type Subgraph } from '@vartija/kit';
import { startGateway, SUBGRAPH_FACTORIES } from '@vartija/tools';
import postgres from 'postgres';

export const REPO = path.join(__dirname, '..', '..');
export const DEPLOY = path.join(REPO, 'deploy');

/** The roles of deploy/sql/roles.sql, without their `vartija_` prefix. */
export const ROLES = ['owner', 'app', 'disposal', 'gateway', 'clients', 'services', 'documents', 'audit', 'retention'] as const;
export type Role = (typeof ROLES)[number];
/** The login role each service connects as. */
export const SERVICE_ROLES = ['gateway', 'clients', 'services', 'documents', 'audit'] as const satisfies readonly Role[];

const ROLE_NAME = new RegExp(`\\bvartija_(${ROLES.join('|')})\\b`, 'g');

/**
 * The deployment's SQL with the roles renamed `<prefix>_<role>`: roles are cluster-wide, so each test
 * run gets roles of its own, which it drops again.
 */
export function deploySql(file: 'roles.sql' | 'grants.sql', prefix: string): string {
  return readFileSync(path.join(DEPLOY, 'sql', file), 'utf8').replace(ROLE_NAME, `${prefix}_$1`);
}

export interface RoleDatabase {
  /** The database's name on the server. */
  name: string;
  roleName(role: Role): string;
  /** postgres:// URL that logs in as the role (the test server trusts loopback connections). */
  urlFor(role: Role): string;
  /** As the administrator who ran roles.sql. */
  adminUrl: string;
  dispose(): Promise<void>;
}

/** Runs a SQL file's text as one simple-protocol query (several statements, no parameters). */
export async function runSqlText(url: string, text: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    await sql.unsafe(text);
  } finally {
    await sql.end();
  }
}

/**
 * A fresh database with the deployment's roles: roles.sql as the administrator, then `migrate` as the
 * owner (by default the migrations in-process; the build test passes `node dist/migrate.js`), then
 * grants.sql as the owner.
 */
export async function createRoleDatabase(serverUrl: string, migrate?: (ownerUrl: string) => Promise<void>): Promise<RoleDatabase> {
  const suffix = randomBytes(5).toString('hex');
  const name = `vartija_roles_${suffix}`;
  const prefix = `vt${suffix}`;
  const server = postgres(serverUrl, { max: 1, onnotice: () => {} });
  await server.unsafe(`CREATE DATABASE ${name}`);
  const urlOf = (user: string) => {
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    url.username = user;
    url.password = '';
    return url.toString();
  };
  const roleName = (role: Role) => `${prefix}_${role}`;
  const adminUrl = urlOf(new URL(serverUrl).username || 'postgres');
  const dispose = async () => {
    await server.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    for (const role of [...ROLES].reverse()) await server.unsafe(`DROP ROLE IF EXISTS ${roleName(role)}`);
    await server.end();
  };
  try {
    await runSqlText(adminUrl, deploySql('roles.sql', prefix));
    const ownerUrl = urlOf(roleName('owner'));
    if (migrate) await migrate(ownerUrl);
    else {
      const owner = await openDatabase({ url: ownerUrl, poolSize: 1 });
      try {
        await owner.migrate();
      } finally {
        await owner.close();
      }
    }
    await runSqlText(ownerUrl, deploySql('grants.sql', prefix));
  } catch (error) {
    await dispose();
    throw error;
  }
  return { name, roleName, urlFor: (role) => urlOf(roleName(role)), adminUrl, dispose };
}

/** Runs a built entry (`node dist/<file>`) to its end; rejects with its output when it fails. */
export function runNode(file: string, env: NodeJS.ProcessEnv, args: string[] = []): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [file, ...args], { cwd: REPO, env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(`${stdout}${stderr}`);
    });
  });
}

export interface RoleStack {
  gatewayUrl: string;
  /** Each service's own connection, as its role. */
  databases: Record<(typeof SERVICE_ROLES)[number], Database>;
  stop(): Promise<void>;
}

/**
 * The federated stack in this process, but every subgraph and the gateway on its own connection as
 * its own role: what a deployment with deploy/sql/grants.sql gives each service.
 */
export async function startRoleStack(roleDb: RoleDatabase, keys: DevKeys, supergraphSdl: string): Promise<RoleStack> {
  const databases = {} as RoleStack['databases'];
  for (const role of SERVICE_ROLES) databases[role] = await openDatabase({ url: roleDb.urlFor(role), poolSize: 3 });
  setCursorSecret(keys.cursorSecret);
  const subgraphs: Subgraph[] = [];
  const verifiers: ActorContextVerifier[] = [];
  const subgraphUrls = {} as Record<SubgraphName, string>;
  for (const { name } of SUBGRAPHS) {
    // Each subgraph verifies with its own key, as deployed.
    const verifier = ActorContextVerifier.fromGatewaySecret(keys.actorContextSecret, name);
    verifiers.push(verifier);
    const subgraph = await SUBGRAPH_FACTORIES[name]({ database: databases[name], verifier });
    subgraphs.push(subgraph);
    subgraphUrls[name] = `${await subgraph.listen(0, '127.0.0.1')}/graphql`;
  }
  const gateway = await startGateway({ database: databases.gateway, keys, supergraphSdl }, subgraphUrls);
  return {
    gatewayUrl: gateway.gatewayUrl,
    databases,
    async stop() {
      await gateway.stop();
      await Promise.all(subgraphs.map((s) => s.stop()));
      await Promise.all(verifiers.map((v) => v.close()));
      await Promise.all(Object.values(databases).map((d) => d.close()));
    },
  };
}
