// UPS Track Alert subscriptions, kept up inside the UPS account's run (they share its limits):
// new 1Z/1R numbers of active shipments are subscribed 100 to a call, and a subscription is renewed
// a day before its 14 days run out, for as long as the parcel is not delivered, returned,
// cancelled or expired. Only brands that set up a Track Alert endpoint (so UPS can reach them)
// subscribe. Refused numbers are polled as usual; failed calls are tried again later.
import { sql } from 'kysely';
import type { CarrierContext, CarrierError } from '../carriers/types.js';
import { subscribeUpsPackages, TRACK_ALERT_MAX_NUMBERS, TRACK_ALERT_NUMBER, TRACK_ALERT_SUBSCRIPTION_DAYS } from '../carriers/ups/track-alert-client.js';
import type { Deps } from '../deps.js';
import { TERMINAL_STATUSES } from '../shipments/vocabulary.js';
import { type AccountGate, stopsTheAccount } from './account.js';
import { PRIORITY } from './cadence.js';

export const RENEW_BEFORE_MS = 86_400_000;
const RETRY_FAILED_MS = 3_600_000;
const PER_RUN = 2_000;
const CHECK_EVERY_MS = 5 * 60_000;

export type SubscriptionRun = { calls: number; subscribed: number; refused: number; stoppedBy: string | null };

export async function keepTrackAlertSubscriptions(deps: Deps, brandId: string, ctx: CarrierContext, gate: AccountGate): Promise<SubscriptionRun> {
  const run: SubscriptionRun = { calls: 0, subscribed: 0, refused: 0, stoppedBy: null };
  const endpoint = await deps.db.selectFrom('inbound_endpoints').select('id').where('brand_id', '=', brandId).where('provider', '=', 'ups_track_alert').executeTakeFirst();
  if (!endpoint) return run;
  const now = deps.clock.now();
  const at = now.toISOString();
  // Looking for parcels to subscribe reads all the brand's UPS parcels: every CHECK_EVERY_MS is enough.
  const account = await deps.db.selectFrom('carrier_poll_accounts').select('push_checked_at').where('brand_id', '=', brandId).where('carrier', '=', 'ups').executeTakeFirst();
  if (account?.push_checked_at && now.getTime() - Date.parse(account.push_checked_at) < CHECK_EVERY_MS) return run;
  await deps.db.updateTable('carrier_poll_accounts').set({ push_checked_at: at }).where('brand_id', '=', brandId).where('carrier', '=', 'ups').execute();
  const due = await deps.db
    .selectFrom('shipments as s')
    .leftJoin('push_subscriptions as p', 'p.shipment_id', 's.id')
    .select(['s.id', 's.tracking_number'])
    .where('s.brand_id', '=', brandId)
    .where('s.carrier', '=', 'ups')
    .where('s.status', 'not in', TERMINAL_STATUSES)
    .where((eb) =>
      eb.or([
        eb('p.shipment_id', 'is', null),
        eb.and([
          eb('p.state', '=', 'active'),
          eb('p.expires_at', '<=', new Date(now.getTime() + RENEW_BEFORE_MS).toISOString()),
          eb.or([eb('p.retry_at', 'is', null), eb('p.retry_at', '<=', at)]),
        ]),
        eb.and([eb('p.state', '=', 'failed'), eb('p.retry_at', '<=', at)]),
      ]),
    )
    .orderBy('s.id')
    .limit(PER_RUN)
    .execute();

  const eligible = due.filter((s) => TRACK_ALERT_NUMBER.test(s.tracking_number));
  const ineligible = due.filter((s) => !TRACK_ALERT_NUMBER.test(s.tracking_number));
  await saveSubscriptions(deps, brandId, ineligible.map((s) => s.id), { state: 'refused', message: 'UPS Track Alert takes only 1Z and 1R numbers; this parcel is polled' });
  run.refused += ineligible.length;

  for (let i = 0; i < eligible.length; i += TRACK_ALERT_MAX_NUMBERS) {
    const chunk = eligible.slice(i, i + TRACK_ALERT_MAX_NUMBERS);
    const admitted = await gate.take(PRIORITY.nearDelivery); // a subscription saves many polls: it goes first
    if (!admitted.ok) {
      run.stoppedBy = admitted.reason;
      break;
    }
    run.calls += 1;
    const answer = await subscribeUpsPackages(ctx, chunk.map((s) => s.tracking_number));
    if (!answer.ok) {
      await recordFailure(deps, brandId, chunk.map((s) => s.id), answer.error);
      deps.metrics.carrierRequests.inc({ carrier: 'ups', outcome: answer.error.code });
      if (stopsTheAccount(answer.error)) {
        await gate.failed(answer.error);
        run.stoppedBy = answer.error.code;
        break;
      }
      continue;
    }
    await gate.succeeded();
    deps.metrics.carrierRequests.inc({ carrier: 'ups', outcome: 'subscribed' });
    const valid = new Set(answer.value.valid);
    const taken = chunk.filter((s) => valid.has(s.tracking_number)).map((s) => s.id);
    const refused = chunk.filter((s) => !valid.has(s.tracking_number)).map((s) => s.id);
    const expires = new Date(deps.clock.now().getTime() + TRACK_ALERT_SUBSCRIPTION_DAYS * 86_400_000).toISOString();
    await saveSubscriptions(deps, brandId, taken, { state: 'active', subscribedAt: deps.clock.now().toISOString(), expiresAt: expires, message: null });
    await saveSubscriptions(deps, brandId, refused, { state: 'refused', message: 'UPS refused this number for Track Alert; it is polled' });
    run.subscribed += taken.length;
    run.refused += refused.length;
  }
  return run;
}

