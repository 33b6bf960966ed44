// Shipments: create (with a tracking number, or with a label bought through src/labels), read with the
// timeline, post events (people and stores), batch events (keyed by carrier + tracking number)
// and commands. Every event goes through ingestEvents.
import { lockedForUpdate } from '../db/locks.js';
import type { z } from '@hono/zod-openapi';
import type { BatchEventsSchema, CreateShipmentInput, PostEventsSchema } from '../api/schemas.js';
import type { TrackingEventInput } from '../carriers/types.js';
import { isKnownCarrier, KNOWN_CARRIERS, knownCarrier } from '../carriers/registry.js';
import { detectTrackingNumber, normalizeTrackingInput } from '../carriers/tracking-numbers/index.js';
import type { Deps } from '../deps.js';
import type { BrandRow, ShipmentRow, TrackingEventRow } from '../db/schema.js';
import { AppError, type FieldProblem, notFound } from '../lib/errors.js';
import { assertInSequence, assertPlausibleTimes, type TimedField } from '../lib/plausible-times.js';
import { hasPrefix } from '../lib/ids.js';
import { findOrder } from '../orders/service.js';
import { purchaseLabel } from '../labels/purchase.js';
import { ingestByTrackingNumber, ingestForShipment, type NumberedEvents } from './hot-ingest.js';
import { readShipmentWithEvents, type ShipmentWithEvents } from './hot-reads.js';
import { pendingShipmentRow } from './rows.js';
import { type IngestOutcome, foldStateOf, ingestEvents, viewOfRow } from './ingest.js';
import { commandOccurredAt, decideCommand, type ShipmentCommand } from './status.js';
import type { EventSource } from './vocabulary.js';

