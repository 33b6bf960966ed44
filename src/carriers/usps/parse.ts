// USPS Tracking v3 body (expand=DETAIL) → TrackResult. PURE: no I/O, never throws.
// Flow: not-found error body? → zod over only the fields we read → events put in time order →
// each event mapped (code table, then statusCategory for the newest, then USPS's wording) →
// a delivery that ends a return becomes `returned`.
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import { formatAtOffset, parseUtcOffset, parseWallClock } from '../local-time.js';
import { badResponse, carrierSaid, decodeJson, orderChronologically, zodSummary } from '../parse-kit.js';
import type { CarrierError, DeliveryWindow, EventLocation, TrackResult, TrackingEventInput } from '../types.js';
import { mapUspsEventCode, mapUspsEventText, mapUspsStatusCategory, type StatusMapping } from './status-codes.js';

const text = z.string().nullish();
const codeLike = z.union([z.string(), z.number()]).nullish();

const uspsTrackingEvent = z.object({
  eventType: text,
  eventCode: text,
  eventTimestamp: text, // local wall-clock time, no offset
  GMTTimestamp: text, // the same moment in UTC, to the second
  GMTOffset: text, // "-05:00"; the spec's example is "-7:00"
  eventCity: text,
  eventState: text,
  eventZIP: text,
  eventCountry: text,
});
type UspsTrackingEvent = z.infer<typeof uspsTrackingEvent>;

const uspsTrackingDetails = z.object({
  trackingNumber: z.string(),
  mailClass: text,
  statusCategory: text,
  expectedDeliveryTimeStamp: text,
  guaranteedDeliveryTimeStamp: text,
  predictedDeliveryDate: text,
  predictedDeliveryWindowStartTime: text,
  predictedDeliveryWindowEndTime: text,
  trackingEvents: z.array(uspsTrackingEvent).nullish(),
});
type UspsTrackingDetails = z.infer<typeof uspsTrackingDetails>;

const uspsErrorMessage = z.object({
  error: z.object({
    code: codeLike,
    message: text,
    errors: z.array(z.object({ status: codeLike, code: text, title: text, detail: text })).nullish(),
  }),
});

export type UspsErrorInfo = { httpStatus: string | null; carrierCode: string | null; message: string };

/** Reads USPS's documented error body (`{apiVersion, error:{code, message, errors[]}}`), or null. */
export function readUspsError(body: unknown): UspsErrorInfo | null {
  const parsed = uspsErrorMessage.safeParse(body);
  if (!parsed.success) return null;
  const { code, message, errors } = parsed.data.error;
  const first = errors?.[0];
  const httpStatus = code ?? first?.status;
  return {
    httpStatus: httpStatus == null ? null : String(httpStatus),
    carrierCode: first?.code ?? null,
    message: first?.detail ?? first?.title ?? message ?? 'USPS returned an error without a message',
  };
}

const isNotFound = (error: UspsErrorInfo): boolean =>
  error.httpStatus === '404' || error.carrierCode === 'TRACKING_NUMBER_NOT_FOUND';

export function parseUspsTracking(trackingNumber: string, body: unknown): Result<TrackResult[], CarrierError> {
  const error = readUspsError(body);
  if (error && isNotFound(error)) return ok([{ trackingNumber, found: false, message: error.message }]);
  if (error) return err(badResponse(`USPS answered with an error body: ${error.message}`, carrierSaid(error.carrierCode, error.message)));

  const parsed = uspsTrackingDetails.safeParse(body);
  if (!parsed.success) return err(badResponse(`USPS tracking body did not match TrackingDetails: ${zodSummary(parsed.error)}`));
  const details = parsed.data;

  const events = toTrackingEvents(details);
  const newestOffset = events.at(-1)?.occurredAt ? offsetOf(events.at(-1)!.occurredAt!) : null;
  return ok([
    {
      trackingNumber,
      found: true,
      events,
      estimatedDelivery: toDeliveryWindow(details, newestOffset),
      service: details.mailClass ? cleanMailClass(details.mailClass) : null,
    },
  ]);
}

/** The client reads bodies as text; a body that is not JSON is a bad response, never a throw. */
export const decodeJsonBody = (body: string): Result<unknown, CarrierError> => decodeJson(body, 'USPS');

