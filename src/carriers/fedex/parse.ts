// FedEx Track API answers → TrackResult[]. PURE: no I/O, no clock, never throws.
//
// body ─ zod (only the fields we read) ─▶ one TrackResult per completeTrackResults entry ─▶
//   the trackResult to trust (FedEx reuses numbers: several results, pick the freshest);
//   events   scanEvents, oldest first, status from eventType (derivedStatusCode as fallback),
//            DE refined to attempt_failed when an attempt shows, reason read from FedEx's text,
//            a delivery after RS (return to shipper) or worded as one `returned`;
//   ETA      ESTIMATED_DELIVERY, then estimatedDeliveryTimeWindow, then standardTransitTimeWindow.
// "Not found" arrives inside a 200 as trackResults[].error; it becomes found:false, not an error.
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import type { ExceptionReason, ShipmentStatus } from '../../shipments/vocabulary.js';
import { carryStatusForward, firstZodIssue, readJson, sortOldestFirst, type DraftEvent } from '../parse-kit.js';
import type { CarrierError, DeliveryWindow, EventLocation, TrackResult, TrackingEventInput } from '../types.js';
import { FEDEX_DERIVED_CODES, FEDEX_EVENT_TYPES, type FedexCodeMapping } from './status-codes.js';

const text = z.string().nullish();
const fedexLocation = z.object({ city: text, stateOrProvinceCode: text, postalCode: text, countryCode: text });
const fedexScanEvent = z.object({
  date: text,
  eventType: text,
  eventDescription: text,
  exceptionCode: text,
  exceptionDescription: text,
  scanLocation: fedexLocation.nullish(),
  derivedStatusCode: text,
});
const fedexWindow = z.object({ window: z.object({ begins: text, ends: text }).nullish() });
const fedexTrackResult = z.object({
  latestStatusDetail: z.object({ code: text, derivedCode: text, description: text, scanLocation: fedexLocation.nullish() }).nullish(),
  scanEvents: z.array(fedexScanEvent).nullish(),
  dateAndTimes: z.array(z.object({ type: text, dateTime: text })).nullish(),
  estimatedDeliveryTimeWindow: fedexWindow.nullish(),
  standardTransitTimeWindow: fedexWindow.nullish(),
  deliveryDetails: z.object({ deliveryAttempts: z.union([z.string(), z.number()]).nullish() }).nullish(),
  serviceDetail: z.object({ description: text }).nullish(),
  error: z.object({ code: text, message: text }).nullish(),
});
const fedexCompleteResult = z.object({ trackingNumber: text, trackResults: z.array(fedexTrackResult).nullish() });
const fedexTrackResponse = z.object({ output: z.object({ completeTrackResults: z.array(fedexCompleteResult) }) });
const fedexErrorResponse = z.object({ errors: z.array(z.object({ code: text, message: text })).min(1) });

type FedexTrackResult = z.infer<typeof fedexTrackResult>;
type FedexScanEvent = z.infer<typeof fedexScanEvent>;

/** The first `{ code, message }` of a FedEx error body, or null when the body is not one. */
export function readFedexError(body: unknown): { code: string; message: string } | null {
  const parsed = fedexErrorResponse.safeParse(body);
  if (!parsed.success) return null;
  const first = parsed.data.errors[0]!;
  return { code: first.code?.trim() ?? '', message: first.message?.trim() ?? '' };
}

/** The same as parseFedexTrackResponse, for a body still in text form (bad JSON → bad_response). */
export function parseFedexTrackText(body: string, requested: readonly string[]): Result<TrackResult[], CarrierError> {
  const json = readJson(body);
  return json === undefined ? err(badResponse('the body is not JSON')) : parseFedexTrackResponse(json, requested);
}

/**
 * One TrackResult per number FedEx answered for, in the order asked; a requested number FedEx
 * left out comes back as found:false so the caller still hears about every number it sent.
 */
