// What the aggregator parsers (EasyPost, Shippo) share: the update they produce, the aggregator's
// carrier names in Waybill's codes, and an estimated delivery day as a window on the local clock.
// PURE.
import type { z } from 'zod';
import type { DraftEvent } from './parse-kit.js';
import { formatAtOffset, timeZoneOfRegion, wallClockToInstant } from './local-time.js';
import type { DeliveryWindow, EventLocation } from './types.js';

/** What one webhook says about one parcel; `keep_previous` events take the status at their own time (the inbox: shipments/carried.ts). */
export type InboundUpdate = {
  /** Waybill's carrier code when the aggregator named a carrier Waybill knows; null otherwise. */
  carrier: string | null;
  trackingNumber: string;
  events: DraftEvent[];
  estimatedDelivery?: DeliveryWindow | null;
};

/** Tracking numbers as shipments store them: no spaces, upper case. */
export const normalizeTrackingNumber = (value: string): string => value.replace(/\s+/g, '').toUpperCase();

// Aggregators spell carriers their own way ("FedExSmartPost", "dhl_express"); only the part that
// names one of Waybill's carriers matters here. Unknown names stay unknown: the tracking number alone
// then finds the shipment.
const CARRIER_PATTERNS: ReadonlyArray<[RegExp, string]> = [
  [/^ups/i, 'ups'],
  [/^fedex/i, 'fedex'],
  [/^usps/i, 'usps'],
  [/^dhl/i, 'dhl'],
];

export function waybillCarrierOf(name: string | null | undefined): string | null {
  const trimmed = name?.trim() ?? '';
  return CARRIER_PATTERNS.find(([pattern]) => pattern.test(trimmed))?.[1] ?? null;
}

/**
 * A delivery day ("2024-08-05") as the whole day on the destination's clock when its zone is
 * known (US state, Canadian province, single-zone country), else in UTC.
 */
export function localDayWindow(day: string | null | undefined, destination: { country?: string | null; region?: string | null }): DeliveryWindow | null {
  const match = /^(\d{4})-(\d{2})-(\d{2})/.exec(day?.trim() ?? '');
  if (!match) return null;
  const startWall = Date.UTC(+match[1]!, +match[2]! - 1, +match[3]!);
  if (new Date(startWall).getUTCDate() !== +match[3]!) return null;
  const zone = timeZoneOfRegion(destination.country, destination.region);
  const at = (wallMs: number) => {
    if (!zone) return formatAtOffset(wallMs, 0);
    const { utcMs, offsetMinutes } = wallClockToInstant(wallMs, zone);
    return formatAtOffset(utcMs, offsetMinutes);
  };
  return { from: at(startWall), to: at(startWall + 86_399_000) };
}

/** "2024-08-02T19:26:51Z" style instants from aggregators: kept when they carry an offset, else null. */
export function instantOrNull(value: string | null | undefined): string | null {
  const trimmed = value?.trim() ?? '';
  return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(trimmed) && Number.isFinite(Date.parse(trimmed)) ? trimmed : null;
}

/** An aggregator's `{ city, state, zip, country }` as an event location; null when it says nothing. */
export function aggregatorLocation(value: { city?: string | null; state?: string | null; zip?: string | null; country?: string | null } | null | undefined): EventLocation | null {
  if (!value) return null;
  const country = value.country?.trim().toUpperCase();
  const result: EventLocation = {
    city: value.city?.trim() || null,
    region: value.state?.trim() || null,
    postalCode: value.zip?.trim() || null,
    country: country && /^[A-Z]{2}$/.test(country) ? country : null,
  };
  return Object.values(result).some((v) => v !== null) ? result : null;
}

export type BodyProblem = { field: string; problem: string };

/** The first zod issue as a field and a problem, the field prefixed with where the parsed value sits. */
export function bodyProblemOf(error: z.ZodError, prefix?: string): BodyProblem {
  const issue = error.issues[0];
  const path = [prefix, ...(issue?.path ?? [])].filter((p) => p !== undefined).join('.');
  return { field: path || '(body)', problem: issue?.message ?? 'unexpected shape' };
}
