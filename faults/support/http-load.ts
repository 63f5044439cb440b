import { Agent, request, type IncomingHttpHeaders, type OutgoingHttpHeaders } from 'node:http';
import { performance } from 'node:perf_hooks';
import { sleep } from '@sessiond/test-utils';

/** One request of a load: `label` groups outcomes in the result line (login, validate, …). */
export interface RequestSpec {
  readonly label: string;
  readonly method: string;
  readonly path: string;
  readonly headers?: OutgoingHttpHeaders;
  readonly body?: string | Buffer;
}

/** What became of one request. Times are `performance.now()` milliseconds of this process. */
export interface Outcome {
  readonly label: string;
  readonly startedAt: number;
  readonly endedAt: number;
  /** HTTP status; 0 when no response came (see `error`). */
  readonly status: number;
  /** The problem `code` of an error response, when the body had one. */
  readonly code: string | undefined;
  /** The parsed body of a JSON response. */
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  /** Why no response came: `timeout` (the client gave up: a hang) or the socket error's code. */
  readonly error: string | undefined;
  /** The request, kept when a case needs to show it (fuzz). */
  readonly spec: RequestSpec;
}

export interface Target {
  readonly port: number;
  readonly agent: Agent;
}

/** A keep-alive agent for `sockets` concurrent requests to 127.0.0.1. */
export function keepAliveAgent(sockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

const MAX_BODY = 256 * 1024;

/**
 * Sends one request and always settles: with the response, or with `error` set. Every request has a
 * client-side timeout, so a server that never answers shows up as `timeout`, not as a stuck test.
 */
export function send(target: Target, spec: RequestSpec, timeoutMs: number): Promise<Outcome> {
  const startedAt = performance.now();
  return new Promise<Outcome>((resolve) => {
    let settled = false;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      req?.destroy(new Error('client timeout'));
    }, timeoutMs);
    const finish = (fields: Partial<Outcome>): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({
        label: spec.label,
        startedAt,
        endedAt: performance.now(),
        status: 0,
        code: undefined,
        body: undefined,
        headers: {},
        error: undefined,
        spec,
        ...fields,
      });
    };
    const failed = (error: unknown): void =>
      finish({ error: timedOut ? 'timeout' : ((error as NodeJS.ErrnoException).code ?? String(error)) });
    let req: ReturnType<typeof request> | undefined;
    try {
      req = request({
        host: '127.0.0.1',
        port: target.port,
        method: spec.method,
        path: spec.path,
        // Node frames a GET, HEAD or DELETE body with neither Content-Length nor chunking: say its length.
        headers:
          spec.body === undefined
            ? spec.headers
            : { 'Content-Length': Buffer.byteLength(spec.body), ...spec.headers },
        agent: target.agent,
      });
    } catch (error) {
      // Node refused to send it (an invalid header character or method): the case built it wrong.
      finish({ error: `client-refused: ${(error as Error).message}` });
      return;
    }
    req.on('error', failed);
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size <= MAX_BODY) chunks.push(chunk);
      });
      res.on('error', failed);
      res.on('close', () => {
        if (!res.complete) failed(Object.assign(new Error('response cut short'), { code: 'ECONNRESET' }));
      });
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const body = /json/.test(res.headers['content-type'] ?? '') ? parseJson(text) : text;
        const code =
          typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string'
            ? (body as { code: string }).code
            : undefined;
        finish({ status: res.statusCode ?? 0, code, body, headers: res.headers });
      });
    });
    req.end(spec.body);
  });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

export interface LoadOptions {
  readonly port: number;
  /** Workers, each sending its next request as soon as the previous one is answered. */
  readonly concurrency: number;
  /** Client-side timeout of every request (a hang is a failure, counted as `timeout`). */
  readonly timeoutMs: number;
  /** A worker's next request, or undefined when that worker is done. */
  readonly next: (worker: number, sequence: number) => RequestSpec | undefined;
  /** Bound on the whole load; stop() ends it sooner. */
  readonly maxDurationMs: number;
  /** Pause after a request that got no response, so a refused port is not hammered in a tight loop. */
  readonly pauseAfterErrorMs?: number;
}

export interface Load {
  /** Every outcome so far, in the order the answers came. */
  readonly outcomes: Outcome[];
  /** The requests sent and not yet answered (performance.now() of their start). */
  inFlight(): { readonly label: string; readonly startedAt: number }[];
  /** Lets the in-flight requests finish and starts no new one. */
  stop(): void;
  /** Resolves when every worker has stopped. */
  readonly done: Promise<Outcome[]>;
}

/** A bounded loop of concurrent HTTP requests on loopback, over keep-alive connections. */
export function startLoad(options: LoadOptions): Load {
  const agent = keepAliveAgent(options.concurrency);
  const target = { port: options.port, agent };
  const outcomes: Outcome[] = [];
  const pending = new Set<{ readonly label: string; readonly startedAt: number }>();
  const until = performance.now() + options.maxDurationMs;
  let stopped = false;
  const worker = async (index: number): Promise<void> => {
    for (let sequence = 0; !stopped && performance.now() < until; sequence += 1) {
      const spec = options.next(index, sequence);
      if (spec === undefined) return;
      const request = { label: spec.label, startedAt: performance.now() };
      pending.add(request);
      const outcome = await send(target, spec, options.timeoutMs);
      pending.delete(request);
      outcomes.push(outcome);
      if (outcome.status === 0) await sleep(options.pauseAfterErrorMs ?? 20);
    }
  };
  const done = Promise.all(Array.from({ length: options.concurrency }, (_, i) => worker(i))).then(() => {
    agent.destroy();
    return outcomes;
  });
  return {
    outcomes,
    inFlight: () => [...pending],
    stop: () => {
      stopped = true;
    },
    done,
  };
}

/** Runs a load for `durationMs` (or until every worker is done) and returns its outcomes. */
export async function runLoad(options: Omit<LoadOptions, 'maxDurationMs'> & { durationMs: number }) {
  return startLoad({ ...options, maxDurationMs: options.durationMs }).done;
}
