// The skeleton the UPS and FedEx emulators share: an OAuth token route and a track route on the
// emulator server (./emulator-kit.ts), with request counts, failNext / malformedNext per route,
// tokens issued on the emulator's clock, and revocation. Each emulator brings its paths, its checks
// of a token request, its error body and its payloads.
import { systemClock, type Clock } from '../lib/clock.js';
import {
  bearerTokens,
  injectionQueue,
  jsonAnswer,
  limitEnforcer,
  retryAfterHeader,
  startEmulatorServer,
  timedFailures,
  type EmulatorAnswer,
  type EmulatorLimits,
  type EmulatorRequest,
  type LimitEnforcer,
  type RecordedRequest,
} from './emulator-kit.js';

/** `label`: the carrier's shipping (label) API, for emulators that speak it. */
export type OAuthEmulatorRoute = 'token' | 'track' | 'label';

export type OAuthEmulatorOptions = {
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number;
  /** Decides token expiry; share a manual clock with the adapter to test refreshes. */
  clock?: Clock;
  port?: number; // 0 (any free port) by default
  latencyMs?: number;
  /** How many requests state.log keeps (the oldest go first). */
  logLimit?: number;
  /** The carrier's published limits, enforced on track (and other API) requests: 429 and a counted violation beyond them. */
  limits?: EmulatorLimits;
};

export type OAuthEmulatorFailure = {
  status: number; // 401, 403, 429, 500, 503...
  retryAfter?: number | string;
  times?: number; // default 1
  on?: OAuthEmulatorRoute | 'any'; // default 'any'
};

export type OAuthEmulatorState = {
  /** Label requests are counted by the emulator's label book, not here. */
  requests: { token: number; track: number; total: number };
  tokensIssued: number;
  /** Method, path, query, headers, body and the status each request was answered with. */
  log: RecordedRequest[];
  /** Requests refused for breaking `limits` (a well-behaved client causes none). */
  violations: LimitEnforcer['violations'];
};

export type OAuthEmulator = {
  url: string;
  clientId: string;
  clientSecret: string;
  state: OAuthEmulatorState;
  failNext(failure: OAuthEmulatorFailure): void;
  /** Answers `status` to every request (of `on`) from now for `durationMs` on the emulator's clock: an outage. */
  failFor(failure: { status: number; durationMs: number; retryAfter?: number; on?: OAuthEmulatorRoute | 'any' }): void;
  malformedNext(options?: { times?: number; on?: OAuthEmulatorRoute }): void;
  setLatency(ms: number): void;
  /** Forget every issued token, as if the carrier revoked them. */
  revokeTokens(): void;
  close(): Promise<void>;
};

/** What a carrier's emulator brings to the skeleton. */
export type OAuthEmulatorCarrier = {
  defaults: { clientId: string; clientSecret: string; tokenTtlSeconds: number };
  routeOf(method: string, path: string): OAuthEmulatorRoute | undefined;
  /** The carrier's refusal of a token request (wrong content type, credentials, grant), or undefined to issue one. */
  refuseToken(request: EmulatorRequest, client: { clientId: string; clientSecret: string }): EmulatorAnswer | undefined;
  /** The 200 body announcing a new token. */
  tokenBody(issued: { token: string; issuedAt: number; ttlSeconds: number; clientId: string }): unknown;
  /** Answers a track request; `authorized` says whether its bearer token is known and alive. */
  track(request: EmulatorRequest, authorized: (authorization: string | undefined) => boolean): EmulatorAnswer;
  /** Answers a label request (ship, void, recover), when routeOf names one. */
  label?(request: EmulatorRequest, authorized: (authorization: string | undefined) => boolean): EmulatorAnswer | Promise<EmulatorAnswer>;
  /** Answers a path the emulator does not serve. */
  unknown(request: EmulatorRequest): EmulatorAnswer;
  /**
   * Another API of the carrier (e.g. UPS Track Alert subscriptions): an answer, or undefined for
   * "not mine". It is counted against `limits` like a track request.
   */
  extra?(request: EmulatorRequest, authorized: (authorization: string | undefined) => boolean): EmulatorAnswer | undefined;
  /** Whether `extra` serves this request (so limits and outages apply before it runs). */
  isExtra?(method: string, path: string): boolean;
  /** The carrier's error body for a failNext status, and for the emulator's own failure (500). */
  failureBody(status: number): unknown;
  /** A 200 body cut short, served by malformedNext. */
  truncatedBody: string;
};

