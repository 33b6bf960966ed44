// Settles label purchases nobody came back for. Every attempt enqueues this job for a quarter of an
// hour after it began; by then it is usually `bought` or `failed` and the job does nothing. An
// attempt still `unknown` (the carrier never answered, and the same request never came again) is
// asked about: a label the carrier sold under our reference is voided (nobody has it to print; an
// idempotent carrier is asked with the same key, which hands back the label it sold or sells it
// now, and then voids it), and an attempt is closed as failed only when the carrier's answer says
// positively that no label stands (`recoverLabel` answers null). A label that cannot be voided any
// more becomes the shipment it was meant to be. While the carrier gives no answer, throttles or
// fails, the job keeps asking, 5 minutes apart at first and then hourly, until the purchase is
// settled (RECONCILE_MAX_ATTEMPTS); GET /v1/label-purchases shows the brand what is still unsettled.
// A carrier account the brand disconnected, or whose credentials the carrier refuses, cannot be
// asked: the purchase is left `unknown` and marked unresolved (./unresolved.ts) instead of failing
// hourly for ever, and the checks resume when a working connection is saved again.
import type { Deps } from '../deps.js';
import { carrierMessage } from '../carriers/connections.js';
import { JobFailure } from '../jobs/worker.js';
import { AppError } from '../lib/errors.js';
import type { CarrierError } from '../carriers/types.js';
import { carrierAdapter } from '../carriers/registry.js';
import type { LabelPurchaseRow } from '../db/schema.js';
import { claimAttempt, completePurchase, labelAccount, labelRequestOf, settleAttempt } from './carrier-purchase.js';
import { CARRIER_DISCONNECTED, CARRIER_REFUSED_CREDENTIALS, unresolvedMessage, type UnresolvedReason } from './unresolved.js';

const RETRY_MS = 5 * 60_000;
const RETRY_CEILING_MS = 60 * 60_000;

/** The wait after the `attempt`-th check of an unsettled purchase: 5 minutes, doubling, at most an hour. Pure. */
export function reconcileRetryMs(attempt: number): number {
  return Math.min(RETRY_CEILING_MS, RETRY_MS * 2 ** Math.min(20, Math.max(0, attempt - 1)));
}

/**
 * What a carrier's failure to answer means for an unsettled purchase. Pure. Refused credentials
 * will be refused again until the brand saves working ones: parked. Anything else (a rate limit,
 * an outage, a refusal that does not say no label stands) leaves it unknown, asked again after the
 * back-off, or after the carrier's Retry-After when that is longer.
 */
export function unsettledBy(error: CarrierError, attempt: number): { parked: UnresolvedReason } | { retryMs: number } {
  if (error.code === 'auth_failed') return { parked: CARRIER_REFUSED_CREDENTIALS };
  return { retryMs: Math.max(reconcileRetryMs(attempt), (error.retryAfterSeconds ?? 0) * 1000) };
}

/** `attempt`: the job's attempt number (1 on its first run), which spaces the checks out. */
export async function reconcileLabelPurchase(deps: Deps, payload: unknown, attempt = 1): Promise<void> {
  const purchaseId = (payload as { purchaseId?: unknown } | null)?.purchaseId;
  if (typeof purchaseId !== 'string') throw new JobFailure('label reconcile job without a purchaseId', false);
  const row = await deps.db.selectFrom('label_purchases').selectAll().where('id', '=', purchaseId).executeTakeFirst();
  if (!row || (row.state !== 'unknown' && row.state !== 'requesting')) return; // settled already
  const now = deps.clock.now();
  if (row.state === 'requesting' && Date.parse(row.updated_at) > now.getTime() - RETRY_MS) throw new JobFailure(`purchase ${row.id} is being bought right now`, true, RETRY_MS);
  const order = await deps.db.selectFrom('orders').select('number').where('id', '=', row.order_id).executeTakeFirstOrThrow();
  const account = await labelAccount(deps, row.brand_id, row.carrier).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'carrier_not_connected') return error;
    throw error;
  });
  if (account instanceof AppError) return leaveUnresolved(deps, row, CARRIER_DISCONNECTED, account.message);
  const { adapter, capability, ctx } = account;
  const claimed = await claimAttempt(deps, row, now);
  if (!claimed) throw new JobFailure(`purchase ${row.id} was taken by a retry`, true, RETRY_MS);
  const request = labelRequestOf(claimed, order.number);

  // An idempotent carrier (USPS) is asked by the same purchase under the same key (its recoverLabel).
  const recovered = await capability.recoverLabel(ctx, request);
  if (!recovered.ok) return notSettled(deps, claimed, recovered.error, attempt);
  const found = recovered.value;
  if (!found) {
    await settleAttempt(deps, row.id, { state: 'failed', error: `${adapter.name} sold no label for this attempt` });
    return;
  }
  const voided = await capability.voidLabel(ctx, { trackingNumber: found.trackingNumber, carrierReference: found.carrierReference ?? null, reference: row.id, shipDate: request.shipDate });
  if (voided.ok) {
    await settleAttempt(deps, row.id, { state: 'voided', error: `${adapter.name} sold label ${found.trackingNumber} while the request went unanswered and nobody collected it: voided`, trackingNumber: found.trackingNumber });
    return;
  }
  if (voided.error.code === 'bad_request') {
    await completePurchase(deps, claimed, found, adapter.name);
    deps.notifyJobsEnqueued();
    return;
  }
  return notSettled(deps, claimed, voided.error, attempt);
}

/** The carrier did not settle it: parked (refused credentials), or left unknown and asked again. */
async function notSettled(deps: Deps, row: LabelPurchaseRow, error: CarrierError, attempt: number): Promise<void> {
  const said = carrierMessage(error);
  const next = unsettledBy(error, attempt);
  if ('parked' in next) return leaveUnresolved(deps, row, next.parked, said);
  await settleAttempt(deps, row.id, { state: 'unknown', error: said });
  throw new JobFailure(`the carrier still gives no answer about purchase ${row.id}: ${said}`, true, next.retryMs);
}

/**
 * The account cannot be asked (disconnected: credentials removed, or no longer able to buy labels;
 * or its credentials refused by the carrier): the job ends, the purchase stays `unknown` and is
 * marked unresolved for the brand. Written only over the row as it was read, so a purchase a retry
 * took meanwhile is left to it.
 */
async function leaveUnresolved(deps: Deps, row: LabelPurchaseRow, reason: UnresolvedReason, said: string): Promise<void> {
  const name = carrierAdapter(row.carrier)?.name ?? row.carrier;
  await deps.db
    .updateTable('label_purchases')
    .set({ state: 'unknown', unresolved: reason, error: unresolvedMessage(reason, name, row.carrier, said), updated_at: deps.clock.now().toISOString() })
    .where('id', '=', row.id)
    .where('state', '=', row.state)
    .where('updated_at', '=', row.updated_at)
    .execute();
  deps.log.warn({ purchaseId: row.id, brandId: row.brand_id, carrier: row.carrier, reason }, 'label purchase left unresolved: the carrier account cannot be asked');
}
