/**
 * The deployment kit (deploy/) checked against the code, since no container engine runs here: the files
 * parse; every command they run exists in the build; every port is the configuration's default; every
 * environment variable they set is read by that service's configuration schema; every probe path is
 * served (asked of a running stack); the NetworkPolicy admits only the gateway to the subgraphs; the
 * Secrets hold placeholders only, and the generated secrets are what the configuration accepts.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { readDbConfig } from '@vartija/db';
import { readGatewayConfig, SUBGRAPHS } from '@vartija/gateway';
import { ActorContextSigner, ActorContextVerifier, parseCursorSecret, subgraphActorContextKey } from '@vartija/kit';
import { sampleActor } from '@vartija/kit/testing';
import { parse, parseAllDocuments } from 'yaml';
import { auditCheckpointsFromEnv } from '../../subgraphs/audit/src/checkpoint-config';
import { type BuildInfo, ENTRIES, ensureBuilt } from '../../tools/build';
import { startTestStack, type TestStack } from '../testkit';
import { DEPLOY, REPO, runNode } from './deploy-support';

/* ---------------------------------------------------------------------------------------------------
 * What the code says: configuration keys per entry, default ports.
 * ------------------------------------------------------------------------------------------------- */

const read = (file: string) => readFileSync(path.join(REPO, file), 'utf8');

/** Every non-test source file of the services, for finding the shapes a schema spreads. */
function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true }).flatMap((entry) => {
    const relative = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(relative);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts') ? [relative] : [];
  });
}
const SOURCES = ['gateway/src', 'subgraphs', 'drizzle/src'].flatMap(sourceFiles);

/**
 * The variables a zod schema file reads: keys of the form `NAME: z…` or `NAME: helper…` (an upper-case
 * name, as environment variables are), plus those of every `...someShape` it spreads in.
 */
function configKeys(file: string, seen = new Set<string>()): Set<string> {
  const keys = new Set<string>();
  if (seen.has(file)) return keys;
  seen.add(file);
  const text = read(file);
  for (const m of text.matchAll(/^\s*([A-Z][A-Z0-9_]*)\s*:\s*(?:z\s*\.|[a-z][A-Za-z0-9]*\s*[.(])/gm)) keys.add(m[1]!);
  for (const m of text.matchAll(/\.\.\.(\w+Shape)\b/g)) {
    const definition = SOURCES.find((f) => new RegExp(`export const ${m[1]}\\b`).test(read(f)));
    if (!definition) throw new Error(`${file} spreads ${m[1]}, defined nowhere`);
    for (const key of configKeys(definition, seen)) keys.add(key);
  }
  return keys;
}

const union = (...files: string[]) => new Set(files.flatMap((f) => [...configKeys(f)]));
const DB = 'drizzle/src/config.ts';
const SUBGRAPH = 'subgraphs/kit/src/main.ts';
/** The configuration schemas each entry parses. NODE_ENV is Node's own convention, allowed everywhere. */
const KEYS_OF: Record<keyof typeof ENTRIES, Set<string>> = {
  gateway: union('gateway/src/config.ts', DB),
  clients: union(SUBGRAPH, DB),
  services: union(SUBGRAPH, DB),
  documents: union(SUBGRAPH, DB),
  audit: union(SUBGRAPH, DB, 'subgraphs/audit/src/checkpoint-config.ts'),
  migrate: union(DB),
  seed: union(DB),
  users: union(DB),
  'partner-token': union(DB),
  disposal: union(DB),
  retention: union(DB, 'subgraphs/audit/src/retention-cli.ts'),
  'audit-checkpoint': union(DB, 'subgraphs/audit/src/checkpoint-config.ts'),
};

/** The port every service serves /metrics on in the kit (METRICS_PORT): the monitoring namespace's only way in. */
const METRICS_PORT = 9464;

/** The port each service listens on when nothing is configured. */
const DEFAULT_PORTS: Record<string, number> = {
  gateway: readGatewayConfig({}).GATEWAY_PORT,
  ...Object.fromEntries(SUBGRAPHS.map((s) => [s.name, s.defaultPort])),
};

/** `dist/<name>.js` → the entry, or a failure naming what the artefact asked for. */
function entryOf(args: unknown): keyof typeof ENTRIES {
  const first = Array.isArray(args) ? String(args[0]) : String(args);
  const match = /^dist\/([a-z-]+)\.js$/.exec(first);
  if (!match || !(match[1]! in ENTRIES)) throw new Error(`not a built entry: ${JSON.stringify(args)}`);
  return match[1] as keyof typeof ENTRIES;
}

/* ---------------------------------------------------------------------------------------------------
 * What the artefacts say.
 * ------------------------------------------------------------------------------------------------- */

interface K8s {
  kind: string;
  metadata: { name: string; labels?: Record<string, string> };
  [key: string]: unknown;
}
interface Container {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  ports?: { name?: string; containerPort: number }[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string; optional?: boolean } } }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
}
interface PodSpec {
  containers: Container[];
  initContainers?: Container[];
}

