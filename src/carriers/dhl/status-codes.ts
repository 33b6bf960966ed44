// DHL Unified Shipment Tracking vocabulary as data. `statusCode` is a coarse group
// (pre-transit | transit | delivered | failure | unknown); finer meaning lives only in the free
// text (`status`, `description`), so refinements are patterns over English text (we ask language=en).
// Codes and patterns from carriers.md §4.3; the reason patterns and their order are ours.
import type { ExceptionReason, ShipmentStatus } from '../../shipments/vocabulary.js';

export type StatusMapping = { status: ShipmentStatus; reason?: ExceptionReason; delayed?: boolean };

export const DHL_STATUS_CODES = {
  'pre-transit': { status: 'info_received' },
  transit: { status: 'in_transit' },
  delivered: { status: 'delivered' },
  failure: { status: 'exception', reason: 'other' },
  // "No information": parse.ts keeps the previous event's status (pending before any event).
  unknown: { status: 'pending' },
} as const satisfies Record<string, StatusMapping>;

export type DhlStatusCode = keyof typeof DHL_STATUS_CODES;

type Refinement = { statusCodes: readonly DhlStatusCode[]; pattern: RegExp; mapping: StatusMapping };

/** Applied to `status + description`; the first rule matching the event's statusCode wins. */
export const DHL_TEXT_REFINEMENTS: readonly Refinement[] = [
  // transit
  { statusCodes: ['transit'], pattern: /out for delivery|loaded onto the delivery vehicle/i, mapping: { status: 'out_for_delivery' } },
  {
    statusCodes: ['transit'],
    pattern: /available for pick-?up|ready for (pick-?up|collection)|packstation|parcel shop|retail outlet/i,
    mapping: { status: 'available_for_pickup' },
  },
  { statusCodes: ['transit'], pattern: /return(ed)? to (the )?sender|being returned/i, mapping: { status: 'returning_to_sender' } },
  { statusCodes: ['transit'], pattern: /weather/i, mapping: { status: 'in_transit', delayed: true, reason: 'weather' } },
  { statusCodes: ['transit'], pattern: /delay/i, mapping: { status: 'in_transit', delayed: true, reason: 'carrier_delay' } },
  // delivered: a delivery back to the shipper ends a return
  { statusCodes: ['delivered'], pattern: /return(ed)? to (the )?sender|back to (the )?sender/i, mapping: { status: 'returned' } },
  // failure: a return outranks the attempt that caused it ("could not be delivered, returned to sender")
  { statusCodes: ['failure'], pattern: /return/i, mapping: { status: 'returning_to_sender' } },
  { statusCodes: ['failure'], pattern: /address/i, mapping: { status: 'exception', reason: 'address_problem' } },
  { statusCodes: ['failure'], pattern: /refus|declined/i, mapping: { status: 'exception', reason: 'recipient_refused' } },
  { statusCodes: ['failure'], pattern: /customs/i, mapping: { status: 'exception', reason: 'customs_hold' } },
  { statusCodes: ['failure'], pattern: /damage/i, mapping: { status: 'exception', reason: 'damaged' } },
  { statusCodes: ['failure'], pattern: /duties|payment|charges|fees/i, mapping: { status: 'exception', reason: 'held_for_payment' } },
  { statusCodes: ['failure'], pattern: /weather/i, mapping: { status: 'exception', reason: 'weather' } },
  {
    statusCodes: ['failure'],
    pattern: /not at home|notification card|recipient (was )?not (at home|available|present)/i,
    mapping: { status: 'attempt_failed', reason: 'recipient_unavailable' },
  },
  { statusCodes: ['failure'], pattern: /attempt|could not be delivered/i, mapping: { status: 'attempt_failed', reason: 'other' } },
];

const STATUS_CODES: Readonly<Record<string, StatusMapping>> = DHL_STATUS_CODES;

export const isDhlStatusCode = (code: string): code is DhlStatusCode => Object.hasOwn(DHL_STATUS_CODES, code);

/** The mapping for one event; an unlisted statusCode reads as `unknown`. */
export function mapDhlStatus(statusCode: string | null | undefined, text: string): StatusMapping & { statusCode: DhlStatusCode } {
  const code = statusCode && isDhlStatusCode(statusCode.trim().toLowerCase()) ? (statusCode.trim().toLowerCase() as DhlStatusCode) : 'unknown';
  const refined = DHL_TEXT_REFINEMENTS.find((rule) => rule.statusCodes.includes(code) && rule.pattern.test(text));
  return { ...(refined?.mapping ?? STATUS_CODES[code]), statusCode: code };
}
