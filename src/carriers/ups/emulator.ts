// A UPS emulator: a real HTTP server on 127.0.0.1 that speaks the UPS OAuth and Track API
// formats, for tests, the demo and benchmarks (no test-framework imports).
//
// It issues tokens (Basic auth + form body, as UPS requires), serves tracking for numbers
// registered with addShipment (shaped like UPS's answers: activity newest first, local
// date/time plus GMT fields), refuses what UPS refuses with UPS's error body, and can be told to
// fail: failNext (401/403/429/5xx, Retry-After), failFor (an outage), setLatency, malformedNext.
// It counts requests, and enforces `limits` when given (429 and a counted violation beyond them).
// It also sells labels (Shipping API: ship, void, Label Recovery; see ./label-emulator.ts).
// Track Alert: subscriptions (≤ 100 numbers a call, 1Z/1R numbers only, 14 days) and, once
// configureTrackAlert names a receiver, a webhook for every activity added to a subscribed parcel
// (see ./track-alert-pusher.ts; flushPushes sends them).
// Error codes are UPS's where the reference names them (TV1002, TW0001, VSS002, VSS004, 250002);
// the others (10400, 10401, 10429, 105xx) are this emulator's, in UPS's error shape.
import { systemClock } from '../../lib/clock.js';
import { jsonAnswer, newestFirst, type EmulatorAnswer, type EmulatorRequest, type RecordedRequest } from '../emulator-kit.js';
import { startOAuthEmulator, type OAuthEmulator, type OAuthEmulatorFailure, type OAuthEmulatorOptions, type OAuthEmulatorState } from '../oauth-emulator.js';
import { labelBook, type LabelBookControls } from '../label-emulator.js';
import { UPS_RECOVERY_PATH, UPS_SHIP_PATH, UPS_VOID_PATH, upsLabelRoutes } from './label-emulator.js';
import { TRACK_ALERT_MAX_NUMBERS, TRACK_ALERT_NUMBER, TRACK_ALERT_SUBSCRIPTION_DAYS } from './track-alert-client.js';
import { trackAlertPusher, type PushStats, type TrackAlertWebhook } from './track-alert-pusher.js';

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
/** tokenTtlSeconds defaults to 14 399 (UPS tokens live about 4 h). */
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
  /** Appends an activity to a parcel (as its journey moves on) and, if it is subscribed, pushes it by Track Alert. */
  addActivity(trackingNumber: string, activity: UpsEmulatorActivity): void;
  /** Where Track Alert webhooks go, and the credentials to get a token there (UPS's "Manage Webhook Credentials"). */
  configureTrackAlert(webhook: TrackAlertWebhook | null): void;
  /** Sends the due webhooks; resolves when each is accepted or rescheduled. */
  flushPushes(): Promise<void>;
  readonly pushes: { readonly stats: PushStats; readonly pending: number };
  /** Subscribed numbers and when their subscription ends (epoch ms, emulator clock). */
  readonly subscriptions: ReadonlyMap<string, number>;
  /** How many numbers each accepted subscription request carried, in order. */
  readonly numbersPerSubscriptionRequest: readonly number[];
};

const TOKEN_PATH = '/security/v1/oauth/token';
const DETAILS_PATH = '/api/track/v1/details/';
const SUBSCRIPTION_PATH = /^\/api\/track\/v2\/subscription\/(standard|enhanced)\/package$/;

