// DHL Unified Shipment Tracking body → TrackResult. PURE: no I/O, never throws.
// Flow: problem+json (404 = not found)? → zod over only the fields we read → pick the shipment
// for our number → events placed in time (offset-less local times read in the country's zone) →
// statusCode + English text → status; `unknown` keeps the previous status; returns marked.
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import { formatAtOffset, parseWallClock, timeZoneOfCountry, wallClockToInstant } from '../local-time.js';
import { badResponse, carrierSaid, decodeJson, orderChronologically, zodSummary } from '../parse-kit.js';
import type { CarrierError, DeliveryWindow, EventLocation, TrackResult, TrackingEventInput } from '../types.js';
import { mapDhlStatus, type StatusMapping } from './status-codes.js';

const text = z.string().nullish();

const dhlPlace = z.object({ address: z.object({ countryCode: text, postalCode: text, addressLocality: text }).nullish() }).nullish();
type DhlPlace = z.infer<typeof dhlPlace>;

const dhlEvent = z.object({ timestamp: text, location: dhlPlace, statusCode: text, status: text, description: text });
type DhlEvent = z.infer<typeof dhlEvent>;

const dhlShipment = z.object({
  id: text,
  service: text,
  origin: dhlPlace,
  destination: dhlPlace,
  status: dhlEvent.nullish(),
  estimatedTimeOfDelivery: text,
  estimatedDeliveryTimeFrame: z.object({ estimatedFrom: text, estimatedThrough: text }).nullish(),
  returnFlag: z.boolean().nullish(), // "the delivery is returned back to consignor"
  details: z.object({ product: z.object({ productName: text }).nullish(), pieceIds: z.array(z.string()).nullish() }).nullish(),
  events: z.array(dhlEvent).nullish(),
});
type DhlShipment = z.infer<typeof dhlShipment>;

const dhlTrackingBody = z.object({ shipments: z.array(dhlShipment) });

// RFC 7807 problem+json; some DHL gateways say `statusCode` where the spec says `status`.
const dhlProblem = z.object({ status: z.number().nullish(), statusCode: z.number().nullish(), title: text, detail: text });

export type DhlProblem = { status: number | null; title: string | null; message: string };

/** Reads DHL's problem+json error body, or null when the body is something else. */
export function readDhlProblem(body: unknown): DhlProblem | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || 'shipments' in body) return null;
  const parsed = dhlProblem.safeParse(body);
  if (!parsed.success) return null;
  const { status, statusCode, title, detail } = parsed.data;
  if (status == null && statusCode == null && !title && !detail) return null;
  return { status: status ?? statusCode ?? null, title: title ?? null, message: detail ?? title ?? 'DHL returned an error without a message' };
}

export function parseDhlTracking(trackingNumber: string, body: unknown): Result<TrackResult[], CarrierError> {
  const problem = readDhlProblem(body);
  if (problem?.status === 404) return ok([{ trackingNumber, found: false, message: problem.message }]);
  if (problem) return err(badResponse(`DHL answered with a problem body: ${problem.message}`, carrierSaid(problem.title, problem.message)));

  const parsed = dhlTrackingBody.safeParse(body);
  if (!parsed.success) return err(badResponse(`DHL tracking body did not match the Unified API shape: ${zodSummary(parsed.error)}`));
  const shipment = pickShipment(trackingNumber, parsed.data.shipments);
  if (!shipment) return ok([{ trackingNumber, found: false, message: 'DHL returned no shipment for this tracking number' }]);

  return ok([
    {
      trackingNumber,
      found: true,
      events: toTrackingEvents(shipment),
      estimatedDelivery: toDeliveryWindow(shipment),
      service: shipment.details?.product?.productName?.trim() || shipment.service?.trim() || null,
    },
  ]);
}

/** The client reads bodies as text; a body that is not JSON is a bad response, never a throw. */
export const decodeJsonBody = (body: string): Result<unknown, CarrierError> => decodeJson(body, 'DHL');

/**
 * Without `service` DHL may answer with several divisions' shipments: prefer the one whose id is
 * our number, then one that lists it as a piece, else the first DHL offered.
 */
function pickShipment(trackingNumber: string, shipments: DhlShipment[]): DhlShipment | undefined {
  const wanted = compact(trackingNumber);
  return (
    shipments.find((shipment) => shipment.id && compact(shipment.id) === wanted) ??
    shipments.find((shipment) => shipment.details?.pieceIds?.some((piece) => compact(piece) === wanted)) ??
    shipments[0]
  );
}

