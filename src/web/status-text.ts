// Plain-language words for statuses and reasons, as a customer would read them.
import type { ExceptionReason, ShipmentStatus } from '../shipments/vocabulary.js';

export const STATUS_TEXT: Record<ShipmentStatus, string> = {
  pending: 'Waiting for the carrier',
  info_received: 'Label created, waiting for pickup',
  in_transit: 'On its way',
  out_for_delivery: 'Out for delivery today',
  available_for_pickup: 'Ready for pickup',
  delivered: 'Delivered',
  attempt_failed: 'Delivery attempted — action may be needed',
  exception: 'There is a problem with this parcel',
  returning_to_sender: 'On its way back to the sender',
  returned: 'Returned to the sender',
  cancelled: 'Cancelled',
  expired: 'No recent carrier updates',
};

export const REASON_TEXT: Record<ExceptionReason, string> = {
  address_problem: 'the address could not be found or is incomplete',
  recipient_unavailable: 'nobody was available to receive it',
  recipient_refused: 'the parcel was refused',
  recipient_moved: 'the recipient has moved',
  business_closed: 'the business was closed',
  no_access: 'the carrier could not get to the door',
  customs_hold: 'it is held at customs',
  damaged: 'it was damaged in transit',
  lost: 'it has been lost',
  weather: 'bad weather',
  carrier_delay: 'a delay in the carrier’s network',
  held_for_payment: 'a payment (duties or fees) is due',
  held_at_carrier: 'it is held at a carrier facility',
  missed_connection: 'it missed a connection between hubs',
  label_problem: 'there is a problem with the label',
  prohibited_item: 'it contains an item the carrier will not carry',
  cancelled_by_sender: 'the sender cancelled it',
  other: 'an unexpected problem',
};

/** The five stages a customer sees, and where each status stands among them. */
export const STAGES = ['Ordered', 'Shipped', 'In transit', 'Out for delivery', 'Delivered'] as const;

export function stageIndex(status: ShipmentStatus): number {
  switch (status) {
    case 'pending':
      return 0;
    case 'info_received':
    case 'cancelled':
      return 1;
    case 'in_transit':
    case 'exception':
    case 'returning_to_sender':
    case 'expired':
      return 2;
    case 'out_for_delivery':
    case 'attempt_failed':
    case 'available_for_pickup':
      return 3;
    case 'delivered':
    case 'returned':
      return 4;
  }
}
