// Orders: create (idempotent on the store's order number), read, list, and the public page link.
import type { CreateOrderInput } from '../api/schemas.js';
import type { Deps } from '../deps.js';
import type { BrandRow, OrderRow } from '../db/schema.js';
import { AppError, notFound } from '../lib/errors.js';
import { hasPrefix, newId } from '../lib/ids.js';
import { assertInSequence, assertPlausibleTimes } from '../lib/plausible-times.js';
import { DAY_MS } from '../lib/time.js';
import { enqueueJob } from '../jobs/queue.js';
import { hubBaseUrl } from '../hub/hosts.js';
import { differingFields, orderContentHash, sameOrderHashes } from './same-order.js';
import { orderLinkTerms, signTrackingToken } from './tracking-links.js';

export const ORDER_CREATED_JOB = 'order.created';

export type CreateOrderOutcome = { order: OrderRow; created: boolean };

export async function createOrder(deps: Deps, brand: BrandRow, input: CreateOrderInput): Promise<CreateOrderOutcome> {
  assertPlausibleTimes(
    [
      { field: 'placedAt', value: input.placedAt, kind: 'happened' },
      { field: 'shipBy', value: input.shipBy, kind: 'promised' },
    ],
    deps.clock.now(),
  );
  assertInSequence({ field: 'shipBy', value: input.shipBy }, { field: 'placedAt', value: input.placedAt }, DAY_MS);
  const now = deps.clock.now().toISOString();
  const placedAt = new Date(input.placedAt).toISOString();
  // The order as stored: the same instant written in another offset (or as the API answers it) is the same order.
  const contentHash = orderContentHash(input, placedAt);
  const row: OrderRow = {
    id: newId('order'),
    brand_id: brand.id,
    number: input.number,
    customer_email: input.customer.email,
    customer_phone: input.customer.phone ?? null,
    customer_name: input.customer.name ?? null,
    customer_locale: input.customer.locale ?? null,
    customer_sms_consent: input.customer.smsConsent ? 1 : 0,
    estimated_from: null,
    estimated_to: null,
    destination: JSON.stringify(input.destination),
    items: JSON.stringify(input.items),
    placed_at: placedAt,
    ship_by: input.shipBy ?? null,
    currency: input.currency ?? null,
    content_hash: contentHash,
    created_at: now,
    updated_at: now,
  };
  // The order and the job announcing it are written together (the outbox): a confirmation
  // message exists exactly when the order does.
  const inserted = await deps.db.transaction().execute(async (trx) => {
    const order = await trx
      .insertInto('orders')
      .values(row)
      .onConflict((oc) => oc.columns(['brand_id', 'number']).doNothing())
      .returningAll()
      .executeTakeFirst();
    if (order) await enqueueJob(trx, deps.clock.now(), { kind: ORDER_CREATED_JOB, payload: { orderId: order.id, brandId: brand.id }, idempotencyKey: `order-created:${order.id}` });
    return order;
  });
  if (inserted) {
    deps.notifyJobsEnqueued();
    return { order: inserted, created: true };
  }

  // The number is taken: the same order sent again is answered with it; a different one is refused.
  const existing = await deps.db.selectFrom('orders').selectAll().where('brand_id', '=', brand.id).where('number', '=', input.number).executeTakeFirstOrThrow();
  if (sameOrderHashes(input, placedAt).has(existing.content_hash)) return { order: existing, created: false };
  const differing = differingFields(existing, input, placedAt);
  const which = differing.length > 0 ? `: it differs in ${differing.join(', ')}` : '';
  throw new AppError('conflict', `order number ${input.number} is already used by a different order (${existing.id})${which}`, [
    { field: 'number', problem: 'already used by a different order' },
    ...differing.map((field) => ({ field, problem: 'differs from the stored order' })),
  ]);
}

export async function findOrder(deps: Deps, brandId: string, orderId: string): Promise<OrderRow> {
  const order = hasPrefix(orderId, 'order')
    ? await deps.db.selectFrom('orders').selectAll().where('id', '=', orderId).where('brand_id', '=', brandId).executeTakeFirst()
    : undefined;
  if (!order) throw notFound(`order ${orderId}`);
  return order;
}

/** The order's page, on the brand's own domain when it has one (see src/hub). */
export function trackingPageUrl(deps: Deps, brand: Pick<BrandRow, 'id' | 'link_key_version'> & Partial<Pick<BrandRow, 'settings'>>, order: Pick<OrderRow, 'id' | 'created_at'>): string {
  const token = signTrackingToken(deps.keys['tracking-links'], brand.id, { orderId: order.id, ...orderLinkTerms(brand, order, deps.config.trackingLinkTtlDays) });
  return `${hubBaseUrl(deps.config.publicUrl, brand)}/t/${token}`;
}
