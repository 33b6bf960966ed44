// Is the brand's carrier quota big enough for its volume? The polls its active parcels need a day
// (the sum of 1/interval over their cadences, in requests of the API's batch size) against what the
// account's quota and rate allow. Said plainly in three places: GET /v1/carriers/polling, the
// waybill_carrier_quota_coverage_ratio gauge, and a warning in the log (at most every 6 hours).
import { sql } from 'kysely';
import type { CarrierAdapter } from '../carriers/types.js';
import type { Deps } from '../deps.js';
import { TERMINAL_STATUSES } from '../shipments/vocabulary.js';
import { type CarrierLimits, dailyCapacity } from './limits.js';
import type { AccountGate } from './account.js';
import { counted, wholeNumber } from '../lib/words.js';

const REPORT_EVERY_MS = 30 * 60_000;
const WARN_EVERY_MS = 6 * 3_600_000;
const OVERDUE_MS = 3_600_000;

export type Demand = { activeShipments: number; pollsPerDay: number; dueNow: number; overdue: number };

export type QuotaAdvice = { requestsNeededPerDay: number; capacityPerDay: number | null; coverage: number; quotaTooSmall: boolean; message: string };

/** PURE: the advice for one account from its demand and limits. */
export function adviseQuota(input: { carrierName: string; carrier: string; limits: CarrierLimits; batchSize: number; demand: Demand }): QuotaAdvice {
  const { carrierName, carrier, limits, batchSize, demand } = input;
  const needed = Math.ceil(demand.pollsPerDay / Math.max(1, batchSize));
  const capacity = dailyCapacity(limits);
  const coverage = needed === 0 ? 1 : Math.min(1, capacity / needed);
  const what = limits.dailyQuota !== null && limits.dailyQuota <= capacity ? `its daily quota of ${counted(limits.dailyQuota, 'request')}` : `its rate limit (about ${counted(capacity, 'request')} a day)`;
  const parcelsNeed = `${counted(demand.activeShipments, 'active parcel')} ${demand.activeShipments === 1 ? 'needs' : 'need'}`;
  const message =
    coverage >= 1
      ? `${carrierName}: ${what} covers the ${counted(needed, 'request')} a day that ${parcelsNeed}.`
      : `${carrierName}: the account is too small for this volume. ${parcelsNeed} about ${counted(needed, 'request')} a day at ${demand.activeShipments === 1 ? 'its' : 'their'} polling cadence, but ${what} allows ${Math.round(coverage * 100)}% of that. ` +
        `Parcels near delivery are polled first; the others fall behind (${wholeNumber(demand.overdue)} ${demand.overdue === 1 ? 'is' : 'are'} over an hour late now). ` +
        `Ask ${carrierName} for a higher quota and enter it with PUT /v1/carriers/${carrier}/polling, or ${pushAdvice(carrierName, carrier)}`;
  return { requestsNeededPerDay: needed, capacityPerDay: Number.isFinite(capacity) ? capacity : null, coverage, quotaTooSmall: coverage < 1, message };
}

/** The carriers that push to Waybill themselves (src/inbound); the others only through an aggregator. */
const CARRIER_PUSH: Readonly<Record<string, { name: string; provider: string }>> = {
  ups: { name: 'Track Alert', provider: 'ups_track_alert' },
};

/** PURE: how this carrier's events can reach Waybill by push, which leaves polling as a safety net. */
export function pushAdvice(carrierName: string, carrier: string): string {
  const own = CARRIER_PUSH[carrier];
  if (own) return `have ${carrierName} push the events by ${own.name} (PUT /v1/inbound-webhooks/${own.provider}); pushed parcels are polled only as a safety net.`;
  return `track the parcels through EasyPost or Shippo and have their webhooks push the events (PUT /v1/inbound-webhooks/easypost or /shippo): ${carrierName} itself has no push Waybill receives, and pushed parcels are polled only as a safety net.`;
}

/**
 * PURE: an account that is not connected (its credentials were refused) is not polled at all, so its
 * quota is beside the point: say that, and how many active parcels it leaves without polling.
 */
