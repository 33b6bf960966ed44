// Buying a label from a carrier's API without ever paying twice. The purchase is written first
// (state `requesting`, its id the reference the carrier keeps), then the carrier is called:
//   sold      → shipment + documents + label event, one transaction          (state `bought`)
//   refused   → the carrier's words, naming the field where it says           (state `failed`)
//   no answer → the carrier may have sold it: 503, the attempt kept          (state `unknown`)
// The same request again resumes the open attempt: an idempotent carrier (USPS) is asked again with
// the same key and hands back the label it sold; the others are asked for the label under our
// reference first (./reconcile.ts has the background side for attempts nobody comes back for).
import { withoutControlCharacters } from '../lib/control-characters.js';
import type { Transaction } from 'kysely';
import type { BoughtLabel, LabelCapability, LabelRequest } from '../carriers/label-types.js';
import { outcomeUnknown } from '../carriers/label-kit.js';
import type { CarrierAdapter, CarrierContext, CarrierError } from '../carriers/types.js';
import { carrierMessage, connectedCarrier } from '../carriers/connections.js';
import { carrierAdapter } from '../carriers/registry.js';
import type { Deps } from '../deps.js';
import type { BrandRow, Database, LabelPurchaseRow, OrderRow, ShipmentRow } from '../db/schema.js';
import { canonicalJson, sha256Hex } from '../lib/crypto.js';
import { AppError } from '../lib/errors.js';
import { newId } from '../lib/ids.js';
import { enqueueJob } from '../jobs/queue.js';
import { ingestEvents } from '../shipments/ingest.js';
import { pendingShipmentRow } from '../shipments/rows.js';
import type { CarrierChoice } from './choice.js';
import { purchaseRow } from './purchase-rows.js';
import { saveLabelDocuments } from './store.js';
import { reconcileKey } from './unresolved.js';
import type { ValidLabel } from './validate.js';

export const LABEL_RECONCILE_JOB = 'labels.reconcile';
/** An attempt nobody resumed is settled this long after it began (./reconcile.ts). */
export const RECONCILE_AFTER_MS = 15 * 60_000;
/**
 * The reconcile job keeps asking until the purchase is settled: a label that may have been paid for
 * must not be given up after a carrier outage of an hour (the queue's default of 10 attempts). At
 * hourly checks a million attempts is a century: no cap in practice, and still an integer column.
 */
export const RECONCILE_MAX_ATTEMPTS = 1_000_000;

type Purchase = { brand: BrandRow; order: OrderRow; label: ValidLabel; choice: CarrierChoice; direction: 'outbound' | 'return' };

export async function buyCarrierLabel(deps: Deps, purchase: Purchase): Promise<ShipmentRow> {
  const { adapter, capability, ctx } = await labelAccount(deps, purchase.brand.id, purchase.choice.carrier);
  const { row, resumed } = await openAttempt(deps, purchase, ctx);
  const request = labelRequestOf(row, purchase.order.number);

  let bought: BoughtLabel | null = null;
  if (resumed && !capability.idempotent) {
    const found = await capability.recoverLabel(ctx, request);
    if (!found.ok) throw await leaveUnknown(deps, row, adapter.name, found.error);
    bought = found.value;
  }
  if (!bought) {
    await deps.db.updateTable('label_purchases').set((eb) => ({ calls: eb('calls', '+', 1) })).where('id', '=', row.id).execute();
    const sold = await capability.createLabel(ctx, request);
    if (!sold.ok) {
      if (outcomeUnknown(sold.error)) throw await leaveUnknown(deps, row, adapter.name, sold.error);
      await settleAttempt(deps, row.id, { state: 'failed', error: carrierMessage(sold.error) });
      throw refusal(adapter.name, sold.error, purchase.direction);
    }
    bought = sold.value;
  }
  return completePurchase(deps, row, bought, adapter.name);
}

/** The brand's connected account for a carrier that sells labels, or the reason it cannot. */
export async function labelAccount(deps: Deps, brandId: string, carrier: string): Promise<{ adapter: CarrierAdapter; capability: LabelCapability; ctx: CarrierContext }> {
  const adapter = carrierAdapter(carrier);
  const capability = adapter?.labels;
  if (!adapter || !capability) throw new AppError('validation_failed', `Waybill does not buy ${carrier} labels`, [{ field: 'carrier', problem: 'no label API' }]);
  const { ctx } = await connectedCarrier(deps, brandId, carrier);
  const problem = capability.accountProblem?.(ctx);
  if (problem) throw new AppError('carrier_not_connected', problem);
  return { adapter, capability, ctx };
}