const K8S_DIR = path.join(DEPLOY, 'kubernetes');
const K8S_FILES = readdirSync(K8S_DIR).filter((f) => f.endsWith('.yaml'));
const manifests: K8s[] = K8S_FILES.flatMap((file) =>
  parseAllDocuments(readFileSync(path.join(K8S_DIR, file), 'utf8'))
    .map((doc) => {
      if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors.map((e) => e.message).join('; ')}`);
      return doc.toJS() as K8s | null;
    })
    .filter((doc): doc is K8s => doc !== null),
);
const ofKind = (kind: string) => manifests.filter((m) => m.kind === kind);
const podSpecOf = (m: K8s): PodSpec => {
  const spec = m['spec'] as { template?: { spec: PodSpec }; jobTemplate?: { spec: { template: { spec: PodSpec } } } };
  return spec.template?.spec ?? spec.jobTemplate!.spec.template.spec;
};
const podLabelsOf = (m: K8s): Record<string, string> => {
  const spec = m['spec'] as { template?: { metadata: { labels: Record<string, string> } }; jobTemplate?: { spec: { template: { metadata: { labels: Record<string, string> } } } } };
  return (spec.template ?? spec.jobTemplate!.spec.template).metadata.labels;
};
const workloads = manifests.filter((m) => ['Deployment', 'Job', 'CronJob'].includes(m.kind));
const vartijaContainers = workloads.flatMap((w) =>
  [...podSpecOf(w).containers, ...(podSpecOf(w).initContainers ?? [])].filter((c) => c.image === 'vartija').map((c) => ({ workload: w, container: c })),
);
const deploymentOf = (service: string) => ofKind('Deployment').find((d) => podSpecOf(d).containers.some((c) => c.image === 'vartija' && entryOf(c.args) === service))!;
const selects = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([k, v]) => labels[k] === v);

interface ComposeService {
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  expose?: string[];
  ports?: string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  volumes?: string[];
}
const compose = parse(readFileSync(path.join(DEPLOY, 'compose.yaml'), 'utf8'), { merge: true }) as { services: Record<string, ComposeService> };
const vartijaServices = Object.entries(compose.services).filter(([, s]) => s.image === 'vartija:latest');

const dockerfile = readFileSync(path.join(DEPLOY, 'Dockerfile'), 'utf8');

let info: BuildInfo;
beforeAll(async () => {
  info = await ensureBuilt();
}, 120_000);

/* ---------------------------------------------------------------------------------------------------
 * The tests.
 * ------------------------------------------------------------------------------------------------- */

describe('the artefacts parse', () => {
  it('finds the kit: Dockerfile, compose file, Kubernetes manifests, SQL', () => {
    for (const file of ['Dockerfile', 'compose.yaml', 'sql/roles.sql', 'sql/grants.sql', 'generate-secrets.mjs', 'compose/init-roles.sh']) {
      expect(existsSync(path.join(DEPLOY, file))).toBe(true);
    }
    expect(ofKind('Deployment').map((d) => d.metadata.name).sort()).toEqual(
      ['vartija-audit', 'vartija-clients', 'vartija-documents', 'vartija-gateway', 'vartija-services'].sort(),
    );
    expect(ofKind('Job').map((j) => j.metadata.name)).toEqual(['vartija-migrate']);
    expect(ofKind('NetworkPolicy').length).toBeGreaterThan(0);
    expect(ofKind('Secret').length).toBeGreaterThan(0);
  });

  it('lists every manifest file in the kustomization', () => {
    const [kustomization] = ofKind('Kustomization');
    expect([...((kustomization as unknown as { resources: string[] }).resources)].sort()).toEqual(K8S_FILES.filter((f) => f !== 'kustomization.yaml').sort());
  });

  it('names the same compose services the kit describes: PostgreSQL, Redis, migrate, four subgraphs, two gateways', () => {
    const byCommand = Object.fromEntries(vartijaServices.map(([name, s]) => [name, entryOf(s.command)]));
    expect(byCommand).toEqual({
      migrate: 'migrate',
      clients: 'clients',
      services: 'services',
      documents: 'documents',
      audit: 'audit',
      'gateway-1': 'gateway',
      'gateway-2': 'gateway',
    });
    expect(compose.services['postgres']?.image).toMatch(/^postgres:/);
    expect(compose.services['redis']?.image).toMatch(/^redis:/);
  });
});

describe('every command names a built entry', () => {
  it('Kubernetes: every container of the image runs `node dist/<entry>.js` of the build', () => {
    expect(vartijaContainers.length).toBeGreaterThanOrEqual(8);
    for (const { container } of vartijaContainers) {
      expect(container.command).toBeUndefined(); // the image's ENTRYPOINT is node
      expect(existsSync(path.join(REPO, 'dist', info.entries[entryOf(container.args)]))).toBe(true);
    }
  });

  it('compose: every service of the image likewise', () => {
    for (const [, service] of vartijaServices) expect(existsSync(path.join(REPO, 'dist', info.entries[entryOf(service.command)]))).toBe(true);
  });

  it('Dockerfile: two stages, production dependencies only, a non-root user, node dist/gateway.js by default', () => {
    expect(dockerfile.match(/^FROM /gm)?.length).toBe(2);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    expect(dockerfile).toMatch(/npm prune --omit=dev/);
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENTRYPOINT \["node"\]$/m);
    expect(entryOf(JSON.parse(/^CMD (.*)$/m.exec(runtime)![1]!))).toBe('gateway');
    // The runtime stage gets the build, never the sources or the dev tools.
    expect(runtime).not.toMatch(/COPY (?!--from=build)/);
    expect(runtime).not.toMatch(/tsx|typescript/);
  });

  it('Dockerfile: copies every workspace manifest before npm ci, and every folder the build reads', () => {
    const workspaces = (JSON.parse(read('package.json')) as { workspaces: string[] }).workspaces.flatMap((w) =>
      w.endsWith('/*') ? readdirSync(path.join(REPO, w.slice(0, -2))).map((d) => `${w.slice(0, -2)}/${d}`) : [w],
    );
    for (const workspace of workspaces) expect(dockerfile).toContain(`COPY ${workspace}/package.json ${workspace}/`);
    const folders = new Set([...Object.values(ENTRIES), 'tools/build.ts'].map((source) => source.split('/')[0]));
    for (const folder of folders) expect(dockerfile).toMatch(new RegExp(`^COPY ${folder} ${folder}$`, 'm'));
  });
});

describe('every port is the configuration default', () => {
  it('the subgraph entry points pass the same default ports as the gateway expects', () => {
    for (const { name, defaultPort } of SUBGRAPHS) {
      expect(read(`subgraphs/${name}/src/main.ts`)).toMatch(new RegExp(`runSubgraph\\('${name}', ${defaultPort},`));
    }
    expect(DEFAULT_PORTS).toEqual({ gateway: 4000, clients: 4001, services: 4002, documents: 4003, audit: 4004 });
  });

  it('Kubernetes: container ports, Services and the gateway subgraph URLs', () => {
    for (const [service, port] of Object.entries(DEFAULT_PORTS)) {
      const deployment = deploymentOf(service);
      const [container] = podSpecOf(deployment).containers;
      expect(container!.ports).toEqual([
        { name: 'http', containerPort: port },
        { name: 'metrics', containerPort: METRICS_PORT },
      ]);
      expect(container!.env?.some((e) => e.name === 'PORT' || e.name === 'GATEWAY_PORT')).toBe(false);
      // /metrics on its own port only (the gateway's main port is public).
      expect(container!.env?.find((e) => e.name === 'METRICS_PORT')?.value).toBe(String(METRICS_PORT));
      const svc = ofKind('Service').find((s) => selects((s['spec'] as { selector: Record<string, string> }).selector, podLabelsOf(deployment)));
      expect((svc!['spec'] as { ports: unknown[] }).ports).toEqual([
        { name: 'http', port, targetPort: 'http' },
        { name: 'metrics', port: METRICS_PORT, targetPort: 'metrics' },
      ]);
    }
    const gatewayEnv = podSpecOf(deploymentOf('gateway')).containers[0]!.env!;
    for (const { name, defaultPort } of SUBGRAPHS) {
      const service = ofKind('Service').find((s) => selects((s['spec'] as { selector: Record<string, string> }).selector, podLabelsOf(deploymentOf(name))))!;
      expect(gatewayEnv.find((e) => e.name === `${name.toUpperCase()}_URL`)?.value).toBe(`http://${service.metadata.name}:${defaultPort}/graphql`);
    }
  });

  it('compose: exposed ports, health checks and the gateway subgraph URLs', () => {
    for (const [name, service] of vartijaServices) {
      const entry = entryOf(service.command);
      if (!(entry in DEFAULT_PORTS)) continue;
      // The gateways serve /metrics on a port of their own (the proxy forwards only 4000); subgraphs on theirs.
      expect(service.expose).toEqual(entry === 'gateway' ? [String(DEFAULT_PORTS[entry]), String(METRICS_PORT)] : [String(DEFAULT_PORTS[entry])]);
      if (entry === 'gateway') expect(service.environment?.['METRICS_PORT']).toBe(String(METRICS_PORT));
      expect(service.healthcheck?.test.join(' ')).toContain(`http://127.0.0.1:${DEFAULT_PORTS[entry]}/ready`);
      expect(Object.keys(service.environment ?? {}).filter((k) => k === 'PORT' || k === 'GATEWAY_PORT')).toEqual([]);
      if (entry === 'gateway') {
        for (const { name: sub, defaultPort } of SUBGRAPHS) expect(service.environment?.[`${sub.toUpperCase()}_URL`]).toBe(`http://${sub}:${defaultPort}/graphql`);
      }
      expect(name).toBeTruthy();
    }
    expect(compose.services['proxy']?.['command' as keyof ComposeService]).toEqual(expect.arrayContaining(['gateway-1:4000', 'gateway-2:4000']));
  });

  it('Dockerfile: exposes the default ports', () => {
    expect(/^EXPOSE (.*)$/m.exec(dockerfile)![1]!.split(' ').map(Number)).toEqual([...Object.values(DEFAULT_PORTS).sort(), METRICS_PORT]);
  });
});

