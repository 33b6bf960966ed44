// USPS vocabulary as data: Tracking v3 `eventCode` (Pub 199 App. G-4) and `statusCategory` values
// mapped to Waybill statuses. Codes and their grouping come from carriers.md §3.3; reasons are ours.
import type { ExceptionReason, ShipmentStatus } from '../../shipments/vocabulary.js';

export type StatusMapping = { status: ShipmentStatus; reason?: ExceptionReason; delayed?: boolean };

/** `description` is USPS's wording for the scan; the emulator uses it as `eventType`. */
export const USPS_EVENT_CODES = {
  // Label / manifest data only: USPS does not have the parcel yet.
  GX: { status: 'info_received', description: 'Shipping Label Created, USPS Awaiting Item' },
  MA: { status: 'info_received', description: 'Pre-Shipment Info Sent to USPS, USPS Awaiting Item' },
  '89': { status: 'info_received', description: 'Merchant Order Receipt Notification' },
  GC: { status: 'info_received', description: 'Return Receipt Associated' },

  // Accepted and moving.
  '03': { status: 'in_transit', description: 'USPS in possession of item' },
  OA: { status: 'in_transit', description: 'Accepted at USPS Origin Facility' },
  UA: { status: 'in_transit', description: 'Accepted at USPS Facility' },
  TM: { status: 'in_transit', description: 'Shipment Received, Package Acceptance Pending' },
  PA: { status: 'in_transit', description: 'Shipment Received, Package Acceptance Pending' },
  '10': { status: 'in_transit', description: 'Arrived at USPS Regional Origin Facility' },
  A1: { status: 'in_transit', description: 'Arrived at USPS Regional Facility' },
  T1: { status: 'in_transit', description: 'Departed USPS Regional Facility' },
  TL: { status: 'in_transit', description: 'In Transit to Next Facility' },
  EF: { status: 'in_transit', description: 'Departed USPS Facility' },
  SF: { status: 'in_transit', description: 'Departed Post Office' },
  PC: { status: 'in_transit', description: 'Sorting/Processing Complete' },
  '07': { status: 'in_transit', description: 'Arrived at Post Office' },
  '06': { status: 'in_transit', description: 'Forwarded' },
  '08': { status: 'in_transit', description: 'Missent' },
  '15': { status: 'in_transit', description: 'Mis-shipped' },
  '19': { status: 'in_transit', description: 'Arrived at USPS Facility' },
  '41': { status: 'in_transit', description: 'Received by Shipping Partner' },
  '42': { status: 'in_transit', description: 'USPS Handoff to Shipping Partner' },
  '80': { status: 'in_transit', description: 'Picked Up by Shipping Partner, USPS Awaiting Item' },
  '81': { status: 'in_transit', description: 'Arrived Shipping Partner Facility, USPS Awaiting Item' },
  '82': { status: 'in_transit', description: 'Departed Shipping Partner Facility, USPS Awaiting Item' },
  '83': { status: 'in_transit', description: 'Tendered to Postal Service' },
  AD: { status: 'in_transit', description: 'Accepted at USPS Destination Facility' },

  // A delay does not move the parcel: it stays in transit with the flag set.
  '71': { status: 'in_transit', delayed: true, reason: 'carrier_delay', description: 'Rescheduled to Next Delivery Day' },

  OF: { status: 'out_for_delivery', description: 'Out for Delivery' },

  '02': { status: 'attempt_failed', reason: 'recipient_unavailable', description: 'Delivery Attempted, Notice Left' },
  '52': { status: 'attempt_failed', reason: 'recipient_unavailable', description: 'Notice Left' },
  '53': { status: 'attempt_failed', reason: 'no_access', description: 'Receptacle Blocked' },
  '54': { status: 'attempt_failed', reason: 'no_access', description: 'Receptacle Full / Item Oversized' },
  '55': { status: 'attempt_failed', reason: 'no_access', description: 'No Secure Location Available' },
  '56': { status: 'attempt_failed', reason: 'recipient_unavailable', description: 'No Authorized Recipient Available' },
  '30': { status: 'attempt_failed', reason: 'no_access', description: 'No Access to Delivery Location' },
  '51': { status: 'attempt_failed', reason: 'business_closed', description: 'Business Closed' },

  '14': { status: 'available_for_pickup', description: 'Arrival at Pickup Point' },
  '16': { status: 'available_for_pickup', description: 'Available for Pickup' },

  '01': { status: 'delivered', description: 'Delivered' },
  '17': { status: 'delivered', description: 'Picked Up By Agent' },
  '43': { status: 'delivered', description: 'Picked Up' },

  // Return-to-sender codes carry the reason the parcel could not be delivered.
  '09': { status: 'returning_to_sender', description: 'Return to Sender' },
  '21': { status: 'returning_to_sender', reason: 'address_problem', description: 'No Such Number' },
  '22': { status: 'returning_to_sender', reason: 'address_problem', description: 'Insufficient Address' },
  '23': { status: 'returning_to_sender', reason: 'recipient_moved', description: 'Moved, Left No Address' },
  '24': { status: 'returning_to_sender', reason: 'recipient_moved', description: 'Forward Expired' },
  '25': { status: 'returning_to_sender', reason: 'address_problem', description: 'Addressee Unknown' },
  '26': { status: 'returning_to_sender', reason: 'address_problem', description: 'Vacant' },
  '27': { status: 'returning_to_sender', reason: 'recipient_unavailable', description: 'Unclaimed' },
  '28': { status: 'returning_to_sender', reason: 'other', description: 'Deceased' },
  '29': { status: 'returning_to_sender', reason: 'other', description: 'Return to Sender - Other' },
  '31': { status: 'returning_to_sender', reason: 'recipient_unavailable', description: 'Not Picked Up' },

  '04': { status: 'exception', reason: 'recipient_refused', description: 'Refused' },
  '05': { status: 'exception', reason: 'address_problem', description: 'Undeliverable as Addressed' },
  // Dead letter: neither deliverable nor returnable, it goes to the Mail Recovery Center.
  '11': { status: 'exception', reason: 'lost', description: 'Dead Letter' },
  '44': { status: 'exception', reason: 'cancelled_by_sender', description: 'Customer Recall' },
  DX: { status: 'exception', reason: 'other', description: 'Delivery Status Not Updated' },
} as const satisfies Record<string, StatusMapping & { description: string }>;

