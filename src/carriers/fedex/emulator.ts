// A FedEx emulator: a real HTTP server on 127.0.0.1 that speaks the FedEx OAuth and Track API
// formats, for tests, the demo and benchmarks (no test-framework imports).
//
// It issues tokens (form body with client_id/client_secret, as FedEx requires), serves tracking
// for numbers registered with addShipment (shaped like FedEx's answers: scanEvents newest first,
// ISO times with offsets, "not found" inside a 200), refuses what FedEx refuses with FedEx's error
// body (more than 30 numbers, JSON where a form is required, bad token), and can be told to fail:
// failNext (401/403/429/5xx, Retry-After), setLatency, malformedNext. It counts requests.
// Error codes are FedEx's where the reference names them (NOT.AUTHORIZED.ERROR,
// TRACKING.TRACKINGNUMBER.NOTFOUND/EMPTY, FORBIDDEN.ERROR); the limit code is this emulator's.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../lib/clock.js';

export const FEDEX_EMULATOR_MAX_NUMBERS = 30;

export type FedexEmulatorEvent = {
  /** ISO-8601 with offset, sent as is (FedEx does the same). */
  at: string;
  eventType: string; // OC, PU, AR, DP, OD, DL, DE, DY...
  eventDescription: string;
  exceptionCode?: string;
  exceptionDescription?: string;
  /** FedEx's coarse code; derived from eventType like FedEx does when left out. */
  derivedStatusCode?: string;
  location?: { city?: string; stateOrProvinceCode?: string; postalCode?: string; countryCode?: string };
};

export type FedexEmulatorShipment = {
  events: FedexEmulatorEvent[];
  service?: { type: string; description: string };
  /** ISO-8601 with offset (sent as dateAndTimes ESTIMATED_DELIVERY). */
  estimatedDelivery?: string;
  deliveryAttempts?: number;
};

export type FedexEmulatorFailure = {
  status: number; // 401, 403, 429, 500, 503...
  retryAfter?: number | string;
  times?: number; // default 1
  on?: 'token' | 'track' | 'any'; // default 'any'
};

export type FedexEmulatorOptions = {
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number; // FedEx: 3599
  /** Decides token expiry; share a manual clock with the adapter to test refreshes. */
  clock?: Clock;
  port?: number; // 0 (any free port) by default
  latencyMs?: number;
  /** How many requests state.log keeps (the oldest go first). */
  logLimit?: number;
};

export type FedexEmulatorRequest = { method: string; path: string; headers: Record<string, string>; body: string };

export type FedexEmulatorState = {
  requests: { token: number; track: number; total: number };
  tokensIssued: number;
  /** How many numbers each accepted track request carried, in order. */
  numbersPerTrackRequest: number[];
  log: FedexEmulatorRequest[];
};

export type FedexEmulator = {
  url: string;
  clientId: string;
  clientSecret: string;
  state: FedexEmulatorState;
  addShipment(trackingNumber: string, shipment: FedexEmulatorShipment): void;
  failNext(failure: FedexEmulatorFailure): void;
  malformedNext(options?: { times?: number; on?: 'token' | 'track' }): void;
  setLatency(ms: number): void;
  /** Forget every issued token, as if FedEx revoked them. */
  revokeTokens(): void;
  close(): Promise<void>;
};

type Route = 'token' | 'track' | 'unknown';

