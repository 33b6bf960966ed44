// The simulated carrier's own event codes: what it "says" (carrierCode, carrierText) and what that
// means in Waybill's vocabulary. The README has the same table for people.
import type { ExceptionReason, ShipmentStatus } from '../../shipments/vocabulary.js';

export type SimulatedCode = {
  status: ShipmentStatus;
  text: string;
  reason?: ExceptionReason;
  delayed?: boolean;
};

export const SIMULATED_CODES = {
  'SIM-LC': { status: 'info_received', text: 'Shipping label created, awaiting pickup' },
  'SIM-PU': { status: 'in_transit', text: 'Picked up' },
  'SIM-OF': { status: 'in_transit', text: 'Arrived at origin facility' },
  'SIM-AH': { status: 'in_transit', text: 'Arrived at hub' },
  'SIM-DF': { status: 'in_transit', text: 'Departed facility' },
  'SIM-AS': { status: 'in_transit', text: 'Arrived at local delivery station' },
  'SIM-EX': { status: 'in_transit', text: 'Departed origin country' },
  'SIM-IM': { status: 'in_transit', text: 'Arrived in destination country' },
  'SIM-CC': { status: 'in_transit', text: 'Customs clearance in progress' },
  'SIM-CL': { status: 'in_transit', text: 'Cleared customs' },
  'SIM-CH': { status: 'exception', reason: 'customs_hold', text: 'Held by customs: import documents requested' },
  'SIM-CR': { status: 'in_transit', text: 'Released by customs' },
  'SIM-DW': { status: 'in_transit', reason: 'weather', delayed: true, text: 'Delayed by severe weather' },
  'SIM-DC': { status: 'in_transit', reason: 'carrier_delay', delayed: true, text: 'Delayed: trailer arrived late at the hub' },
  'SIM-OD': { status: 'out_for_delivery', text: 'Out for delivery' },
  'SIM-DV': { status: 'delivered', text: 'Delivered' },
  'SIM-AU': { status: 'attempt_failed', reason: 'recipient_unavailable', text: 'Delivery attempted: no one available to receive the parcel' },
  'SIM-AN': { status: 'attempt_failed', reason: 'no_access', text: 'Delivery attempted: could not get access to the address' },
  'SIM-AB': { status: 'attempt_failed', reason: 'business_closed', text: 'Delivery attempted: business closed' },
  'SIM-AR': { status: 'attempt_failed', reason: 'recipient_refused', text: 'Delivery refused by the recipient' },
  'SIM-AP': { status: 'available_for_pickup', text: 'Held at a pickup point for collection' },
  'SIM-PK': { status: 'delivered', text: 'Collected from the pickup point' },
  'SIM-XD': { status: 'exception', reason: 'damaged', text: 'Damaged in transit: the carrier is assessing the parcel' },
  'SIM-XA': { status: 'exception', reason: 'address_problem', text: 'Address problem: unable to deliver as addressed' },
  'SIM-XL': { status: 'exception', reason: 'lost', text: 'Parcel cannot be located: investigation opened' },
  'SIM-XB': { status: 'exception', reason: 'label_problem', text: 'Label unreadable: parcel held at facility' },
  'SIM-RS': { status: 'returning_to_sender', text: 'Returning to sender' },
  'SIM-RD': { status: 'returning_to_sender', text: 'Return in transit: departed facility' },
  'SIM-RA': { status: 'returning_to_sender', text: 'Return in transit: arrived at facility' },
  'SIM-RT': { status: 'returned', text: 'Returned to sender' },
} as const satisfies Record<string, SimulatedCode>;

export type SimulatedCarrierCode = keyof typeof SIMULATED_CODES;

/** Failed-attempt codes by reason: the reasons a failed-attempt journey draws from. */
export const ATTEMPT_CODES = {
  recipient_unavailable: 'SIM-AU',
  no_access: 'SIM-AN',
  business_closed: 'SIM-AB',
} as const satisfies Partial<Record<ExceptionReason, SimulatedCarrierCode>>;
export type AttemptReason = keyof typeof ATTEMPT_CODES;