describe('every environment variable is read by the configuration of the service it is set for', () => {
  const unknownKeys = (entry: keyof typeof ENTRIES, names: string[]) => names.filter((n) => n !== 'NODE_ENV' && !KEYS_OF[entry].has(n));

  it('finds the configuration schemas (a sanity check of the scan)', () => {
    expect([...KEYS_OF.gateway]).toEqual(expect.arrayContaining(['DATABASE_URL', 'GATEWAY_PORT', 'OIDC_ISSUER', 'REDIS_URL', 'ACTOR_CONTEXT_SECRET', 'MIGRATE_ON_START']));
    expect([...KEYS_OF.clients]).toEqual(expect.arrayContaining(['DATABASE_URL', 'PORT', 'HOST', 'CURSOR_SECRET', 'ACTOR_CONTEXT_KEY', 'MIGRATE_ON_START']));
    expect(KEYS_OF.clients.has('AUDIT_CHECKPOINT_DIR')).toBe(false);
    expect(KEYS_OF.audit.has('AUDIT_CHECKPOINT_DIR')).toBe(true);
  });

  it('Kubernetes', () => {
    for (const { workload, container } of vartijaContainers) {
      const names = (container.env ?? []).map((e) => e.name);
      expect({ workload: workload.metadata.name, unknown: unknownKeys(entryOf(container.args), names) }).toEqual({ workload: workload.metadata.name, unknown: [] });
    }
  });

  it('compose', () => {
    for (const [name, service] of vartijaServices) {
      expect({ name, unknown: unknownKeys(entryOf(service.command), Object.keys(service.environment ?? {})) }).toEqual({ name, unknown: [] });
    }
  });

  it('Dockerfile', () => {
    const env = /^ENV ([\s\S]*?)\n(?!\s)/m.exec(dockerfile)![1]!;
    const names = [...env.matchAll(/([A-Z_]+)=/g)].map((m) => m[1]!);
    expect(names.length).toBeGreaterThan(0);
    for (const entry of Object.keys(DEFAULT_PORTS) as (keyof typeof ENTRIES)[]) expect(unknownKeys(entry, names)).toEqual([]);
  });

  it('Kubernetes: every Secret and ConfigMap key a container refers to exists (or is optional)', () => {
    const data = (kind: string, name: string) => {
      const m = ofKind(kind).find((x) => x.metadata.name === name);
      return (m?.['stringData'] ?? m?.['data'] ?? {}) as Record<string, string>;
    };
    for (const w of workloads) {
      for (const c of [...podSpecOf(w).containers, ...(podSpecOf(w).initContainers ?? [])]) {
        for (const e of c.env ?? []) {
          const s = e.valueFrom?.secretKeyRef;
          if (s) expect({ ref: `${s.name}/${s.key}`, found: s.key in data('Secret', s.name) }).toEqual({ ref: `${s.name}/${s.key}`, found: true });
          const cm = e.valueFrom?.configMapKeyRef;
          if (cm && !cm.optional) expect({ ref: `${cm.name}/${cm.key}`, found: cm.key in data('ConfigMap', cm.name) }).toEqual({ ref: `${cm.name}/${cm.key}`, found: true });
        }
      }
    }
  });

  it('each service connects as its own database role; the migration as the owner; the jobs as retention', () => {
    const roleOf = (container: Container) => {
      const ref = container.env?.find((e) => e.name === 'DATABASE_URL')?.valueFrom?.secretKeyRef;
      const secret = ofKind('Secret').find((s) => s.metadata.name === ref?.name)?.['stringData'] as Record<string, string>;
      return /^postgres:\/\/([a-z_]+):/.exec(secret[ref!.key]!)![1];
    };
    const expected: Record<string, string> = {
      gateway: 'vartija_gateway',
      clients: 'vartija_clients',
      services: 'vartija_services',
      documents: 'vartija_documents',
      audit: 'vartija_audit',
      migrate: 'vartija_owner',
      retention: 'vartija_retention',
      disposal: 'vartija_retention',
    };
    for (const { container } of vartijaContainers) expect(roleOf(container)).toBe(expected[entryOf(container.args)]);
    for (const [, service] of vartijaServices) {
      expect(/^postgres:\/\/([a-z_]+):/.exec(service.environment!['DATABASE_URL']!)![1]).toBe(expected[entryOf(service.command)]);
    }
  });

  it('no service migrates on start; the migration runs before the services, and the grants after it', () => {
    for (const { container } of vartijaContainers) {
      if (['clients', 'services', 'documents', 'audit'].includes(entryOf(container.args))) {
        expect(container.env?.find((e) => e.name === 'MIGRATE_ON_START')?.value).toBe('false');
      }
    }
    const job = ofKind('Job')[0]!;
    expect(entryOf(podSpecOf(job).initContainers![0]!.args)).toBe('migrate');
    expect(podSpecOf(job).containers[0]!.command).toEqual(expect.arrayContaining(['-f', '/vartija/grants.sql']));
    expect(compose.services['grants']?.depends_on).toEqual({ migrate: { condition: 'service_completed_successfully' } });
    for (const name of ['clients', 'services', 'documents', 'audit']) expect(compose.services[name]?.depends_on?.['grants']).toEqual({ condition: 'service_completed_successfully' });
  });

  it('the migration Job runs deploy/sql/grants.sql verbatim', () => {
    const configMap = ofKind('ConfigMap').find((c) => c.metadata.name === 'vartija-grants-sql')!;
    expect((configMap['data'] as Record<string, string>)['grants.sql']).toBe(readFileSync(path.join(DEPLOY, 'sql', 'grants.sql'), 'utf8'));
  });
});