/** What the carrier is asked for, rebuilt the same way every time from the stored attempt. */
export function labelRequestOf(row: LabelPurchaseRow, orderNumber: string): LabelRequest {
  const label = JSON.parse(row.request) as ValidLabel;
  return { ...label, reference: row.id, direction: row.direction as 'outbound' | 'return', orderNumber, shipDate: row.created_at.slice(0, 10) };
}

/** How long a `requesting` attempt counts as a call still under way (a create, perhaps after a recovery). */
const inFlightMs = (ctx: CarrierContext) => 3 * (ctx.timeoutMs ?? 15_000) + 5_000;

/** Resumes the open attempt for the same request, or records a new one (with its reconciliation job). */
async function openAttempt(deps: Deps, purchase: Purchase, ctx: CarrierContext): Promise<{ row: LabelPurchaseRow; resumed: boolean }> {
  const now = deps.clock.now();
  const { brand, order, choice, label, direction } = purchase;
  const fingerprint = sha256Hex(canonicalJson({ brand: brand.id, order: order.id, carrier: choice.carrier, direction, label }));
  const open = await deps.db.selectFrom('label_purchases').selectAll().where('open_fingerprint', '=', fingerprint).executeTakeFirst();
  if (open) {
    const busy = () => new AppError('conflict', `a ${choice.carrier} label for this request is being bought right now (${open.id}); retry in a few seconds`, { purchaseId: open.id }, { 'retry-after': '5' });
    if (open.state === 'requesting' && Date.parse(open.updated_at) > now.getTime() - inFlightMs(ctx)) throw busy();
    const claimed = await claimAttempt(deps, open, now);
    if (!claimed) throw busy();
    return { row: claimed, resumed: true };
  }
  const row = purchaseRow({ id: newId('label'), brand, order, shipmentId: newId('shipment'), choice, label, direction, fingerprint, now });
  const inserted = await deps.db.transaction().execute(async (trx) => {
    const saved = await trx.insertInto('label_purchases').values(row).onConflict((oc) => oc.column('open_fingerprint').doNothing()).returning('id').executeTakeFirst();
    if (saved) await enqueueJob(trx, now, { kind: LABEL_RECONCILE_JOB, payload: { purchaseId: row.id }, runAt: new Date(now.getTime() + RECONCILE_AFTER_MS), maxAttempts: RECONCILE_MAX_ATTEMPTS, idempotencyKey: reconcileKey(row.id) });
    return saved;
  });
  if (!inserted) throw new AppError('conflict', `a ${choice.carrier} label for this request is being bought right now; retry in a few seconds`, undefined, { 'retry-after': '5' });
  return { row, resumed: false };
}

/** Takes an unresolved attempt for this caller; undefined when someone else took it first. */
export async function claimAttempt(deps: Pick<Deps, 'db'>, open: LabelPurchaseRow, now: Date): Promise<LabelPurchaseRow | undefined> {
  const at = now.toISOString();
  const claimed = await deps.db
    .updateTable('label_purchases')
    .set({ state: 'requesting', updated_at: at })
    .where('id', '=', open.id)
    .where('state', '=', open.state)
    .where('updated_at', '=', open.updated_at)
    .executeTakeFirst();
  return Number(claimed.numUpdatedRows) === 1 ? { ...open, state: 'requesting', updated_at: at } : undefined;
}

export async function settleAttempt(deps: Pick<Deps, 'db' | 'clock'>, id: string, patch: { state: 'failed' | 'unknown' | 'voided'; error: string; trackingNumber?: string }): Promise<void> {
  const at = deps.clock.now().toISOString();
  await deps.db
    .updateTable('label_purchases')
    .set({
      state: patch.state,
      error: withoutControlCharacters(patch.error),
      unresolved: null, // settled, or asked about and still being asked
      updated_at: at,
      // An attempt that can no longer turn into a label frees its request for a new purchase.
      ...(patch.state === 'unknown' ? {} : { open_fingerprint: null }),
      ...(patch.state === 'voided' ? { voided_at: at, tracking_number: patch.trackingNumber ?? null } : {}),
    })
    .where('id', '=', id)
    .execute();
}

