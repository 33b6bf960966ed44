// A stand-in for api-eu.dhl.com's Shipment Tracking – Unified API: a real HTTP server on loopback
// speaking DHL's formats (shipments[] payloads, problem+json errors), for tests, the demo and
// benchmarks. It checks the DHL-API-Key header, can enforce a daily quota, and control methods
// make it fail the way DHL does. Shapes follow the reference fixtures; error texts are reconstructed.
import { injectionQueue, newestFirst, NOT_FOUND_ANSWER, retryAfterHeader, type EmulatorAnswer as Answer, type EmulatorRequest, type RecordedRequest } from '../emulator-kit.js';
import { startJourneyEmulator, type JourneyControls, type JourneyEmulatorOptions, type JourneyTools } from '../journey-emulator.js';
import { formatAtOffset, formatWallClock, offsetInZone, timeZoneOfCountry } from '../local-time.js';
import type { DhlStatusCode } from './status-codes.js';

export type DhlEmulatorOptions = JourneyEmulatorOptions & {
  apiKey?: string; // default 'test-api-key'
  dailyQuota?: number; // calls accepted per UTC day before 429; default unlimited (DHL's starter tier is 250); same as limits.dailyQuota
  timestamps?: 'local' | 'offset'; // 'local' (default) leaves the offset out, as DHL often does
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

export type { RecordedRequest };

export type DhlEmulator = JourneyControls<DhlEmulatorEvent, DhlEmulatorShipment, { tracking: number; total: number }> & {
  failNext(failure: DhlEmulatorFailure): void;
};

const TRACKING_PATH = '/track/shipments';
const PROBLEM_JSON = 'application/problem+json';

export async function startDhlEmulator(options: DhlEmulatorOptions = {}): Promise<DhlEmulator> {
  const apiKey = options.apiKey ?? 'test-api-key';
  const timestampStyle = options.timestamps ?? 'local';
  const failures = injectionQueue<DhlEmulatorFailure>();
  const counts = { tracking: 0, total: 0 };

  function serveTracking({ req, method, url }: EmulatorRequest, { shipments, admit }: JourneyTools<DhlEmulatorEvent, DhlEmulatorShipment>): Answer {
    if (req.headers['dhl-api-key'] !== apiKey) return problem(401, 'Unauthorized', 'Unauthorized for given resource.');
    const verdict = admit();
    if (!verdict.ok) {
      // DHL says when the per-second limit frees up, but not when the daily quota does (00:00 GMT).
      if (verdict.kind === 'quota') return problem(429, 'Too Many Requests', 'The daily quota of calls for this API key is exhausted.');
      return { ...problem(429, 'Too Many Requests', 'Too many requests. Please slow down.'), headers: retryAfterHeader(verdict.retryAfterSeconds) };
    }
    if (method !== 'GET') return problem(405, 'Method Not Allowed', 'Use GET.');
    const trackingNumber = url.searchParams.get('trackingNumber')?.trim();
    if (!trackingNumber) return problem(400, 'Bad Request', 'The trackingNumber query parameter is required.');
    const entry = shipments.get(trackingNumber);
    if (!entry) return { ...problem(404, 'No result found', 'No shipment with given tracking number found.'), body: notFoundBody(trackingNumber) };
    if (entry.kind === 'raw') return { status: 200, body: entry.body };
    return { status: 200, body: { shipments: [toShipment(trackingNumber, entry.shipment, timestampStyle)] } };
  }

  function answer(request: EmulatorRequest, tools: JourneyTools<DhlEmulatorEvent, DhlEmulatorShipment>): Answer {
    counts.total++;
    if (request.url.pathname !== TRACKING_PATH) return NOT_FOUND_ANSWER;
    counts.tracking++;
    const failure = failures.take() ?? (tools.outage() as DhlEmulatorFailure | undefined);
    if (failure) return failureAnswer(failure);
    return tools.maybeMalformed(serveTracking(request, tools));
  }

  const limits = { ...options.limits, ...(options.dailyQuota !== undefined ? { dailyQuota: options.dailyQuota } : {}) };
  const emulator = await startJourneyEmulator({ ...options, limits, headers: { 'content-language': 'en' } }, counts, answer);
  return { ...emulator, failNext: (failure) => failures.add(failure, failure.times ?? 1) };
}

// ---- DHL payloads ----------------------------------------------------------------------------

/** One entry of DHL's shipments[] for a parcel (also used to prepare benchmark data without HTTP). */
export function toShipment(trackingNumber: string, shipment: DhlEmulatorShipment, style: 'local' | 'offset' = 'local'): Record<string, unknown> {
  const events = newestFirst(shipment.events).map((event) => toEvent(event, shipment, style));
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
  return { ...problem(failure.status, title, detail), headers: retryAfterHeader(failure.retryAfter) };
}
