import type http from 'node:http';
import { type Context, context, propagation, ROOT_CONTEXT, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BatchSpanProcessor,
  ConsoleSpanExporter,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type Span as SdkSpan,
  type SpanExporter,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { currentObservation } from './observation';
import { UNLISTED_OPERATION } from './operation-names';

export type TracesMode = 'none' | 'console';

export interface Tracing {
  provider: NodeTracerProvider;
  /** Ends the export and unregisters the provider (spans are no longer recorded). */
  shutdown(): Promise<void>;
}

/**
 * Registers a tracer provider for the process: spans of the services (one per request) and of
 * @apollo/gateway (request, plan, fetch), with W3C `traceparent` propagation only (no baggage:
 * nothing a client sends travels further). `simple` exports each span as it ends (tests, console);
 * otherwise spans are batched. Span attributes name the service, the operation, the status and the
 * outcome, never variables, ids or tokens.
 */
export function registerTracing(exporter: SpanExporter, options: { simple?: boolean } = {}): Tracing {
  const processor = new KnownOperationNameAttributes(options.simple ? new SimpleSpanProcessor(exporter) : new BatchSpanProcessor(exporter));
  const provider = new NodeTracerProvider({ spanProcessors: [processor] });
  provider.register({ propagator: new W3CTraceContextPropagator() });
  return {
    provider,
    async shutdown() {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

/** The attributes in which @apollo/gateway's spans (gateway.request, gateway.plan) name the client's operation. */
const OPERATION_NAME_ATTRIBUTES = ['graphql.operation.name', 'operationName'] as const;

/**
 * @apollo/gateway names the operation in its spans as the client wrote it; a caller can name an
 * operation after a person. Its spans start inside a request (the observation is current): each such
 * attribute is set to the name the request's observation holds (a known name, `(unlisted)`,
 * `(anonymous)`), and outside a request to `(unlisted)`. The services' own server spans (they carry
 * `vartija.service`) are labelled as the metrics are and pass as they are.
 */
class KnownOperationNameAttributes implements SpanProcessor {
  private readonly allowed = new WeakMap<object, string>();

  constructor(private readonly next: SpanProcessor) {}

  onStart(span: SdkSpan, parent: Context): void {
    if (span.attributes['vartija.service'] === undefined && OPERATION_NAME_ATTRIBUTES.some((key) => span.attributes[key] !== undefined)) {
      const observed = currentObservation()?.operationName;
      const name = observed === undefined ? UNLISTED_OPERATION : (observed ?? '(anonymous)');
      this.allowed.set(span, name);
      for (const key of OPERATION_NAME_ATTRIBUTES) if (span.attributes[key] !== undefined) span.setAttribute(key, name);
    }
    this.next.onStart(span, parent);
  }

  onEnd(span: ReadableSpan): void {
    if (span.attributes['vartija.service'] === undefined) {
      // Set after the start (not by @apollo/gateway 2.x): the name allowed at the start, else unlisted.
      const name = this.allowed.get(span) ?? UNLISTED_OPERATION;
      const attributes = span.attributes as Record<string, unknown>;
      for (const key of OPERATION_NAME_ATTRIBUTES) if (attributes[key] !== undefined && attributes[key] !== name) attributes[key] = name;
    }
    this.next.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.next.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.next.shutdown();
  }
}

/** OTEL_TRACES: `console` prints each span as it ends; `none` registers nothing (the API's no-op tracer). */
export function tracingFromConfig(mode: TracesMode): Tracing | null {
  return mode === 'console' ? registerTracing(new ConsoleSpanExporter(), { simple: true }) : null;
}

/** For tests: spans kept in memory, read with `exporter.getFinishedSpans()`. */
export function registerInMemoryTracing(): Tracing & { exporter: InMemorySpanExporter } {
  const exporter = new InMemorySpanExporter();
  return { exporter, ...registerTracing(exporter, { simple: true }) };
}

const tracer = () => trace.getTracer('vartija');

/**
 * The server span of one request, a child of the caller's `traceparent` when `acceptParent` (a
 * subgraph called by the gateway, or a gateway behind a trusted proxy); otherwise a new trace.
 */
export function startServerSpan(service: string, req: http.IncomingMessage, acceptParent: boolean): { span: Span; context: Context } {
  const parent = acceptParent ? propagation.extract(ROOT_CONTEXT, req.headers) : ROOT_CONTEXT;
  const span = tracer().startSpan(
    `${service} ${(req.method ?? 'GET').toUpperCase()}`,
    { kind: SpanKind.SERVER, attributes: { 'vartija.service': service, 'http.request.method': (req.method ?? 'GET').toUpperCase() } },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

/** Ends a server span with what may be said about the request: route, operation name, status, outcome. */
export function endServerSpan(span: Span, done: { route: string; operation: string; status: number; outcome: string }): void {
  span.setAttributes({
    'vartija.route': done.route,
    'graphql.operation.name': done.operation,
    'http.response.status_code': done.status,
    'vartija.outcome': done.outcome,
  });
  if (done.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

/** Writes the active trace context (`traceparent`) into outgoing headers: the gateway's subgraph fetches. */
export function injectTraceContext(headers: { set(name: string, value: string): void }): void {
  propagation.inject(context.active(), headers, { set: (carrier, key, value) => carrier.set(key, value) });
}
