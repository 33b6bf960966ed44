// Returns: asked for by the customer (the portal) or by the brand (the API), checked against the
// brand's policy, approved automatically or by a person, given a label with a new tracking number
// (bought through src/labels, tracked like any parcel), received (the carrier's delivery scan or a
// person), refunded. Each step that the customer hears about enqueues its message job in the same
// transaction as the change.
//
// The label: approving writes the approval and a safety-net job (a minute later) together, then
// buys the label at once. If the process dies in between, the job buys it (or adopts a return
// parcel already bought for the order but not yet linked), so a crash neither loses the label
// nor buys two.
import { lockedForUpdate } from '../db/locks.js';
import { randomBytes } from 'node:crypto';
import type { Deps } from '../deps.js';
import type { Kysely, Transaction } from 'kysely';
import type { BrandRow, Database, OrderRow, ReturnRow } from '../db/schema.js';
import { AppError, notFound } from '../lib/errors.js';
import { hasPrefix, newId } from '../lib/ids.js';
import { enqueueJob } from '../jobs/queue.js';
import { labelCarriers } from '../labels/decide.js';
import { labelAccount } from '../labels/carrier-purchase.js';
import { createShipment, runShipmentCommand } from '../shipments/service.js';
import type { StatusChangedPayload } from '../notifications/pipeline.js';
import {
  type EligibilityInput,
  checkReturnRequest,
  nextReturnState,
  type OrderItem,
  orderTotal,
  refundProblem,
  type Refusal,
  type ReturnAction,
  type ReturnItem,
  labelFeeFor,
  type ReturnPolicy,
  returnPolicyOf,
  returnsCurrencyOf,
  type ReturnState,
  suggestedRefundOf,
} from './policy.js';

export const RETURN_LABEL_JOB = 'return.label';
export const RETURN_REQUESTED_JOB = 'return.requested';
export const RETURN_APPROVED_JOB = 'return.approved';
export const RETURN_REJECTED_JOB = 'return.rejected';
export const REFUND_ISSUED_JOB = 'return.refund_issued';
const SAFETY_NET_MS = 60_000;

export type ReturnRequest = { items: Array<{ sku: string; quantity: number }>; reason: string; comment?: string | null };

type Db = Kysely<Database> | Transaction<Database>;

/**
 * Everything the rules need about an order: its items, outbound parcels and their delivery, returns
 * so far, catalogue tags. Read through `db`: the transaction a request is checked and stored in.
 */
export async function eligibilityOf(deps: Deps, brand: BrandRow, order: OrderRow, override = false, db: Db = deps.db): Promise<EligibilityInput> {
  const shipments = await db
    .selectFrom('shipments')
    .leftJoin('tracking_events', (join) =>
      // A delivery photo carries "delivered" forward a minute later: the window counts from the delivery itself.
      join.onRef('tracking_events.shipment_id', '=', 'shipments.id').on('tracking_events.status', '=', 'delivered').on('tracking_events.status_carried', '=', 0),
    )
    .select(['shipments.id', 'shipments.status'])
    .select((eb) => eb.fn.max('tracking_events.occurred_at').as('delivered_at'))
    .where('shipments.order_id', '=', order.id)
    .where('shipments.direction', '=', 'outbound')
    .groupBy(['shipments.id', 'shipments.status'])
    .execute();
  const returns = await db.selectFrom('returns').select(['state', 'items']).where('order_id', '=', order.id).execute();
  const items = JSON.parse(order.items) as OrderItem[];
  const policy = returnPolicyOf(brand);
  return {
    policy,
    now: deps.clock.now(),
    items,
    shipments: shipments.map((s) => ({ status: s.status, deliveredAt: (s.delivered_at as string | null) ?? null })),
    returns: returns.map((r) => ({ state: r.state, items: JSON.parse(r.items) as ReturnItem[] })),
    tags: await catalogueTagsOf(db, brand.id, policy, items),
    override,
  };
}

/** The catalogue tags of the order's items, for excludedTags (not read when the policy excludes no tag). */
export async function catalogueTagsOf(db: Db, brandId: string, policy: ReturnPolicy, items: readonly OrderItem[]): Promise<Map<string, string[]>> {
  if (policy.excludedTags.length === 0) return new Map();
  const products = await db.selectFrom('catalogue_products').select(['id', 'tags']).where('brand_id', '=', brandId).where('id', 'in', items.map((i) => i.sku)).execute();
  return new Map(products.map((p) => [p.id, JSON.parse(p.tags) as string[]]));
}

const RMA_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
/** "R-7K3M9Q2D": short enough to read over the phone, 40 random bits, unique per brand. */
export const newRma = () => `R-${[...randomBytes(8)].map((b) => RMA_ALPHABET[b % 32]).join('')}`;