export type UspsEventCode = keyof typeof USPS_EVENT_CODES;

/**
 * Shipment-level `statusCategory`, used for the newest event when its code is not in the table.
 * Only "Delivered" and "In Transit" are confirmed; USPS treats the field as an open string.
 */
export const USPS_STATUS_CATEGORIES = {
  'Pre-Shipment': { status: 'info_received' },
  Accepted: { status: 'in_transit' },
  'In Transit': { status: 'in_transit' },
  'Out for Delivery': { status: 'out_for_delivery' },
  'Available for Pickup': { status: 'available_for_pickup' },
  'Delivery Attempt': { status: 'attempt_failed', reason: 'other' },
  Alert: { status: 'exception', reason: 'other' },
  Delivered: { status: 'delivered' },
} as const satisfies Record<string, StatusMapping>;

/** Last resort for codes we do not know: USPS's own wording. First match wins. */
export const USPS_TEXT_RULES: readonly { pattern: RegExp; mapping: StatusMapping }[] = [
  { pattern: /\bdelivered\b/i, mapping: { status: 'delivered' } },
  { pattern: /out for delivery/i, mapping: { status: 'out_for_delivery' } },
  { pattern: /available for pick-?up|ready for pick-?up/i, mapping: { status: 'available_for_pickup' } },
  { pattern: /return(ed)? to sender/i, mapping: { status: 'returning_to_sender' } },
  { pattern: /notice left|delivery attempt|attempted/i, mapping: { status: 'attempt_failed', reason: 'other' } },
  { pattern: /arriving late|delayed|rescheduled/i, mapping: { status: 'in_transit', delayed: true, reason: 'carrier_delay' } },
  { pattern: /label created|pre-shipment|awaiting item/i, mapping: { status: 'info_received' } },
];

const EVENT_CODES: Readonly<Record<string, StatusMapping>> = USPS_EVENT_CODES;
const CATEGORIES_BY_KEY = new Map<string, StatusMapping>(
  Object.entries(USPS_STATUS_CATEGORIES).map(([name, mapping]) => [categoryKey(name), mapping]),
);

function categoryKey(name: string): string {
  return name.trim().toLowerCase().replace(/[\s_-]+/g, ' ');
}

export function mapUspsEventCode(code: string): StatusMapping | undefined {
  const entry = EVENT_CODES[code.trim().toUpperCase()];
  return entry && toMapping(entry);
}

export function mapUspsStatusCategory(category: string): StatusMapping | undefined {
  return CATEGORIES_BY_KEY.get(categoryKey(category));
}

export function mapUspsEventText(text: string): StatusMapping | undefined {
  return USPS_TEXT_RULES.find((rule) => rule.pattern.test(text))?.mapping;
}

// Copies only the mapping fields, so a table entry's `description` never leaks into events.
function toMapping(entry: StatusMapping): StatusMapping {
  return {
    status: entry.status,
    ...(entry.reason ? { reason: entry.reason } : {}),
    ...(entry.delayed ? { delayed: true } : {}),
  };
}
