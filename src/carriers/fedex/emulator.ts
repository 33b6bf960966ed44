// A FedEx emulator: a real HTTP server on 127.0.0.1 that speaks the FedEx OAuth and Track API
// formats, for tests, the demo and benchmarks (no test-framework imports).
//
// It issues tokens (form body with client_id/client_secret, as FedEx requires), serves tracking
// for numbers registered with addShipment (shaped like FedEx's answers: scanEvents newest first,
// ISO times with offsets, "not found" inside a 200), refuses what FedEx refuses with FedEx's error
// body (more than 30 numbers, JSON where a form is required, bad token), and can be told to fail:
// failNext (401/403/429/5xx, Retry-After), setLatency, malformedNext. It counts requests.
// It also sells labels (Ship API: create, cancel, find by reference; see ./label-emulator.ts).
// Error codes are FedEx's where the reference names them (NOT.AUTHORIZED.ERROR,
// TRACKING.TRACKINGNUMBER.NOTFOUND/EMPTY, FORBIDDEN.ERROR); the limit code is this emulator's.
import { randomUUID } from 'node:crypto';
import { jsonAnswer, newestFirst, type EmulatorAnswer, type EmulatorRequest, type RecordedRequest } from '../emulator-kit.js';
import { startOAuthEmulator, type OAuthEmulator, type OAuthEmulatorFailure, type OAuthEmulatorOptions, type OAuthEmulatorState } from '../oauth-emulator.js';
import { labelBook, type LabelBookControls } from '../label-emulator.js';
import { systemClock } from '../../lib/clock.js';
import { FEDEX_CANCEL_PATH, FEDEX_REFERENCE_PATH, FEDEX_SHIP_PATH, fedexLabelRoutes } from './label-emulator.js';

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

export type FedexEmulatorFailure = OAuthEmulatorFailure;
/** tokenTtlSeconds defaults to 3599, as FedEx's; accountNumber (the account labels are billed to) to 740561073. */
export type FedexEmulatorOptions = OAuthEmulatorOptions & { accountNumber?: string };
export type FedexEmulatorRequest = RecordedRequest;
export type FedexEmulatorState = OAuthEmulatorState & {
  /** How many numbers each accepted track request carried, in order. */
  numbersPerTrackRequest: number[];
};

export type FedexEmulator = OAuthEmulator & {
  state: FedexEmulatorState;
  /** The account labels must be billed to. */
  accountNumber: string;
  /** The Ship API's side: labels sold, and the ways it can go wrong on demand. */
  labels: LabelBookControls;
  addShipment(trackingNumber: string, shipment: FedexEmulatorShipment): void;
};

export async function startFedexEmulator(options: FedexEmulatorOptions = {}): Promise<FedexEmulator> {
  const numbersPerTrackRequest: number[] = [];
  const shipments = new Map<string, FedexEmulatorShipment>();
  const accountNumber = options.accountNumber ?? '740561073';
  const book = labelBook();
  const clock = options.clock ?? systemClock;

  function serveTracking({ req, body }: EmulatorRequest, authorized: (authorization: string | undefined) => boolean): EmulatorAnswer {
    if (!authorized(req.headers.authorization)) {
      return jsonAnswer(401, fedexError('NOT.AUTHORIZED.ERROR', 'Access token expired. Please modify your request and try again.'));
    }
    if (!(req.headers['content-type'] ?? '').startsWith('application/json')) {
      return jsonAnswer(415, fedexError('UNSUPPORTED.MEDIA.TYPE', 'The media type you requested is not supported. Please modify your request and try again.'));
    }
    const request = parseTrackRequest(body);
    if (request === null) return jsonAnswer(400, fedexError('INVALID.INPUT.EXCEPTION', 'Invalid field value in the input'));
    if (request.numbers.length === 0) return jsonAnswer(400, fedexError('TRACKING.TRACKINGNUMBER.EMPTY', 'Please provide tracking number.'));
    if (request.numbers.length > FEDEX_EMULATOR_MAX_NUMBERS) {
      return jsonAnswer(400, fedexError('TRACKING.TRACKINGNUMBER.LIMITEXCEEDED', `Please limit the number of tracking numbers to ${FEDEX_EMULATOR_MAX_NUMBERS} per request.`));
    }
    numbersPerTrackRequest.push(request.numbers.length);
    const results = request.numbers.map((n) => {
      const shipment = shipments.get(n.toUpperCase());
      return shipment ? renderCompleteResult(n, shipment, request.detailedScans) : renderNotFound(n);
    });
    const anyMissing = request.numbers.some((n) => !shipments.has(n.toUpperCase()));
    const transaction = req.headers['x-customer-transaction-id'];
    return jsonAnswer(200, {
      transactionId: randomUUID(),
      ...(typeof transaction === 'string' ? { customerTransactionId: transaction } : {}),
      output: { completeTrackResults: results, ...(anyMissing ? { alerts: 'TRACKING.DATA.NOTFOUND -  Tracking data unavailable' } : {}) },
    });
  }

  const badRequest = () => jsonAnswer(400, fedexError('BAD.REQUEST.ERROR', 'Missing or duplicate parameters. Please modify your request and try again.'));
  const emulator = await startOAuthEmulator(
    {
      defaults: { clientId: 'fedex-emulator-key', clientSecret: 'fedex-emulator-secret', tokenTtlSeconds: 3599 },
      routeOf(method, path) {
        if (method === 'POST' && path === '/oauth/token') return 'token';
        if (method === 'POST' && path === '/track/v1/trackingnumbers') return 'track';
        if (path === FEDEX_SHIP_PATH || path === FEDEX_CANCEL_PATH || path === FEDEX_REFERENCE_PATH) return 'label';
        return undefined;
      },
      refuseToken({ req, body }, { clientId, clientSecret }) {
        if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) return badRequest();
        const form = new URLSearchParams(body);
        if (form.get('grant_type') !== 'client_credentials') return badRequest();
        if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
          return jsonAnswer(401, fedexError('NOT.AUTHORIZED.ERROR', 'The given client credentials were not valid. Please modify your request and try again.'));
        }
        return undefined;
      },
      tokenBody: ({ token, ttlSeconds }) => ({ access_token: token, token_type: 'bearer', expires_in: ttlSeconds, scope: 'CXS-TP' }),
      track: serveTracking,
      label: fedexLabelRoutes(book, accountNumber, () => clock.now()),
      unknown: () => jsonAnswer(404, fedexError('NOT.FOUND.ERROR', 'The resource you requested is no longer available. Please modify your request and try again.')),
      failureBody: (status) => fedexError(...failureText(status)),
      truncatedBody: '{"transactionId":"x","output":{"completeTrackResults":[{"tracking',
    },
    options,
    { numbersPerTrackRequest },
  );

  return {
    ...emulator,
    accountNumber,
    labels: book,
    addShipment: (trackingNumber, shipment) => {
      shipment.events.forEach((e) => checkIso(e.at));
      shipments.set(trackingNumber.toUpperCase(), shipment);
    },
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
  const scans = newestFirst(shipment.events).map(renderScan);
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