/** A customer's (or the brand's) request: stored, and approved at once when the policy says so. */
export async function requestReturn(
  deps: Deps,
  brand: BrandRow,
  order: OrderRow,
  request: ReturnRequest,
  options: { by: 'customer' | 'merchant'; override?: boolean; approve?: boolean },
): Promise<{ ok: true; ret: ReturnRow } | ({ ok: false } & Refusal)> {
  const approve = (policy: ReturnPolicy) => options.approve ?? policy.approval === 'automatic';
  // Checked and stored in one transaction that holds the order (its row locked on PostgreSQL; SQLite
  // has one writer at a time), so two requests sent together (a double click) cannot both pass the
  // check against the returns stored so far.
  const stored = await deps.db.transaction().execute(async (trx) => {
    const orderQuery = trx.selectFrom('orders').select('id').where('id', '=', order.id);
    await lockedForUpdate(orderQuery, deps.dialect).execute();
    const eligibility = await eligibilityOf(deps, brand, order, options.override, trx);
    const checked = checkReturnRequest(eligibility, request);
    if (!checked.ok) return checked;
    const row = newReturnRow(brand, order, request, checked.items, eligibility.policy, options.by, deps.clock.now().toISOString());
    await trx.insertInto('returns').values(row).execute();
    // Waiting for a person: the customer hears that the request arrived (the approval's own message follows).
    if (!approve(eligibility.policy)) {
      await enqueueJob(trx, deps.clock.now(), { kind: RETURN_REQUESTED_JOB, payload: { orderId: order.id, returnId: row.id }, idempotencyKey: `return-requested:${row.id}` });
    }
    return { ok: true as const, ret: row, policy: eligibility.policy };
  });
  if (!stored.ok) return stored;
  if (approve(stored.policy)) return { ok: true, ret: await approveReturn(deps, brand, stored.ret.id) };
  deps.notifyJobsEnqueued();
  return { ok: true, ret: stored.ret };
}

function newReturnRow(brand: BrandRow, order: OrderRow, request: ReturnRequest, items: ReturnItem[], policy: ReturnPolicy, by: 'customer' | 'merchant', at: string): ReturnRow {
  return {
    id: newId('return'),
    brand_id: brand.id,
    order_id: order.id,
    rma: newRma(),
    state: 'requested',
    items: JSON.stringify(items),
    reason: request.reason,
    comment: request.comment?.trim() ? request.comment.trim().slice(0, 1000) : null,
    label_paid_by: policy.labelPaidBy,
    label_fee: policy.labelPaidBy === 'customer' ? labelFeeFor(policy, returnsCurrencyOf(order, policy)) : null,
    shipment_id: null,
    rejection_reason: null,
    received_by: null,
    refund_amount: null,
    refund_currency: null,
    refund_reference: null,
    requested_by: by,
    created_at: at,
    approved_at: null,
    rejected_at: null,
    received_at: null,
    refunded_at: null,
    updated_at: at,
  };
}

export async function findReturn(deps: Deps, brandId: string, returnId: string): Promise<ReturnRow> {
  const row = hasPrefix(returnId, 'return') ? await deps.db.selectFrom('returns').selectAll().where('id', '=', returnId).where('brand_id', '=', brandId).executeTakeFirst() : undefined;
  if (!row) throw notFound(`return ${returnId}`);
  return row;
}

/** What a transition writes: fixed, or decided inside its transaction (which a throw rolls back, leaving nothing stored or sent). */
type ReturnPatch = Partial<ReturnRow> | ((trx: Transaction<Database>, current: ReturnRow) => Promise<Partial<ReturnRow>>);

/** Moves a return to its next state, refusing (409) what the state does not allow. */
async function transition(deps: Deps, brandId: string, returnId: string, action: ReturnAction, patchOrDecide: ReturnPatch): Promise<ReturnRow> {
  const current = await findReturn(deps, brandId, returnId);
  const next = nextReturnState(current.state as ReturnState, action);
  if (!next.ok) throw new AppError('invalid_transition', `return ${current.rma}: ${next.message}`);
  const at = deps.clock.now().toISOString();
  return deps.db.transaction().execute(async (trx) => {
    const patch = typeof patchOrDecide === 'function' ? await patchOrDecide(trx, current) : patchOrDecide;
    const updated = { ...current, ...patch, state: next.state, updated_at: at };
    const result = await trx.updateTable('returns').set({ ...patch, state: next.state, updated_at: at }).where('id', '=', current.id).where('state', '=', current.state).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) throw new AppError('conflict', `return ${current.rma} changed meanwhile; read it again`);
    if (action === 'approve') {
      await enqueueJob(trx, deps.clock.now(), { kind: RETURN_LABEL_JOB, payload: { returnId: current.id }, runAt: new Date(deps.clock.now().getTime() + SAFETY_NET_MS), idempotencyKey: `return-label:${current.id}` });
    }
    if (action === 'reject') {
      await enqueueJob(trx, deps.clock.now(), { kind: RETURN_REJECTED_JOB, payload: { orderId: current.order_id, returnId: current.id }, idempotencyKey: `return-rejected:${current.id}` });
    }
    if (action === 'refund') {
      await enqueueJob(trx, deps.clock.now(), { kind: REFUND_ISSUED_JOB, payload: { orderId: current.order_id, refundId: current.id }, idempotencyKey: `refund-issued:${current.id}` });
    }
    return updated;
  });
}

