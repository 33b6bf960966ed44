// EasyPost tracker statuses and status details → Waybill statuses. Data only.
// `status` values are EasyPost's documented enum; `status_detail` is an open string: the values
// below are the ones seen in EasyPost's fixtures and documentation, anything else falls back to
// the status alone.
import type { ExceptionReason, ShipmentStatus } from '../../shipments/vocabulary.js';

export type EasyPostMapping = { status: ShipmentStatus | 'keep_previous'; reason?: ExceptionReason; delayed?: boolean };

export const EASYPOST_STATUSES: Readonly<Record<string, EasyPostMapping>> = {
  unknown: { status: 'keep_previous' }, // EasyPost has nothing new: the status before stands
  pre_transit: { status: 'info_received' },
  in_transit: { status: 'in_transit' },
  out_for_delivery: { status: 'out_for_delivery' },
  available_for_pickup: { status: 'available_for_pickup' },
  delivered: { status: 'delivered' },
  return_to_sender: { status: 'returning_to_sender' },
  failure: { status: 'exception', reason: 'other' },
  cancelled: { status: 'cancelled', reason: 'cancelled_by_sender' },
  error: { status: 'exception', reason: 'other' },
};

/** Details that say more than the status: they refine it (same status) or replace it (a different one). */
export const EASYPOST_STATUS_DETAILS: Readonly<Record<string, EasyPostMapping>> = {
  arrived_at_pickup_location: { status: 'available_for_pickup' },
  return_to_sender: { status: 'returning_to_sender' },
  weather_delay: { status: 'in_transit', delayed: true, reason: 'weather' },
  delayed: { status: 'in_transit', delayed: true, reason: 'carrier_delay' },
  address_correction: { status: 'exception', reason: 'address_problem' },
  incorrect_address: { status: 'exception', reason: 'address_problem' },
  damaged: { status: 'exception', reason: 'damaged' },
  lost: { status: 'exception', reason: 'lost' },
  customs_hold: { status: 'exception', reason: 'customs_hold' },
  delivery_exception: { status: 'exception', reason: 'other' },
  delivery_attempt: { status: 'attempt_failed', reason: 'recipient_unavailable' },
  attempted_delivery: { status: 'attempt_failed', reason: 'recipient_unavailable' },
};
