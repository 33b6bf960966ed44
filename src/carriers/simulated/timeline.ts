// Writes a parcel's scans along a route: label, pickup, facility arrivals and departures, customs,
// then the last mile (or the way back to the sender). Incidents bend the happy path; they never
// change its timing draws, because every step draws from its own named stream (`timing.fork`), so
// the same journey without incidents is the on-plan journey its promised delivery date comes from.
import type { ExceptionReason } from '../../shipments/vocabulary.js';
import type { City } from './cities.js';
import { greatCircleKm } from './geo.js';
import {
  atLocalHour,
  DAY_MS,
  DELIVERY_DAYS,
  HOUR_MS,
  MINUTE_MS,
  WEEKDAYS,
  nextWorkingDay,
  utcOffsetHours,
  withinHours,
} from './local-time.js';
import type { Random } from './random.js';
import type { Route, RouteStop } from './route.js';
import type { Incidents } from './scenarios.js';
import { ATTEMPT_CODES, type SimulatedCarrierCode } from './status-codes.js';

export type Scan = { code: SimulatedCarrierCode; city: City; atMs: number; reason?: ExceptionReason };

/** Ground linehaul covers about this much per day, sorting included. */
export const GROUND_KM_PER_DAY = 800;
const AIR_KM_PER_HOUR = 750;
// Local hours (the clock of the place) when each kind of scan happens.
const FACILITY_HOURS = { open: 5, close: 23 };
const PICKUP_HOURS = { from: 15, to: 18 };
const OUT_FOR_DELIVERY_HOURS = { from: 7, to: 9.5 };
const DOORSTEP_HOURS = { from: 12, to: 18 };
const RETURN_DROP_HOURS = { from: 9, to: 16.5 };
/** A pickup point (a shop, a locker's service hours) takes in parcels and hands them over in these local hours. */
const PICKUP_POINT_HOURS = { open: 9, close: 19 };
/** A parcel that reaches its last facility needs this long to be sorted onto a van. */
const SORT_FOR_DELIVERY_MS = 1.5 * HOUR_MS;
const ATTEMPTS_BEFORE_RETURN = 2;