async function leaveUnknown(deps: Deps, row: LabelPurchaseRow, carrierName: string, error: CarrierError): Promise<AppError> {
  await settleAttempt(deps, row.id, { state: 'unknown', error: carrierMessage(error) });
  return new AppError(
    'unavailable',
    `${carrierName} did not answer the label request (${error.message}); it may have sold the label. Waybill kept the attempt (${row.id}): send the same request again and Waybill collects that label, or makes sure none stands, before buying one`,
    { purchaseId: row.id, state: 'unknown' },
    { 'retry-after': String(Math.max(1, error.retryAfterSeconds ?? 5)) },
  );
}

/** Where the carrier's complaint points, in the API's words. */
export function apiField(field: string | undefined, direction: 'outbound' | 'return'): string {
  if (field === 'shipTo') return direction === 'outbound' ? 'order.destination' : 'brand.returnTo';
  if (field === 'shipFrom') return direction === 'outbound' ? 'brand.shipFrom' : 'order.destination';
  if (field === 'shipper') return 'brand.shipFrom';
  return field ?? 'label';
}

function refusal(carrierName: string, error: CarrierError, direction: 'outbound' | 'return'): AppError {
  const said = carrierMessage(error);
  if (error.code === 'auth_failed') return new AppError('carrier_not_connected', `${carrierName} refused the account: ${said}; check the connection`);
  if (error.code === 'rate_limited') return new AppError('rate_limited', `${carrierName} is rate limiting the account: ${said}`, undefined, { 'retry-after': String(error.retryAfterSeconds ?? 30) });
  if (error.code === 'bad_request') {
    const field = apiField(error.field, direction);
    return new AppError('validation_failed', `${carrierName} refused the label: ${said}`, [{ field, problem: `${carrierName} refused it: ${said}` }]);
  }
  return new AppError('carrier_error', `${carrierName} could not sell the label: ${said}`);
}

/** The sale becomes a shipment: row, documents and the label event (info_received) in one transaction. */
export async function completePurchase(deps: Deps, row: LabelPurchaseRow, bought: BoughtLabel, carrierName: string): Promise<ShipmentRow> {
  const now = deps.clock.now();
  const at = now.toISOString();
  const label = JSON.parse(row.request) as ValidLabel;
  return deps.db.transaction().execute(async (trx) => {
    const shipment: ShipmentRow = {
      ...pendingShipmentRow({ brandId: row.brand_id, orderId: row.order_id, carrier: row.carrier, trackingNumber: bought.trackingNumber, service: row.service, direction: row.direction as 'outbound' | 'return', now }),
      id: row.shipment_id,
    };
    const inserted = await trx.insertInto('shipments').values(shipment).onConflict((oc) => oc.columns(['brand_id', 'carrier', 'tracking_number']).doNothing()).returning('id').executeTakeFirst();
    if (!inserted) throw new AppError('conflict', `${carrierName} sold tracking number ${bought.trackingNumber}, which another shipment of this brand already has`, { purchaseId: row.id });
    await trx
      .updateTable('label_purchases')
      .set({
        state: 'bought',
        open_fingerprint: null,
        tracking_number: bought.trackingNumber,
        carrier_reference: bought.carrierReference ?? null,
        charge: bought.charge ? JSON.stringify(bought.charge) : null,
        error: null,
        bought_at: at,
        updated_at: at,
      })
      .where('id', '=', row.id)
      .execute();
    await saveLabelDocuments(trx, row.id, bought.documents, now);
    await recordLabelEvent(trx, now, shipment, row.id, `${carrierName} label created`, label.shipFrom);
    return shipment;
  });
}

function recordLabelEvent(trx: Transaction<Database>, now: Date, shipment: ShipmentRow, purchaseId: string, text: string, from: ValidLabel['shipFrom']) {
  const location = { city: from.city, region: from.region ?? null, postalCode: from.postalCode || null, country: from.country };
  const event = { status: 'info_received' as const, occurredAt: now.toISOString(), location, carrierCode: 'waybill:label', carrierText: text, dedupeKey: `label:${purchaseId}` };
  return ingestEvents(trx, now, [{ shipment, source: 'api', events: [event] }]);
}