export function adviseNotConnected(input: { carrierName: string; carrier: string; activeShipments: number; lastCheck: string | null }): Pick<QuotaAdvice, 'coverage' | 'quotaTooSmall' | 'message'> {
  const { carrierName, carrier, activeShipments, lastCheck } = input;
  const parcels =
    activeShipments === 0
      ? 'No active parcels are waiting for it now.'
      : `${activeShipments.toLocaleString('en-US')} active ${activeShipments === 1 ? 'parcel gets' : 'parcels get'} no ${carrierName} scans by polling until then.`;
  const said = lastCheck ? ` The last check said: "${lastCheck}".` : '';
  return {
    coverage: activeShipments === 0 ? 1 : 0,
    quotaTooSmall: false,
    message: `${carrierName}: not connected: not polled; reconnect with PUT /v1/carriers/${carrier}/connection. ${parcels}${said}`,
  };
}

/** The brand's parcels of this carrier that are still moving (polled or not). */
export async function countActiveShipments(deps: Deps, brandId: string, carrier: string): Promise<number> {
  const row = await deps.db
    .selectFrom('shipments')
    .select(sql<number>`count(*)`.as('n'))
    .where('brand_id', '=', brandId)
    .where('carrier', '=', carrier)
    .where('status', 'not in', TERMINAL_STATUSES)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

export async function measureDemand(deps: Deps, brandId: string, carrier: string): Promise<Demand> {
  const now = deps.clock.now().getTime();
  const row = await deps.db
    .selectFrom('shipment_polls')
    .select([
      sql<number>`count(*)`.as('active'),
      sql<number>`coalesce(sum(86400.0 / interval_seconds), 0)`.as('polls'),
      sql<number>`coalesce(sum(case when next_poll_at <= ${new Date(now).toISOString()} then 1 else 0 end), 0)`.as('due'),
      sql<number>`coalesce(sum(case when next_poll_at <= ${new Date(now - OVERDUE_MS).toISOString()} then 1 else 0 end), 0)`.as('overdue'),
    ])
    .where('brand_id', '=', brandId)
    .where('carrier', '=', carrier)
    .where('next_poll_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return { activeShipments: Number(row.active), pollsPerDay: Number(row.polls), dueNow: Number(row.due), overdue: Number(row.overdue) };
}

/**
 * Every REPORT_EVERY_MS per account: the coverage gauge, and a warning in the log (at most every
 * WARN_EVERY_MS) when the quota is too small. GET /v1/carriers/polling computes the same live.
 */
export async function refreshReport(deps: Deps, brandId: string, adapter: CarrierAdapter, gate: AccountGate): Promise<void> {
  const now = deps.clock.now();
  const row = await deps.db.selectFrom('carrier_poll_accounts').select(['report_at', 'warned_at']).where('brand_id', '=', brandId).where('carrier', '=', adapter.code).executeTakeFirst();
  if (row?.report_at && now.getTime() - Date.parse(row.report_at) < REPORT_EVERY_MS) return;
  const demand = await measureDemand(deps, brandId, adapter.code);
  const advice = adviseQuota({ carrierName: adapter.name, carrier: adapter.code, limits: gate.limits, batchSize: adapter.maxBatchSize, demand });
  deps.metrics.quotaCoverage.set({ brand: brandId, carrier: adapter.code }, advice.coverage);
  const warn = advice.quotaTooSmall && (!row?.warned_at || now.getTime() - Date.parse(row.warned_at) >= WARN_EVERY_MS);
  if (warn) deps.log.warn({ brandId, carrier: adapter.code, coverage: advice.coverage, needed: advice.requestsNeededPerDay, capacity: advice.capacityPerDay }, advice.message);
  await deps.db
    .updateTable('carrier_poll_accounts')
    .set({ report_at: now.toISOString(), ...(warn ? { warned_at: now.toISOString() } : {}) })
    .where('brand_id', '=', brandId)
    .where('carrier', '=', adapter.code)
    .execute();
}