export function writeTimeline(route: Route, labelMs: number, incidents: Incidents, timing: Random, extra: Random): Scan[] {
  const scans: Scan[] = [];
  /**
   * Appends a scan; times are whole minutes and strictly increasing. Returns the time used.
   * Rounded down: every window (shift, shop hours, delivery hours) opens on a whole minute, so a time
   * chosen inside one stays inside it; rounding up turned 22:59:30 into 23:00, after the shift.
   */
  const scan = (code: SimulatedCarrierCode, city: City, atMs: number, reason?: ExceptionReason): number => {
    const previous = scans.length > 0 ? scans[scans.length - 1].atMs : -Infinity;
    const at = Math.max(Math.floor(atMs / MINUTE_MS) * MINUTE_MS, Math.ceil((previous + 1) / MINUTE_MS) * MINUTE_MS);
    scans.push({ code, city, atMs: at, ...(reason ? { reason } : {}) });
    return at;
  };
  const { origin, destination, stops } = route;
  scans.push({ code: 'SIM-LC', city: origin, atMs: labelMs });

  const pickup = timing.fork('pickup');
  const earliestPickup = labelMs + HOUR_MS;
  const pickupOffset = utcOffsetHours(origin, earliestPickup);
  const pickupDay = nextWorkingDay(earliestPickup, pickupOffset, WEEKDAYS, PICKUP_HOURS.to);
  const pickupHour = pickup.between(PICKUP_HOURS.from, PICKUP_HOURS.to);
  let readyAt = scan('SIM-PU', origin, Math.max(atLocalHour(origin, pickupDay, pickupOffset, pickupHour), earliestPickup));

  for (let i = 0; i < stops.length; i++) {
    const stop = stops[i];
    const step = timing.fork(`stop:${i}`);
    const previous = i === 0 ? origin : stops[i - 1].city;
    const flown = route.crossing === 'air' && stop.role === 'import_gateway';
    const legHours = flown ? airHours(greatCircleKm(previous, stop.city), step) : groundHours(greatCircleKm(previous, stop.city), step);
    const arrivalJitter = step.between(0, 45) * MINUTE_MS;
    const handlingHours = i === 0 ? step.between(1, 3) : step.between(2, 6);
    const departureJitter = step.between(0, 45) * MINUTE_MS;
    const customs = { processingHours: step.between(1, 3), clearingHours: step.between(2, 8) };
    const isLast = i === stops.length - 1;

    readyAt = scan(arrivalCode(stops, i), stop.city, atFacility(readyAt + legHours * HOUR_MS, stop.city, arrivalJitter));
    if (stop.role === 'import_gateway') {
      const inspectedAt = scan('SIM-CC', stop.city, atFacility(readyAt + customs.processingHours * HOUR_MS, stop.city, arrivalJitter));
      if (incidents.customsHold) {
        const heldAt = scan('SIM-CH', stop.city, atFacility(inspectedAt + extra.between(1, 3) * HOUR_MS, stop.city, 0));
        readyAt = scan('SIM-CR', stop.city, atFacility(heldAt + incidents.customsHold.hours * HOUR_MS, stop.city, extra.between(0, 45) * MINUTE_MS));
      } else {
        readyAt = scan('SIM-CL', stop.city, atFacility(inspectedAt + customs.clearingHours * HOUR_MS, stop.city, arrivalJitter));
      }
    }
    if (incidents.delay?.atStop === i) {
      const code = incidents.delay.reason === 'weather' ? 'SIM-DW' : 'SIM-DC';
      scan(code, stop.city, atFacility(readyAt + extra.between(0.5, 2) * HOUR_MS, stop.city, extra.between(0, 30) * MINUTE_MS));
      readyAt += incidents.delay.hours * HOUR_MS;
    }
    // A stall is a silence: the parcel sits, nothing is scanned.
    if (incidents.stall?.atStop === i) readyAt += incidents.stall.hours * HOUR_MS;

    const exception = incidents.exception?.atStop === i ? incidents.exception : undefined;
    if (exception?.kind === 'damaged' || exception?.kind === 'label_problem') {
      const code = exception.kind === 'damaged' ? 'SIM-XD' : 'SIM-XB';
      scan(code, stop.city, atFacility(readyAt + exception.afterHours * HOUR_MS, stop.city, extra.between(0, 30) * MINUTE_MS));
      return scans;
    }
    if (!isLast) {
      const departureCode = stop.role === 'export_gateway' ? 'SIM-EX' : 'SIM-DF';
      readyAt = scan(departureCode, stop.city, atFacility(readyAt + handlingHours * HOUR_MS, stop.city, departureJitter));
    }
    if (exception?.kind === 'lost') {
      // Last seen leaving this facility; the carrier admits the loss days later.
      scan('SIM-XL', stop.city, atFacility(readyAt + exception.afterHours * HOUR_MS, stop.city, 0));
      return scans;
    }
  }

  // ---- the last mile ----
  const station = stops[stops.length - 1].city;
  readyAt += SORT_FOR_DELIVERY_MS;
  for (let attempt = 0; ; attempt++) {
    const mile = timing.fork(`delivery:${attempt}`);
    const destinationOffset = utcOffsetHours(destination, readyAt);
    const outHour = mile.between(OUT_FOR_DELIVERY_HOURS.from, OUT_FOR_DELIVERY_HOURS.to);
    const doorHour = mile.between(DOORSTEP_HOURS.from, DOORSTEP_HOURS.to);
    const day = nextWorkingDay(readyAt, destinationOffset, DELIVERY_DAYS, OUT_FOR_DELIVERY_HOURS.to);
    const outAt = Math.max(atLocalHour(destination, day, destinationOffset, outHour), readyAt);
    const doorAt = atLocalHour(destination, day, destinationOffset, doorHour);
    const rts = incidents.returnToSender;

    // A bad address is found when the parcel is sorted onto the van, so it never leaves the station.
    if (incidents.exception?.kind === 'address_problem' || rts?.cause === 'address_problem') {
      const foundAt = scan('SIM-XA', station, outAt);
      if (!rts) return scans;
      return writeReturn(scans, scan, route, foundAt + extra.between(2, 18) * HOUR_MS, 'address_problem', timing);
    }
    scan('SIM-OD', station, outAt);
    if (rts?.cause === 'recipient_refused') {
      const refusedAt = scan('SIM-AR', destination, doorAt);
      return writeReturn(scans, scan, route, refusedAt + extra.between(1, 3) * HOUR_MS, 'recipient_refused', timing);
    }
    if (rts?.cause === 'recipient_unavailable') {
      const missedAt = scan('SIM-AU', destination, doorAt);
      if (attempt + 1 >= ATTEMPTS_BEFORE_RETURN) {
        return writeReturn(scans, scan, route, missedAt + extra.between(2, 18) * HOUR_MS, 'recipient_unavailable', timing);
      }
      readyAt = day + DAY_MS;
      continue;
    }
    if (incidents.pickupPoint) {
      const { reason, collectAfterHours } = incidents.pickupPoint;
      const missedAt = scan(ATTEMPT_CODES[reason], destination, doorAt);
      const collect = timing.fork('pickup-point');
      const heldAt = scan('SIM-AP', destination, atPickupPoint(missedAt + collect.between(1, 3) * HOUR_MS, destination));
      scan('SIM-PK', destination, atPickupPoint(heldAt + collectAfterHours * HOUR_MS, destination));
      return scans;
    }
    if (incidents.failedAttempt && attempt === 0) {
      const reason = incidents.failedAttempt.reason;
      scan(ATTEMPT_CODES[reason], destination, doorAt);
      readyAt = day + DAY_MS; // redelivery on the next delivery day
      continue;
    }
    scan('SIM-DV', destination, doorAt);
    return scans;
  }
}