export function parseFedexTrackResponse(body: unknown, requested: readonly string[] = []): Result<TrackResult[], CarrierError> {
  const parsed = fedexTrackResponse.safeParse(body);
  if (!parsed.success) {
    const fedexError = readFedexError(body);
    if (fedexError) return err({ ...badResponse('FedEx answered with an error'), carrierCode: fedexError.code, carrierMessage: fedexError.message });
    return err(badResponse(firstZodIssue(parsed.error)));
  }
  const answered = parsed.data.output.completeTrackResults.map((complete, index) =>
    toTrackResult(complete.trackingNumber?.trim() || requested[index] || '', complete.trackResults ?? []),
  );
  const byNumber = new Map(answered.map((result) => [result.trackingNumber, result]));
  const missing = requested.filter((n) => !byNumber.has(n)).map((n): TrackResult => ({ trackingNumber: n, found: false, message: 'FedEx returned nothing for this number' }));
  const inRequestOrder = requested.flatMap((n) => byNumber.get(n) ?? []);
  const extras = answered.filter((result) => !requested.includes(result.trackingNumber));
  return ok([...inRequestOrder, ...missing, ...extras]);
}

function toTrackResult(trackingNumber: string, results: FedexTrackResult[]): TrackResult {
  const usable = results.filter((r) => !r.error?.code && !r.error?.message);
  const chosen = freshest(usable);
  if (!chosen) {
    const error = results.find((r) => r.error)?.error;
    return { trackingNumber, found: false, message: error?.message?.trim() || 'FedEx has no tracking information for this number' };
  }
  const events = markRunningLate(eventsOf(chosen), chosen.latestStatusDetail?.derivedCode);
  // Delivered, to the recipient or back to the shipper: nothing left to estimate.
  const arrived = events.at(-1)?.status === 'delivered' || events.at(-1)?.status === 'returned';
  return {
    trackingNumber,
    found: true,
    events,
    estimatedDelivery: arrived ? null : estimatedWindow(chosen),
    service: chosen.serviceDetail?.description?.trim() || null,
  };
}

/** FedEx reuses numbers: with several results, trust the one with the newest scan. */
function freshest(results: FedexTrackResult[]): FedexTrackResult | undefined {
  const newestScan = (r: FedexTrackResult) => Math.max(Number.NEGATIVE_INFINITY, ...(r.scanEvents ?? []).map((e) => instantOf(e.date) ?? Number.NEGATIVE_INFINITY));
  return results.reduce<FedexTrackResult | undefined>((best, r) => (best === undefined || newestScan(r) > newestScan(best) ? r : best), undefined);
}

function eventsOf(result: FedexTrackResult): TrackingEventInput[] {
  const attempted = Number(result.deliveryDetails?.deliveryAttempts ?? 0) > 0;
  const scans = result.scanEvents ?? [];
  const drafts = scans.length > 0 ? scans.map((scan) => toDraft(scan, attempted)) : latestStatusOnly(result, attempted);
  // FedEx lists newest first; keep_previous and returns need the story in order.
  return markDeliveriesToShipper(carryStatusForward(sortOldestFirst(drafts.reverse())));
}

const DELIVERY_TO_SHIPPER = /return(ed)? to (shipper|sender)|delivered to (shipper|sender)|original (shipper|sender)/i;

/**
 * A delivery after a return to shipper (RS) in the same history, or worded as one, is the parcel
 * back with the shipper: `returned`, not `delivered` (as USPS and DHL read theirs). FedEx's DL scan
 * says "Delivered" either way; only the RS before it tells. Oldest first in, oldest first out.
 */
export function markDeliveriesToShipper<T extends Pick<TrackingEventInput, 'status' | 'carrierText'>>(events: T[]): T[] {
  let returning = false;
  return events.map((event) => {
    if (event.status === 'returning_to_sender') returning = true;
    const backHome = returning || DELIVERY_TO_SHIPPER.test(event.carrierText ?? '');
    return event.status === 'delivered' && backHome ? { ...event, status: 'returned' } : event;
  });
}

