// A stand-in for api-eu.dhl.com's Shipment Tracking – Unified API: a real HTTP server on loopback
// speaking DHL's formats (shipments[] payloads, problem+json errors), for tests, the demo and
// benchmarks. It checks the DHL-API-Key header, can enforce a daily quota, and control methods
// make it fail the way DHL does. Shapes follow the reference fixtures; error texts are reconstructed.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DhlStatusCode } from './status-codes.js';
import { formatAtOffset, formatWallClock, offsetInZone, timeZoneOfCountry } from './time-zones.js';

export type DhlEmulatorOptions = {
  apiKey?: string; // default 'test-api-key'
  dailyQuota?: number; // calls accepted before 429; default unlimited (DHL's starter tier is 250)
  timestamps?: 'local' | 'offset'; // 'local' (default) leaves the offset out, as DHL often does
  host?: string; // default 127.0.0.1
  port?: number; // default 0: any free port
  latencyMs?: number;
  maxRecordedRequests?: number; // `requests` keeps the latest ones; default 1000
};

export type DhlEmulatorAddress = { countryCode?: string; postalCode?: string; addressLocality?: string };

export type DhlEmulatorEvent = {
  statusCode: DhlStatusCode;
  at: string | Date; // the instant it happened
  description: string;
  status?: string; // short title, e.g. 'OUT FOR DELIVERY'
  location?: DhlEmulatorAddress | null;
};

export type DhlEmulatorShipment = {
  events: DhlEmulatorEvent[];
  service?: string; // default 'parcel-de'
  origin?: DhlEmulatorAddress;
  destination?: DhlEmulatorAddress;
  estimatedTimeOfDelivery?: string;
  productName?: string;
  returnFlag?: boolean;
};

export type DhlEmulatorFailure = {
  status: 400 | 401 | 403 | 429 | 500 | 502 | 503;
  retryAfter?: number; // seconds, sent as Retry-After
  times?: number; // default 1
};

export type RecordedRequest = { method: string; path: string; query: Record<string, string>; headers: Record<string, string>; status: number };

export type DhlEmulator = {
  url: string;
  close(): Promise<void>;
  /** Registers (or replaces) a parcel; the emulator builds DHL's payload from its events. */
  addShipment(trackingNumber: string, shipment: DhlEmulatorShipment | DhlEmulatorEvent[]): void;
  /** Appends an event to a registered parcel, as a journey moves on. */
  addEvent(trackingNumber: string, event: DhlEmulatorEvent): void;
  /** Serves this body verbatim with 200 (e.g. a recorded fixture). */
  setResponse(trackingNumber: string, body: unknown): void;
  failNext(failure: DhlEmulatorFailure): void;
  /** The next tracking answers are 200 with a truncated JSON body. */
  malformedNext(times?: number): void;
  setLatency(ms: number): void;
  /** Forgets the calls counted against the daily quota (DHL resets at 00:00 GMT). */
  resetQuota(): void;
  readonly counts: { readonly tracking: number; readonly total: number };
  /** The latest requests (up to `maxRecordedRequests`), oldest first. */
  readonly requests: readonly RecordedRequest[];
  resetCounts(): void;
};

// `raw` is sent verbatim (malformed bodies, plain-text 404s); otherwise `body` is sent as JSON.
type Answer = { status: number; body?: unknown; raw?: string; contentType?: string; headers?: Record<string, string> };
type Entry = { kind: 'journey'; shipment: DhlEmulatorShipment } | { kind: 'raw'; body: unknown };

const TRACKING_PATH = '/track/shipments';
const PROBLEM_JSON = 'application/problem+json';