type ScanFn = (code: SimulatedCarrierCode, city: City, atMs: number, reason?: ExceptionReason) => number;

/** Back along the route, stop by stop, to the sender's door. */
function writeReturn(scans: Scan[], scan: ScanFn, route: Route, startMs: number, reason: ExceptionReason, timing: Random): Scan[] {
  const stops = route.stops;
  const station = stops[stops.length - 1].city;
  let readyAt = scan('SIM-RS', station, atFacility(startMs, station, 0), reason);
  for (let i = stops.length - 1; i >= 0; i--) {
    const step = timing.fork(`return:${i}`);
    const here = stops[i].city;
    readyAt = scan('SIM-RD', here, atFacility(readyAt + step.between(2, 6) * HOUR_MS, here, step.between(0, 45) * MINUTE_MS));
    if (i === 0) break;
    const next = stops[i - 1].city;
    const flown = route.crossing === 'air' && stops[i].role === 'import_gateway';
    const hours = flown ? airHours(greatCircleKm(here, next), step) : groundHours(greatCircleKm(here, next), step);
    readyAt = scan('SIM-RA', next, atFacility(readyAt + hours * HOUR_MS, next, step.between(0, 45) * MINUTE_MS));
  }
  const last = timing.fork('return:door');
  const arrivesAt = readyAt + groundHours(greatCircleKm(stops[0].city, route.origin), last) * HOUR_MS;
  const offset = utcOffsetHours(route.origin, arrivesAt);
  const day = nextWorkingDay(arrivesAt, offset, WEEKDAYS, RETURN_DROP_HOURS.to);
  const dropHour = last.between(RETURN_DROP_HOURS.from, RETURN_DROP_HOURS.to);
  scan('SIM-RT', route.origin, Math.max(atLocalHour(route.origin, day, offset, dropHour), arrivesAt));
  return scans;
}

function arrivalCode(stops: RouteStop[], i: number): SimulatedCarrierCode {
  if (stops[i].role === 'import_gateway') return 'SIM-IM';
  if (i === 0) return 'SIM-OF';
  if (i === stops.length - 1) return 'SIM-AS';
  return 'SIM-AH';
}

/** Facilities scan from early morning to late evening; a truck arriving at night waits for the shift. */
function atFacility(atMs: number, city: City, jitterMs: number): number {
  return withinHours(atMs, city, FACILITY_HOURS.open, FACILITY_HOURS.close, jitterMs);
}

/** Pickup points take in and hand over parcels in shop hours, any day. */
function atPickupPoint(atMs: number, city: City): number {
  return withinHours(atMs, city, PICKUP_POINT_HOURS.open, PICKUP_POINT_HOURS.close);
}

/** Trucking time: a day per GROUND_KM_PER_DAY, never under 45 minutes, give or take 10%. */
function groundHours(km: number, step: Random): number {
  return Math.max(0.75, (km / GROUND_KM_PER_DAY) * 24) * step.between(0.9, 1.1);
}

/** Flying time: consolidation and airport handling, then the flight itself. */
function airHours(km: number, step: Random): number {
  return step.between(8, 16) + km / AIR_KM_PER_HOUR;
}
