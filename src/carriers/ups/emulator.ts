// A UPS emulator: a real HTTP server on 127.0.0.1 that speaks the UPS OAuth and Track API
// formats, for tests, the demo and benchmarks (no test-framework imports).
//
// It issues tokens (Basic auth + form body, as UPS requires), serves tracking for numbers
// registered with addShipment (shaped like UPS's answers: activity newest first, local
// date/time plus GMT fields), refuses what UPS refuses with UPS's error body, and can be told to
// fail: failNext (401/403/429/5xx, Retry-After), setLatency, malformedNext. It counts requests.
// Error codes are UPS's where the reference names them (TV1002, TW0001, VSS002, VSS004, 250002);
// the others (10400, 10401, 10429, 105xx) are this emulator's, in UPS's error shape.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../lib/clock.js';

export type UpsEmulatorActivity = {
  /** ISO-8601 with offset; the emulator writes UPS's local date/time and GMT fields from it. */
  at: string;
  type: string; // M, I, D, X, MV, U
  code: string; // 2-letter code, e.g. 'OR'
  statusCode: string; // 3-digit code, e.g. '005'
  description: string;
  location?: { city?: string; stateProvince?: string; postalCode?: string; countryCode?: string };
  /** Leave out gmtDate/gmtTime/gmtOffset, as many real activities do. */
  localTimeOnly?: boolean;
};

export type UpsEmulatorShipment = {
  activities: UpsEmulatorActivity[];
  /** Scheduled delivery day, YYYY-MM-DD (sent as deliveryDate SDD, end of day). */
  scheduledDelivery?: string;
  service?: string;
};

export type UpsEmulatorFailure = {
  status: number; // 401, 403, 429, 500, 503...
  retryAfter?: number | string;
  times?: number; // default 1
  on?: 'token' | 'track' | 'any'; // default 'any'
};

export type UpsEmulatorOptions = {
  clientId?: string;
  clientSecret?: string;
  tokenTtlSeconds?: number; // UPS: about 4 h
  /** Decides token expiry; share a manual clock with the adapter to test refreshes. */
  clock?: Clock;
  port?: number; // 0 (any free port) by default
  latencyMs?: number;
  /** How many requests state.log keeps (the oldest go first). */
  logLimit?: number;
};

export type UpsEmulatorRequest = { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; body: string };

export type UpsEmulatorState = {
  requests: { token: number; track: number; total: number };
  tokensIssued: number;
  log: UpsEmulatorRequest[];
};

export type UpsEmulator = {
  url: string;
  clientId: string;
  clientSecret: string;
  state: UpsEmulatorState;
  addShipment(trackingNumber: string, shipment: UpsEmulatorShipment): void;
  /** Answer this exact body (200) for a number, e.g. a recorded fixture. */
  setRawResponse(trackingNumber: string, body: unknown): void;
  failNext(failure: UpsEmulatorFailure): void;
  malformedNext(options?: { times?: number; on?: 'token' | 'track' }): void;
  setLatency(ms: number): void;
  /** Forget every issued token, as if UPS revoked them. */
  revokeTokens(): void;
  close(): Promise<void>;
};

type Route = 'token' | 'track' | 'unknown';