export async function startDhlEmulator(options: DhlEmulatorOptions = {}): Promise<DhlEmulator> {
  const apiKey = options.apiKey ?? 'test-api-key';
  const dailyQuota = options.dailyQuota ?? Number.POSITIVE_INFINITY;
  const timestampStyle = options.timestamps ?? 'local';
  let latencyMs = options.latencyMs ?? 0;
  const maxRecorded = Math.max(1, options.maxRecordedRequests ?? 1000);
  let malformedRemaining = 0;
  let quotaUsed = 0;
  const pendingFailures: (DhlEmulatorFailure & { times: number })[] = [];
  const shipments = new Map<string, Entry>();
  const counts = { tracking: 0, total: 0 };
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();

  function serveTracking(req: IncomingMessage, url: URL): Answer {
    if (req.headers['dhl-api-key'] !== apiKey) return problem(401, 'Unauthorized', 'Unauthorized for given resource.');
    if (quotaUsed >= dailyQuota) return problem(429, 'Too Many Requests', 'The daily quota of calls for this API key is exhausted.');
    quotaUsed++;
    if (req.method !== 'GET') return problem(405, 'Method Not Allowed', 'Use GET.');
    const trackingNumber = url.searchParams.get('trackingNumber')?.trim();
    if (!trackingNumber) return problem(400, 'Bad Request', 'The trackingNumber query parameter is required.');
    const entry = shipments.get(compact(trackingNumber));
    if (!entry) return { ...problem(404, 'No result found', 'No shipment with given tracking number found.'), body: notFoundBody(trackingNumber) };
    if (entry.kind === 'raw') return { status: 200, body: entry.body };
    return { status: 200, body: { shipments: [toShipment(trackingNumber, entry.shipment, timestampStyle)] } };
  }

  function answer(req: IncomingMessage, url: URL): Answer {
    if (url.pathname !== TRACKING_PATH) return { status: 404, raw: 'Not Found', contentType: 'text/plain' };
    const failure = takeFailure();
    if (failure) return failureAnswer(failure);
    const result = serveTracking(req, url);
    if (result.status === 200 && malformedRemaining > 0) {
      malformedRemaining--;
      const text = JSON.stringify(result.body);
      return { status: 200, raw: text.slice(0, Math.max(1, Math.floor(text.length / 2))) };
    }
    return result;
  }

  function takeFailure(): DhlEmulatorFailure | undefined {
    const failure = pendingFailures[0];
    if (failure && --failure.times <= 0) pendingFailures.shift();
    return failure;
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    req.resume(); // GET only: nothing to read
    const url = new URL(req.url ?? '/', 'http://dhl.emulator');
    counts.total++;
    if (url.pathname === TRACKING_PATH) counts.tracking++;
    const result = answer(req, url);
    if (requests.length >= maxRecorded) requests.splice(0, requests.length - maxRecorded + 1);
    requests.push({
      method: req.method ?? 'GET',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      headers: Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)])),
      status: result.status,
    });
    if (latencyMs > 0) await sleep(latencyMs, timers);
    write(res, result);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { address, port } = server.address() as AddressInfo;

  return {
    url: `http://${address}:${port}`,
    close: () => closeServer(server, timers),
    addShipment(trackingNumber, shipment) {
      const copy = Array.isArray(shipment) ? { events: [...shipment] } : { ...shipment, events: [...shipment.events] };
      shipments.set(compact(trackingNumber), { kind: 'journey', shipment: copy });
    },
    addEvent(trackingNumber, event) {
      const entry = shipments.get(compact(trackingNumber));
      if (entry?.kind === 'journey') entry.shipment.events.push(event);
      else shipments.set(compact(trackingNumber), { kind: 'journey', shipment: { events: [event] } });
    },
    setResponse(trackingNumber, body) {
      shipments.set(compact(trackingNumber), { kind: 'raw', body });
    },
    failNext(failure) {
      pendingFailures.push({ ...failure, times: failure.times ?? 1 });
    },
    malformedNext(times = 1) {
      malformedRemaining += times;
    },
    setLatency(ms) {
      latencyMs = ms;
    },
    resetQuota() {
      quotaUsed = 0;
    },
    counts,
    requests,
    resetCounts() {
      counts.tracking = counts.total = 0;
      requests.length = 0;
    },
  };
}

// ---- DHL payloads ----------------------------------------------------------------------------