export async function createShipment(deps: Deps, brand: BrandRow, orderId: string, input: CreateShipmentInput): Promise<ShipmentRow> {
  const order = await findOrder(deps, brand.id, orderId);
  if (!input.label && !input.trackingNumber) {
    throw new AppError('validation_failed', 'a shipment needs a trackingNumber, or label: true to buy one', [{ field: 'trackingNumber', problem: 'is required unless label is true' }]);
  }
  const namedCarrier = input.carrier === undefined ? undefined : knownCarrier(input.carrier);
  // A label is bought (the carrier chosen, the parcel checked, the purchase recorded) in src/labels.
  if (input.label) return purchaseLabel(deps, brand, order, input);
  const carrier = namedCarrier ?? carrierFromNumber(input.trackingNumber ?? '');
  if (input.scenario && carrier !== 'simulated') {
    throw new AppError('validation_failed', 'scenario applies to the simulated carrier only', [{ field: 'scenario', problem: 'only for carrier simulated' }]);
  }
  const now = deps.clock.now();
  const trackingNumber = normalizeTrackingInput(input.trackingNumber ?? '');

  return deps.db.transaction().execute(async (trx) => {
    const shipment = pendingShipmentRow({ brandId: brand.id, orderId: order.id, carrier, trackingNumber, service: input.service, direction: input.direction, now });
    const inserted = await trx
      .insertInto('shipments')
      .values(shipment)
      .onConflict((oc) => oc.columns(['brand_id', 'carrier', 'tracking_number']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (!inserted) {
      throw new AppError('conflict', `a ${carrier} shipment with tracking number ${trackingNumber} already exists`, [{ field: 'trackingNumber', problem: 'already used' }]);
    }
    return inserted;
  });
}

/** With no carrier named, the number must fit a known format; the most likely courier wins. */
function carrierFromNumber(trackingNumber: string): string {
  const detection = detectTrackingNumber(trackingNumber);
  const best = detection.candidates.find((candidate) => candidate.valid);
  if (!best) {
    const near = detection.candidates[0];
    throw new AppError('validation_failed', `tracking number ${detection.normalized} fits no known carrier format${near ? ` (it looks like ${near.courier} ${near.format} but its check digit is wrong)` : ''}; check it or name the carrier`, [
      { field: 'trackingNumber', problem: near ? `fails the ${near.courier} check digit` : 'fits no known format' },
    ]);
  }
  return best.courier;
}

export async function findShipment(deps: Deps, brandId: string, shipmentId: string): Promise<ShipmentRow> {
  const shipment = hasPrefix(shipmentId, 'shipment')
    ? await deps.db.selectFrom('shipments').selectAll().where('id', '=', shipmentId).where('brand_id', '=', brandId).executeTakeFirst()
    : undefined;
  if (!shipment) throw notFound(`shipment ${shipmentId}`);
  return shipment;
}

/** The shipment with its timeline, in one call (GET /v1/shipments/{id}); another brand's is not found. */
export async function findShipmentWithEvents(deps: Deps, brandId: string, shipmentId: string): Promise<ShipmentWithEvents> {
  const found = hasPrefix(shipmentId, 'shipment') ? await readShipmentWithEvents(deps.direct, brandId, shipmentId) : undefined;
  if (!found) throw notFound(`shipment ${shipmentId}`);
  return found;
}

/** The timeline, oldest first; events without a usable time go last. */
export function listEvents(deps: Deps, shipmentId: string): Promise<TrackingEventRow[]> {
  return deps.db
    .selectFrom('tracking_events')
    .selectAll()
    .where('shipment_id', '=', shipmentId)
    .orderBy((eb) => eb.case().when('occurred_at', 'is', null).then(1).else(0).end())
    .orderBy('occurred_at')
    .orderBy('id')
    .execute();
}

type EventBody = z.infer<typeof PostEventsSchema>['events'][number];

function toTrackingEvent(body: EventBody): TrackingEventInput {
  return {
    status: body.status,
    reason: body.reason ?? null,
    delayed: body.delayed ?? false,
    occurredAt: body.occurredAt,
    location: body.location ?? null,
    carrierCode: body.carrierCode ?? null,
    carrierText: body.carrierText ?? null,
    dedupeKey: body.eventId ?? null,
  };
}

/** Each event's occurredAt, named by its place in the body, for assertPlausibleTimes. */
const eventTimes = (events: readonly { occurredAt: string | null }[]): TimedField[] =>
  events.map((event, index) => ({ field: `events.${index}.occurredAt`, value: event.occurredAt, kind: 'happened' }));

export async function postShipmentEvents(
  deps: Deps,
  brand: BrandRow,
  shipmentId: string,
  body: z.infer<typeof PostEventsSchema>,
  source: EventSource,
): Promise<{ shipment: ShipmentRow; outcome: IngestOutcome }> {
  const now = deps.clock.now();
  const window = body.estimatedDelivery;
  assertPlausibleTimes(
    [...eventTimes(body.events), { field: 'estimatedDelivery.from', value: window?.from, kind: 'promised' }, { field: 'estimatedDelivery.to', value: window?.to, kind: 'promised' }],
    now,
  );
  if (window) assertInSequence({ field: 'estimatedDelivery.to', value: window.to }, { field: 'estimatedDelivery.from', value: window.from });
  const result = await ingestForShipment(deps.direct, now, { shipmentId, brandId: brand.id }, source, body.events.map(toTrackingEvent), body.estimatedDelivery ?? null);
  if (!result) throw notFound(`shipment ${shipmentId}`);
  recordIngest(deps, source, [result.outcome]);
  return result;
}

export type BatchResult = {
  stored: number;
  duplicates: number;
  unknown: number;
  failed: number;
  results: Array<
    | { index: number; shipmentId: string | null; outcome: 'stored' | 'duplicate' | 'unknown_shipment' }
    | { index: number; shipmentId: null; outcome: 'failed'; error: string }
  >;
};

/** What a batch event whose shipment could not be stored is answered (the cause is in the server's log). */
export const BATCH_EVENT_FAILED = "not stored: this shipment's events could not be processed (a server error, logged); send them again later";

/**
 * Refuses (422) a batch with a carrier Waybill does not know, naming each such event's field, as a
 * filter or a shipment's body does: a typo must not drop its events in silence as unknown shipments.
 */
export function assertKnownCarriers(events: ReadonlyArray<{ carrier: string }>): void {
  const unknown = events.flatMap((event, index) => (isKnownCarrier(event.carrier.toLowerCase()) ? [] : [{ index, carrier: event.carrier }]));
  if (unknown.length === 0) return;
  const details: FieldProblem[] = unknown.map(({ index }) => ({ field: `events.${index}.carrier`, problem: `must be one of: ${KNOWN_CARRIERS.join(', ')}` }));
  throw new AppError('validation_failed', `unknown carrier ${[...new Set(unknown.map((u) => `"${u.carrier}"`))].join(', ')}`, details);
}

export async function ingestBatch(deps: Deps, brand: BrandRow, body: z.infer<typeof BatchEventsSchema>, source: EventSource): Promise<BatchResult> {
  const now = deps.clock.now();
  assertKnownCarriers(body.events);
  assertPlausibleTimes(eventTimes(body.events), now);

  // One group of events per carrier and tracking number (as stored: lowercase carrier, number in
  // capitals without spaces), in order of first appearance.
  const groups: NumberedEvents[] = [];
  const groupIndex = new Map<string, number>();
  const eventIndexInGroup: number[] = [];
  const groupOfEvent = body.events.map((event) => {
    const carrier = event.carrier.toLowerCase();
    const trackingNumber = normalizeTrackingInput(event.trackingNumber);
    const key = `${carrier}|${trackingNumber}`;
    let index = groupIndex.get(key);
    if (index === undefined) {
      index = groups.push({ carrier, trackingNumber, events: [] }) - 1;
      groupIndex.set(key, index);
    }
    eventIndexInGroup.push(groups[index]!.events.push(toTrackingEvent(event)) - 1);
    return index;
  });
  const { shipmentIds, storedByEvent, outcomes, failedGroups } = await ingestGroupsApartOnFailure(deps, now, brand.id, source, groups);
  recordIngest(deps, source, outcomes);

  // Per-event answers: "stored" when the batch stored that very event, "duplicate" when it was
  // already known or is a copy of one earlier in the request.
  const results: BatchResult['results'] = groupOfEvent.map((group, index) => {
    if (failedGroups.has(group)) return { index, shipmentId: null, outcome: 'failed' as const, error: BATCH_EVENT_FAILED };
    const shipmentId = shipmentIds[group];
    if (!shipmentId) return { index, shipmentId: null, outcome: 'unknown_shipment' as const };
    return { index, shipmentId, outcome: storedByEvent[group]![eventIndexInGroup[index]!] ? ('stored' as const) : ('duplicate' as const) };
  });
  const count = (outcome: BatchResult['results'][number]['outcome']) => results.filter((r) => r.outcome === outcome).length;
  const stored = outcomes.reduce((n, o) => n + o.stored, 0);
  const unknown = count('unknown_shipment');
  const failed = count('failed');
  return { stored, duplicates: body.events.length - stored - unknown - failed, unknown, failed, results };
}

type GroupsIngested = Awaited<ReturnType<typeof ingestByTrackingNumber>> & { failedGroups: Set<number> };

/**
 * The batch's groups in one transaction; when that fails, each group in its own, so that one
 * shipment whose events cannot be stored (a fold that throws on its stored state, a row the
 * database refuses) does not hold back the others: its group is answered as failed and logged.
 * When every group fails alone too (the database is down), the first error is thrown: a 500, and
 * nothing stored.
 */
async function ingestGroupsApartOnFailure(deps: Deps, now: Date, brandId: string, source: EventSource, groups: readonly NumberedEvents[]): Promise<GroupsIngested> {
  try {
    return { ...(await ingestByTrackingNumber(deps.direct, now, brandId, source, groups)), failedGroups: new Set() };
  } catch (error) {
    if (groups.length === 1) throw error;
    deps.log.warn({ err: error, groups: groups.length }, 'batch events: the batch failed as a whole; storing it one shipment at a time');
    const ingested: GroupsIngested = { shipmentIds: [], storedByEvent: [], outcomes: [], failedGroups: new Set() };
    for (const [index, group] of groups.entries()) {
      try {
        const alone = await ingestByTrackingNumber(deps.direct, now, brandId, source, [group]);
        ingested.shipmentIds.push(alone.shipmentIds[0]);
        ingested.storedByEvent.push(alone.storedByEvent[0]!);
        ingested.outcomes.push(...alone.outcomes);
      } catch (groupError) {
        deps.log.error({ err: groupError, carrier: group.carrier, trackingNumber: group.trackingNumber }, 'batch events: this shipment\'s events could not be stored');
        ingested.shipmentIds.push(undefined);
        ingested.storedByEvent.push([]);
        ingested.failedGroups.add(index);
      }
    }
    if (ingested.failedGroups.size === groups.length) throw error;
    return ingested;
  }
}

export async function runShipmentCommand(deps: Deps, brand: BrandRow, shipmentId: string, command: ShipmentCommand): Promise<ShipmentRow> {
  const now = deps.clock.now();
  return deps.db.transaction().execute(async (trx) => {
    const shipment = await lockedForUpdate(trx.selectFrom('shipments').selectAll().where('id', '=', shipmentId).where('brand_id', '=', brand.id), deps.dialect).executeTakeFirst();
    if (!shipment) throw notFound(`shipment ${shipmentId}`);
    const decision = decideCommand(viewOfRow(shipment), command);
    if (!decision.ok) throw new AppError('invalid_transition', decision.error.message);
    const event: TrackingEventInput = {
      status: decision.value.status,
      reason: decision.value.reason,
      occurredAt: commandOccurredAt(foldStateOf(shipment), now),
      carrierCode: `waybill:${command}`,
      carrierText: COMMAND_TEXT[command],
      dedupeKey: `command:${command}:${now.toISOString()}`,
    };
    await ingestEvents(trx, now, [{ shipment, source: 'manual', events: [event] }]);
    return shipment;
  });
}

const COMMAND_TEXT: Record<ShipmentCommand, string> = {
  cancel: 'Shipment cancelled by the merchant',
  mark_delivered: 'Marked delivered by the merchant',
  mark_lost: 'Marked lost by the merchant',
  expire: 'No carrier updates for too long: tracking expired',
};

function recordIngest(deps: Deps, source: EventSource, outcomes: readonly IngestOutcome[]): void {
  let stored = 0;
  let duplicates = 0;
  for (const o of outcomes) {
    stored += o.stored;
    duplicates += o.duplicates;
    if (o.statusChanged) deps.metrics.statusChanges.inc({ status: o.after.status });
  }
  if (stored) deps.metrics.eventsStored.inc({ source }, stored);
  if (duplicates) deps.metrics.eventsDuplicate.inc({ source }, duplicates);
  if (outcomes.some((o) => o.statusChanged)) deps.notifyJobsEnqueued();
}
