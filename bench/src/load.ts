import autocannon from 'autocannon';

export interface LoadOptions {
  url: string;
  headers: Record<string, string>;
  /** Request bodies, sent in rotation. */
  bodies: string[];
  connections: number;
  durationSeconds: number;
}

export interface LoadResult {
  requests: number;
  seconds: number;
  /** Completed requests per second. */
  rps: number;
  latencyMs: { mean: number; p50: number; p95: number; p99: number; max: number };
  non2xx: number;
  /** Responses with a GraphQL `errors` member (a 200 can carry them). */
  graphqlErrors: number;
  firstError: string | null;
  timeouts: number;
  socketErrors: number;
  meanResponseBytes: number;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** A bounded load on loopback with autocannon: `connections` concurrent keep-alive connections for `durationSeconds`. */
export function runLoad(options: LoadOptions): Promise<LoadResult> {
  let latencies = new Float64Array(1 << 16);
  let count = 0;
  let bytes = 0;
  let graphqlErrors = 0;
  let firstError: string | null = null;
  let next = 0;
  const bodies = options.bodies;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        duration: options.durationSeconds,
        timeout: 30,
        headers: { 'content-type': 'application/json', ...options.headers },
        requests: [
          {
            method: 'POST',
            setupRequest: (request) => {
              request.body = bodies[next++ % bodies.length]!;
              return request;
            },
            onResponse: (_status: number, body: string) => {
              if (body.includes('"errors"')) {
                graphqlErrors += 1;
                firstError ??= body.slice(0, 600);
              }
            },
          },
        ],
      },
      (error, result) => {
        if (error) return reject(error);
        const seconds = (performance.now() - started) / 1000;
        const sorted = latencies.subarray(0, count).sort();
        let sum = 0;
        for (const value of sorted) sum += value;
        resolve({
          requests: count,
          seconds: Math.min(seconds, options.durationSeconds + 0.5),
          rps: count / options.durationSeconds,
          latencyMs: {
            mean: sum / Math.max(1, count),
            p50: percentile(sorted, 50),
            p95: percentile(sorted, 95),
            p99: percentile(sorted, 99),
            max: sorted.length ? sorted[sorted.length - 1]! : NaN,
          },
          non2xx: result.non2xx,
          graphqlErrors,
          firstError,
          timeouts: result.timeouts,
          socketErrors: result.errors,
          meanResponseBytes: bytes / Math.max(1, count),
        });
      },
    );
    instance.on('response', (_client: unknown, _status: number, resBytes: number, responseTime: number) => {
      if (count === latencies.length) {
        const grown = new Float64Array(latencies.length * 2);
        grown.set(latencies);
        latencies = grown;
      }
      latencies[count++] = responseTime;
      bytes += resBytes;
    });
  });
}