function toDraft(scan: FedexScanEvent, attempted: boolean): DraftEvent {
  const eventType = scan.eventType?.trim().toUpperCase() ?? '';
  const exceptionCode = scan.exceptionCode?.trim() ?? '';
  const description = scan.eventDescription?.trim() ?? '';
  const exceptionText = scan.exceptionDescription?.trim() ?? '';
  const meaning = mapFedexEvent({
    eventType,
    derivedCode: scan.derivedStatusCode,
    text: `${description} ${exceptionText}`,
    attempted,
  });
  return {
    ...meaning,
    occurredAt: isoWithOffset(scan.date),
    location: toLocation(scan.scanLocation),
    carrierCode: [eventType, exceptionCode].filter(Boolean).join('/') || null,
    carrierText: [description, exceptionText].filter((t, i, all) => t && all.indexOf(t) === i).join(': ') || null,
    dedupeKey: null, // FedEx has no event id; the ingest path derives one
  };
}

/** Without scans (FedEx can omit them), the latest status still says something. */
function latestStatusOnly(result: FedexTrackResult, attempted: boolean): DraftEvent[] {
  const latest = result.latestStatusDetail;
  if (!latest?.code && !latest?.derivedCode) return [];
  const code = latest.code?.trim().toUpperCase() ?? '';
  const deliveredAt = result.dateAndTimes?.find((d) => d.type === 'ACTUAL_DELIVERY')?.dateTime;
  return [
    {
      ...mapFedexEvent({ eventType: code, derivedCode: latest.derivedCode, text: latest.description ?? '', attempted }),
      occurredAt: code === 'DL' ? isoWithOffset(deliveredAt) : null,
      location: toLocation(latest.scanLocation),
      carrierCode: code || null,
      carrierText: latest.description?.trim() || null,
      dedupeKey: null,
    },
  ];
}

type ResolvedMapping = { status: ShipmentStatus | 'keep_previous'; reason: ExceptionReason | null; delayed: boolean };

/**
 * The meaning of one FedEx event: eventType first, derivedStatusCode as fallback, unknown → keep.
 * A delivery exception (DE) is a failed attempt when FedEx counted an attempt or its text says so.
 * The reason comes from FedEx's own words when they name one, else from the table.
 */
export function mapFedexEvent(input: { eventType: string; derivedCode?: string | null; text: string; attempted: boolean }): ResolvedMapping {
  const derived = input.derivedCode?.trim().toUpperCase() ?? '';
  const base: FedexCodeMapping = lookup(FEDEX_EVENT_TYPES, input.eventType) ?? lookup(FEDEX_DERIVED_CODES, derived) ?? { status: 'keep_previous' };
  const isDeliveryException = input.eventType === 'DE' || (!lookup(FEDEX_EVENT_TYPES, input.eventType) && derived === 'DE');
  const status = isDeliveryException && (input.attempted || ATTEMPT_WORDS.test(input.text)) ? 'attempt_failed' : base.status;
  const needsReason = status === 'exception' || status === 'attempt_failed' || base.delayed === true;
  const reason = needsReason ? (reasonFromText(input.text) ?? base.reason ?? (status === 'exception' ? 'other' : null)) : null;
  return { status, reason, delayed: status === 'in_transit' && base.delayed === true };
}

const ATTEMPT_WORDS = /attempt|not (at )?home|no one|nobody|not available|unavailable|business (was )?closed|closed/i;

