// A stand-in for apis.usps.com: a real HTTP server on loopback speaking USPS's formats (OAuth v3
// token endpoint, Tracking v3 SUMMARY/DETAIL, USPS error bodies), for tests, the demo and
// benchmarks. Control methods make it fail the way USPS does: 401, 429 + Retry-After, 5xx, slow
// answers, malformed bodies. Shapes follow the reference fixtures; error texts are reconstructed.
// It also sells labels (Labels v3 paid through Payments v3; see ./label-emulator.ts).
import type { IncomingMessage } from 'node:http';
import { systemClock, type Clock } from '../../lib/clock.js';
import type { ShipmentStatus } from '../../shipments/vocabulary.js';
import { bearerTokens, injectionQueue, newestFirst, NOT_FOUND_ANSWER, retryAfterHeader, type EmulatorAnswer as Answer, type EmulatorRequest, type RecordedRequest } from '../emulator-kit.js';
import { startJourneyEmulator, type JourneyControls, type JourneyEmulatorOptions, type JourneyTools } from '../journey-emulator.js';
import { parseUtcOffset } from '../local-time.js';
import { mapUspsEventCode, USPS_EVENT_CODES } from './status-codes.js';
import { labelBook, type LabelBookControls } from '../label-emulator.js';
import { uspsLabelRoutes, type UspsPaymentAccount } from './label-emulator.js';

export type UspsEmulatorOptions = JourneyEmulatorOptions & {
  clientId?: string; // default 'test-client-id'
  clientSecret?: string; // default 'test-client-secret'
  tokenLifetimeSeconds?: number; // default 28_800 (8 hours)
  /** The payment account labels are paid from (Payments v3 accepts only this one). */
  paymentAccount?: UspsPaymentAccount;
};

export type UspsEmulatorEvent = {
  code: string; // USPS eventCode, e.g. 'OF'
  at: string | Date; // the instant it happened
  utcOffset?: string; // local offset printed in eventTimestamp/GMTOffset; default '-05:00'
  text?: string; // eventType; default USPS's wording for the code
  city?: string | null;
  state?: string | null;
  zip?: string | null;
  country?: string | null;
};

export type UspsEmulatorShipment = {
  events: UspsEmulatorEvent[];
  mailClass?: string;
  origin?: { city?: string; state?: string; zip?: string };
  destination?: { city?: string; state?: string; zip?: string };
  expectedDeliveryDate?: string; // YYYY-MM-DD
};

export type UspsEmulatorFailure = {
  status: 400 | 401 | 403 | 429 | 500 | 502 | 503;
  retryAfter?: number; // seconds, sent as Retry-After
  times?: number; // default 1
  route?: 'tracking' | 'token' | 'labels'; // default 'tracking'; 'labels': Labels v3 and Payments v3
};

export type { RecordedRequest };

export type UspsEmulator = JourneyControls<UspsEmulatorEvent, UspsEmulatorShipment, { token: number; tracking: number; total: number }> & {
  failNext(failure: UspsEmulatorFailure): void;
  /** Every token issued so far stops working (the next tracking call gets 401). */
  revokeTokens(): void;
  paymentAccount: UspsPaymentAccount;
  /** Labels v3's side: labels sold, and the ways it can go wrong on demand. */
  labels: LabelBookControls;
};

type Route = 'token' | 'tracking' | 'other';

const API_VERSION = '3.2.6';
const TOKEN_PATH = '/oauth2/v3/token';
const TRACKING_PREFIX = '/tracking/v3/tracking/';
const MAX_BODY_BYTES = 1_000_000;
const OAUTH_ERROR_URI = 'https://datatracker.ietf.org/doc/html/rfc6749#page-45';