/** Starts the emulator; `extraState` (e.g. FedEx's numbersPerTrackRequest) joins `state` for the carrier to fill. */
export async function startOAuthEmulator<X extends object = object>(
  carrier: OAuthEmulatorCarrier,
  options: OAuthEmulatorOptions,
  extraState = {} as X,
): Promise<OAuthEmulator & { state: OAuthEmulatorState & X }> {
  const client = { clientId: options.clientId ?? carrier.defaults.clientId, clientSecret: options.clientSecret ?? carrier.defaults.clientSecret };
  const ttlSeconds = options.tokenTtlSeconds ?? carrier.defaults.tokenTtlSeconds;
  const tokens = bearerTokens<true>(options.clock ?? systemClock);
  const failures = injectionQueue<{ status: number; retryAfter?: number | string; on: OAuthEmulatorRoute | 'any' }>();
  const malformed = injectionQueue<OAuthEmulatorRoute>();
  const clock = options.clock ?? systemClock;
  const outages = timedFailures<OAuthEmulatorRoute>(clock);
  const limiter = limitEnforcer(options.limits ?? {}, clock);
  const authorized = (authorization: string | undefined) => tokens.check(authorization) !== undefined;

  function answer(request: EmulatorRequest): EmulatorAnswer | Promise<EmulatorAnswer> {
    const route = carrier.routeOf(request.method, request.url.pathname);
    const extra = route === undefined && carrier.isExtra?.(request.method, request.url.pathname) === true;
    state.requests.total++;
    if (route === 'token' || route === 'track') state.requests[route]++;
    // An 'any' failure also answers a path the emulator does not serve.
    const failure = failures.take((f) => f.on === 'any' || f.on === route) ?? outages.active(route);
    if (failure) return jsonAnswer(failure.status, carrier.failureBody(failure.status), retryAfterHeader(failure.retryAfter));
    if (route && malformed.take((on) => on === route)) return { status: 200, raw: carrier.truncatedBody };
    if (route === 'track' || extra) {
      const verdict = limiter.admit();
      if (!verdict.ok) return jsonAnswer(429, carrier.failureBody(429), retryAfterHeader(verdict.retryAfterSeconds));
    }
    if (route === 'track') return carrier.track(request, authorized);
    if (route === 'label' && carrier.label) return carrier.label(request, authorized);
    if (extra) return carrier.extra!(request, authorized) ?? carrier.unknown(request);
    if (route !== 'token') return carrier.unknown(request);
    const refusal = carrier.refuseToken(request, client);
    if (refusal) return refusal;
    const { token, issuedAt } = tokens.issue(ttlSeconds, true);
    state.tokensIssued++;
    return jsonAnswer(200, carrier.tokenBody({ token, issuedAt, ttlSeconds, clientId: client.clientId }));
  }

  const server = await startEmulatorServer(
    { port: options.port, latencyMs: options.latencyMs, logLimit: options.logLimit, crashAnswer: () => jsonAnswer(500, carrier.failureBody(500)) },
    answer,
  );
  const state = { requests: { token: 0, track: 0, total: 0 }, tokensIssued: 0, log: server.log, violations: limiter.violations, ...extraState };
  return {
    url: server.url,
    ...client,
    state,
    failNext: (failure) => failures.add({ status: failure.status, retryAfter: failure.retryAfter, on: failure.on ?? 'any' }, failure.times ?? 1),
    failFor: ({ status, durationMs, retryAfter, on }) => {
      const fromMs = clock.now().getTime();
      outages.add({ status, fromMs, untilMs: fromMs + durationMs, retryAfter, on: on ?? 'any' });
    },
    malformedNext: (opts = {}) => malformed.add(opts.on ?? 'track', opts.times ?? 1),
    setLatency: server.setLatency,
    revokeTokens: tokens.revokeAll,
    close: server.close,
  };
}
