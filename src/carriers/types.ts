// What every carrier adapter speaks. An adapter is a plain object: `client.ts` does I/O,
// `parse.ts` is pure, `status-codes.ts` is a table; one line registers it in `registry.ts`.
import type { z } from 'zod';
import type { LabelCapability } from './label-types.js';
import type { Clock } from '../lib/clock.js';
import type { Result } from '../lib/result.js';
import type { EventSource, ExceptionReason, ShipmentStatus } from '../shipments/vocabulary.js';

export type EventLocation = {
  city?: string | null;
  region?: string | null; // state / province code where known
  postalCode?: string | null;
  country?: string | null; // ISO 3166-1 alpha-2
  lat?: number | null;
  lon?: number | null;
};

export type DeliveryWindow = { from: string; to: string }; // ISO-8601 instants

/** One normalized carrier event: the unit every source produces. */
export type TrackingEventInput = {
  status: ShipmentStatus;
  reason?: ExceptionReason | null;
  delayed?: boolean;
  /** ISO-8601 with offset; null when the carrier gave no usable time (stored, never folded). */
  occurredAt: string | null;
  location?: EventLocation | null;
  carrierCode?: string | null;
  carrierText?: string | null;
  /** Given by the source when it has a stable event id; otherwise derived from the event's content. */
  dedupeKey?: string | null;
  /**
   * The status (with reason and delay) is not the event's own but the one the parcel had before it:
   * an update that does not move the parcel (a carrier's keep_previous, e.g. a UPS delivery photo).
   * Stored for the timeline, it never decides the shipment's status (shipments/status.ts).
   */
  statusCarried?: boolean;
};

/** One normalized update: what a poll, a webhook, a CSV row or a person says about one parcel. */
export type TrackingUpdate = {
  source: EventSource;
  carrier: string;
  trackingNumber: string;
  events: TrackingEventInput[];
  estimatedDelivery?: DeliveryWindow | null;
};

export const CARRIER_ERROR_CODES = [
  'auth_failed', // credentials refused (401/403 or OAuth error)
  'rate_limited', // 429 or quota exhausted
  'unavailable', // 5xx, connection refused
  'timeout',
  'bad_request', // the carrier refused our request as malformed
  'bad_response', // the carrier answered something we cannot parse
  'not_found',
] as const;
export type CarrierErrorCode = (typeof CARRIER_ERROR_CODES)[number];

export type CarrierError = {
  code: CarrierErrorCode;
  message: string;
  retryable: boolean;
  retryAfterSeconds?: number;
  /** The carrier's own error code and text, shown to the merchant verbatim. */
  carrierCode?: string;
  carrierMessage?: string;
  /** The request field the carrier objected to, where its answer says (e.g. shipTo.postalCode). */
  field?: string;
};

export type TrackResult =
  | { trackingNumber: string; found: true; events: TrackingEventInput[]; estimatedDelivery?: DeliveryWindow | null; service?: string | null }
  | { trackingNumber: string; found: false; message: string };

export type TokenCache = {
  get(key: string): { token: string; expiresAt: number } | undefined;
  set(key: string, value: { token: string; expiresAt: number }): void;
  delete(key: string): void;
};

export type CarrierContext = {
  credentials: unknown; // already validated by the adapter's credentialsSchema
  baseUrl: string;
  fetch: typeof fetch;
  clock: Clock;
  tokenCache: TokenCache;
  timeoutMs?: number;
};

export type CarrierAdapter = {
  code: string;
  name: string;
  /** zod schema of this carrier's account credentials: a strict object, so a misspelt field is refused, not dropped. */
  credentialsSchema: z.ZodObject;
  defaultBaseUrl: string;
  /** How many numbers one tracking call may carry. */
  maxBatchSize: number;
  track(ctx: CarrierContext, trackingNumbers: string[]): Promise<Result<TrackResult[], CarrierError>>;
  /** Checks credentials (usually by fetching a token) so a connection can be "connected" on save. */
  verifyCredentials?(ctx: CarrierContext): Promise<Result<void, CarrierError>>;
  /** Label purchase, void and recovery (./label-types.ts), for carriers whose label API Waybill speaks. */
  labels?: LabelCapability;
};

export function memoryTokenCache(): TokenCache {
  const entries = new Map<string, { token: string; expiresAt: number }>();
  return {
    get: (key) => entries.get(key),
    set: (key, value) => void entries.set(key, value),
    delete: (key) => void entries.delete(key),
  };
}
