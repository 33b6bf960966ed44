// Estimated delivery window v1: the brand's cut-off and handling days give the ship date, a
// carrier's own estimate wins once it has one, and otherwise the transit-time table gives the days
// in transit by distance. Days are counted on business-day calendars (origin's for shipping,
// destination's for delivery) and the window runs from 08:00 to 20:00 on the destination's clock.
import { hasRealCalendarFields, parseInstant } from '../lib/time.js';
import { greatCircleKm } from '../carriers/simulated/cities.js';
import {
  addBusinessDays,
  businessDaysBetween,
  isBusinessDay,
  nextBusinessDay,
  onOrAfterBusinessDay,
  type HolidayArea,
} from './calendar.js';
import { addDays, instantAt, isCivilDate, isoIn, minutesOfClock, wallClockIn, type CivilDate } from './civil-date.js';
import { locate, timeZoneOf, type Address, type Located } from './places.js';
import { bundledTransitTable, transitDays, type TransitDays, type TransitTable } from './transit-table.js';
import { DeliveryEstimateInputSchema, type DeliveryEstimate, type DeliveryEstimateInput, type DeliveryEstimator } from './types.js';

/** Deliveries happen between these local times (minutes past midnight). */
export const DELIVERY_DAY_STARTS = 8 * 60;
export const DELIVERY_DAY_ENDS = 20 * 60;

type End = { timeZone: string; calendar: HolidayArea; located: Located | null };
type Lane = { origin: End; destination: End };

/** The estimator answering from a given transit table (tests, or a brand's own table). */
export function createTableEstimator(table: TransitTable | (() => TransitTable)): DeliveryEstimator {
  const tableNow = typeof table === 'function' ? table : () => table;
  return (input) => estimateFromTable(tableNow(), input);
}

/** The estimated delivery window of an order or a shipment, from the table in data/transit-times. */
export const estimateDeliveryWindow: DeliveryEstimator = createTableEstimator(bundledTransitTable);

function estimateFromTable(table: TransitTable, raw: DeliveryEstimateInput): DeliveryEstimate {
  const input = DeliveryEstimateInputSchema.parse(raw);
  const lane = laneOf(input.origin, input.destination, input.brand.warehouseTimeZone);

  if (input.stage === 'order') {
    const shipDate = shipDateForOrder(input.now, minutesOfClock(input.brand.cutoff)!, input.brand.handlingDays, lane.origin);
    return fromTable(table, input, lane, shipDate, shipDate);
  }
  const shipDate = wallClockIn(lane.origin.timeZone, input.shippedAt ? parseInstant(input.shippedAt)! : input.now).date;
  // A parcel handed over on a Saturday or a holiday starts moving on the next business day.
  const departure = onOrAfterBusinessDay(shipDate, lane.origin.calendar);
  const carrierWindow = readCarrierWindow(input.carrierEstimate, lane.destination.timeZone);
  return carrierWindow ? fromCarrier(carrierWindow, lane, shipDate, departure) : fromTable(table, input, lane, shipDate, departure);
}

function laneOf(origin: Address, destination: Address, warehouseTimeZone: string | undefined): Lane {
  const end = (address: Address, timeZone?: string): End => {
    const located = locate(address);
    return { timeZone: timeZone ?? timeZoneOf(address), calendar: { country: address.country.toUpperCase(), region: located?.region ?? null }, located };
  };
  return { origin: end(origin, warehouseTimeZone), destination: end(destination) };
}

/**
 * Today when the order comes in before the warehouse's cut-off on one of its business days, else the
 * next business day; then the brand's handling days, counted on the warehouse's calendar.
 */