export async function startUspsEmulator(options: UspsEmulatorOptions = {}): Promise<UspsEmulator> {
  const clientId = options.clientId ?? 'test-client-id';
  const clientSecret = options.clientSecret ?? 'test-client-secret';
  const lifetimeSeconds = options.tokenLifetimeSeconds ?? 28_800;
  const clock = options.clock ?? systemClock;
  const failures = injectionQueue<UspsEmulatorFailure & { route: 'tracking' | 'token' | 'labels' }>();
  const tokens = bearerTokens<{ scopes: string[] }>(clock);
  const counts = { token: 0, tracking: 0, total: 0 };
  const paymentAccount = options.paymentAccount ?? { crid: '56982563', mid: '902345678', accountNumber: '1000012345' };
  const book = labelBook();
  const labelRoutes = uspsLabelRoutes(book, paymentAccount, () => clock.now(), (req) => tokens.check(req.headers.authorization)?.scopes, uspsError);

  function issueToken(req: IncomingMessage, body: string): Answer {
    const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (contentType !== 'application/x-www-form-urlencoded') {
      return oauthError(400, 'invalid_request', 'The request body must be form-encoded (application/x-www-form-urlencoded).');
    }
    const form = new URLSearchParams(body);
    if (form.get('grant_type') !== 'client_credentials') return oauthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported.');
    if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
      return oauthError(401, 'invalid_client', 'Client authentication failed.');
    }
    const scopes = (form.get('scope') ?? 'tracking').split(/\s+/).filter(Boolean);
    const { token, issuedAt } = tokens.issue(lifetimeSeconds, { scopes });
    return {
      status: 200,
      body: {
        access_token: token,
        token_type: 'Bearer',
        issued_at: issuedAt,
        expires_in: lifetimeSeconds,
        status: 'approved',
        scope: scopes.join(' '),
        issuer: 'api.usps.com',
        client_id: clientId,
      },
    };
  }

  function serveTracking(req: IncomingMessage, url: URL, { shipments }: JourneyTools<UspsEmulatorEvent, UspsEmulatorShipment>): Answer {
    const grant = tokens.check(req.headers.authorization);
    if (!grant) {
      const refused = uspsError(401, 'UNAUTHORIZED', 'Unauthorized', 'The access token is missing, invalid or expired.');
      return { ...refused, headers: { 'www-authenticate': 'Bearer realm="https://api.usps.com"' } };
    }
    if (!grant.scopes.includes('tracking')) return uspsError(403, 'FORBIDDEN', 'Forbidden', 'The access token does not carry the tracking scope.');
    const expand = (url.searchParams.get('expand') ?? 'SUMMARY').toUpperCase();
    if (expand !== 'SUMMARY' && expand !== 'DETAIL') {
      return uspsError(400, 'INVALID_PARAMETER', 'Bad Request', `expand must be SUMMARY or DETAIL, not ${expand}.`, { parameter: 'expand', example: 'DETAIL' });
    }
    const trackingNumber = safeDecode(url.pathname.slice(TRACKING_PREFIX.length));
    const entry = shipments.get(trackingNumber);
    if (!entry) return notFound();
    if (entry.kind === 'raw') return { status: 200, body: entry.body };
    const shipment = entry.shipment;
    return { status: 200, body: expand === 'DETAIL' ? toTrackingDetails(trackingNumber, shipment) : toTrackingSummary(trackingNumber, shipment) };
  }

  function answer(request: EmulatorRequest, tools: JourneyTools<UspsEmulatorEvent, UspsEmulatorShipment>): Answer | Promise<Answer> {
    const { req, method, url, body, oversized } = request;
    const route: Route = url.pathname === TOKEN_PATH ? 'token' : url.pathname.startsWith(TRACKING_PREFIX) ? 'tracking' : 'other';
    counts.total++;
    if (route !== 'other') counts[route]++;
    if (oversized) return uspsError(413, 'PAYLOAD_TOO_LARGE', 'Payload Too Large', 'The request body is too large.');
    if (url.pathname.startsWith('/labels/v3/') || url.pathname.startsWith('/payments/v3/')) {
      const failure = failures.take((f) => f.route === 'labels');
      return failure ? failureAnswer('labels', failure) : labelRoutes(request);
    }
    if (route === 'other') return NOT_FOUND_ANSWER;
    const failure = failures.take((f) => f.route === route) ?? (route === 'tracking' ? (tools.outage() as UspsEmulatorFailure | undefined) : undefined);
    if (failure) return failureAnswer(route, failure);
    if (route === 'token') return method === 'POST' ? issueToken(req, body) : oauthError(405, 'invalid_request', 'Use POST.');
    if (method !== 'GET') return uspsError(405, 'METHOD_NOT_ALLOWED', 'Method Not Allowed', 'Use GET.');
    const verdict = tools.admit();
    if (!verdict.ok) return failureAnswer('tracking', { status: 429, retryAfter: verdict.retryAfterSeconds });
    return tools.maybeMalformed(serveTracking(req, url, tools));
  }

  const emulator = await startJourneyEmulator({ ...options, maxBodyBytes: MAX_BODY_BYTES }, counts, answer);
  return {
    ...emulator,
    failNext: (failure) => failures.add({ ...failure, route: failure.route ?? 'tracking' }, failure.times ?? 1),
    revokeTokens: tokens.revokeAll,
    paymentAccount,
    labels: book,
  };
}

