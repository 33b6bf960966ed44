// planJourney: seed + places + label time in, a parcel's complete list of carrier events out.
// Pure in the sense that matters: the same request gives the same journey, byte for byte. (The only
// outside inputs are read-only data: the city dataset, loaded once on first use, and time-zone rules.)
import type { ExceptionReason, ShipmentStatus } from '../../shipments/vocabulary.js';
import type { DeliveryWindow, EventLocation, TrackingEventInput } from '../types.js';
import { hasCities, pickCity, resolvePlace, type City, type PlaceInput } from './cities.js';
import { HOUR_MS, localDayStart, utcOffsetHours } from './local-time.js';
import { createRandom, type Random } from './random.js';
import { planRoute, type RouteStop } from './route.js';
import {
  SCENARIOS,
  drawScenario,
  planIncidents,
  resolveRates,
  type Incidents,
  type Scenario,
  type ScenarioRates,
} from './scenarios.js';
import { SIMULATED_CODES, type SimulatedCarrierCode } from './status-codes.js';
import { writeTimeline, type Scan } from './timeline.js';

export type { Scenario, ScenarioRates } from './scenarios.js';

export type JourneyRequest = {
  /** Any number or text; the tracking number is mixed in, so one seed can drive a whole demo. */
  seed: number | string;
  trackingNumber: string;
  /** The brand's warehouse: a place to look up, or a city already resolved. */
  origin: PlaceInput | City;
  /** The customer's address; drawn from the seed (weighted by population) when omitted. */
  destination?: PlaceInput | City;
  labelCreatedAt: string | Date;
  /** Only steers a drawn destination abroad; with a given destination, the countries decide. */
  international?: boolean;
  /** Forces one path (tests, the demo); otherwise drawn at `rates`. */
  scenario?: Scenario;
  rates?: Partial<ScenarioRates>;
};

/** Every simulated event says where it happened; simulated addresses have no postal code. */
export type JourneyLocation = EventLocation & { city: string; region: string | null; postalCode: null; country: string; lat: number; lon: number };

export type JourneyEvent = TrackingEventInput & {
  occurredAt: string;
  status: ShipmentStatus;
  reason: ExceptionReason | null;
  delayed: boolean;
  location: JourneyLocation;
  carrierCode: SimulatedCarrierCode;
  carrierText: string;
  dedupeKey: string;
};

export type Journey = {
  trackingNumber: string;
  scenario: Scenario;
  /** Held at customs on the way (also when the scenario is another one: customs is drawn on its own). */
  customsHold: boolean;
  international: boolean;
  origin: City;
  destination: City;
  /** Facilities in visiting order, for drawing the parcel's path on a map. */
  route: RouteStop[];
  /** Great-circle distance from origin to destination. */
  distanceKm: number;
  events: JourneyEvent[];
  /** When the parcel would be delivered if nothing went wrong: the carrier's promise at label time. */
  expectedDeliveryAt: string;
  /** The promised day at the destination, 08:00 to 20:00 local time. */
  estimatedDelivery: DeliveryWindow;
  finalStatus: ShipmentStatus;
  /** The last event's time. */
  endsAt: string;
};

/** Where a drawn international destination may be (any but the origin's own country). */
export const INTERNATIONAL_DESTINATION_COUNTRIES = ['US', 'CA', 'MX', 'GB', 'IE', 'FR', 'DE', 'NL', 'BE', 'ES', 'IT', 'SE', 'DK', 'CH', 'AT', 'AU', 'NZ', 'JP', 'KR', 'SG'] as const;

