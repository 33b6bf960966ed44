// Shippo tracking statuses and substatus codes → Waybill statuses. Data only.
// `status` is Shippo's documented enum. `substatus.code` is a plain string in Shippo's SDK; the
// codes below follow Shippo's event definitions as far as they could be checked (only
// information_received is confirmed by the SDK): a code not listed leaves the status as it is.
import type { ExceptionReason, ShipmentStatus } from '../../shipments/vocabulary.js';

export type ShippoMapping = { status: ShipmentStatus | 'keep_previous'; reason?: ExceptionReason; delayed?: boolean };

export const SHIPPO_STATUSES: Readonly<Record<string, ShippoMapping>> = {
  UNKNOWN: { status: 'keep_previous' },
  PRE_TRANSIT: { status: 'info_received' },
  TRANSIT: { status: 'in_transit' },
  DELIVERED: { status: 'delivered' },
  RETURNED: { status: 'returning_to_sender' },
  FAILURE: { status: 'exception', reason: 'other' },
};

export const SHIPPO_SUBSTATUSES: Readonly<Record<string, ShippoMapping>> = {
  out_for_delivery: { status: 'out_for_delivery' },
  delivery_attempted: { status: 'attempt_failed', reason: 'recipient_unavailable' },
  notice_left: { status: 'attempt_failed', reason: 'recipient_unavailable' },
  location_inaccessible: { status: 'attempt_failed', reason: 'no_access' },
  pickup_available: { status: 'available_for_pickup' },
  return_to_sender: { status: 'returning_to_sender' },
  delayed: { status: 'in_transit', delayed: true, reason: 'carrier_delay' },
  address_issue: { status: 'exception', reason: 'address_problem' },
  package_damaged: { status: 'exception', reason: 'damaged' },
  package_lost: { status: 'exception', reason: 'lost' },
  package_held: { status: 'exception', reason: 'held_at_carrier' },
  package_undeliverable: { status: 'exception', reason: 'other' },
  package_unclaimed: { status: 'returning_to_sender' },
};