/**
 * Approves a requested return and buys its label. The approval stands even when the label cannot
 * be bought now (a carrier account gone, the carrier down): the customer is told the label will
 * follow by email, the safety-net job tries again, and the merchant can retry with
 * POST /v1/returns/{id}/label once the account is fixed.
 */
export async function approveReturn(deps: Deps, brand: BrandRow, returnId: string): Promise<ReturnRow> {
  const approved = await transition(deps, brand.id, returnId, 'approve', { approved_at: deps.clock.now().toISOString() });
  try {
    return await ensureReturnLabel(deps, returnId);
  } catch (error) {
    deps.log.warn({ err: error, returnId }, 'the return label could not be bought; the return stays approved without one');
    return approved;
  }
}

/**
 * A policy's return carrier must be one Waybill buys labels from and, unless simulated, one the
 * brand has connected: otherwise every return would be approved with no label to send.
 */
export async function checkReturnCarrier(deps: Deps, brandId: string, carrier: string): Promise<void> {
  if (!labelCarriers().includes(carrier)) {
    throw new AppError('validation_failed', `carrier must be one of the carriers Waybill buys labels from: ${labelCarriers().join(', ')}`, [{ field: 'carrier', problem: `${carrier} is not one of ${labelCarriers().join(', ')}` }]);
  }
  if (carrier === 'simulated') return;
  await labelAccount(deps, brandId, carrier).catch((error: unknown) => {
    const why = error instanceof Error ? error.message : String(error);
    throw new AppError('validation_failed', `carrier ${carrier} cannot buy return labels yet: ${why}`, [{ field: 'carrier', problem: why }]);
  });
}

/** Buys the label of an approved return that has none (the merchant's retry); its refusal is answered as it is. */
export async function retryReturnLabel(deps: Deps, brand: BrandRow, returnId: string): Promise<ReturnRow> {
  const ret = await findReturn(deps, brand.id, returnId);
  if (ret.state !== 'approved') throw new AppError('invalid_transition', `return ${ret.rma} is ${ret.state}; only an approved return has a label to buy`);
  return ensureReturnLabel(deps, ret.id);
}

export async function rejectReturn(deps: Deps, brand: BrandRow, returnId: string, reason: string): Promise<ReturnRow> {
  const ret = await transition(deps, brand.id, returnId, 'reject', { rejected_at: deps.clock.now().toISOString(), rejection_reason: reason });
  deps.notifyJobsEnqueued();
  return ret;
}

/**
 * Records the refund the store issued: by default the suggested refund, in the order's currency.
 * Refused (422) when it is not more than zero, not in the order's currency, or more than the
 * order's total less its earlier refunds (see refundProblem). The check runs in the transaction
 * that records it, under a lock on the order on PostgreSQL, so two refunds of one order at once
 * cannot pass it together.
 */
export async function refundReturn(deps: Deps, brand: BrandRow, returnId: string, refund: { amount?: number; currency?: string; reference?: string | null }): Promise<ReturnRow> {
  const ret = await transition(deps, brand.id, returnId, 'refund', async (trx, current) => {
    const orderQuery = trx.selectFrom('orders').select(['items', 'currency']).where('id', '=', current.order_id);
    const order = await lockedForUpdate(orderQuery, deps.dialect).executeTakeFirstOrThrow();
    const orderItems = JSON.parse(order.items) as OrderItem[];
    const policy = returnPolicyOf(brand);
    const earlier = await trx.selectFrom('returns').select(['refund_amount', 'refund_currency']).where('order_id', '=', current.order_id).where('id', '!=', current.id).where('refund_amount', 'is not', null).execute();
    const currency = returnsCurrencyOf(order, policy, earlier[0]?.refund_currency);
    const limit = { orderTotal: orderTotal(orderItems, currency), alreadyRefunded: earlier.reduce((sum, r) => sum + Number(r.refund_amount), 0), currency };
    const amount = refund.amount ?? suggestedRefundOf(current, orderItems, policy, currency);
    if (amount === null) throw new AppError('validation_failed', 'the order does not give every item’s price: send the amount', [{ field: 'amount', problem: 'is required when an item has no price' }]);
    const problem = refundProblem({ amount, currency: refund.currency ?? limit.currency }, limit);
    if (problem) throw new AppError('validation_failed', `return ${current.rma}: the refund ${problem.field} ${problem.problem}`, [problem]);
    return { refunded_at: deps.clock.now().toISOString(), refund_amount: amount, refund_currency: refund.currency ?? limit.currency, refund_reference: refund.reference ?? null };
  });
  deps.notifyJobsEnqueued();
  return ret;
}

