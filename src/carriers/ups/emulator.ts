// A UPS emulator: a real HTTP server on 127.0.0.1 that speaks the UPS OAuth and Track API
// formats, for tests, the demo and benchmarks (no test-framework imports).
//
// It issues tokens (Basic auth + form body, as UPS requires), serves tracking for numbers
// registered with addShipment (shaped like UPS's answers: activity newest first, local
// date/time plus GMT fields), refuses what UPS refuses with UPS's error body, and can be told to
// fail: failNext (401/403/429/5xx, Retry-After), setLatency, malformedNext. It counts requests.
// It also sells labels (Shipping API: ship, void, Label Recovery; see ./label-emulator.ts).
// Error codes are UPS's where the reference names them (TV1002, TW0001, VSS002, VSS004, 250002);
// the others (10400, 10401, 10429, 105xx) are this emulator's, in UPS's error shape.
import { jsonAnswer, newestFirst, type EmulatorAnswer, type EmulatorRequest, type RecordedRequest } from '../emulator-kit.js';
import { startOAuthEmulator, type OAuthEmulator, type OAuthEmulatorFailure, type OAuthEmulatorOptions, type OAuthEmulatorState } from '../oauth-emulator.js';
import { labelBook, type LabelBookControls } from '../label-emulator.js';
import { systemClock } from '../../lib/clock.js';
import { UPS_RECOVERY_PATH, UPS_SHIP_PATH, UPS_VOID_PATH, upsLabelRoutes } from './label-emulator.js';

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

export type UpsEmulatorFailure = OAuthEmulatorFailure;
/** tokenTtlSeconds defaults to 14 399 (UPS tokens live about 4 h); accountNumber (the shipper number labels are billed to) to W4Y8L1. */
export type UpsEmulatorOptions = OAuthEmulatorOptions & { accountNumber?: string };
export type UpsEmulatorRequest = RecordedRequest;
export type UpsEmulatorState = OAuthEmulatorState;

export type UpsEmulator = OAuthEmulator & {
  /** The shipper number labels must be billed to. */
  accountNumber: string;
  /** The Shipping API's side: labels sold, and the ways it can go wrong on demand. */
  labels: LabelBookControls;
  addShipment(trackingNumber: string, shipment: UpsEmulatorShipment): void;
  /** Answer this exact body (200) for a number, e.g. a recorded fixture. */
  setRawResponse(trackingNumber: string, body: unknown): void;
};

const TOKEN_PATH = '/security/v1/oauth/token';
const DETAILS_PATH = '/api/track/v1/details/';

export async function startUpsEmulator(options: UpsEmulatorOptions = {}): Promise<UpsEmulator> {
  const shipments = new Map<string, unknown>(); // number → 200 body
  const accountNumber = options.accountNumber ?? 'W4Y8L1';
  const book = labelBook();
  const clock = options.clock ?? systemClock;

  function serveTracking({ req, url }: EmulatorRequest, authorized: (authorization: string | undefined) => boolean): EmulatorAnswer {
    if (!req.headers.transid) return jsonAnswer(400, upsError('VSS002', 'Missing transId'));
    if (!req.headers.transactionsrc) return jsonAnswer(400, upsError('VSS004', 'Missing transactionSrc'));
    if (!authorized(req.headers.authorization)) return jsonAnswer(401, upsError('250002', 'Invalid Authentication Information.'));
    const inquiryNumber = decodeURIComponent(url.pathname.slice(DETAILS_PATH.length));
    if (!/^[A-Za-z0-9]{7,34}$/.test(inquiryNumber)) return jsonAnswer(400, upsError('TV1002', 'Invalid inquiry number'));
    const known = shipments.get(inquiryNumber.toUpperCase());
    if (known !== undefined) return jsonAnswer(200, known);
    return jsonAnswer(200, { trackResponse: { shipment: [{ warnings: [{ code: 'TW0001', message: 'Tracking Information Not Found' }] }] } });
  }

  const emulator = await startOAuthEmulator(
    {
      defaults: { clientId: 'ups-emulator-client', clientSecret: 'ups-emulator-secret', tokenTtlSeconds: 14_399 },
      routeOf(method, path) {
        if (method === 'POST' && path === TOKEN_PATH) return 'token';
        if (method === 'GET' && path.startsWith(DETAILS_PATH)) return 'track';
        if (UPS_SHIP_PATH.test(path) || UPS_VOID_PATH.test(path) || UPS_RECOVERY_PATH.test(path)) return 'label';
        return undefined;
      },
      refuseToken({ req, body }, { clientId, clientSecret }) {
        if (!(req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
          return jsonAnswer(400, upsError('10400', 'Invalid/Missing Content-Type: application/x-www-form-urlencoded is required'));
        }
        if (req.headers.authorization !== `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`) {
          return jsonAnswer(401, upsError('10401', 'ClientId is Invalid'));
        }
        if (new URLSearchParams(body).get('grant_type') !== 'client_credentials') return jsonAnswer(400, upsError('10400', 'Invalid/Missing grant_type'));
        return undefined;
      },
      // UPS sends every value as a string.
      tokenBody: ({ token, issuedAt, ttlSeconds, clientId }) => ({
        token_type: 'Bearer',
        issued_at: String(issuedAt),
        client_id: clientId,
        access_token: token,
        scope: '',
        expires_in: String(ttlSeconds),
        refresh_count: '0',
        status: 'approved',
      }),
      track: serveTracking,
      label: upsLabelRoutes(book, accountNumber, () => clock.now()),
      unknown: ({ method, url }) => jsonAnswer(404, upsError('10404', `No UPS resource at ${method} ${url.pathname}`)),
      failureBody: (status) => upsError(...failureText(status)),
      truncatedBody: '{"trackResponse":{"shipment":[{"inquiryNumber":"1Z',
    },
    options,
  );

  return {
    ...emulator,
    accountNumber,
    labels: book,
    addShipment: (trackingNumber, shipment) => void shipments.set(trackingNumber.toUpperCase(), renderTrackResponse(trackingNumber, shipment)),
    setRawResponse: (trackingNumber, body) => void shipments.set(trackingNumber.toUpperCase(), body),
  };
}

// ---------------------------------------------------------------------------------------------
// UPS's shapes

/** The 200 body UPS gives for one package: activity newest first, status of the newest on top. */
export function renderTrackResponse(trackingNumber: string, shipment: UpsEmulatorShipment): unknown {
  const activities = newestFirst(shipment.activities).map(renderActivity);
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
