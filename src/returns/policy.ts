// A brand's returns policy (kept in its settings under `returns`) and the rules a return request
// must pass, pure: delivered, within the window from delivery, only eligible items, no more than
// was bought and not already being returned, a reason the brand accepts. Each refusal names one
// reason the customer understands (words in src/hub/i18n), and the item it is about.
import { z } from '@hono/zod-openapi';
import type { BrandRow, ReturnRow } from '../db/schema.js';
import { RETURN_REASONS, type ReturnReason, type ReturnRefusal } from '../hub/i18n/index.js';
import { currencyDigits, roundMoney } from '../lib/money.js';
import { withArticle } from '../lib/words.js';
import { currencyCode } from '../api/request-fields.js';

export const ReturnPolicySchema = z
  .object({
    enabled: z.boolean().default(false).openapi({ description: 'Customers can start returns from the tracking page' }),
    windowDays: z.number().int().min(1).max(365).default(30).openapi({ description: 'Days from delivery during which a return can be asked for' }),
    eligibleSkus: z.array(z.string().min(1).max(100)).max(5000).optional().openapi({ description: 'When given, only these items can be returned' }),
    excludedSkus: z.array(z.string().min(1).max(100)).max(5000).default([]),
    excludedTags: z.array(z.string().trim().toLowerCase().min(1).max(40)).max(100).default([]).openapi({ description: 'Catalogue tags whose products cannot be returned (e.g. final-sale)' }),
    reasons: z.array(z.enum(RETURN_REASONS)).min(1).default([...RETURN_REASONS]),
    labelPaidBy: z.enum(['brand', 'customer']).default('brand'),
    labelFee: z.number().min(0).max(1000).default(0).openapi({ description: 'Taken from the refund when the customer pays for the label, in `currency`' }),
    currency: currencyCode.default('USD').openapi({ description: 'The currency of labelFee' }),
    labelFees: z
      .record(currencyCode, z.number().min(0).max(1000))
      .optional()
      .openapi({ description: 'The label fee for orders in other currencies, by ISO 4217 code ({"EUR": 4.5}). An order in a currency with no fee here nor in `currency` gets its label free: a fee is never taken in a currency the order was not paid in' }),
    approval: z.enum(['automatic', 'manual']).default('automatic').openapi({ description: 'automatic: the label is made at once; manual: a person approves each request (POST /v1/returns/{id}/approve)' }),
    carrier: z.string().min(2).max(32).default('simulated').openapi({ description: 'Who carries return parcels (its labels are bought through Waybill)' }),
  })
  .openapi('ReturnPolicy');
export type ReturnPolicy = z.infer<typeof ReturnPolicySchema>;

const parsed = new Map<string, ReturnPolicy>();
/** The brand's policy (defaults filled in), parsed once per settings version: the page asks on every view. */
export function returnPolicyOf(brand: Pick<BrandRow, 'settings'>): ReturnPolicy {
  let policy = parsed.get(brand.settings);
  if (!policy) {
    policy = ReturnPolicySchema.parse((JSON.parse(brand.settings) as { returns?: unknown }).returns ?? {});
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(brand.settings, policy);
  }
  return policy;
}

export type OrderItem = { sku: string; name: string; quantity: number; price?: number };
export type ReturnItem = { sku: string; name: string; quantity: number };

export type EligibilityInput = {
  policy: ReturnPolicy;
  now: Date;
  items: readonly OrderItem[];
  /** The order's outbound shipments: status and when it was delivered. */
  shipments: ReadonlyArray<{ status: string; deliveredAt: string | null }>;
  /** Returns already asked for on this order (rejected ones do not count). */
  returns: ReadonlyArray<{ state: string; items: readonly ReturnItem[] }>;
  /** Catalogue tags per SKU, for excludedTags. */
  tags: ReadonlyMap<string, readonly string[]>;
  /** Skip the window and item rules (a merchant creating a return for a customer). */
  override?: boolean;
};

export type Refusal = { refusal: ReturnRefusal; item?: string };

/** Whether this order can have a return at all (before the customer picks anything). */
export function orderRefusal(input: EligibilityInput): Refusal | null {
  if (input.override) return null;
  if (!input.policy.enabled) return { refusal: 'returns_off' };
  const delivered = input.shipments.filter((s) => s.status === 'delivered' && s.deliveredAt).map((s) => Date.parse(s.deliveredAt!));
  if (delivered.length === 0) return { refusal: 'not_delivered' };
  if (input.now.getTime() > Math.max(...delivered) + input.policy.windowDays * 86_400_000) return { refusal: 'outside_window' };
  return null;
}

export type ReturnableItem = OrderItem & {
  /** How many are in returns already (a rejected return frees its items). */
  inReturns: number;
  /** How many can still be returned. */
  left: number;
  excluded: boolean;
};