// FedEx exception descriptions are free text; these words name the reason well enough.
const REASON_WORDS: ReadonlyArray<[RegExp, ExceptionReason]> = [
  [/refus/i, 'recipient_refused'],
  [/moved/i, 'recipient_moved'],
  [/business (was )?closed|closed/i, 'business_closed'],
  [/not (at )?home|no one|nobody|not available|unavailable|signature/i, 'recipient_unavailable'],
  [/gate|access|security/i, 'no_access'],
  [/address|incorrect|incomplete|unable to locate/i, 'address_problem'],
  [/customs|clearance|broker|dut(y|ies)|import/i, 'customs_hold'],
  [/weather|storm|snow|hurricane|flood|natural disaster/i, 'weather'],
  [/damage/i, 'damaged'],
  [/lost|missing/i, 'lost'],
  [/payment|cod\b|c\.o\.d|funds|charges due/i, 'held_for_payment'],
  [/missed|misrout|mis-sort/i, 'missed_connection'],
  [/label/i, 'label_problem'],
  [/hold|held/i, 'held_at_carrier'],
];

function reasonFromText(value: string): ExceptionReason | undefined {
  return REASON_WORDS.find(([words]) => words.test(value))?.[1];
}

/** latestStatusDetail.derivedCode RL ("Running late") marks the newest in-transit event delayed. */
function markRunningLate(events: TrackingEventInput[], derivedCode: string | null | undefined): TrackingEventInput[] {
  const newest = events.at(-1);
  if (derivedCode?.trim().toUpperCase() !== 'RL' || newest?.status !== 'in_transit' || newest.delayed) return events;
  return [...events.slice(0, -1), { ...newest, delayed: true, reason: newest.reason ?? 'carrier_delay' }];
}

function lookup<T>(table: Record<string, T>, key: string): T | undefined {
  return key !== '' && Object.hasOwn(table, key) ? table[key] : undefined;
}

// ---------------------------------------------------------------------------------------------
// Time: FedEx sends ISO-8601 with the local offset; we keep it as sent. Without an offset the
// time is ambiguous, so it becomes null (stored, never folded); FedEx has not been seen to do that.

const ISO_WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

function isoWithOffset(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return ISO_WITH_OFFSET.test(trimmed) && Number.isFinite(Date.parse(trimmed)) ? trimmed : null;
}

function instantOf(value: string | null | undefined): number | null {
  const iso = isoWithOffset(value);
  return iso === null ? null : Date.parse(iso);
}

/** A midnight time means "that day": the window is the whole day, in the same offset. */
function windowAround(value: string | null | undefined): DeliveryWindow | null {
  const iso = isoWithOffset(value);
  if (!iso) return null;
  const match = /^(\d{4}-\d{2}-\d{2})T00:00(:00(\.0+)?)?(Z|[+-]\d{2}:\d{2})$/.exec(iso);
  if (match) return { from: `${match[1]}T00:00:00${match[4]}`, to: `${match[1]}T23:59:59${match[4]}` };
  return { from: iso, to: iso };
}

function estimatedWindow(result: FedexTrackResult): DeliveryWindow | null {
  const estimated = result.dateAndTimes?.find((d) => d.type === 'ESTIMATED_DELIVERY')?.dateTime;
  const window = result.estimatedDeliveryTimeWindow?.window;
  const begins = isoWithOffset(window?.begins);
  const ends = isoWithOffset(window?.ends);
  if (estimated && windowAround(estimated)) return windowAround(estimated);
  if (begins && ends && Date.parse(begins) <= Date.parse(ends)) return { from: begins, to: ends };
  return windowAround(ends ?? begins) ?? windowAround(result.standardTransitTimeWindow?.window?.ends);
}

// ---------------------------------------------------------------------------------------------

function toLocation(location: z.infer<typeof fedexLocation> | null | undefined): EventLocation | null {
  if (!location) return null;
  const country = location.countryCode?.trim() ?? '';
  const result: EventLocation = {
    city: location.city?.trim() || null,
    region: location.stateOrProvinceCode?.trim() || null,
    postalCode: location.postalCode?.trim() || null,
    country: /^[A-Za-z]{2}$/.test(country) ? country.toUpperCase() : null,
  };
  return Object.values(result).some((v) => v !== null) ? result : null;
}

function badResponse(detail: string): CarrierError {
  return { code: 'bad_response', message: `FedEx answered a tracking response Waybill cannot read: ${detail}`, retryable: false };
}
