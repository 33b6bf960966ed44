// Plumbing the carrier emulators share: a JSON HTTP server on loopback with a bounded request log
// and artificial latency, queued one-shot behaviours (failNext, malformedNext) and bearer tokens on
// the emulator's clock. Each emulator keeps its own routes, payloads and error bodies; the two
// skeletons on top are ./oauth-emulator.ts (UPS, FedEx) and ./journey-emulator.ts (USPS, DHL).
// For tests, the demo and benchmarks: no test-framework imports.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../lib/clock.js';

/**
 * What an emulator answers: `body` sent as JSON, or `raw` verbatim (truncated bodies, plain-text 404s).
 * `delayMs` holds this one answer back (a carrier that charged, then answers too late).
 */
export type EmulatorAnswer = { status: number; body?: unknown; raw?: string; contentType?: string; headers?: Record<string, string>; delayMs?: number };

export const jsonAnswer = (status: number, body: unknown, headers?: Record<string, string>): EmulatorAnswer => ({ status, body, ...(headers ? { headers } : {}) });

/** The plain-text 404 of a path the emulator does not serve. */
export const NOT_FOUND_ANSWER: EmulatorAnswer = { status: 404, raw: 'Not Found', contentType: 'text/plain' };

/** A 200 whose JSON body stops halfway, as a broken connection or proxy would leave it. */
export function truncatedAnswer(body: unknown): EmulatorAnswer {
  const text = JSON.stringify(body);
  return { status: 200, raw: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
}

export const retryAfterHeader = (retryAfter: number | string | undefined): Record<string, string> =>
  retryAfter === undefined ? {} : { 'retry-after': String(retryAfter) };

export type RecordedRequest = { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: string; status: number };

/** One request as the emulator's `answer` sees it; `oversized` when the body passed maxBodyBytes (it is then ''). */
export type EmulatorRequest = { req: IncomingMessage; method: string; url: URL; body: string; oversized: boolean };

export type EmulatorServerOptions = {
  host?: string; // default 127.0.0.1
  port?: number; // default 0: any free port
  latencyMs?: number;
  logLimit?: number; // how many requests the log keeps, the latest ones; default 1000
  maxBodyBytes?: number; // default: no limit
  /** Headers sent with every answer, e.g. DHL's content-language. */
  headers?: Record<string, string>;
  /** What to answer when the emulator itself throws; default a bare 500. */
  crashAnswer?: () => EmulatorAnswer;
};

export type EmulatorServer = {
  url: string;
  /** The latest requests, oldest first, each with the status it was answered with. */
  log: RecordedRequest[];
  setLatency(ms: number): void;
  close(): Promise<void>;
};

/**
 * Starts the server. Each request is read whole, answered by `answer`, logged, held for the
 * current latency, then written (unless the client gave up waiting).
 */
export async function startEmulatorServer(options: EmulatorServerOptions, answer: (request: EmulatorRequest) => EmulatorAnswer | Promise<EmulatorAnswer>): Promise<EmulatorServer> {
  const log: RecordedRequest[] = [];
  const logLimit = options.logLimit ?? 1000;
  const timers = new Set<NodeJS.Timeout>();
  let latencyMs = options.latencyMs ?? 0;
  const write = (res: ServerResponse, result: EmulatorAnswer) => writeAnswer(res, result, options.headers);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { body, oversized } = await readBody(req, options.maxBodyBytes ?? Number.POSITIVE_INFINITY);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const method = req.method ?? 'GET';
    const result = await answer({ req, method, url, body, oversized });
    log.push({ method, path: url.pathname, query: Object.fromEntries(url.searchParams), headers: flatHeaders(req), body, status: result.status });
    if (log.length > logLimit) log.splice(0, log.length - logLimit);
    if (latencyMs > 0) await sleep(latencyMs, timers);
    if (result.delayMs) await sleep(result.delayMs, timers);
    write(res, result);
  }

  const server = createServer((req, res) => {
    res.on('error', () => {}); // a client that hung up is not the emulator's problem
    handle(req, res).catch(() => {
      if (!res.headersSent) write(res, options.crashAnswer?.() ?? { status: 500, raw: '' });
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;

  return {
    url: `http://${address}:${port}`,
    log,
    setLatency: (ms) => void (latencyMs = ms),
    close() {
      for (const timer of timers) clearTimeout(timer); // answers still held back are never sent
      timers.clear();
      return new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function writeAnswer(res: ServerResponse, result: EmulatorAnswer, common: Record<string, string> = {}): void {
  if (res.destroyed) return;
  const payload = result.raw ?? JSON.stringify(result.body);
  res.writeHead(result.status, { 'content-type': result.contentType ?? 'application/json', 'content-length': Buffer.byteLength(payload), ...common, ...result.headers });
  res.end(payload);
}

function readBody(req: IncomingMessage, maxBytes: number): Promise<{ body: string; oversized: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= maxBytes) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > maxBytes ? { body: '', oversized: true } : { body: Buffer.concat(chunks).toString('utf8'), oversized: false }));
    req.on('error', reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
}

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timer.unref();
    timers.add(timer);
  });
}

// ---------------------------------------------------------------------------------------------
// Queued behaviours, tokens, events

export type InjectionQueue<T> = {
  /** Queues `value` for the next `times` requests it matches. */
  add(value: T, times?: number): void;
  /** The oldest queued value that `matches` accepts, counted as used once. */
  take(matches?: (value: T) => boolean): T | undefined;
};

/** One-shot behaviours queued by failNext / malformedNext, served oldest first. */
export function injectionQueue<T>(): InjectionQueue<T> {
  const queue: Array<{ value: T; times: number }> = [];
  return {
    add: (value, times = 1) => void queue.push({ value, times }),
    take(matches = () => true) {
      const index = queue.findIndex((entry) => matches(entry.value));
      if (index === -1) return undefined;
      const entry = queue[index]!;
      if (--entry.times <= 0) queue.splice(index, 1);
      return entry.value;
    },
  };
}

export type BearerTokens<G> = {
  /** Issues a token that lives `lifetimeSeconds` on the emulator's clock. */
  issue(lifetimeSeconds: number, grant: G): { token: string; issuedAt: number };
  /** The grant behind an `Authorization: Bearer …` header, if the token is known and alive. */
  check(authorization: string | undefined): G | undefined;
  /** Forgets every token, as if the carrier revoked them. */
  revokeAll(): void;
};

export function bearerTokens<G>(clock: Clock): BearerTokens<G> {
  const grants = new Map<string, { grant: G; expiresAt: number }>();
  return {
    issue(lifetimeSeconds, grant) {
      const issuedAt = clock.now().getTime();
      for (const [token, entry] of grants) if (entry.expiresAt <= issuedAt) grants.delete(token); // stay small in long runs
      const token = randomBytes(24).toString('base64url');
      grants.set(token, { grant, expiresAt: issuedAt + lifetimeSeconds * 1000 });
      return { token, issuedAt };
    },
    check(authorization) {
      const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
      const entry = token === undefined ? undefined : grants.get(token);
      return entry && entry.expiresAt > clock.now().getTime() ? entry.grant : undefined;
    },
    revokeAll: () => grants.clear(),
  };
}

/** Events newest first, as carriers list them. */
export const newestFirst = <E extends { at: string | Date }>(events: readonly E[]): E[] =>
  [...events].sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime());

// ---------------------------------------------------------------------------------------------
// Published limits, enforced: request rates over sliding windows and a daily quota (00:00 UTC)

export type EmulatorLimits = {
  /** At most `limit` requests in any `windowSeconds`-long stretch, e.g. FedEx's 1,400 per 10 s. */
  rate?: ReadonlyArray<{ limit: number; windowSeconds: number }>;
  /** Requests accepted per UTC day. */
  dailyQuota?: number;
};

export type LimitVerdict = { ok: true } | { ok: false; kind: 'rate' | 'quota'; retryAfterSeconds: number };

export type LimitEnforcer = {
  /** Judges one request arriving now; a refused one is counted as a violation and not as a request. */
  admit(): LimitVerdict;
  /** Requests refused because they broke a limit. */
  readonly violations: { rate: number; quota: number };
  /** Requests accepted today. */
  usedToday(): number;
  /** Forgets today's count (the quota), as at 00:00 UTC. */
  resetQuota(): void;
};

/** Counts every arrival against the limits, on the emulator's clock. */
export function limitEnforcer(limits: EmulatorLimits, clock: Clock): LimitEnforcer {
  const windows = limits.rate ?? [];
  const longestMs = Math.max(0, ...windows.map((w) => w.windowSeconds * 1000));
  let arrivals: number[] = [];
  let day = '';
  let used = 0;
  const violations = { rate: 0, quota: 0 };
  return {
    violations,
    usedToday: () => used,
    resetQuota: () => void (used = 0),
    admit() {
      const now = clock.now().getTime();
      const today = new Date(now).toISOString().slice(0, 10);
      if (today !== day) {
        day = today;
        used = 0;
      }
      if (limits.dailyQuota !== undefined && used >= limits.dailyQuota) {
        violations.quota++;
        const midnight = Date.parse(`${today}T00:00:00Z`) + 86_400_000;
        return { ok: false, kind: 'quota', retryAfterSeconds: Math.ceil((midnight - now) / 1000) };
      }
      for (const { limit, windowSeconds } of windows) {
        const inWindow = arrivals.filter((at) => at > now - windowSeconds * 1000);
        if (inWindow.length >= limit) {
          violations.rate++;
          const freedAt = inWindow[inWindow.length - limit]! + windowSeconds * 1000;
          return { ok: false, kind: 'rate', retryAfterSeconds: Math.max(1, Math.ceil((freedAt - now) / 1000)) };
        }
      }
      arrivals = arrivals.filter((at) => at > now - longestMs);
      arrivals.push(now);
      used++;
      return { ok: true };
    },
  };
}

/** Failures for a stretch of time ("answer 503 for the next hour"), on the emulator's clock. */
export type TimedFailure<R extends string> = { status: number; fromMs: number; untilMs: number; retryAfter?: number; on?: R | 'any' };

export function timedFailures<R extends string>(clock: Clock) {
  const windows: TimedFailure<R>[] = [];
  return {
    add: (failure: TimedFailure<R>) => void windows.push(failure),
    /** The failure in force now for this route, if any. */
    active(route: R | undefined): TimedFailure<R> | undefined {
      const now = clock.now().getTime();
      return windows.find((w) => w.fromMs <= now && now < w.untilMs && (w.on === undefined || w.on === 'any' || w.on === route));
    },
    clear: () => void (windows.length = 0),
  };
}