function toTrackingEvents(shipment: DhlShipment): TrackingEventInput[] {
  // Some services send only the current status; it is then the one event we know.
  const raw = shipment.events?.length ? shipment.events : shipment.status ? [shipment.status] : [];
  const timed = raw.map((event) => ({ event, at: toInstant(event, shipment) }));
  let previous: StatusMapping = { status: 'pending' };
  let returning = false;
  return orderChronologically(timed).map(({ event, at }) => {
    const mapped = mapDhlStatus(event.statusCode, `${event.status ?? ''} ${event.description ?? ''}`);
    // `unknown` says nothing new: keep where the parcel was (pending before any event), and why
    // it is there, but not a delay: that was news about the earlier event only.
    const mapping: StatusMapping =
      mapped.statusCode === 'unknown' ? { status: previous.status, reason: previous.delayed ? undefined : previous.reason } : mapped;
    previous = mapping;
    if (mapping.status === 'returning_to_sender') returning = true;
    // A delivery that ends a return brings the parcel back to the shipper.
    const status = mapping.status === 'delivered' && (returning || shipment.returnFlag === true) ? 'returned' : mapping.status;
    return {
      status,
      reason: mapping.reason ?? null,
      delayed: mapping.delayed ?? false,
      occurredAt: at ? formatAtOffset(at.utcMs, at.offsetMinutes) : null,
      location: toLocation(event.location),
      carrierCode: event.statusCode?.trim() || null,
      carrierText: event.description?.trim() || event.status?.trim() || null,
      // DHL gives events no id, only minute-resolution local times and localized text: nothing
      // steadier than the event's content, which ingest already hashes.
      dedupeKey: null,
    };
  });
}

// ---- time ------------------------------------------------------------------------------------

type Instant = { utcMs: number; offsetMinutes: number };

/**
 * A timestamp with an offset is taken as is. Without one it is local time where the event
 * happened: the event's country, else (no location) the origin for pre-transit events and the
 * destination for the rest. A country we cannot place in a zone gives null (stored, not folded).
 */
function toInstant(event: DhlEvent, shipment: DhlShipment): Instant | null {
  const wall = event.timestamp ? parseWallClock(event.timestamp) : null;
  if (!wall) return null;
  if (wall.offsetMinutes !== null) return { utcMs: wall.wallMs - wall.offsetMinutes * 60_000, offsetMinutes: wall.offsetMinutes };
  const origin = countryOf(shipment.origin);
  const destination = countryOf(shipment.destination);
  const sides = event.statusCode === 'pre-transit' ? [origin, destination] : [destination, origin];
  const zone = timeZoneOfCountry(countryOf(event.location) ?? sides[0] ?? sides[1]);
  return zone ? wallClockToInstant(wall.wallMs, zone) : null;
}

/**
 * The time frame when DHL gives one; else `estimatedTimeOfDelivery`, where midnight means the
 * date alone (the whole day in the destination's zone) and any other time is a point.
 */
function toDeliveryWindow(shipment: DhlShipment): DeliveryWindow | null {
  const zone = timeZoneOfCountry(countryOf(shipment.destination));
  const frame = shipment.estimatedDeliveryTimeFrame;
  const from = frame?.estimatedFrom ? toIsoInZone(frame.estimatedFrom, zone) : null;
  const to = frame?.estimatedThrough ? toIsoInZone(frame.estimatedThrough, zone) : null;
  if (from && to) return { from, to };

  const eta = shipment.estimatedTimeOfDelivery ? parseWallClock(shipment.estimatedTimeOfDelivery) : null;
  if (!eta) return null;
  const isDateOnly = eta.wallMs % 86_400_000 === 0;
  if (!isDateOnly) {
    const point = toIsoInZone(shipment.estimatedTimeOfDelivery!, zone);
    return point ? { from: point, to: point } : null;
  }
  const dayStart = eta.wallMs;
  const dayEnd = eta.wallMs + 86_399_000;
  if (zone) {
    const [start, end] = [wallClockToInstant(dayStart, zone), wallClockToInstant(dayEnd, zone)];
    return { from: formatAtOffset(start.utcMs, start.offsetMinutes), to: formatAtOffset(end.utcMs, end.offsetMinutes) };
  }
  if (eta.offsetMinutes === null) return null;
  const shift = eta.offsetMinutes * 60_000;
  return { from: formatAtOffset(dayStart - shift, eta.offsetMinutes), to: formatAtOffset(dayEnd - shift, eta.offsetMinutes) };
}

function toIsoInZone(value: string, zone: string | null): string | null {
  const wall = parseWallClock(value);
  if (!wall) return null;
  if (wall.offsetMinutes !== null) return formatAtOffset(wall.wallMs - wall.offsetMinutes * 60_000, wall.offsetMinutes);
  if (!zone) return null;
  const at = wallClockToInstant(wall.wallMs, zone);
  return formatAtOffset(at.utcMs, at.offsetMinutes);
}

// ---- location and text -----------------------------------------------------------------------

function countryOf(place: DhlPlace): string | null {
  const code = place?.address?.countryCode?.trim().toUpperCase();
  return code && /^[A-Z]{2}$/.test(code) ? code : null;
}

function toLocation(place: DhlPlace): EventLocation | null {
  const address = place?.address;
  const city = address?.addressLocality?.trim() || null;
  const postalCode = address?.postalCode?.trim() || null;
  const country = countryOf(place);
  return city || postalCode || country ? { city, postalCode, country } : null;
}

function compact(value: string): string {
  return value.replace(/\s+/g, '').toUpperCase();
}