// ---- USPS payloads ---------------------------------------------------------------------------

const CATEGORY_BY_STATUS: Record<ShipmentStatus, string> = {
  pending: 'Pre-Shipment',
  info_received: 'Pre-Shipment',
  in_transit: 'In Transit',
  out_for_delivery: 'Out for Delivery',
  available_for_pickup: 'Available for Pickup',
  attempt_failed: 'Delivery Attempt',
  delivered: 'Delivered',
  exception: 'Alert',
  returning_to_sender: 'Alert',
  returned: 'Delivered',
  cancelled: 'Alert',
  expired: 'Alert',
};

/** The DETAIL body USPS gives for one parcel (also used to prepare benchmark data without HTTP). */
export function toTrackingDetails(trackingNumber: string, shipment: UspsEmulatorShipment): Record<string, unknown> {
  const events = newestFirst(shipment.events);
  const newest = events[0];
  const newestText = newest ? eventText(newest) : 'Status Not Available';
  const where = newest ? [newest.city, newest.state, newest.zip].filter(Boolean).join(' ') : '';
  // Real responses carry booleans as strings and HTML in mailClass; we do the same.
  return {
    trackingNumber,
    destinationCity: shipment.destination?.city ?? null,
    destinationState: shipment.destination?.state ?? null,
    destinationZIP: shipment.destination?.zip ?? null,
    emailEnabled: 'true',
    kahalaIndicator: 'false',
    mailClass: shipment.mailClass ?? 'USPS Ground Advantage<SUP>&#153;</SUP>',
    mailType: 'DM',
    originCity: shipment.origin?.city ?? null,
    originState: shipment.origin?.state ?? null,
    originZIP: shipment.origin?.zip ?? null,
    proofOfDeliveryEnabled: 'false',
    services: ['USPS Tracking<SUP>&#174;</SUP>'],
    serviceTypeCode: '001',
    status: newestText,
    statusCategory: newest ? CATEGORY_BY_STATUS[mapUspsEventCode(newest.code)?.status ?? 'in_transit'] : 'Pre-Shipment',
    statusSummary: newest ? `${newestText}${where ? `, ${where}` : ''}.` : 'Status not available.',
    ...(shipment.expectedDeliveryDate
      ? { expectedDeliveryTimeStamp: `${shipment.expectedDeliveryDate}T00:00:00`, expectedDeliveryType: 'Expected Delivery By' }
      : {}),
    tableCode: 'T',
    trackingEvents: events.map(toTrackingEvent),
  };
}

function toTrackingEvent(event: UspsEmulatorEvent): Record<string, unknown> {
  const utcMs = new Date(event.at).getTime();
  const offset = parseOffsetMinutes(event.utcOffset ?? '-05:00');
  const local = new Date(utcMs + offset * 60_000).toISOString();
  return {
    eventType: eventText(event),
    eventTimestamp: `${local.slice(0, 16)}:00`, // USPS prints local minutes only
    GMTTimestamp: `${new Date(utcMs).toISOString().slice(0, 19)}Z`,
    GMTOffset: formatOffset(offset),
    eventCountry: event.country ?? null,
    eventCity: event.city ?? null,
    eventState: event.state ?? null,
    eventZIP: event.zip ?? null,
    firm: null,
    name: null,
    authorizedAgent: 'false',
    eventCode: event.code,
  };
}

