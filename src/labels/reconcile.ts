// Settles label purchases nobody came back for. Every attempt enqueues this job for a quarter of an
// hour after it began; by then it is usually `bought` or `failed` and the job does nothing. An
// attempt still `unknown` (the carrier never answered, and the same request never came again) is
// asked about: a label the carrier sold under our reference is voided (nobody has it to print; an
// idempotent carrier is asked with the same key, which hands back the label it sold or sells it
// now, and then voids it), and an attempt with no label is closed as failed. A label that cannot be
// voided any more becomes the shipment it was meant to be. While the carrier gives no answer the job
// keeps asking, 5 minutes apart at first and then hourly, until the purchase is settled
// (RECONCILE_MAX_ATTEMPTS); GET /v1/label-purchases shows the brand what is still unsettled. A
// carrier account the brand disconnected cannot be asked: the purchase is left `unknown` and marked
// unresolved (./unresolved.ts) instead of failing hourly for ever, and the checks resume when the
// account is connected again.
import type { Deps } from '../deps.js';
import { carrierMessage } from '../carriers/connections.js';
import { JobFailure } from '../jobs/worker.js';
import { AppError } from '../lib/errors.js';
import type { BoughtLabel } from '../carriers/label-types.js';
import { outcomeUnknown } from '../carriers/label-kit.js';
import { carrierAdapter } from '../carriers/registry.js';
import type { LabelPurchaseRow } from '../db/schema.js';
import { claimAttempt, completePurchase, labelAccount, labelRequestOf, settleAttempt } from './carrier-purchase.js';
import { CARRIER_DISCONNECTED, disconnectedMessage } from './unresolved.js';

const RETRY_MS = 5 * 60_000;
const RETRY_CEILING_MS = 60 * 60_000;

/** The wait after the `attempt`-th check of an unsettled purchase: 5 minutes, doubling, at most an hour. Pure. */
export function reconcileRetryMs(attempt: number): number {
  return Math.min(RETRY_CEILING_MS, RETRY_MS * 2 ** Math.min(20, Math.max(0, attempt - 1)));
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
  if (account instanceof AppError) return leaveUnresolved(deps, row, account.message);
  const { adapter, capability, ctx } = account;
  const claimed = await claimAttempt(deps, row, now);
  if (!claimed) throw new JobFailure(`purchase ${row.id} was taken by a retry`, true, RETRY_MS);
  const request = labelRequestOf(claimed, order.number);

  let found: BoughtLabel | null;
  if (capability.idempotent) {
    const replay = await capability.createLabel(ctx, request);
    if (!replay.ok && outcomeUnknown(replay.error)) return stillUnknown(deps, row.id, carrierMessage(replay.error), attempt);
    found = replay.ok ? replay.value : null;
  } else {
    const recovered = await capability.recoverLabel(ctx, request);
    if (!recovered.ok) return stillUnknown(deps, row.id, carrierMessage(recovered.error), attempt);
    found = recovered.value;
  }
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
  return stillUnknown(deps, row.id, carrierMessage(voided.error), attempt);
}

async function stillUnknown(deps: Deps, id: string, message: string, attempt: number): Promise<never> {
  await settleAttempt(deps, id, { state: 'unknown', error: message });
  throw new JobFailure(`the carrier still gives no answer about purchase ${id}: ${message}`, true, reconcileRetryMs(attempt));
}

/**
 * The account is gone (credentials removed, or no longer able to buy labels): the job ends, the
 * purchase stays `unknown` and is marked unresolved for the brand. Written only over the row as it
 * was read, so a purchase a retry took meanwhile is left to it.
 */
async function leaveUnresolved(deps: Deps, row: LabelPurchaseRow, said: string): Promise<void> {
  const name = carrierAdapter(row.carrier)?.name ?? row.carrier;
  await deps.db
    .updateTable('label_purchases')
    .set({ state: 'unknown', unresolved: CARRIER_DISCONNECTED, error: disconnectedMessage(name, row.carrier, said), updated_at: deps.clock.now().toISOString() })
    .where('id', '=', row.id)
    .where('state', '=', row.state)
    .where('updated_at', '=', row.updated_at)
    .execute();
  deps.log.warn({ purchaseId: row.id, brandId: row.brand_id, carrier: row.carrier }, 'label purchase left unresolved: the carrier account is disconnected');
}
