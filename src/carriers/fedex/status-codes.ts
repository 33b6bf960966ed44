// FedEx tracking codes as data: what each `scanEvents[].eventType` / `latestStatusDetail.code`
// means for Waybill.
//
// Source: FedEx "Tracking Status Codes" (copied to test/fixtures/carriers/fedex/), mapped as the
// Waybill carrier reference recommends. `derivedStatusCode` is coarse (out-for-delivery, arrivals
// and pickup-ready all come back as `IT`), so it is only the fallback when an eventType is unknown.
// `DE` (delivery exception) maps to `exception` here; parse.ts turns it into `attempt_failed` when
// the shipment or the event text shows a delivery attempt.
import type { ExceptionReason, ShipmentStatus } from '../../shipments/vocabulary.js';

/** `keep_previous`: the event says nothing about where the parcel is (return-label e-mails). */
export type FedexCodeMapping = {
  readonly status: ShipmentStatus | 'keep_previous';
  readonly reason?: ExceptionReason;
  readonly delayed?: boolean;
};

const INFO_RECEIVED = { status: 'info_received' } as const;
const IN_TRANSIT = { status: 'in_transit' } as const;
const DELAYED = { status: 'in_transit', delayed: true, reason: 'carrier_delay' } as const;
const OUT_FOR_DELIVERY = { status: 'out_for_delivery' } as const;
const AVAILABLE_FOR_PICKUP = { status: 'available_for_pickup' } as const;
const DELIVERED = { status: 'delivered' } as const;
const EXCEPTION_OTHER = { status: 'exception', reason: 'other' } as const;
const EXCEPTION_CUSTOMS_HOLD = { status: 'exception', reason: 'customs_hold' } as const;
const RETURNING = { status: 'returning_to_sender' } as const;
const CANCELLED = { status: 'cancelled' } as const;
const KEEP_PREVIOUS = { status: 'keep_previous' } as const;

/** Movement and regulatory event types. `EA` and `SP` appear in both lists with compatible meanings. */
export const FEDEX_EVENT_TYPES = {
  AA: IN_TRANSIT, // At Airport
  AC: IN_TRANSIT, // At Canada Post facility
  AD: OUT_FOR_DELIVERY, // At Delivery
  AE: IN_TRANSIT, // Shipment arriving early (seen in real responses, not on the list)
  AF: IN_TRANSIT, // At local FedEx Facility
  AO: IN_TRANSIT, // Shipment arriving On-time
  AP: INFO_RECEIVED, // At Pickup
  AR: IN_TRANSIT, // Arrived at FedEx location
  AX: IN_TRANSIT, // At USPS facility
  CA: CANCELLED, // Shipment Cancelled
  CC: IN_TRANSIT, // Cleared Customs
  CD: EXCEPTION_CUSTOMS_HOLD, // Clearance Delay
  CH: IN_TRANSIT, // Location Changed
  CP: IN_TRANSIT, // Clearance in Progress
  DD: DELAYED, // Delivery Delay
  DE: EXCEPTION_OTHER, // Delivery Exception (refined by parse.ts)
  DL: DELIVERED, // Delivered
  DP: IN_TRANSIT, // Departed
  DR: EXCEPTION_OTHER, // Vehicle furnished but not used
  DS: IN_TRANSIT, // Vehicle Dispatched
  DY: DELAYED, // Delay
  EA: IN_TRANSIT, // Enroute to Airport / Export Approved
  ED: OUT_FOR_DELIVERY, // Enroute to Delivery
  EO: IN_TRANSIT, // Enroute to Origin Airport
  EP: INFO_RECEIVED, // Enroute to Pickup
  FD: IN_TRANSIT, // At FedEx Destination
  HL: AVAILABLE_FOR_PICKUP, // Hold at Location
  HP: AVAILABLE_FOR_PICKUP, // Ready for Recipient Pickup
  IT: IN_TRANSIT, // In Transit
  IX: IN_TRANSIT, // In transit (see Details)
  LO: IN_TRANSIT, // Left Origin
  LP: KEEP_PREVIOUS, // Return label link cancelled by shipment originator
  OC: INFO_RECEIVED, // Order Created
  OD: OUT_FOR_DELIVERY, // Out for Delivery
  OF: IN_TRANSIT, // At FedEx origin facility
  OW: IN_TRANSIT, // On the way (the list spells it "Ow")
  OX: INFO_RECEIVED, // Shipment information sent to USPS
  PD: DELAYED, // Pickup Delay
  PF: IN_TRANSIT, // Plane in Flight
  PL: IN_TRANSIT, // Plane Landed
  PM: IN_TRANSIT, // In Progress
  PU: IN_TRANSIT, // Picked Up
  PX: IN_TRANSIT, // Picked up (see Details)
  RC: IN_TRANSIT, // CDO Cancelled
  RD: KEEP_PREVIOUS, // Return label link expired
  RG: KEEP_PREVIOUS, // Return label link expiring soon
  RM: IN_TRANSIT, // CDO Modified
  RP: KEEP_PREVIOUS, // Return label link emailed to return sender
  RR: IN_TRANSIT, // CDO requested
  RS: RETURNING, // Return to Shipper
  SE: EXCEPTION_OTHER, // Shipment Exception
  SF: IN_TRANSIT, // At Sort Facility
  SP: IN_TRANSIT, // Split Status
  TR: IN_TRANSIT, // Transfer
} as const satisfies Record<string, FedexCodeMapping>;

/** `derivedStatusCode` / `latestStatusDetail.derivedCode` values seen in real responses. */
export const FEDEX_DERIVED_CODES = {
  IN: INFO_RECEIVED, // Label created
  PU: IN_TRANSIT, // Picked up
  IT: IN_TRANSIT, // In transit
  DL: DELIVERED, // Delivered
  DE: EXCEPTION_OTHER, // Delivery exception
  DY: DELAYED, // Delay
  RL: DELAYED, // Running late
} as const satisfies Record<string, FedexCodeMapping>;