/** How many of each item can still be returned, and whether the policy allows it at all. */
export function returnableItems(input: EligibilityInput): ReturnableItem[] {
  const open = new Map<string, number>();
  for (const r of input.returns) if (r.state !== 'rejected') for (const i of r.items) open.set(i.sku, (open.get(i.sku) ?? 0) + i.quantity);
  return mergeItems(input.items).map((item) => {
    const inReturns = Math.min(item.quantity, open.get(item.sku) ?? 0);
    return { ...item, inReturns, left: item.quantity - inReturns, excluded: !input.override && isExcluded(input.policy, item.sku, input.tags.get(item.sku) ?? []) };
  });
}

/**
 * Why nothing of this order can be returned now, or null when something can: the order's own
 * reason first (returns off, not delivered, the window closed), then its items (each one excluded,
 * or all the rest in returns already). The page offers no return button and no form then.
 */
export function whyNothingCanBeReturned(input: EligibilityInput): Refusal | null {
  const refused = orderRefusal(input);
  if (refused) return refused;
  const items = returnableItems(input);
  if (items.some((i) => !i.excluded && i.left > 0)) return null;
  return { refusal: items.some((i) => !i.excluded) ? 'all_in_returns' : 'none_returnable' };
}

function isExcluded(policy: ReturnPolicy, sku: string, tags: readonly string[]): boolean {
  if (policy.eligibleSkus && !policy.eligibleSkus.includes(sku)) return true;
  return policy.excludedSkus.includes(sku) || tags.some((t) => policy.excludedTags.includes(t));
}

/** The same SKU on two lines of an order is one item to return. */
function mergeItems(items: readonly OrderItem[]): OrderItem[] {
  const bySku = new Map<string, OrderItem>();
  for (const item of items) {
    const seen = bySku.get(item.sku);
    bySku.set(item.sku, seen ? { ...seen, quantity: seen.quantity + item.quantity } : { ...item });
  }
  return [...bySku.values()];
}

/** The same SKU on two lines of a request is one line: its quantities are checked together. */
function mergeRequested(items: ReadonlyArray<{ sku: string; quantity: number }>): Array<{ sku: string; quantity: number }> {
  const bySku = new Map<string, number>();
  for (const item of items) bySku.set(item.sku, (bySku.get(item.sku) ?? 0) + item.quantity);
  return [...bySku].map(([sku, quantity]) => ({ sku, quantity }));
}

/** The request checked against the policy: the items to return, or the first reason not to. */
export function checkReturnRequest(input: EligibilityInput, request: { items: ReadonlyArray<{ sku: string; quantity: number }>; reason: string }): { ok: true; items: ReturnItem[] } | ({ ok: false } & Refusal) {
  const refused = orderRefusal(input);
  if (refused) return { ok: false, ...refused };
  const wanted = mergeRequested(request.items).filter((i) => i.quantity > 0);
  if (wanted.length === 0) return { ok: false, refusal: 'no_items' };
  if (!(input.policy.reasons as readonly string[]).includes(request.reason) && !(input.override && (RETURN_REASONS as readonly string[]).includes(request.reason))) return { ok: false, refusal: 'invalid_reason' };
  const available = returnableItems(input);
  const items: ReturnItem[] = [];
  for (const want of wanted) {
    const item = available.find((a) => a.sku === want.sku);
    if (!item) return { ok: false, refusal: 'too_many', item: want.sku };
    if (item.excluded) return { ok: false, refusal: 'excluded_item', item: item.name };
    if (item.left === 0) return { ok: false, refusal: 'already_requested', item: item.name };
    if (want.quantity > item.left || !Number.isInteger(want.quantity)) return { ok: false, refusal: 'too_many', item: item.name };
    items.push({ sku: item.sku, name: item.name, quantity: want.quantity });
  }
  return { ok: true, items };
}

export const isReturnReason = (value: string): value is ReturnReason => (RETURN_REASONS as readonly string[]).includes(value);

// ---- states ----

export const RETURN_STATES = ['requested', 'approved', 'rejected', 'received', 'refunded'] as const;
export type ReturnState = (typeof RETURN_STATES)[number];
export type ReturnAction = 'approve' | 'reject' | 'receive' | 'refund';

const ALLOWED: Record<ReturnAction, readonly ReturnState[]> = {
  approve: ['requested'],
  reject: ['requested'],
  receive: ['approved'],
  refund: ['approved', 'received'],
};

/** The state after an action, or why it is not allowed now. */
export function nextReturnState(state: ReturnState, action: ReturnAction): { ok: true; state: ReturnState } | { ok: false; message: string } {
  if (!ALLOWED[action].includes(state)) return { ok: false, message: `${withArticle(state)} return cannot be ${PAST[action]} (only ${withArticle(ALLOWED[action].join(' or '))} one)` };
  return { ok: true, state: ({ approve: 'approved', reject: 'rejected', receive: 'received', refund: 'refunded' } as const)[action] };
}
const PAST: Record<ReturnAction, string> = { approve: 'approved', reject: 'rejected', receive: 'received', refund: 'refunded' };