function toShipment(trackingNumber: string, shipment: DhlEmulatorShipment, style: 'local' | 'offset'): Record<string, unknown> {
  const events = [...shipment.events]
    .sort((a, b) => new Date(b.at).getTime() - new Date(a.at).getTime())
    .map((event) => toEvent(event, shipment, style));
  return {
    id: trackingNumber,
    service: shipment.service ?? 'parcel-de',
    ...(shipment.origin ? { origin: { address: shipment.origin } } : {}),
    ...(shipment.destination ? { destination: { address: shipment.destination } } : {}),
    ...(events[0] ? { status: events[0] } : {}),
    ...(shipment.estimatedTimeOfDelivery ? { estimatedTimeOfDelivery: shipment.estimatedTimeOfDelivery } : {}),
    ...(shipment.returnFlag !== undefined ? { returnFlag: shipment.returnFlag } : {}),
    details: {
      product: { productName: shipment.productName ?? 'DHL PAKET' },
      proofOfDeliverySignedAvailable: false,
      totalNumberOfPieces: 1,
      pieceIds: [trackingNumber],
    },
    events,
  };
}

function toEvent(event: DhlEmulatorEvent, shipment: DhlEmulatorShipment, style: 'local' | 'offset'): Record<string, unknown> {
  const utcMs = new Date(event.at).getTime();
  // The same place the parser assumes for an offset-less time: event, else origin/destination.
  const side = event.statusCode === 'pre-transit' ? shipment.origin ?? shipment.destination : shipment.destination ?? shipment.origin;
  const zone = timeZoneOfCountry(event.location?.countryCode ?? side?.countryCode);
  const timestamp = !zone
    ? `${new Date(utcMs).toISOString().slice(0, 19)}Z`
    : style === 'local'
      ? formatWallClock(utcMs, zone)
      : formatAtOffset(utcMs, offsetInZone(utcMs, zone));
  return {
    timestamp,
    ...(event.location ? { location: { address: event.location } } : {}),
    statusCode: event.statusCode,
    ...(event.status ? { status: event.status } : {}),
    description: event.description,
  };
}

function problem(status: number, title: string, detail: string): Answer {
  return { status, body: { status, title, detail }, contentType: PROBLEM_JSON };
}

// The 404 body as DHL sends it (fixtures/dhl_unified_404.json), key order included.
function notFoundBody(trackingNumber: string): Record<string, unknown> {
  return { title: 'No result found', detail: 'No shipment with given tracking number found.', status: 404, instance: `/shipments/${trackingNumber}` };
}

const FAILURE_TEXT: Record<DhlEmulatorFailure['status'], [title: string, detail: string]> = {
  400: ['Bad Request', 'The request could not be understood by the server.'],
  401: ['Unauthorized', 'Unauthorized for given resource.'],
  403: ['Forbidden', 'The API key is not subscribed to Shipment Tracking - Unified.'],
  429: ['Too Many Requests', 'Too many requests. Please slow down.'],
  500: ['Internal Server Error', 'An unexpected error occurred.'],
  502: ['Bad Gateway', 'The tracking backend did not answer.'],
  503: ['Service Unavailable', 'The service is temporarily unavailable.'],
};

function failureAnswer(failure: DhlEmulatorFailure): Answer {
  const [title, detail] = FAILURE_TEXT[failure.status];
  return { ...problem(failure.status, title, detail), headers: failure.retryAfter === undefined ? {} : { 'retry-after': String(failure.retryAfter) } };
}

// ---- plumbing --------------------------------------------------------------------------------

const compact = (trackingNumber: string) => trackingNumber.replace(/\s+/g, '').toUpperCase();

function write(res: ServerResponse, result: Answer): void {
  if (res.destroyed) return;
  const payload = result.raw ?? JSON.stringify(result.body);
  res.writeHead(result.status, { 'content-type': result.contentType ?? 'application/json', 'content-language': 'en', ...result.headers });
  res.end(payload);
}

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      resolve();
    }, ms);
    timers.add(timer);
  });
}

function closeServer(server: ReturnType<typeof createServer>, timers: Set<NodeJS.Timeout>): Promise<void> {
  for (const timer of timers) clearTimeout(timer);
  timers.clear();
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