export async function startUpsEmulator(options: UpsEmulatorOptions = {}): Promise<UpsEmulator> {
  const clientId = options.clientId ?? 'ups-emulator-client';
  const clientSecret = options.clientSecret ?? 'ups-emulator-secret';
  const tokenTtlSeconds = options.tokenTtlSeconds ?? 14_399;
  const clock = options.clock ?? systemClock;
  const logLimit = options.logLimit ?? 1000;
  let latencyMs = options.latencyMs ?? 0;

  const state: UpsEmulatorState = { requests: { token: 0, track: 0, total: 0 }, tokensIssued: 0, log: [] };
  const tokens = new Map<string, number>(); // token → expiry (ms)
  const shipments = new Map<string, unknown>(); // number → 200 body
  const failures: Array<Required<Pick<UpsEmulatorFailure, 'status' | 'times' | 'on'>> & { retryAfter?: number | string }> = [];
  const malformed: Array<{ times: number; on: 'token' | 'track' }> = [];

  function routeOf(method: string, path: string): Route {
    if (method === 'POST' && path === '/security/v1/oauth/token') return 'token';
    if (method === 'GET' && path.startsWith('/api/track/v1/details/')) return 'track';
    return 'unknown';
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const body = await readBody(req);
    const url = new URL(req.url ?? '/', 'http://emulator');
    const route = routeOf(req.method ?? 'GET', url.pathname);
    state.requests.total++;
    if (route !== 'unknown') state.requests[route]++;
    state.log.push({ method: req.method ?? '', path: url.pathname, query: Object.fromEntries(url.searchParams), headers: flatHeaders(req), body });
    if (state.log.length > logLimit) state.log.splice(0, state.log.length - logLimit);

    if (latencyMs > 0) await sleep(latencyMs);
    if (res.destroyed) return; // the client gave up waiting

    const failure = takeFailure(route);
    if (failure) {
      const headers: Record<string, string> = failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) };
      return reply(res, failure.status, upsError(...failureText(failure.status)), headers);
    }
    if (route !== 'unknown' && takeMalformed(route)) return replyRaw(res, 200, '{"trackResponse":{"shipment":[{"inquiryNumber":"1Z');

    if (route === 'token') return issueToken(req, body, res);
    if (route === 'track') return serveTracking(req, url, res);
    return reply(res, 404, upsError('10404', `No UPS resource at ${req.method} ${url.pathname}`));
  }

  function issueToken(req: IncomingMessage, body: string, res: ServerResponse): void {
    if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
      return reply(res, 400, upsError('10400', 'Invalid/Missing Content-Type: application/x-www-form-urlencoded is required'));
    }
    if (req.headers.authorization !== `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`) {
      return reply(res, 401, upsError('10401', 'ClientId is Invalid'));
    }
    if (new URLSearchParams(body).get('grant_type') !== 'client_credentials') {
      return reply(res, 400, upsError('10400', 'Invalid/Missing grant_type'));
    }
    const token = randomBytes(24).toString('base64url');
    const issuedAt = clock.now().getTime();
    tokens.set(token, issuedAt + tokenTtlSeconds * 1000);
    state.tokensIssued++;
    // UPS sends every value as a string.
    reply(res, 200, {
      token_type: 'Bearer',
      issued_at: String(issuedAt),
      client_id: clientId,
      access_token: token,
      scope: '',
      expires_in: String(tokenTtlSeconds),
      refresh_count: '0',
      status: 'approved',
    });
  }

  function serveTracking(req: IncomingMessage, url: URL, res: ServerResponse): void {
    if (!req.headers.transid) return reply(res, 400, upsError('VSS002', 'Missing transId'));
    if (!req.headers.transactionsrc) return reply(res, 400, upsError('VSS004', 'Missing transactionSrc'));
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    const expiresAt = bearer === undefined ? undefined : tokens.get(bearer);
    if (expiresAt === undefined || expiresAt <= clock.now().getTime()) {
      return reply(res, 401, upsError('250002', 'Invalid Authentication Information.'));
    }
    const inquiryNumber = decodeURIComponent(url.pathname.slice('/api/track/v1/details/'.length));
    if (!/^[A-Za-z0-9]{7,34}$/.test(inquiryNumber)) return reply(res, 400, upsError('TV1002', 'Invalid inquiry number'));
    const known = shipments.get(inquiryNumber.toUpperCase());
    if (known !== undefined) return reply(res, 200, known);
    reply(res, 200, { trackResponse: { shipment: [{ warnings: [{ code: 'TW0001', message: 'Tracking Information Not Found' }] }] } });
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
      if (!res.headersSent && !res.destroyed) reply(res, 500, upsError('10500', 'Emulator failure'));
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
    addShipment: (trackingNumber, shipment) => void shipments.set(trackingNumber.toUpperCase(), renderTrackResponse(trackingNumber, shipment)),
    setRawResponse: (trackingNumber, body) => void shipments.set(trackingNumber.toUpperCase(), body),
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

// ---------------------------------------------------------------------------------------------
// UPS's shapes

/** The 200 body UPS gives for one package: activity newest first, status of the newest on top. */
export function renderTrackResponse(trackingNumber: string, shipment: UpsEmulatorShipment): unknown {
  const activities = [...shipment.activities].sort((a, b) => Date.parse(b.at) - Date.parse(a.at)).map(renderActivity);
  const newest = activities[0];
  const delivered = newest?.status.statusCode === '011';
  const scheduled = shipment.scheduledDelivery?.replaceAll('-', '');
  return {
    trackResponse: {
      shipment: [
        {
          inquiryNumber: trackingNumber,
          package: [
            {
              trackingNumber,
              deliveryDate: delivered ? [{ type: 'DEL', date: newest.date }] : scheduled ? [{ type: 'SDD', date: scheduled }] : [],
              deliveryTime: delivered ? { type: 'DEL', endTime: newest.time } : scheduled ? { type: 'EOD', endTime: '235900' } : undefined,
              currentStatus: newest ? { ...newest.status, simplifiedTextDescription: newest.status.description } : undefined,
              activity: activities,
              service: { code: '003', levelCode: '003', description: shipment.service ?? 'UPS Ground' },
              packageCount: 1,
            },
          ],
        },
      ],
    },
  };
}

function renderActivity(activity: UpsEmulatorActivity) {
  const { localDate, localTime, gmtDate, gmtTime, offset } = splitInstant(activity.at);
  const address = {
    city: activity.location?.city,
    stateProvince: activity.location?.stateProvince,
    postalCode: activity.location?.postalCode ?? '',
    country: activity.location?.countryCode ?? 'US',
    countryCode: activity.location?.countryCode ?? 'US',
  };
  return {
    location: { address, slic: '0000' },
    status: { type: activity.type, code: activity.code, description: `${activity.description} `, statusCode: activity.statusCode },
    date: localDate,
    time: localTime,
    ...(activity.localTimeOnly ? {} : { gmtDate, gmtTime, gmtOffset: offset }),
  };
}

/** "2024-04-24T09:15:19-04:00" → UPS's local date/time and GMT fields. */
function splitInstant(iso: string) {
  const match = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  const instant = Date.parse(iso);
  if (!match || !Number.isFinite(instant)) throw new TypeError(`UPS emulator: "${iso}" is not an ISO-8601 time with an offset`);
  const [, y, mo, d, h, mi, s = '00', zone] = match;
  const gmt = new Date(instant).toISOString(); // 2024-04-24T13:15:19.000Z
  return {
    localDate: `${y}${mo}${d}`,
    localTime: `${h}${mi}${s}`,
    gmtDate: gmt.slice(0, 10).replaceAll('-', ''),
    gmtTime: gmt.slice(11, 19).replaceAll(':', ''),
    offset: zone === 'Z' ? '+00:00' : zone!,
  };
}

const upsError = (code: string, message: string) => ({ response: { errors: [{ code, message }] } });

function failureText(status: number): [string, string] {
  if (status === 401) return ['250002', 'Invalid Authentication Information.'];
  if (status === 403) return ['10403', 'Blocked Merchant'];
  if (status === 429) return ['10429', 'Quota Limit Exceeded'];
  if (status === 503) return ['10503', 'Service Unavailable'];
  if (status >= 500) return [`10${status}`, 'General system failure'];
  return [`10${status}`, 'Request refused'];
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
