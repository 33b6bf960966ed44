// What Waybill notices on its own about a parcel between scans, pure: it is late (its delivery
// window has passed), it has stalled (no scan for longer than normal on its lane), or it is the
// evening of a day it moved (the daily in-transit digest). Each answer names the trigger for the
// notification policy and what to remember, so the same delay or the same day is acted on once.
import { wallClockIn } from '../../estimates/civil-date.js';
import type { EstimateAlertTrigger, EstimateWindow, TransitDigestTrigger } from '../policy/decide.js';
import { isEnRoute } from '../../shipments/vocabulary.js';

export type WatchMemory = {
  /** The last scan whose silence was already announced (by us, or by the carrier's own delay). */
  stalledSince: string | null;
  /** The window end whose passing was already announced. */
  lateFor: string | null;
  /** The recipient's local day of the last digest, and the newest scan it told of. */
  digestDay: string | null;
  digestThrough: string | null;
};

export type WatchedShipment = {
  shipmentId: string;
  status: string;
  /** The newest scan's time (UTC ISO), or null before any scan. */
  lastEventAt: string | null;
  createdAt: string;
  /** The shipment's window (carrier's or ours), else the one promised at order time. */
  window: EstimateWindow | null;
  /** The recipient's clock, for the digest's day and hour. */
  timeZone: string;
  memory: WatchMemory;
};

export type WatchRules = {
  /** No scan for longer than this (minutes) is a stall: the lane's 90th percentile, else the brand's default. */
  stallAfterMinutes: number;
  /** Minutes past local midnight from which the digest may go. */
  digestFrom: number;
  digestOn: boolean;
};

export type WatchOutcome = {
  triggers: Array<EstimateAlertTrigger | TransitDigestTrigger>;
  /** What to remember; unchanged fields are left out. */
  remember: Partial<WatchMemory>;
};

/** A silence that began before we started tracking is history being loaded, not a stall. */
const TRACKED_SINCE_SLACK_MS = 24 * 3_600_000;
/** A digest tells of scans since the last one: a scan older than this was the last evening's news. */
const DIGEST_NEWS_MS = 36 * 3_600_000;

export function watchShipment(shipment: WatchedShipment, rules: WatchRules, now: Date): WatchOutcome {
  const triggers: WatchOutcome['triggers'] = [];
  const remember: Partial<WatchMemory> = {};
  if (!isEnRoute(shipment.status)) return { triggers, remember };
  const { memory, lastEventAt } = shipment;

  const windowEnd = shipment.window?.to ?? null;
  const late = windowEnd !== null && Date.parse(windowEnd) < now.getTime() && memory.lateFor !== windowEnd;
  const stalled = shipment.status === 'in_transit' && isStalled(shipment, rules, now) && memory.stalledSince !== lastEventAt;
  if (late || stalled) {
    // One message for one silence: a late parcel that has also stalled hears it once.
    triggers.push({ kind: late ? 'late_by_estimate' : 'stalled', shipmentId: shipment.shipmentId, since: late ? windowEnd! : lastEventAt! });
    Object.assign(remember, coveredDelay(shipment));
    return { triggers, remember };
  }

  const digest = digestDue(shipment, rules, now);
  if (digest) {
    triggers.push({ kind: 'transit_digest', shipmentId: shipment.shipmentId, day: digest.day });
    remember.digestDay = digest.day;
    remember.digestThrough = lastEventAt;
  }
  return { triggers, remember };
}

/**
 * After any delay message, this silence and this window are announced, and so is the newest scan
 * (the message names where the parcel was last seen): none of them is news again.
 */
export function coveredDelay(shipment: Pick<WatchedShipment, 'lastEventAt' | 'window'>): Partial<WatchMemory> {
  return { stalledSince: shipment.lastEventAt, lateFor: shipment.window?.to ?? null, ...(shipment.lastEventAt ? { digestThrough: shipment.lastEventAt } : {}) };
}

function isStalled(shipment: WatchedShipment, rules: WatchRules, now: Date): boolean {
  if (!shipment.lastEventAt) return false;
  const last = Date.parse(shipment.lastEventAt);
  if (last < Date.parse(shipment.createdAt) - TRACKED_SINCE_SLACK_MS) return false;
  return now.getTime() - last > rules.stallAfterMinutes * 60_000;
}

function digestDue(shipment: WatchedShipment, rules: WatchRules, now: Date): { day: string } | null {
  if (!rules.digestOn || shipment.status !== 'in_transit' || !shipment.lastEventAt) return null;
  const local = wallClockIn(shipment.timeZone, now);
  if (local.minutes < rules.digestFrom || shipment.memory.digestDay === local.date) return null;
  // Only a day with news: a scan newer than the last digest told of, and recent (not history being loaded).
  const last = Date.parse(shipment.lastEventAt);
  const through = shipment.memory.digestThrough;
  if ((through && last <= Date.parse(through)) || now.getTime() - last > DIGEST_NEWS_MS) return null;
  return { day: local.date };
}