export function shipDateForOrder(now: Date, cutoffMinutes: number, handlingDays: number, warehouse: Pick<End, 'timeZone' | 'calendar'>): CivilDate {
  const clock = wallClockIn(warehouse.timeZone, now);
  const takenInToday = clock.minutes < cutoffMinutes && isBusinessDay(clock.date, warehouse.calendar);
  const firstDay = takenInToday ? clock.date : nextBusinessDay(clock.date, warehouse.calendar);
  return addBusinessDays(firstDay, handlingDays, warehouse.calendar);
}

function fromTable(table: TransitTable, input: { carrier: string; service: string }, lane: Lane, shipDate: CivilDate, departure: CivilDate): DeliveryEstimate {
  const days = transitDays(table, {
    carrier: input.carrier,
    service: input.service,
    distanceKm: distanceKm(lane),
    international: lane.origin.calendar.country !== lane.destination.calendar.country,
    country: lane.destination.calendar.country,
    originRegion: lane.origin.located?.region ?? null,
    destinationRegion: lane.destination.located?.region ?? null,
  });
  const dates = deliveryDates(departure, days, lane.destination.calendar);
  const zone = lane.destination.timeZone;
  return {
    window: { from: isoIn(zone, instantAt(zone, dates.first, DELIVERY_DAY_STARTS)), to: isoIn(zone, instantAt(zone, dates.last, DELIVERY_DAY_ENDS)) },
    basis: 'transit_table',
    businessDays: businessDaysInTransit(departure, dates, lane.destination.calendar),
    shipDate,
  };
}

/** The carrier's word, written on the destination's clock. */
function fromCarrier(window: { from: Date; to: Date }, lane: Lane, shipDate: CivilDate, departure: CivilDate): DeliveryEstimate {
  const zone = lane.destination.timeZone;
  const dates = { first: wallClockIn(zone, window.from).date, last: wallClockIn(zone, window.to).date };
  return {
    window: { from: isoIn(zone, window.from), to: isoIn(zone, window.to) },
    basis: 'carrier',
    businessDays: businessDaysInTransit(departure, dates, lane.destination.calendar),
    shipDate,
  };
}

/** Great-circle distance between the two ends; a place we cannot find counts as far away. */
function distanceKm(lane: Lane): number {
  const { located: from } = lane.origin;
  const { located: to } = lane.destination;
  return from && to ? greatCircleKm(from, to) : Number.POSITIVE_INFINITY;
}

/**
 * The first and last delivery day: transit days counted on the destination's business days, or
 * (for a network that moves all week) on the calendar and then moved on to a business day.
 */
export function deliveryDates(departure: CivilDate, days: Pick<TransitDays, 'min' | 'max' | 'dayCount'>, destination: HolidayArea): { first: CivilDate; last: CivilDate } {
  const after = (count: number) =>
    days.dayCount === 'business' ? addBusinessDays(departure, count, destination) : onOrAfterBusinessDay(addDays(departure, count), destination);
  return { first: after(days.min), last: after(days.max) };
}

function businessDaysInTransit(departure: CivilDate, dates: { first: CivilDate; last: CivilDate }, destination: HolidayArea) {
  return { min: businessDaysBetween(departure, dates.first, destination), max: businessDaysBetween(departure, dates.last, destination) };
}

/**
 * A carrier's estimate as two instants: ISO instants as given, bare dates as that day's delivery
 * hours at the destination. Unreadable or backwards windows are noise: null, and the table answers.
 */
export function readCarrierWindow(estimate: { from: string; to: string } | null | undefined, timeZone: string): { from: Date; to: Date } | null {
  if (!estimate) return null;
  const read = (value: string, minutesIfDateOnly: number): Date | null => {
    const text = value.trim();
    if (isCivilDate(text)) return hasRealCalendarFields(text) ? instantAt(timeZone, text, minutesIfDateOnly) : null;
    return parseInstant(text);
  };
  const from = read(estimate.from, DELIVERY_DAY_STARTS);
  const to = read(estimate.to, DELIVERY_DAY_ENDS);
  return from && to && from.getTime() <= to.getTime() ? { from, to } : null;
}