function toTrackingEvents(details: UspsTrackingDetails): TrackingEventInput[] {
  const timed = (details.trackingEvents ?? []).map((event) => ({ event, at: toInstant(event) }));
  const chronological = orderChronologically(timed);
  // statusCategory describes the shipment now, so it can only stand in for the newest event.
  const category = details.statusCategory ? mapUspsStatusCategory(details.statusCategory) : undefined;
  const events = chronological.map(({ event, at }, index) =>
    toTrackingEvent(event, at, index === chronological.length - 1 ? category : undefined),
  );
  return markDeliveriesToSender(events);
}

function toTrackingEvent(event: UspsTrackingEvent, at: Instant | null, categoryFallback: StatusMapping | undefined): TrackingEventInput {
  const code = clean(event.eventCode);
  const description = clean(event.eventType);
  const mapping: StatusMapping =
    (code ? mapUspsEventCode(code) : undefined) ??
    categoryFallback ??
    (description ? mapUspsEventText(description) : undefined) ??
    { status: 'in_transit' }; // an unknown scan still means USPS has the parcel somewhere
  const occurredAt = at ? formatAtOffset(at.utcMs, at.offsetMinutes) : null;
  return {
    status: mapping.status,
    reason: mapping.reason ?? null,
    delayed: mapping.delayed ?? false,
    occurredAt,
    location: toLocation(event),
    carrierCode: code,
    carrierText: description,
    // A scan is identified by its code and its to-the-second UTC time, stable across polls.
    dedupeKey: code && at ? `usps:${code}:${new Date(at.utcMs).toISOString()}` : null,
  };
}

const DELIVERY_TO_SENDER = /original sender|return(ed)? to sender/i;

/** A delivery after a return-to-sender scan (or worded as one) is the parcel back home: `returned`. */
function markDeliveriesToSender(events: TrackingEventInput[]): TrackingEventInput[] {
  let returning = false;
  return events.map((event) => {
    if (event.status === 'returning_to_sender') returning = true;
    const backHome = returning || DELIVERY_TO_SENDER.test(event.carrierText ?? '');
    return event.status === 'delivered' && backHome ? { ...event, status: 'returned' } : event;
  });
}

// ---- time ------------------------------------------------------------------------------------

type Instant = { utcMs: number; offsetMinutes: number };

/**
 * When the event happened, kept in the offset where it happened. GMTTimestamp + GMTOffset when
 * present (seconds precision); else eventTimestamp + GMTOffset. With no offset at all we return
 * null rather than guess among the six US time zones: the event is stored but never folded.
 */
function toInstant(event: UspsTrackingEvent): Instant | null {
  const offset = event.GMTOffset ? parseUtcOffset(event.GMTOffset) : null;
  const gmt = event.GMTTimestamp ? parseWallClock(event.GMTTimestamp) : null;
  if (gmt) return { utcMs: gmt.wallMs - (gmt.offsetMinutes ?? 0) * 60_000, offsetMinutes: offset ?? 0 };
  const local = event.eventTimestamp ? parseWallClock(event.eventTimestamp) : null;
  const localOffset = local?.offsetMinutes ?? offset;
  if (!local || localOffset === null) return null;
  return { utcMs: local.wallMs - localOffset * 60_000, offsetMinutes: localOffset };
}

function offsetOf(iso: string): number | null {
  return parseWallClock(iso)?.offsetMinutes ?? null;
}

// ---- estimated delivery ----------------------------------------------------------------------

const START_OF_DAY = 0;
const END_OF_DAY = 24 * 3600 - 1;

/**
 * USPS gives dates and wall-clock times without a zone. We read them in the offset of the newest
 * event (the parcel's latest known local time), a day-level approximation; none → no window.
 */