export function planJourney(request: JourneyRequest): Journey {
  const { trackingNumber } = request;
  if (!trackingNumber.trim()) throw new RangeError('trackingNumber must not be empty');
  const labelMs = new Date(request.labelCreatedAt).getTime();
  if (Number.isNaN(labelMs)) throw new RangeError(`labelCreatedAt is not a date: ${String(request.labelCreatedAt)}`);
  if (request.scenario !== undefined && !SCENARIOS.includes(request.scenario)) throw new RangeError(`unknown scenario "${request.scenario}"`);
  const rates = resolveRates(request.rates);

  const random = createRandom(`${request.seed}|${trackingNumber}`);
  const origin = asCity(request.origin);
  const wantsAbroad = request.international ?? request.scenario === 'customs_hold';
  const destination = request.destination ? asCity(request.destination) : drawDestination(random.fork('destination'), origin, wantsAbroad);
  const international = origin.country !== destination.country;
  if (request.international !== undefined && request.destination && request.international !== international) {
    throw new RangeError(`international is ${request.international} but the journey goes ${origin.country} to ${destination.country}`);
  }
  if (request.scenario === 'customs_hold' && !international) throw new RangeError('customs_hold needs an international journey');

  const drawn = request.scenario
    ? { scenario: request.scenario, customsHold: request.scenario === 'customs_hold' }
    : drawScenario(random.fork('scenario'), rates, international);
  const route = planRoute(origin, destination);
  const incidents = planIncidents(random.fork('incidents'), drawn.scenario, drawn.customsHold, route.stops.length);

  const write = (bent: Incidents) => writeTimeline(route, labelMs, bent, random.fork('timing'), random.fork('incident-timing'));
  const onPlan = write({});
  const expectedMs = onPlan[onPlan.length - 1].atMs;
  let scans = Object.keys(incidents).length === 0 ? onPlan : write(incidents);
  // A delay that a Sunday swallows is no delay to the customer. These paths exist to show a late
  // parcel, so the hold grows by a day until the delivery really is later than promised.
  const deliveredOnTime = (written: Scan[]) => written[written.length - 1].code === 'SIM-DV' && written[written.length - 1].atMs <= expectedMs;
  for (let days = 1; days <= 7 && mustArriveLate(incidents) && deliveredOnTime(scans); days++) {
    scans = write(lengthenHolds(incidents, days * 24));
  }
  const promisedDay = localDayStart(expectedMs, utcOffsetHours(destination, expectedMs));

  const events = scans.map((scan, index) => toEvent(scan, index, trackingNumber));
  const last = events[events.length - 1];
  return {
    trackingNumber,
    scenario: drawn.scenario,
    customsHold: scans.some((scan) => scan.code === 'SIM-CH'),
    international,
    origin,
    destination,
    route: route.stops,
    distanceKm: route.distanceKm,
    events,
    expectedDeliveryAt: isoInstant(expectedMs),
    estimatedDelivery: { from: isoInstant(promisedDay + 8 * HOUR_MS), to: isoInstant(promisedDay + 20 * HOUR_MS) },
    finalStatus: last.status,
    endsAt: last.occurredAt,
  };
}

function mustArriveLate(incidents: Incidents): boolean {
  return Boolean(incidents.delay || incidents.stall || incidents.customsHold);
}

function lengthenHolds(incidents: Incidents, hours: number): Incidents {
  const { delay, stall, customsHold } = incidents;
  return {
    ...incidents,
    ...(delay ? { delay: { ...delay, hours: delay.hours + hours } } : {}),
    ...(stall ? { stall: { ...stall, hours: stall.hours + hours } } : {}),
    ...(customsHold ? { customsHold: { hours: customsHold.hours + hours } } : {}),
  };
}

function asCity(place: PlaceInput | City): City {
  return 'geonameId' in place ? place : resolvePlace(place);
}

function drawDestination(random: Random, origin: City, abroad: boolean): City {
  const countries = abroad ? INTERNATIONAL_DESTINATION_COUNTRIES.filter((c) => c !== origin.country) : [origin.country];
  // Towns of some size, unless the country has none (Monaco, Malta): then any settlement.
  const sized = { countries, minPopulation: abroad ? 100_000 : 50_000 };
  const options = hasCities(sized) ? sized : { countries, minPopulation: 0 };
  // A parcel to the warehouse's own town is a dull demo: draw again (a few times at most).
  for (let tries = 0; ; tries++) {
    const city = pickCity(random, options);
    if (city.geonameId !== origin.geonameId || tries >= 4) return city;
  }
}

function toEvent(scan: Scan, index: number, trackingNumber: string): JourneyEvent {
  const code: { status: ShipmentStatus; text: string; reason?: ExceptionReason; delayed?: boolean } = SIMULATED_CODES[scan.code];
  return {
    status: code.status,
    reason: scan.reason ?? code.reason ?? null,
    delayed: code.delayed ?? false,
    occurredAt: isoInstant(scan.atMs),
    location: {
      city: scan.city.name,
      region: scan.city.region,
      postalCode: null,
      country: scan.city.country,
      lat: scan.city.lat,
      lon: scan.city.lon,
    },
    carrierCode: scan.code,
    carrierText: code.text,
    dedupeKey: `sim:${trackingNumber}:${index}`,
  };
}

/** ISO-8601 UTC, without milliseconds when there are none ("2026-01-05T17:23:00Z"). */
function isoInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