describe('probes', () => {
  it('every Deployment checks liveness on /live and readiness on /ready, on its port', () => {
    for (const deployment of ofKind('Deployment')) {
      for (const container of podSpecOf(deployment).containers) {
        expect(container.livenessProbe?.httpGet).toEqual({ path: '/live', port: 'http' });
        expect(container.readinessProbe?.httpGet).toEqual({ path: '/ready', port: 'http' });
      }
    }
  });

  describe('are served by a running stack', () => {
    let t: TestStack;
    beforeAll(async () => {
      t = await startTestStack();
    });
    afterAll(async () => {
      await t.close();
    });

    const PATHS = [...new Set(ofKind('Deployment').flatMap((d) => podSpecOf(d).containers.flatMap((c) => [c.livenessProbe!.httpGet!.path, c.readinessProbe!.httpGet!.path])))];

    it.each(['gateway', ...SUBGRAPHS.map((s) => s.name)])('%s answers every probe path of the manifests with 200', async (service) => {
      const base = service === 'gateway' ? t.stack.gatewayUrl : t.stack.subgraphUrls[service as keyof typeof t.stack.subgraphUrls].replace(/\/graphql$/, '');
      expect(PATHS.sort()).toEqual(['/live', '/ready']);
      for (const probe of PATHS) {
        const res = await fetch(`${base}${probe}`);
        expect({ probe, status: res.status }).toEqual({ probe, status: 200 });
      }
    });
  });
});