export async function startUpsEmulator(options: UpsEmulatorOptions = {}): Promise<UpsEmulator> {
  const clock = options.clock ?? systemClock;
  const accountNumber = options.accountNumber ?? 'W4Y8L1';
  const book = labelBook();
  const shipments = new Map<string, { shipment: UpsEmulatorShipment } | { raw: unknown }>();
  const subscriptions = new Map<string, number>();
  const numbersPerSubscriptionRequest: number[] = [];
  const pusher = trackAlertPusher(clock);

  function subscribe({ req, method, url, body }: EmulatorRequest, authorized: (authorization: string | undefined) => boolean): EmulatorAnswer | undefined {
    if (method !== 'POST' || !SUBSCRIPTION_PATH.test(url.pathname)) return undefined;
    if (!req.headers.transid) return jsonAnswer(400, upsError('VSS002', 'Missing transId'));
    if (!req.headers.transactionsrc) return jsonAnswer(400, upsError('VSS004', 'Missing transactionSrc'));
    if (!authorized(req.headers.authorization)) return jsonAnswer(401, upsError('250002', 'Invalid Authentication Information.'));
    let list: unknown;
    try {
      list = (JSON.parse(body) as { trackingNumberList?: unknown }).trackingNumberList;
    } catch {
      list = undefined;
    }
    if (!Array.isArray(list) || list.length === 0 || !list.every((n) => typeof n === 'string')) return jsonAnswer(400, upsError('VSS000', 'trackingNumberList is required'));
    if (list.length > TRACK_ALERT_MAX_NUMBERS) return jsonAnswer(400, upsError('VSS220', `A maximum of ${TRACK_ALERT_MAX_NUMBERS} tracking numbers is allowed per request`));
    numbersPerSubscriptionRequest.push(list.length);
    const until = clock.now().getTime() + TRACK_ALERT_SUBSCRIPTION_DAYS * 86_400_000;
    const valid = (list as string[]).filter((n) => TRACK_ALERT_NUMBER.test(n.toUpperCase()));
    for (const number of valid) subscriptions.set(number.toUpperCase(), until);
    return jsonAnswer(200, { validTrackingNumbers: valid, invalidTrackingNumbers: (list as string[]).filter((n) => !valid.includes(n)) });
  }

  function serveTracking({ req, url }: EmulatorRequest, authorized: (authorization: string | undefined) => boolean): EmulatorAnswer {
    if (!req.headers.transid) return jsonAnswer(400, upsError('VSS002', 'Missing transId'));
    if (!req.headers.transactionsrc) return jsonAnswer(400, upsError('VSS004', 'Missing transactionSrc'));
    if (!authorized(req.headers.authorization)) return jsonAnswer(401, upsError('250002', 'Invalid Authentication Information.'));
    const inquiryNumber = decodeURIComponent(url.pathname.slice(DETAILS_PATH.length));
    if (!/^[A-Za-z0-9]{7,34}$/.test(inquiryNumber)) return jsonAnswer(400, upsError('TV1002', 'Invalid inquiry number'));
    const known = shipments.get(inquiryNumber.toUpperCase());
    if (known !== undefined) return jsonAnswer(200, 'raw' in known ? known.raw : renderTrackResponse(inquiryNumber.toUpperCase(), known.shipment));
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
      extra: subscribe,
      isExtra: (method, path) => method === 'POST' && SUBSCRIPTION_PATH.test(path),
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
    addShipment(trackingNumber, shipment) {
      shipment.activities.forEach((a) => splitInstant(a.at)); // refuse a bad time now, not at the first request
      shipments.set(trackingNumber.toUpperCase(), { shipment: { ...shipment, activities: [...shipment.activities] } });
    },
    setRawResponse: (trackingNumber, body) => void shipments.set(trackingNumber.toUpperCase(), { raw: body }),
    addActivity(trackingNumber, activity) {
      const number = trackingNumber.toUpperCase();
      splitInstant(activity.at);
      const entry = shipments.get(number);
      const shipment = entry && 'shipment' in entry ? entry.shipment : { activities: [] };
      shipment.activities.push(activity);
      shipments.set(number, { shipment });
      if ((subscriptions.get(number) ?? 0) > clock.now().getTime()) pusher.enqueue(renderTrackAlert(number, activity, shipment));
    },
    configureTrackAlert: (webhook) => pusher.configure(webhook),
    flushPushes: () => pusher.flush(),
    pushes: pusher,
    subscriptions,
    numbersPerSubscriptionRequest,
  };
}

/** A TrackingEventRequest, as UPS pushes it: empty strings for "no value", gmtOffset as "-04.00". */
export function renderTrackAlert(trackingNumber: string, activity: UpsEmulatorActivity, shipment: UpsEmulatorShipment): unknown {
  const { localDate, localTime, gmtDate, gmtTime, offset } = splitInstant(activity.at);
  const delivered = activity.statusCode === '011';
  return {
    trackingNumber,
    localActivityDate: localDate,
    localActivityTime: localTime,
    activityLocation: {
      city: activity.location?.city ?? '',
      stateProvince: activity.location?.stateProvince ?? '',
      postalCode: activity.location?.postalCode ?? '',
      country: activity.location?.countryCode ?? 'US',
    },
    activityStatus: { type: activity.type, code: activity.code, description: activity.description, descriptionCode: activity.statusCode },
    scheduledDeliveryDate: shipment.scheduledDelivery?.replaceAll('-', '') ?? '',
    actualDeliveryDate: delivered ? localDate : '',
    actualDeliveryTime: delivered ? localTime : '',
    gmtActivityDate: gmtDate,
    gmtActivityTime: gmtTime,
    gmtOffset: offset.replace(':', '.'),
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
