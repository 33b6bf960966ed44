// The simulated carrier at work: selling a label plans the parcel's whole journey, and each
// future scan becomes a job due at the scan's time. When the job runs, the scan enters through
// the same ingest path as a real carrier's. Everything is written in the label's transaction,
// so a crash never leaves a label without its journey.
import { lockedForUpdate } from '../../db/locks.js';
import { randomInt } from 'node:crypto';
import type { Transaction } from 'kysely';
import { z } from 'zod';
import type { Deps } from '../../deps.js';
import type { BrandRow, Database, OrderRow, ShipmentRow } from '../../db/schema.js';
import { enqueueJobs } from '../../jobs/queue.js';
import tzlookup from 'tz-lookup';
import { AppError } from '../../lib/errors.js';
import { offsetMinutesAt, toIsoWithOffset } from '../../lib/time.js';
import { JobFailure } from '../../jobs/worker.js';
import { ingestEvents } from '../../shipments/ingest.js';
import { EXCEPTION_REASONS, SHIPMENT_STATUSES } from '../../shipments/vocabulary.js';
import type { DeliveryWindow, TrackingEventInput } from '../types.js';
import { planJourney, type Scenario } from './journey.js';
import { makeTrackingNumber } from './tracking-number.js';

export const SIMULATED_SCAN_JOB = 'simulated.scan';

export const DEFAULT_ORIGIN = { city: 'Columbus', region: 'OH', country: 'US' };

export type SimulatedLabel = {
  trackingNumber: string;
  service: string;
  labelEvent: TrackingEventInput;
  estimatedDelivery: DeliveryWindow;
};

type Place = { city: string; region?: string | null; country: string };

/** A new simulated tracking number, drawn at random (the database's unique index catches a repeat). */
export const newSimulatedTrackingNumber = (): string => makeTrackingNumber(randomInt(0, 2 ** 48 - 1));

/**
 * Sells a label: plans the journey and enqueues its scans. The parcel goes from the brand's origin
 * to the order's destination, unless `route` says otherwise (a return goes from the customer back).
 */
export async function createSimulatedLabel(
  trx: Transaction<Database>,
  now: Date,
  input: { brand: BrandRow; order: OrderRow; shipment: ShipmentRow; scenario?: Scenario; trackingNumber?: string; route?: { from: Place; to: Place } },
): Promise<SimulatedLabel> {
  const settings = JSON.parse(input.brand.settings) as { origin?: typeof DEFAULT_ORIGIN };
  const origin = input.route?.from ?? settings.origin ?? DEFAULT_ORIGIN;
  const destination = input.route?.to ?? (JSON.parse(input.order.destination) as Place);
  const trackingNumber = input.trackingNumber ?? newSimulatedTrackingNumber();
  if (input.scenario === 'customs_hold' && destination.country === origin.country) {
    throw new AppError('validation_failed', `a customs hold needs an international parcel, but this one ships within ${origin.country}`, [
      { field: 'scenario', problem: 'customs_hold needs a destination abroad' },
    ]);
  }
  const journey = planOrRefuse({
    seed: trackingNumber,
    trackingNumber,
    origin,
    destination: { city: destination.city, region: destination.region ?? null, country: destination.country },
    labelCreatedAt: now.toISOString(),
    scenario: input.scenario,
  });
  // Carriers write scan times on the local clock of the place; so does the simulated one.
  const [labelEvent, ...scans] = journey.events.map((event) => ({ ...event, occurredAt: localIso(event.occurredAt, event.location) }));
  await enqueueJobs(
    trx,
    now,
    scans.map((event, index) => ({
      kind: SIMULATED_SCAN_JOB,
      payload: { shipmentId: input.shipment.id, event },
      runAt: new Date(event.occurredAt),
      maxAttempts: 20,
      idempotencyKey: `sim:${input.shipment.id}:${index + 1}`,
    })),
  );
  const window = journey.estimatedDelivery;
  return {
    trackingNumber,
    service: 'ground',
    labelEvent: labelEvent!,
    estimatedDelivery: { from: localIso(window.from, journey.destination), to: localIso(window.to, journey.destination) },
  };
}

/** An instant written on the local clock of the place (carriers print local times). */
export function localIso(instant: string, place: { lat: number; lon: number }): string {
  const date = new Date(instant);
  return toIsoWithOffset(date, offsetMinutesAt(tzlookup(place.lat, place.lon), date));
}

/** The planner refuses places it cannot route (an unknown country): the caller hears why. */
function planOrRefuse(request: Parameters<typeof planJourney>[0]) {
  try {
    return planJourney(request);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new AppError('validation_failed', `the simulated carrier cannot ship this order: ${error.message}`, [{ field: 'destination', problem: error.message }]);
    }
    throw error;
  }
}

const ScanPayload = z.object({
  shipmentId: z.string(),
  event: z.object({
    status: z.enum(SHIPMENT_STATUSES),
    reason: z.enum(EXCEPTION_REASONS).nullish(),
    delayed: z.boolean().optional(),
    occurredAt: z.string(),
    location: z.record(z.string(), z.unknown()).nullish(),
    carrierCode: z.string().nullish(),
    carrierText: z.string().nullish(),
    dedupeKey: z.string().nullish(),
  }),
});

/** Delivers one due scan. Idempotent: the scan's dedupe key makes a second run store nothing. */
export async function runSimulatedScan(deps: Deps, payload: unknown): Promise<void> {
  const parsed = ScanPayload.safeParse(payload);
  if (!parsed.success) throw new JobFailure(`bad simulated scan payload: ${parsed.error.message}`, false);
  const { shipmentId, event } = parsed.data;
  const now = deps.clock.now();
  const changed = await deps.db.transaction().execute(async (trx) => {
    const shipment = await lockedForUpdate(trx.selectFrom('shipments').selectAll().where('id', '=', shipmentId), deps.dialect).executeTakeFirst();
    if (!shipment) return false; // the shipment is gone (e.g. its brand was removed): nothing to deliver
    const [outcome] = await ingestEvents(trx, now, [{ shipment, source: 'simulated', events: [event as TrackingEventInput] }]);
    return outcome?.statusChanged ?? false;
  });
  deps.metrics.eventsStored.inc({ source: 'simulated' });
  if (changed) deps.notifyJobsEnqueued();
}
