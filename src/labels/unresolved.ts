// Label purchases the reconcile job (./reconcile.ts) stopped asking about because the brand
// disconnected the carrier account, or the carrier refused the account's credentials: asking hourly
// for ever would only fail the same way. They stay `unknown` (the carrier may have charged), marked
// `unresolved` with why, listed by GET /v1/label-purchases with what to do; saving a working
// connection for that carrier again (carriers/connections.ts) puts their checks back in the queue
// at once. Kept apart from ./reconcile.ts, which needs the
// connection code, so the connection code can call it without an import cycle.
import type { Deps } from '../deps.js';

export const CARRIER_DISCONNECTED = 'carrier_disconnected';
export const CARRIER_REFUSED_CREDENTIALS = 'carrier_refused_credentials';
/** Why Waybill stopped asking about a purchase (`label_purchases.unresolved`). */
export const UNRESOLVED_REASONS = [CARRIER_DISCONNECTED, CARRIER_REFUSED_CREDENTIALS] as const;
export type UnresolvedReason = (typeof UNRESOLVED_REASONS)[number];

/** The reconcile job's idempotency key: one job per purchase, ever. */
export const reconcileKey = (purchaseId: string): string => `label-reconcile:${purchaseId}`;

const WHAT_HAPPENED: Record<UnresolvedReason, { why: (carrierName: string) => string; fix: string }> = {
  carrier_disconnected: { why: () => 'carrier disconnected', fix: 'Connect the account again' },
  carrier_refused_credentials: { why: (carrierName) => `${carrierName} refused the account’s credentials`, fix: 'Save working credentials' },
};

/** What the brand reads on a purchase left unresolved, and what to do about it. */
export function unresolvedMessage(reason: UnresolvedReason, carrierName: string, carrier: string, said: string): string {
  const { why, fix } = WHAT_HAPPENED[reason];
  return (
    `unresolved: ${why(carrierName)} (${said}). ${carrierName} may have charged for this label; Waybill stopped asking ${carrierName} about it. ` +
    `${fix} (PUT /v1/carriers/${carrier}/connection) and Waybill asks at once, then voids or keeps what it finds`
  );
}

/** The brand's account at `carrier` works again: its unresolved purchases are checked now. Returns how many. */
export async function resumeUnresolvedPurchases(deps: Pick<Deps, 'db' | 'clock' | 'notifyJobsEnqueued'>, brandId: string, carrier: string): Promise<number> {
  const at = deps.clock.now().toISOString();
  const resumed = await deps.db.transaction().execute(async (trx) => {
    const parked = await trx
      .updateTable('label_purchases')
      .set({ unresolved: null, updated_at: at })
      .where('brand_id', '=', brandId)
      .where('carrier', '=', carrier)
      .where('unresolved', 'is not', null)
      .returning('id')
      .execute();
    if (parked.length === 0) return 0;
    // A parked purchase's job finished when it parked: it runs again, its attempts (checks) kept.
    await trx
      .updateTable('jobs')
      .set({ state: 'queued', run_at: at, locked_by: null, locked_until: null, updated_at: at })
      .where('idempotency_key', 'in', parked.map((p) => reconcileKey(p.id)))
      .where('state', 'in', ['done', 'dead'])
      .execute();
    return parked.length;
  });
  if (resumed > 0) deps.notifyJobsEnqueued();
  return resumed;
}