/**
 * The lines' prices times their quantities, to the currency's minor unit (the fils of a KWD order,
 * not the cent); null when a line has no price (the sum is unknown).
 */
function linesTotal(lines: ReadonlyArray<{ quantity: number; price?: number }>, currency: string): number | null {
  let total = 0;
  for (const line of lines) {
    if (line.price === undefined) return null;
    total += line.price * line.quantity;
  }
  return roundMoney(total, currency);
}

/** What the order cost in its currency, by its items' prices (orders keep no total of their own); null when an item has no price. */
export const orderTotal = (orderItems: readonly OrderItem[], currency: string): number | null => linesTotal(orderItems, currency);

/**
 * The currency of an order's money in its returns (fee, refund): its own; for an order created
 * without one, the currency its earlier refunds were recorded in, else the policy's. Pure.
 */
export const returnsCurrencyOf = (order: { currency: string | null }, policy: Pick<ReturnPolicy, 'currency'>, refundedIn: string | null = null): string =>
  order.currency ?? refundedIn ?? policy.currency;

/**
 * The label fee the customer pays for an order in this currency: 0 when the brand pays, or when
 * the policy names no fee in that currency (a dollar fee is never taken from a euro refund).
 */
export function labelFeeFor(policy: Pick<ReturnPolicy, 'labelPaidBy' | 'labelFee' | 'currency' | 'labelFees'>, currency: string): number {
  if (policy.labelPaidBy !== 'customer') return 0;
  return policy.labelFees?.[currency] ?? (currency === policy.currency ? policy.labelFee : 0);
}

/** What the brand owes back, in the order's currency: the items' prices, less the label when the customer pays for it. */
export function suggestedRefund(items: readonly ReturnItem[], orderItems: readonly OrderItem[], policy: Pick<ReturnPolicy, 'labelPaidBy' | 'labelFee'>, currency: string): number | null {
  const total = linesTotal(items.map((item) => ({ quantity: item.quantity, price: orderItems.find((o) => o.sku === item.sku)?.price })), currency);
  if (total === null) return null;
  const fee = policy.labelPaidBy === 'customer' ? policy.labelFee : 0;
  return Math.max(0, roundMoney(total - fee, currency));
}

/** The suggested refund of a stored return: its label fee as it was when asked for, else the policy's. */
export function suggestedRefundOf(ret: Pick<ReturnRow, 'items' | 'label_paid_by' | 'label_fee'>, orderItems: readonly OrderItem[], policy: Pick<ReturnPolicy, 'labelFee'>, currency: string): number | null {
  return suggestedRefund(JSON.parse(ret.items) as ReturnItem[], orderItems, { labelPaidBy: ret.label_paid_by as ReturnPolicy['labelPaidBy'], labelFee: Number(ret.label_fee ?? policy.labelFee) }, currency);
}

export type RefundLimit = {
  /** The order's total, or null when an item has no price (then no limit can be known). */
  orderTotal: number | null;
  /** What earlier refunds of this order gave back, in its currency. */
  alreadyRefunded: number;
  /** The currency the order's refunds are in. */
  currency: string;
};

/**
 * Whether an amount is more than a limit, past floating-point noise (0.1 + 0.2 is 0.3): compared in
 * the currency's minor units (2.469 KWD is more than 2.468), never coarser than the cent, so a
 * fraction of a yen over the limit is still more.
 */
function moreThan(amount: number, limit: number, currency: string): boolean {
  const scale = 10 ** Math.max(2, currencyDigits(currency));
  return Math.round(amount * scale) > Math.round(limit * scale);
}

/**
 * Why this refund cannot be recorded, or null. It must be more than zero, in the order's currency,
 * and no more than the order's total less what earlier refunds of the order gave back. It may be
 * more than the suggested refund (shipping, a goodwill amount): the order's total is the ceiling.
 */
export function refundProblem(refund: { amount: number; currency: string }, limit: RefundLimit): { field: 'amount' | 'currency'; problem: string } | null {
  if (!Number.isFinite(refund.amount) || refund.amount <= 0) return { field: 'amount', problem: 'must be more than 0' };
  if (refund.currency !== limit.currency) return { field: 'currency', problem: `must be ${limit.currency}, this order’s currency` };
  if (limit.orderTotal === null) return null;
  const most = Math.max(0, roundMoney(limit.orderTotal - limit.alreadyRefunded, limit.currency));
  if (moreThan(refund.amount, most, limit.currency)) {
    return { field: 'amount', problem: `must be at most ${most} ${limit.currency}: the order’s total of ${limit.orderTotal} less ${roundMoney(limit.alreadyRefunded, limit.currency)} refunded before` };
  }
  return null;
}