/**
 * A person received the parcel. When the carrier has not scanned it delivered yet, the return
 * parcel is marked delivered too, so its timeline ends and the customer hears "received" through
 * the same status change a carrier's scan would make.
 */
export async function receiveReturn(deps: Deps, brand: BrandRow, returnId: string): Promise<ReturnRow> {
  const ret = await transition(deps, brand.id, returnId, 'receive', { received_at: deps.clock.now().toISOString(), received_by: 'person' });
  if (ret.shipment_id) {
    const shipment = await deps.db.selectFrom('shipments').select('status').where('id', '=', ret.shipment_id).executeTakeFirst();
    if (shipment && shipment.status !== 'delivered' && shipment.status !== 'returned') {
      await runShipmentCommand(deps, brand, ret.shipment_id, 'mark_delivered').catch((error: unknown) => {
        deps.log.warn({ err: error, returnId }, 'the return parcel could not be marked delivered');
      });
      deps.notifyJobsEnqueued();
    }
  }
  return ret;
}

/** Buys the label of an approved return, once (the request does it at once; the job is the safety net). */
export async function ensureReturnLabel(deps: Deps, returnId: string): Promise<ReturnRow> {
  const ret = await deps.db.selectFrom('returns').selectAll().where('id', '=', returnId).executeTakeFirstOrThrow();
  if (ret.state !== 'approved' || ret.shipment_id) return ret;
  const brand = await deps.db.selectFrom('brands').selectAll().where('id', '=', ret.brand_id).executeTakeFirstOrThrow();
  const shipmentId = (await orphanReturnParcel(deps, ret)) ?? (await createShipment(deps, brand, ret.order_id, { carrier: returnPolicyOf(brand).carrier, label: true, direction: 'return' })).id;
  const linked = await deps.db.transaction().execute(async (trx) => {
    const result = await trx.updateTable('returns').set({ shipment_id: shipmentId, updated_at: deps.clock.now().toISOString() }).where('id', '=', ret.id).where('shipment_id', 'is', null).executeTakeFirst();
    if (Number(result.numUpdatedRows) === 0) return false;
    await enqueueJob(trx, deps.clock.now(), { kind: RETURN_APPROVED_JOB, payload: { orderId: ret.order_id, returnId: ret.id, shipmentId }, idempotencyKey: `return-approved:${ret.id}` });
    return true;
  });
  if (linked) deps.notifyJobsEnqueued();
  return deps.db.selectFrom('returns').selectAll().where('id', '=', ret.id).executeTakeFirstOrThrow();
}

/** A return parcel bought for this order after the approval and linked to no return: this one's, from before a crash. */
async function orphanReturnParcel(deps: Deps, ret: ReturnRow): Promise<string | null> {
  const orphan = await deps.db
    .selectFrom('shipments')
    .select('id')
    .where('order_id', '=', ret.order_id)
    .where('direction', '=', 'return')
    .where('created_at', '>=', ret.approved_at ?? ret.created_at)
    .where((eb) => eb.not(eb.exists(eb.selectFrom('returns').select('returns.id').whereRef('returns.shipment_id', '=', 'shipments.id'))))
    .orderBy('id')
    .executeTakeFirst();
  return orphan?.id ?? null;
}

/**
 * The carrier's delivery scan of a return parcel: the return is received (by the carrier's word).
 * Only `delivered`: a return parcel `returned` went back to its sender, the customer, so the
 * warehouse has nothing and the return stays approved for the merchant to follow up.
 */
export async function returnParcelChanged(deps: Deps, payload: StatusChangedPayload): Promise<void> {
  if (payload.to.status !== 'delivered') return;
  const at = deps.clock.now().toISOString();
  await deps.db
    .updateTable('returns')
    .set({ state: 'received', received_at: at, received_by: 'carrier', updated_at: at })
    .where('shipment_id', '=', payload.shipmentId)
    .where('state', '=', 'approved')
    .execute();
}