function toDeliveryWindow(details: UspsTrackingDetails, offsetMinutes: number | null): DeliveryWindow | null {
  const predictedDay = details.predictedDeliveryDate ? parseDay(details.predictedDeliveryDate) : null;
  if (predictedDay && offsetMinutes !== null) {
    const from = details.predictedDeliveryWindowStartTime ? parseClockTime(details.predictedDeliveryWindowStartTime) : null;
    const to = details.predictedDeliveryWindowEndTime ? parseClockTime(details.predictedDeliveryWindowEndTime) : null;
    return dayWindow(predictedDay, from ?? START_OF_DAY, to ?? END_OF_DAY, offsetMinutes);
  }
  const expected = details.expectedDeliveryTimeStamp ?? details.guaranteedDeliveryTimeStamp;
  const stamp = expected ? parseWallClock(expected) : null;
  const offset = stamp?.offsetMinutes ?? offsetMinutes;
  if (!stamp || offset === null) return null;
  const day = new Date(stamp.wallMs).toISOString().slice(0, 10);
  const secondOfDay = Math.floor((((stamp.wallMs % 86_400_000) + 86_400_000) % 86_400_000) / 1000);
  // A time of day means "by then"; midnight means the date alone.
  return dayWindow(day, START_OF_DAY, secondOfDay === 0 ? END_OF_DAY : secondOfDay, offset);
}

function dayWindow(day: string, fromSecond: number, toSecond: number, offsetMinutes: number): DeliveryWindow {
  const at = (second: number) => formatAtOffset(Date.parse(`${day}T00:00:00Z`) + second * 1000 - offsetMinutes * 60_000, offsetMinutes);
  return { from: at(fromSecond), to: at(toSecond) };
}

function parseDay(value: string): string | null {
  const day = value.trim().slice(0, 10);
  return /^\d{4}-\d{2}-\d{2}$/.test(day) && !Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ? day : null;
}

/** "14:00", "14:00:00", "2:00 pm" → seconds since midnight. */
function parseClockTime(value: string): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([ap]\.?m\.?)?$/i.exec(value.trim());
  if (!m) return null;
  let hours = +m[1];
  const meridiem = m[4]?.[0]?.toLowerCase();
  if (meridiem && (hours < 1 || hours > 12)) return null;
  if (meridiem === 'p' && hours !== 12) hours += 12;
  if (meridiem === 'a' && hours === 12) hours = 0;
  if (hours > 23 || +m[2] > 59 || +(m[3] ?? 0) > 59) return null;
  return hours * 3600 + +m[2] * 60 + +(m[3] ?? 0);
}

// ---- location and text -----------------------------------------------------------------------

const US_STATES = new Set(
  ('AL AK AZ AR CA CO CT DE DC FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ NM NY NC ND OH OK OR PA ' +
    'RI SC SD TN TX UT VT VA WA WV WI WY AS GU MP PR VI UM FM MH PW AA AE AP').split(' '),
);
// USPS names plants "QUEENS NY DISTRIBUTION CENTER" with no state field; split out city and state.
const FACILITY_NAME = /^(.+?) ([A-Z]{2}) ((?:[A-Z&]+ )*(?:CENTER|FACILITY|ANNEX|HUB|PLANT))$/;
const UNITED_STATES = /^(US|USA|UNITED STATES( OF AMERICA)?)$/i;

function toLocation(event: UspsTrackingEvent): EventLocation | null {
  let city = clean(event.eventCity);
  let region = clean(event.eventState);
  const postalCode = clean(event.eventZIP);
  const countryText = clean(event.eventCountry);
  if (!city && !region && !postalCode && !countryText) return null;
  const facility = city && !region ? FACILITY_NAME.exec(city) : null;
  if (facility && US_STATES.has(facility[2])) [city, region] = [facility[1], facility[2]];
  // Domestic scans leave the country empty; foreign ones name it.
  const country = !countryText ? 'US' : UNITED_STATES.test(countryText) ? 'US' : /^[A-Z]{2}$/i.test(countryText) ? countryText.toUpperCase() : null;
  return { city, region, postalCode, country };
}

/** "USPS Ground Advantage<SUP>&#153;</SUP>" → "USPS Ground Advantage". */
function cleanMailClass(value: string): string | null {
  const plain = value
    .replace(/<sup>[\s\S]*?<\/sup>/gi, '')
    .replace(/<[^>]*>/g, '')
    .replace(/&amp;/g, '&')
    .replace(/&#?\w+;/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return plain || null;
}

function clean(value: string | null | undefined): string | null {
  const trimmed = value?.trim();
  return trimmed ? trimmed : null;
}
