// How often to poll a parcel, and how urgently. PURE.
//
// Often where news is close (out for delivery, the estimated day, a failed attempt), rarely while
// a parcel crosses the country, never after a terminal status. A parcel with a live push source
// (a Track Alert subscription, aggregator webhooks) is polled only as a safety net. A parcel the
// carrier has said nothing about for `expireAfterDays` is expired (through the command table).
// Priorities order the work when a quota is short: 0 = near delivery, first.
import { isTerminal, type ShipmentStatus } from '../shipments/vocabulary.js';

const MINUTE = 60;
const HOUR = 3600;

export type CadenceInput = {
  shipmentId: string;
  status: ShipmentStatus;
  delayed: boolean;
  /** End of the estimated delivery window, if any (ISO). */
  estimatedTo: string | null;
  /** The newest carrier event's time, if any (ISO). */
  lastEventAt: string | null;
  createdAt: string;
  pushLive: boolean;
  /** Polls in a row that the carrier did not know the number. */
  notFoundStreak: number;
};

export type CadenceSettings = { safetyNetHours: number; expireAfterDays: number };

export type PollPlan =
  | { kind: 'poll'; intervalSeconds: number; priority: number; nextPollAt: Date }
  | { kind: 'stop' } // terminal: never again
  | { kind: 'expire' }; // no carrier data for too long

export const PRIORITY = { nearDelivery: 0, actionNeeded: 1, moving: 2, notMovingYet: 3, safetyNet: 4 } as const;

export function planNextPoll(input: CadenceInput, settings: CadenceSettings, now: Date): PollPlan {
  if (isTerminal(input.status)) return { kind: 'stop' };
  const lastData = Date.parse(input.lastEventAt ?? input.createdAt);
  if (now.getTime() - lastData >= settings.expireAfterDays * 86_400_000) return { kind: 'expire' };

  let { intervalSeconds, priority } = baseCadence(input, now);
  if (input.pushLive) {
    intervalSeconds = Math.max(intervalSeconds, settings.safetyNetHours * HOUR);
    priority = PRIORITY.safetyNet;
  }
  // Spread parcels created together over ±10% so they do not fall due in the same second.
  const jittered = Math.round(intervalSeconds * (0.9 + 0.2 * unitHash(input.shipmentId)));
  return { kind: 'poll', intervalSeconds: jittered, priority, nextPollAt: new Date(now.getTime() + jittered * 1000) };
}

function baseCadence(input: CadenceInput, now: Date): { intervalSeconds: number; priority: number } {
  switch (input.status) {
    case 'out_for_delivery':
      return { intervalSeconds: 30 * MINUTE, priority: PRIORITY.nearDelivery };
    case 'attempt_failed':
    case 'available_for_pickup':
    case 'exception':
      return { intervalSeconds: 2 * HOUR, priority: PRIORITY.actionNeeded };
    case 'returning_to_sender':
      return { intervalSeconds: 6 * HOUR, priority: PRIORITY.notMovingYet };
    case 'pending':
      // Carriers take 10–30 minutes to know a new label; a number unknown for long is checked less and less.
      return { intervalSeconds: Math.min(6 * HOUR, 30 * MINUTE * 2 ** Math.min(4, input.notFoundStreak)), priority: PRIORITY.notMovingYet };
    case 'info_received':
      return { intervalSeconds: 4 * HOUR, priority: PRIORITY.notMovingYet };
    default:
      return inTransitCadence(input, now);
  }
}

/** In transit: hourly from a day before the estimated delivery (or once it is late), every 6 hours mid-journey. */
function inTransitCadence(input: CadenceInput, now: Date): { intervalSeconds: number; priority: number } {
  const eta = input.estimatedTo ? Date.parse(input.estimatedTo) : Number.NaN;
  if (Number.isFinite(eta)) {
    const hoursLeft = (eta - now.getTime()) / 3_600_000;
    if (hoursLeft <= 24) return { intervalSeconds: 1 * HOUR, priority: hoursLeft < 0 ? PRIORITY.actionNeeded : PRIORITY.nearDelivery };
    if (hoursLeft <= 48) return { intervalSeconds: 2 * HOUR, priority: PRIORITY.moving };
  }
  if (input.delayed) return { intervalSeconds: 2 * HOUR, priority: PRIORITY.actionNeeded };
  return { intervalSeconds: (Number.isFinite(eta) ? 6 : 4) * HOUR, priority: PRIORITY.moving };
}

/** A stable number in [0, 1) from a string (FNV-1a). */
export function unitHash(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) / 2 ** 32;
}

/** A webhook about the parcel within this long makes its push source "live". */
export const PUSH_LIVE_MS = 3 * 86_400_000;

export function isPushLive(input: { subscriptionExpiresAt: string | null; lastPushAt: string | null }, now: Date): boolean {
  const subscribed = input.subscriptionExpiresAt !== null && Date.parse(input.subscriptionExpiresAt) > now.getTime();
  const heard = input.lastPushAt !== null && now.getTime() - Date.parse(input.lastPushAt) < PUSH_LIVE_MS;
  return subscribed || heard;
}