describe('the NetworkPolicy admits only the gateway to the subgraphs', () => {
  type Selector = { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  type Peer = { podSelector?: Selector; namespaceSelector?: Selector; ipBlock?: unknown };
  const policies = ofKind('NetworkPolicy') as (K8s & {
    spec: { podSelector: Selector; policyTypes: string[]; ingress?: { from?: Peer[]; ports?: { port: number }[] }[] };
  })[];
  /** A label selector as Kubernetes reads it: every matchLabels pair and every `In` expression. */
  const matches = (selector: Selector, labels: Record<string, string>) =>
    selects(selector.matchLabels ?? {}, labels) &&
    (selector.matchExpressions ?? []).every((e) => {
      if (e.operator !== 'In') throw new Error(`unexpected operator ${e.operator}`);
      return labels[e.key] !== undefined && (e.values ?? []).includes(labels[e.key]!);
    });
  const isEmpty = (selector: Selector) => Object.keys(selector.matchLabels ?? {}).length === 0 && (selector.matchExpressions ?? []).length === 0;
  const subgraphDeployments = SUBGRAPHS.map((s) => deploymentOf(s.name));
  const gatewayLabels = podLabelsOf(deploymentOf('gateway'));
  const otherPods = workloads.filter((w) => !podSpecOf(w).containers.some((c) => c.image === 'vartija' && entryOf(c.args) === 'gateway')).map(podLabelsOf);
  const applyingTo = (labels: Record<string, string>) => policies.filter((p) => p.spec.policyTypes.includes('Ingress') && matches(p.spec.podSelector, labels));
  /** The one namespace a peer admits (a namespaceSelector alone, naming it), else null. */
  const namespaceOnly = (peer: Peer) =>
    Object.keys(peer).length === 1 && peer.namespaceSelector && !peer.namespaceSelector.matchExpressions && Object.keys(peer.namespaceSelector.matchLabels ?? {}).length === 1
      ? (peer.namespaceSelector.matchLabels?.['kubernetes.io/metadata.name'] ?? null)
      : null;

  it('every subgraph pod is selected by an ingress policy', () => {
    for (const d of subgraphDeployments) expect(applyingTo(podLabelsOf(d)).length).toBeGreaterThan(0);
  });

  it('every rule that lets traffic into a subgraph comes from gateway pods only, to the subgraph ports; the metrics port from the monitoring namespace only', () => {
    let rules = 0;
    for (const d of subgraphDeployments) {
      const port = podSpecOf(d).containers[0]!.ports![0]!.containerPort;
      for (const policy of applyingTo(podLabelsOf(d)).filter((p) => !isEmpty(p.spec.podSelector))) {
        for (const rule of policy.spec.ingress ?? []) {
          rules += 1;
          // A rule without `from` admits everyone, one without `ports` every port.
          expect(rule.from?.length).toBeGreaterThan(0);
          const ports = rule.ports?.map((p) => p.port) ?? [];
          expect(ports.length).toBeGreaterThan(0);
          if (ports.every((p) => p === METRICS_PORT)) {
            for (const peer of rule.from ?? []) expect(namespaceOnly(peer)).toBe('monitoring');
            continue;
          }
          expect(ports).not.toContain(METRICS_PORT);
          for (const peer of rule.from ?? []) {
            // Namespace and address selectors admit more than the gateway.
            expect(Object.keys(peer)).toEqual(['podSelector']);
            const selector = peer.podSelector!;
            expect(isEmpty(selector)).toBe(false);
            expect(matches(selector, gatewayLabels)).toBe(true);
            for (const other of otherPods) expect({ other, admitted: matches(selector, other) }).toEqual({ other, admitted: false });
          }
          expect(ports).toContain(port);
        }
      }
      // The subgraph's metrics are reachable for the monitoring namespace.
      const metricsRules = applyingTo(podLabelsOf(d)).flatMap((p) => p.spec.ingress ?? []).filter((r) => r.ports?.some((p) => p.port === METRICS_PORT));
      expect(metricsRules.length).toBeGreaterThan(0);
    }
    expect(rules).toBeGreaterThan(0);
  });

  it("the gateway: its port from the ingress controller's namespace only, its metrics port from the monitoring namespace only", () => {
    const rules = applyingTo(gatewayLabels)
      .filter((p) => !isEmpty(p.spec.podSelector))
      .flatMap((p) => p.spec.ingress ?? []);
    expect(rules.length).toBeGreaterThan(0);
    const byPort = new Map<number, (string | null)[]>();
    for (const rule of rules) {
      expect(rule.from?.length).toBeGreaterThan(0);
      expect(rule.ports?.length).toBeGreaterThan(0);
      for (const { port } of rule.ports ?? []) byPort.set(port, [...(byPort.get(port) ?? []), ...(rule.from ?? []).map(namespaceOnly)]);
    }
    expect(Object.fromEntries(byPort)).toEqual({ [DEFAULT_PORTS['gateway']!]: ['ingress-nginx'], [METRICS_PORT]: ['monitoring'] });
  });

  it('the jobs are not admitted to anything', () => {
    const jobs = workloads.filter((w) => w.kind !== 'Deployment').map(podLabelsOf);
    for (const labels of jobs) for (const policy of applyingTo(labels)) expect(policy.spec.ingress ?? []).toEqual([]);
  });

  it('denies all other ingress by default', () => {
    const deny = policies.find((p) => Object.keys(p.spec.podSelector).length === 0 || isEmpty(p.spec.podSelector));
    expect(deny?.spec.policyTypes).toEqual(['Ingress']);
    expect(deny?.spec.ingress ?? []).toEqual([]);
  });
});

describe('the settings do not trust every private address', () => {
  it('TRUSTED_PROXIES is a placeholder the operator must fill, refused by the gateway until then; never private', () => {
    const settings = ofKind('ConfigMap').find((c) => c.metadata.name === 'vartija-settings')!['data'] as Record<string, string>;
    expect(settings['TRUSTED_PROXIES']).toMatch(/^REPLACE_ME/);
    expect(() => readGatewayConfig({ TRUSTED_PROXIES: settings['TRUSTED_PROXIES'] })).toThrow(/TRUSTED_PROXIES/);
    // The rest of the ConfigMap is what the production configuration accepts.
    const { TRUSTED_PROXIES: _placeholder, ...rest } = settings;
    expect(() => readGatewayConfig({ ...rest, NODE_ENV: 'production', ACTOR_CONTEXT_SECRET: randomBytes(32).toString('base64url') })).not.toThrow();
  });
});

describe('keys and secrets', () => {
  it('a subgraph refuses to start, before touching its database, without its own actor-context key or with one that is not its own', async () => {
    const secret = randomBytes(32).toString('base64url');
    const key = subgraphActorContextKey(secret, 'clients');
    // No database listens there: each refusal below comes from the configuration, before any connection.
    const base = { PATH: process.env['PATH'] ?? '', NODE_ENV: 'production', DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none', CURSOR_SECRET: randomBytes(32).toString('base64url') };
    const refusal = (env: Record<string, string>) => runNode(path.join(REPO, 'dist', info.entries.clients), env).then(
      () => 'started',
      (error: Error) => error.message,
    );
    expect(await refusal(base)).toMatch(/ACTOR_CONTEXT_KEY: is required when NODE_ENV=production/);
    expect(await refusal({ ...base, ACTOR_CONTEXT_KEY: key, ACTOR_CONTEXT_PUBLIC_JWK: '{"kty":"OKP"}' })).toMatch(/ACTOR_CONTEXT_PUBLIC_JWK: is no longer read/);
    expect(await refusal({ ...base, ACTOR_CONTEXT_KEY: 'A'.repeat(43) })).toMatch(/ACTOR_CONTEXT_KEY: is not random/);
    // The gateway's secret handed to every service as the pseudonym key would let each subgraph sign for all.
    expect(await refusal({ ...base, ACTOR_CONTEXT_KEY: key, LOG_PSEUDONYM_KEY: secret })).toMatch(/LOG_PSEUDONYM_KEY is the gateway's ACTOR_CONTEXT_SECRET/);
    expect(await refusal({ ...base, ACTOR_CONTEXT_KEY: key, CURSOR_SECRET: key })).toMatch(/ACTOR_CONTEXT_KEY is the same as CURSOR_SECRET/);
  });

  it('the Secrets in the manifests are placeholders, never keys', () => {
    for (const secret of ofKind('Secret')) {
      for (const [key, value] of Object.entries((secret['stringData'] ?? {}) as Record<string, string>)) {
        expect({ key, placeholder: value.includes('REPLACE_ME') }).toEqual({ key, placeholder: true });
        expect(value).not.toMatch(/"d"\s*:/);
      }
      expect(secret['data']).toBeUndefined();
    }
    expect(readFileSync(path.join(DEPLOY, 'compose.yaml'), 'utf8')).not.toMatch(/"d"\s*:|BEGIN (EC |)PRIVATE KEY/);
  });

  it('node deploy/generate-secrets.mjs makes keys the production configuration accepts and that work together', async () => {
    const out = execFileSync(process.execPath, [path.join(DEPLOY, 'generate-secrets.mjs')], { encoding: 'utf8', env: { PATH: process.env['PATH'] ?? '' } });
    const env = Object.fromEntries(
      out
        .split('\n')
        .filter((line) => /^[A-Z_]+=/.test(line))
        .map((line) => {
          const [, name, value] = /^([A-Z_]+)=(.*)$/.exec(line)!;
          return [name!, value!.replace(/^'(.*)'$/, '$1')];
        }),
    );
    // The gateway's production configuration (OIDC is the operator's).
    const oidc = { OIDC_ISSUER: 'https://login.example.fi', OIDC_AUDIENCE: 'vartija', OIDC_JWKS_URL: 'https://login.example.fi/jwks' };
    expect(() => readGatewayConfig({ ...env, ...oidc, NODE_ENV: 'production' })).not.toThrow();
    expect(parseCursorSecret(env['CURSOR_SECRET']!).length).toBeGreaterThanOrEqual(32);
    expect(env['LOG_PSEUDONYM_KEY']!.length).toBeGreaterThanOrEqual(32);
    // The gateway's actor-context secret and each subgraph's key derived from it (as the kit derives it):
    // a context the gateway signs for a subgraph verifies there, and nowhere else.
    const signer = ActorContextSigner.fromSecret(env['ACTOR_CONTEXT_SECRET']!);
    const subgraphNames = SUBGRAPHS.map((s) => s.name);
    const actor = sampleActor();
    for (const name of subgraphNames) {
      const key = env[`ACTOR_CONTEXT_KEY_${name.toUpperCase()}`]!;
      expect(key).toBe(subgraphActorContextKey(env['ACTOR_CONTEXT_SECRET']!, name));
      for (const other of subgraphNames) {
        const verifier = ActorContextVerifier.fromKey(key, name);
        const verified = verifier.verifyRequest(await signer.sign(actor, '{}', { subgraph: other }), { method: 'POST', body: '{}' });
        if (other === name) await expect(verified).resolves.toMatchObject({ actor });
        else await expect(verified).rejects.toThrow(/signature is not valid/);
        await verifier.close();
      }
    }
    // The audit subgraph's checkpoint key, in production.
    const dir = mkdtempSync(path.join(tmpdir(), 'vartija-checkpoints-'));
    try {
      const checkpoints = await auditCheckpointsFromEnv({ NODE_ENV: 'production', AUDIT_CHECKPOINT_DIR: dir, AUDIT_CHECKPOINT_PRIVATE_JWK: env['AUDIT_CHECKPOINT_PRIVATE_JWK'] });
      expect(checkpoints).toBeTruthy();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    // Database passwords for every login role of roles.sql, safe inside a URL.
    for (const role of ['OWNER', 'GATEWAY', 'CLIENTS', 'SERVICES', 'DOCUMENTS', 'AUDIT', 'RETENTION']) {
      expect(env[`${role}_DB_PASSWORD`]).toMatch(/^[0-9a-f]{48}$/);
      expect(() => readDbConfig({ DATABASE_URL: `postgres://vartija_${role.toLowerCase()}:${env[`${role}_DB_PASSWORD`]}@db:5432/vartija` })).not.toThrow();
    }
    // Every variable compose interpolates is one the generator writes (or the operator's OIDC).
    const interpolated = [...readFileSync(path.join(DEPLOY, 'compose.yaml'), 'utf8').matchAll(/\$\{([A-Z_]+)/g)].map((m) => m[1]!);
    expect([...new Set(interpolated)].filter((name) => !(name in env))).toEqual([]);
  });

  it('--kubernetes prints the Secrets the manifests refer to, with real keys for the placeholders', () => {
    const out = execFileSync(process.execPath, [path.join(DEPLOY, 'generate-secrets.mjs'), '--kubernetes'], { encoding: 'utf8' });
    const generated = parseAllDocuments(out).map((d) => d.toJS() as K8s & { stringData: Record<string, string> });
    for (const secret of generated) {
      const placeholder = ofKind('Secret').find((s) => s.metadata.name === secret.metadata.name);
      expect(Object.keys(secret.stringData).sort()).toEqual(Object.keys((placeholder?.['stringData'] ?? {}) as object).sort());
      for (const value of Object.values(secret.stringData)) expect(value).not.toContain('REPLACE_ME');
    }
    expect(generated.map((s) => s.metadata.name).sort()).toEqual(['vartija-audit-checkpoint', 'vartija-gateway-keys', 'vartija-keys']);
  });
});