export async function startFedexEmulator(options: FedexEmulatorOptions = {}): Promise<FedexEmulator> {
  const clientId = options.clientId ?? 'fedex-emulator-key';
  const clientSecret = options.clientSecret ?? 'fedex-emulator-secret';
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 3599;
  const clock = options.clock ?? systemClock;
  const logLimit = options.logLimit ?? 1000;
  let latencyMs = options.latencyMs ?? 0;

  const state: FedexEmulatorState = { requests: { token: 0, track: 0, total: 0 }, tokensIssued: 0, numbersPerTrackRequest: [], log: [] };
  const tokens = new Map<string, number>(); // token → expiry (ms)
  const shipments = new Map<string, FedexEmulatorShipment>();
  const failures: Array<Required<Pick<FedexEmulatorFailure, 'status' | 'times' | 'on'>> & { retryAfter?: number | string }> = [];
  const malformed: Array<{ times: number; on: 'token' | 'track' }> = [];

  function routeOf(method: string, path: string): Route {
    if (method === 'POST' && path === '/oauth/token') return 'token';
    if (method === 'POST' && path === '/track/v1/trackingnumbers') return 'track';
    return 'unknown';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const path = new URL(req.url ?? '/', 'http://emulator').pathname;
    const route = routeOf(req.method ?? 'GET', path);
    state.requests.total++;
    if (route !== 'unknown') state.requests[route]++;
    state.log.push({ method: req.method ?? '', path, headers: flatHeaders(req), body });
    if (state.log.length > logLimit) state.log.splice(0, state.log.length - logLimit);

    if (latencyMs > 0) await sleep(latencyMs);
    if (res.destroyed) return; // the client gave up waiting

    const failure = takeFailure(route);
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
      return reply(res, failure.status, fedexError(...failureText(failure.status)), headers);
    }
    if (route !== 'unknown' && takeMalformed(route)) return replyRaw(res, 200, '{"transactionId":"x","output":{"completeTrackResults":[{"tracking');

    if (route === 'token') return issueToken(req, body, res);
    if (route === 'track') return serveTracking(req, body, res);
    return reply(res, 404, fedexError('NOT.FOUND.ERROR', 'The resource you requested is no longer available. Please modify your request and try again.'));
  }

  function issueToken(req: IncomingMessage, body: string, res: ServerResponse): void {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return reply(res, 400, fedexError('BAD.REQUEST.ERROR', 'Missing or duplicate parameters. Please modify your request and try again.'));
    }
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials') {
      return reply(res, 400, fedexError('BAD.REQUEST.ERROR', 'Missing or duplicate parameters. Please modify your request and try again.'));
    }
    if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
      return reply(res, 401, fedexError('NOT.AUTHORIZED.ERROR', 'The given client credentials were not valid. Please modify your request and try again.'));
    }
    const token = randomBytes(24).toString('base64url');
    tokens.set(token, clock.now().getTime() + tokenTtlSeconds * 1000);
    state.tokensIssued++;
    reply(res, 200, { access_token: token, token_type: 'bearer', expires_in: tokenTtlSeconds, scope: 'CXS-TP' });
  }

  function serveTracking(req: IncomingMessage, body: string, res: ServerResponse): void {
    const bearer = /^Bearer (.+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const expiresAt = bearer === undefined ? undefined : tokens.get(bearer);
    if (expiresAt === undefined || expiresAt <= clock.now().getTime()) {
      return reply(res, 401, fedexError('NOT.AUTHORIZED.ERROR', 'Access token expired. Please modify your request and try again.'));
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return reply(res, 415, fedexError('UNSUPPORTED.MEDIA.TYPE', 'The media type you requested is not supported. Please modify your request and try again.'));
    }
    const request = parseTrackRequest(body);
    if (request === null) return reply(res, 400, fedexError('INVALID.INPUT.EXCEPTION', 'Invalid field value in the input'));
    if (request.numbers.length === 0) return reply(res, 400, fedexError('TRACKING.TRACKINGNUMBER.EMPTY', 'Please provide tracking number.'));
    if (request.numbers.length > FEDEX_EMULATOR_MAX_NUMBERS) {
      return reply(res, 400, fedexError('TRACKING.TRACKINGNUMBER.LIMITEXCEEDED', `Please limit the number of tracking numbers to ${FEDEX_EMULATOR_MAX_NUMBERS} per request.`));
    }
    state.numbersPerTrackRequest.push(request.numbers.length);
    const results = request.numbers.map((n) => {
      const shipment = shipments.get(n.toUpperCase());
      return shipment ? renderCompleteResult(n, shipment, request.detailedScans) : renderNotFound(n);
    });
    const anyMissing = request.numbers.some((n) => !shipments.has(n.toUpperCase()));
    const transaction = req.headers['x-customer-transaction-id'];
    reply(res, 200, {
      transactionId: randomUUID(),
      ...(typeof transaction === 'string' ? { customerTransactionId: transaction } : {}),
      output: { completeTrackResults: results, ...(anyMissing ? { alerts: 'TRACKING.DATA.NOTFOUND -  Tracking data unavailable' } : {}) },
    });
  }

  function takeFailure(route: Route) {
    const index = failures.findIndex((f) => f.on === 'any' || f.on === route);
    if (index === -1) return undefined;
    const failure = failures[index]!;
    if (--failure.times <= 0) failures.splice(index, 1);
    return failure;
  }

  function takeMalformed(route: 'token' | 'track'): boolean {
    const index = malformed.findIndex((m) => m.on === route);
    if (index === -1) return false;
    if (--malformed[index]!.times <= 0) malformed.splice(index, 1);
    return true;
  }

  const server = createServer((req, res) => {
    res.on('error', () => {}); // a client that hung up is not the emulator's problem
    handle(req, res).catch(() => {
      if (!res.headersSent && !res.destroyed) reply(res, 500, fedexError(...failureText(500)));
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    clientId,
    clientSecret,
    state,
    addShipment: (trackingNumber, shipment) => {
      shipment.events.forEach((e) => checkIso(e.at));
      shipments.set(trackingNumber.toUpperCase(), shipment);
    },
    failNext: (failure) => void failures.push({ status: failure.status, retryAfter: failure.retryAfter, times: failure.times ?? 1, on: failure.on ?? 'any' }),
    malformedNext: (opts = {}) => void malformed.push({ times: opts.times ?? 1, on: opts.on ?? 'track' }),
    setLatency: (ms) => void (latencyMs = ms),
    revokeTokens: () => tokens.clear(),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function parseTrackRequest(body: string): { numbers: string[]; detailedScans: boolean } | null {
  try {
    const json = JSON.parse(body) as { includeDetailedScans?: unknown; trackingInfo?: unknown };
    if (!Array.isArray(json.trackingInfo)) return { numbers: [], detailedScans: false };
    const numbers = json.trackingInfo.map((info: { trackingNumberInfo?: { trackingNumber?: unknown } }) => info?.trackingNumberInfo?.trackingNumber);
    if (!numbers.every((n): n is string => typeof n === 'string' && n.length > 0)) return null;
    return { numbers, detailedScans: json.includeDetailedScans === true };
  } catch {
    return null;
  }
}

// ---------------------------------------------------------------------------------------------
// FedEx's shapes

// FedEx's coarse derived codes: most movement comes back as IT (see the carrier reference).
const DERIVED: Record<string, [string, string]> = {
  OC: ['IN', 'Label created'],
  PU: ['PU', 'Picked up'],
  DL: ['DL', 'Delivered'],
  DE: ['DE', 'Delivery exception'],
  DY: ['DY', 'Delay'],
};

/** One completeTrackResults entry, shaped like FedEx's answer; scans only with includeDetailedScans. */
export function renderCompleteResult(trackingNumber: string, shipment: FedexEmulatorShipment, detailedScans = true): unknown {
  const scans = [...shipment.events].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).map(renderScan);
  const newest = scans[0];
  const delivered = newest?.eventType === 'DL';
  const pickup = scans.find((s) => s.eventType === 'PU');
  const dateAndTimes = [
    ...(delivered ? [{ type: 'ACTUAL_DELIVERY', dateTime: newest.date }] : []),
    ...(shipment.estimatedDelivery && !delivered ? [{ type: 'ESTIMATED_DELIVERY', dateTime: shipment.estimatedDelivery }] : []),
    ...(pickup ? [{ type: 'ACTUAL_PICKUP', dateTime: pickup.date }] : []),
  ];
  return {
    trackingNumber,
    trackResults: [
      {
        trackingNumberInfo: { trackingNumber, trackingNumberUniqueId: `2460425000~${trackingNumber}~FX`, carrierCode: 'FDXE' },
        additionalTrackingInfo: { nickname: '', hasAssociatedShipments: false },
        latestStatusDetail: newest
          ? { code: newest.eventType, derivedCode: newest.derivedStatusCode, statusByLocale: newest.derivedStatus, description: newest.eventDescription, scanLocation: newest.scanLocation }
          : undefined,
        dateAndTimes,
        deliveryDetails: { deliveryAttempts: String(shipment.deliveryAttempts ?? 0), deliveryOptionEligibilityDetails: [] },
        serviceDetail: {
          type: shipment.service?.type ?? 'FEDEX_GROUND',
          description: shipment.service?.description ?? 'FedEx Ground',
          shortDescription: 'FG',
        },
        ...(detailedScans ? { scanEvents: scans } : {}),
        availableImages: [],
        specialHandlings: [],
        estimatedDeliveryTimeWindow: { window: {} },
        goodsClassificationCode: '',
        returnDetail: {},
      },
    ],
  };
}

function renderScan(event: FedexEmulatorEvent) {
  const [derivedCode, derivedStatus] = DERIVED[event.eventType] ?? ['IT', 'In transit'];
  return {
    date: event.at,
    eventType: event.eventType,
    eventDescription: event.eventDescription,
    exceptionCode: event.exceptionCode ?? '',
    exceptionDescription: event.exceptionDescription ?? '',
    scanLocation: { streetLines: [''], ...event.location, residential: false },
    derivedStatusCode: event.derivedStatusCode ?? derivedCode,
    derivedStatus,
  };
}

function renderNotFound(trackingNumber: string) {
  return {
    trackingNumber,
    trackResults: [
      {
        trackingNumberInfo: { trackingNumber, trackingNumberUniqueId: '', carrierCode: '' },
        error: {
          code: 'TRACKING.TRACKINGNUMBER.NOTFOUND',
          message: 'Tracking number cannot be found. Please correct the tracking number and try again.',
        },
      },
    ],
  };
}

function checkIso(iso: string): void {
  if (!/(Z|[+-]\d{2}:\d{2})$/.test(iso) || !Number.isFinite(Date.parse(iso))) {
    throw new TypeError(`FedEx emulator: "${iso}" is not an ISO-8601 time with an offset`);
  }
}

const fedexError = (code: string, message: string) => ({ transactionId: randomUUID(), errors: [{ code, message }] });

function failureText(status: number): [string, string] {
  if (status === 401) return ['NOT.AUTHORIZED.ERROR', 'Access token expired. Please modify your request and try again.'];
  if (status === 403) return ['FORBIDDEN.ERROR', 'We could not authorize your credentials. Please check your permissions and try again.'];
  if (status === 429) return ['TOO.MANY.REQUESTS.ERROR', 'We have received too many requests in a short duration. Please wait a while to try again.'];
  if (status === 503) return ['SERVICE.UNAVAILABLE.ERROR', 'The service is currently unavailable and we are working to resolve the issue. Please check back at a later time.'];
  if (status >= 500) return ['INTERNAL.SERVER.ERROR', 'We encountered an unexpected error and are working to resolve the issue. Please check back at a later time.'];
  return ['BAD.REQUEST.ERROR', 'The request could not be processed.'];
}

// ---------------------------------------------------------------------------------------------
// Plumbing

function reply(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  replyRaw(res, status, JSON.stringify(body), headers);
}

function replyRaw(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function flatHeaders(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, Array.isArray(value) ? value.join(', ') : (value ?? '')]));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
