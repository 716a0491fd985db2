import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';
import type { AuditAction, AuditEntryInput, AuditOutcome } from '../audit/entry';
import { OPERATION_NAME, UNLISTED_OPERATION } from './operation-names';

/**
 * Distinct operation names one server labels; past this many, `(other)`. Only known names reach a label
 * (operation-names.ts); the cap is the second guard, should the register know very many.
 */
export const MAX_OPERATION_LABELS = 300;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,47}$/;

/** Latency buckets in seconds: a register request is interactive, a slow one is seconds. */
const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const BATCH_BUCKETS = [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000];

export type RateLimitKind = 'partner' | 'staff';

/**
 * The Prometheus metrics of one service (the gateway or one subgraph), in a registry of its own: the
 * test and development stacks run five services in one process, each serving its own `/metrics`.
 * Every series carries `service`. Labels hold operation names, outcomes (`ok` or an error code),
 * subgraph names and access-log actions only: never ids, variables or values.
 */
export class ServiceMetrics {
  readonly registry = new Registry();
  readonly requests: Counter<'route' | 'operation' | 'outcome'>;
  readonly requestDuration: Histogram<'route' | 'operation' | 'outcome'>;
  readonly subgraphFetchDuration: Histogram<'subgraph' | 'outcome'>;
  readonly auditBatchSize: Histogram<'outcome'>;
  readonly auditWriteDuration: Histogram<'outcome'>;
  readonly auditWriteFailures: Counter<string>;
  readonly denied: Counter<'action'>;
  readonly rateLimitRefusals: Counter<'limit'>;
  readonly costRefusals: Counter<string>;
  private readonly operations = new Set<string>();

  constructor(
    readonly service: string,
    options: { processMetrics?: boolean } = {},
  ) {
    const registers = [this.registry];
    this.registry.setDefaultLabels({ service });
    this.requests = new Counter({
      name: 'vartija_http_requests_total',
      help: 'Requests answered, by route (graphql, documents, other), GraphQL operation name and outcome (ok or the first error code).',
      labelNames: ['route', 'operation', 'outcome'],
      registers,
    });
    this.requestDuration = new Histogram({
      name: 'vartija_http_request_duration_seconds',
      help: 'Time from the request to the end of its answer, by route, operation name and outcome.',
      labelNames: ['route', 'operation', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.subgraphFetchDuration = new Histogram({
      name: 'vartija_subgraph_fetch_duration_seconds',
      help: "The gateway's fetches from a subgraph, by subgraph and outcome (ok, or the code the fetch answered with).",
      labelNames: ['subgraph', 'outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.auditBatchSize = new Histogram({
      name: 'vartija_access_log_batch_entries',
      help: "Entries in one request's access-log batch, by outcome of the write (ok, failed).",
      labelNames: ['outcome'],
      buckets: BATCH_BUCKETS,
      registers,
    });
    this.auditWriteDuration = new Histogram({
      name: 'vartija_access_log_write_duration_seconds',
      help: "Time to write one request's access-log batch (group commit wait included), by outcome (ok, failed).",
      labelNames: ['outcome'],
      buckets: LATENCY_BUCKETS,
      registers,
    });
    this.auditWriteFailures = new Counter({
      name: 'vartija_access_log_write_failures_total',
      help: 'Access-log batches that could not be written (the request was answered AUDIT_UNAVAILABLE).',
      registers,
    });
    this.denied = new Counter({
      name: 'vartija_access_denied_total',
      help: 'DENIED entries in the access log (refusals by the policy), by the action refused.',
      labelNames: ['action'],
      registers,
    });
    this.rateLimitRefusals = new Counter({
      name: 'vartija_rate_limit_refusals_total',
      help: 'Requests refused RATE_LIMITED, by limit (partner: an API token, staff: a staff user).',
      labelNames: ['limit'],
      registers,
    });
    this.costRefusals = new Counter({
      name: 'vartija_cost_refusals_total',
      help: 'Operations refused COST_ESTIMATED_TOO_EXPENSIVE (demand control).',
      registers,
    });
    if (options.processMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'vartija_' });
  }

  /**
   * An operation name as a label: the name (one the register knows: the observation holds no other);
   * `(anonymous)` for an operation without one; `(none)` when no operation was resolved and none was
   * stated (refused before parsing, not GraphQL, or refused as not persisted); `(unlisted)`;
   * `(invalid)`; `(other)` past the cap.
   */
  operationLabel(name: string | null | undefined): string {
    if (name === undefined) return '(none)';
    if (name === null || name === '') return '(anonymous)';
    if (name === UNLISTED_OPERATION) return name;
    if (!OPERATION_NAME.test(name)) return '(invalid)';
    if (this.operations.has(name)) return name;
    if (this.operations.size >= MAX_OPERATION_LABELS) return '(other)';
    this.operations.add(name);
    return name;
  }

  observeRequest(route: string, operation: string | null | undefined, outcome: string, seconds: number): void {
    const labels = { route, operation: this.operationLabel(operation), outcome: outcomeLabel(outcome) };
    this.requests.inc(labels);
    this.requestDuration.observe(labels, seconds);
  }

  observeSubgraphFetch(subgraph: string, outcome: string, seconds: number): void {
    this.subgraphFetchDuration.observe({ subgraph, outcome: outcomeLabel(outcome) }, seconds);
  }

  /** One access-log batch written (or not): its size, the write's latency, and the DENIED entries in it. */
  observeAuditWrite(batch: readonly AuditEntryInput[], seconds: number, failed: boolean): void {
    const outcome = failed ? 'failed' : 'ok';
    this.auditBatchSize.observe({ outcome }, batch.length);
    this.auditWriteDuration.observe({ outcome }, seconds);
    if (failed) this.auditWriteFailures.inc();
  }

  /** DENIED entries by the service that recorded them (whether it writes them or returns them to the gateway). */
  observeRecorded(action: AuditAction, outcome: AuditOutcome): void {
    if (outcome === 'DENIED') this.denied.inc({ action });
  }

  rateLimited(limit: RateLimitKind): void {
    this.rateLimitRefusals.inc({ limit });
  }

  costRefused(): void {
    this.costRefusals.inc();
  }

  /** The exposition text for `GET /metrics`. */
  async exposition(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}

/** `ok`, or an error code as such (upper case with underscores); anything else is `ERROR`. */
export function outcomeLabel(outcome: string): string {
  return outcome === 'ok' || ERROR_CODE.test(outcome) ? outcome : 'ERROR';
}