async function recordFailure(deps: Deps, brandId: string, ids: string[], error: CarrierError): Promise<void> {
  const retryAt = new Date(deps.clock.now().getTime() + RETRY_FAILED_MS).toISOString();
  // A renewal that fails keeps the subscription it had: only parcels without one are marked failed.
  await saveSubscriptions(deps, brandId, ids, { state: 'failed', retryAt, message: error.message }, { keepActive: true });
}

type SubscriptionPatch = { state: 'active' | 'refused' | 'failed'; subscribedAt?: string; expiresAt?: string; retryAt?: string; message: string | null };

async function saveSubscriptions(deps: Deps, brandId: string, shipmentIds: string[], patch: SubscriptionPatch, options: { keepActive?: boolean } = {}): Promise<void> {
  if (shipmentIds.length === 0) return;
  const at = deps.clock.now().toISOString();
  const rows = shipmentIds.map((id) => ({
    shipment_id: id,
    brand_id: brandId,
    provider: 'ups_track_alert',
    state: patch.state,
    subscribed_at: patch.subscribedAt ?? null,
    expires_at: patch.expiresAt ?? null,
    retry_at: patch.retryAt ?? null,
    message: patch.message,
    updated_at: at,
  }));
  for (let i = 0; i < rows.length; i += 200) {
    await deps.db
      .insertInto('push_subscriptions')
      .values(rows.slice(i, i + 200))
      .onConflict((oc) =>
        oc.column('shipment_id').doUpdateSet((eb) => ({
          // A failed renewal leaves state and expiry as they were, noting the retry time and the reason.
          state: options.keepActive ? sql<string>`case when ${eb.ref('push_subscriptions.state')} = 'active' then 'active' else ${eb.ref('excluded.state')} end` : eb.ref('excluded.state'),
          subscribed_at: patch.subscribedAt ? eb.ref('excluded.subscribed_at') : eb.ref('push_subscriptions.subscribed_at'),
          expires_at: patch.expiresAt ? eb.ref('excluded.expires_at') : eb.ref('push_subscriptions.expires_at'),
          retry_at: eb.ref('excluded.retry_at'),
          message: eb.ref('excluded.message'),
          updated_at: eb.ref('excluded.updated_at'),
        })),
      )
      .execute();
  }
}
