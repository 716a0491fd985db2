import { performance } from 'node:perf_hooks';
import { Ability } from '@casl/ability';
import { Authenticator } from '@vartija/gateway';
import { ActorContextSigner, ActorContextVerifier, AuditRecorder, DbAuditSink } from '@vartija/kit';

/**
 * Per-phase timings for the profile run: wraps the prototype methods of the security layer's
 * classes in the benchmark's own process (the product's code is unchanged and unaware). Wall time
 * per call; for the async ones that includes waiting (the database, the chain lock).
 */
export type Instrumentation = Record<string, { calls: number; ms: number; items?: number }>;

type AnyFn = (...args: unknown[]) => unknown;

export function installInstrumentation(): () => Instrumentation {
  const stats: Instrumentation = {};
  const slot = (name: string) => (stats[name] ??= { calls: 0, ms: 0 });

  const wrapAsync = (proto: object, method: string, name: string, items?: (args: unknown[]) => number) => {
    const target = proto as Record<string, AnyFn>;
    const original = target[method]!;
    target[method] = async function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return await original.apply(this, args);
      } finally {
        const s = slot(name);
        s.calls += 1;
        s.ms += performance.now() - start;
        if (items) s.items = (s.items ?? 0) + items(args);
      }
    };
  };
  const wrapSync = (proto: object, method: string, name: string) => {
    const target = proto as Record<string, AnyFn>;
    const original = target[method]!;
    target[method] = function (this: unknown, ...args: unknown[]) {
      const start = performance.now();
      try {
        return original.apply(this, args);
      } finally {
        const s = slot(name);
        s.calls += 1;
        s.ms += performance.now() - start;
      }
    };
  };

  wrapAsync(Authenticator.prototype, 'authenticate', 'gateway: authenticate (staff JWS verify, grants, partner token)');
  wrapAsync(ActorContextSigner.prototype, 'sign', 'gateway: sign actor context per fetch (HS256 JWS)');
  wrapAsync(ActorContextVerifier.prototype, 'verify', 'subgraph: verify actor context (HS256 JWS + body digest + zod + replay cache)');
  wrapSync(Ability.prototype, 'can', 'CASL: ability.can (field checks)');
  wrapSync(AuditRecorder.prototype, 'record', 'audit: recorder.record (per sensitive field value)');
  wrapAsync(DbAuditSink.prototype, 'write', 'audit: DbAuditSink.write (lock chain head, hash, INSERT, UPDATE)', (args) =>
    Array.isArray(args[0]) ? args[0].length : 0,
  );
  return () => JSON.parse(JSON.stringify(stats)) as Instrumentation;
}