function toTrackingSummary(trackingNumber: string, shipment: UspsEmulatorShipment): Record<string, unknown> {
  return {
    trackingNumber,
    ...(shipment.expectedDeliveryDate ? { expectedDeliveryDate: shipment.expectedDeliveryDate } : {}),
    eventSummaries: newestFirst(shipment.events).map((event) => {
      const local = new Date(new Date(event.at).getTime() + parseOffsetMinutes(event.utcOffset ?? '-05:00') * 60_000);
      const date = `${pad(local.getUTCMonth() + 1)}/${pad(local.getUTCDate())}/${local.getUTCFullYear()}`;
      const hours = local.getUTCHours();
      const time = `${hours % 12 || 12}:${pad(local.getUTCMinutes())} ${hours < 12 ? 'am' : 'pm'}`;
      const place = [event.city, [event.state, event.zip].filter(Boolean).join(' ')].filter(Boolean).join(', ');
      return [eventText(event), date, time, place].filter(Boolean).join(', ');
    }),
  };
}

function uspsError(status: number, code: string, title: string, detail: string, source?: { parameter: string; example: string }, message = title): Answer {
  const error = { status: String(status), code, title, detail, ...(source ? { source } : {}) };
  return { status, body: { apiVersion: API_VERSION, error: { code: String(status), message, errors: [error] } } };
}

// The body of fixtures/usps_v3_error.json.
function notFound(): Answer {
  const detail = 'The tracking number may be incorrect or the status update is not yet available.';
  const source = { parameter: 'trackingNumber', example: '9400109104250532908587' };
  return uspsError(404, 'TRACKING_NUMBER_NOT_FOUND', 'Tracking number not found', detail, source, 'Resource Not Found');
}

function oauthError(status: number, error: string, description: string): Answer {
  return { status, body: { error, error_description: description, error_uri: OAUTH_ERROR_URI } };
}

const FAILURE_TEXT: Record<UspsEmulatorFailure['status'], [code: string, title: string, detail: string, oauth: string]> = {
  400: ['INVALID_REQUEST', 'Bad Request', 'The request could not be understood by the server.', 'invalid_request'],
  401: ['UNAUTHORIZED', 'Unauthorized', 'The access token is missing, invalid or expired.', 'invalid_client'],
  403: ['FORBIDDEN', 'Forbidden', 'Tracking this mail piece requires owning its Mailer ID or an IP agreement.', 'access_denied'],
  429: ['TOO_MANY_REQUESTS', 'Too Many Requests', 'Too many requests have been received from client in a short amount of time.', 'rate_limit_exceeded'],
  500: ['INTERNAL_SERVER_ERROR', 'Internal Server Error', 'An unknown error has occurred.', 'server_error'],
  502: ['BAD_GATEWAY', 'Bad Gateway', 'The upstream tracking system did not answer.', 'temporarily_unavailable'],
  503: ['SERVICE_UNAVAILABLE', 'Service Unavailable', 'The service is temporarily unavailable.', 'temporarily_unavailable'],
};

function failureAnswer(route: 'tracking' | 'token' | 'labels', failure: UspsEmulatorFailure): Answer {
  const [code, title, detail, oauth] = FAILURE_TEXT[failure.status];
  const base = route === 'token' ? oauthError(failure.status, oauth, detail) : uspsError(failure.status, code, title, detail);
  const headers = retryAfterHeader(failure.retryAfter);
  if (failure.status === 401 && route === 'tracking') headers['www-authenticate'] = 'Bearer realm="https://api.usps.com", error="invalid_token"';
  return { ...base, headers };
}

// ---- plumbing --------------------------------------------------------------------------------

function eventText(event: UspsEmulatorEvent): string {
  return event.text ?? (USPS_EVENT_CODES as Record<string, { description: string }>)[event.code]?.description ?? `USPS scan ${event.code}`;
}

const parseOffsetMinutes = (offset: string): number => parseUtcOffset(offset) ?? 0;

function formatOffset(minutes: number): string {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const pad = (n: number) => String(n).padStart(2, '0');
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
