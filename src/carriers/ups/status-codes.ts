// UPS tracking codes as data: what each code in the UPS tracking appendix means for Waybill.
//
// A UPS activity carries three codes: a type letter (`status.type`), a 2-letter code that is only
// unique *within* its type (`status.code`), and a 3-digit status/description code
// (`status.statusCode`, "011"). parse.ts reads them in that order of trust:
//   1. UPS_STATUS_CODES by the 3-digit number: UPS's own customer-facing status, the preferred key;
//   2. the 2-letter code: for a Mail Innovations or freight package first in that product's table;
//      otherwise (and for codes that table lacks) in the small-package table of its type (X and D →
//      exception table, then DIALS for D; I → movement; M/MV → manifest; U → updates). It also
//      supplies the finer reason;
//   3. UPS_ACTIVITY_TYPES by the letter alone.
// A bare "Exception" number (reason `other`) defers to the 2-letter code, which says what happened.
//
// Sources: the UPS tracking appendix tables (copied to test/fixtures/carriers/ups/). Status numbers
// follow the recommendation in Waybill's carrier reference; the 2-letter tables were classified by
// hand from UPS's customer-facing text (comment on each line).
//
// Mail Innovations and Freight have tables of their own (UPS_MAIL_INNOVATIONS_CODES, UPS_FREIGHT_CODES)
// whose 2-letter codes collide with the small-package ones (DL is "Driver Load" for a 1Z parcel and
// "Delivery with Signature" for Mail Innovations). An activity never says which table its code is
// from, so parse.ts picks the table per package from what the response says about the package
// (upsCodeTableOf), never from the code itself: see README.md.
import type { ExceptionReason, ShipmentStatus } from '../../shipments/vocabulary.js';

/**
 * What one UPS code means. `keep_previous` marks events that change nothing about where the
 * parcel is (claims, ETA updates, photos, cold-chain notes): they take the status of the event
 * before them.
 */
export type UpsCodeMapping = {
  readonly status: ShipmentStatus | 'keep_previous';
  readonly reason?: ExceptionReason;
  readonly delayed?: boolean;
};

// One name per meaning, so each table line reads as code → meaning.
const PENDING = { status: 'pending' } as const;
const INFO_RECEIVED = { status: 'info_received' } as const;
const IN_TRANSIT = { status: 'in_transit' } as const;
const OUT_FOR_DELIVERY = { status: 'out_for_delivery' } as const;
const AVAILABLE_FOR_PICKUP = { status: 'available_for_pickup' } as const;
const DELIVERED = { status: 'delivered' } as const;
const ATTEMPT_FAILED = { status: 'attempt_failed' } as const;
const ATTEMPT_FAILED_ADDRESS_PROBLEM = { status: 'attempt_failed', reason: 'address_problem' } as const;
const ATTEMPT_FAILED_BUSINESS_CLOSED = { status: 'attempt_failed', reason: 'business_closed' } as const;
const ATTEMPT_FAILED_HELD_FOR_PAYMENT = { status: 'attempt_failed', reason: 'held_for_payment' } as const;
const ATTEMPT_FAILED_NO_ACCESS = { status: 'attempt_failed', reason: 'no_access' } as const;
const ATTEMPT_FAILED_OTHER = { status: 'attempt_failed', reason: 'other' } as const;
const ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE = { status: 'attempt_failed', reason: 'recipient_unavailable' } as const;
const EXCEPTION_ADDRESS_PROBLEM = { status: 'exception', reason: 'address_problem' } as const;
const EXCEPTION_CANCELLED_BY_SENDER = { status: 'exception', reason: 'cancelled_by_sender' } as const;
const EXCEPTION_CUSTOMS_HOLD = { status: 'exception', reason: 'customs_hold' } as const;
const EXCEPTION_DAMAGED = { status: 'exception', reason: 'damaged' } as const;
const EXCEPTION_HELD_AT_CARRIER = { status: 'exception', reason: 'held_at_carrier' } as const;
const EXCEPTION_HELD_FOR_PAYMENT = { status: 'exception', reason: 'held_for_payment' } as const;
const EXCEPTION_LABEL_PROBLEM = { status: 'exception', reason: 'label_problem' } as const;
const EXCEPTION_LOST = { status: 'exception', reason: 'lost' } as const;
const EXCEPTION_OTHER = { status: 'exception', reason: 'other' } as const;
const EXCEPTION_PROHIBITED_ITEM = { status: 'exception', reason: 'prohibited_item' } as const;
const EXCEPTION_RECIPIENT_MOVED = { status: 'exception', reason: 'recipient_moved' } as const;
const EXCEPTION_RECIPIENT_REFUSED = { status: 'exception', reason: 'recipient_refused' } as const;
const EXCEPTION_RECIPIENT_UNAVAILABLE = { status: 'exception', reason: 'recipient_unavailable' } as const;
const DELAYED_ADDRESS_PROBLEM = { status: 'in_transit', delayed: true, reason: 'address_problem' } as const;
const DELAYED_BY_CARRIER = { status: 'in_transit', delayed: true, reason: 'carrier_delay' } as const;
const DELAYED_CUSTOMS_HOLD = { status: 'in_transit', delayed: true, reason: 'customs_hold' } as const;
const DELAYED_HELD_AT_CARRIER = { status: 'in_transit', delayed: true, reason: 'held_at_carrier' } as const;
const DELAYED_MISSED_CONNECTION = { status: 'in_transit', delayed: true, reason: 'missed_connection' } as const;
const DELAYED_OTHER = { status: 'in_transit', delayed: true, reason: 'other' } as const;
const DELAYED_WEATHER = { status: 'in_transit', delayed: true, reason: 'weather' } as const;
const RETURNING = { status: 'returning_to_sender' } as const;
const RETURNING_ADDRESS_PROBLEM = { status: 'returning_to_sender', reason: 'address_problem' } as const;
const RETURNING_CANCELLED_BY_SENDER = { status: 'returning_to_sender', reason: 'cancelled_by_sender' } as const;
const RETURNING_CUSTOMS_HOLD = { status: 'returning_to_sender', reason: 'customs_hold' } as const;
const RETURNING_DAMAGED = { status: 'returning_to_sender', reason: 'damaged' } as const;
const RETURNING_LOST = { status: 'returning_to_sender', reason: 'lost' } as const;
const RETURNING_PROHIBITED_ITEM = { status: 'returning_to_sender', reason: 'prohibited_item' } as const;
const RETURNING_RECIPIENT_MOVED = { status: 'returning_to_sender', reason: 'recipient_moved' } as const;
const RETURNING_RECIPIENT_REFUSED = { status: 'returning_to_sender', reason: 'recipient_refused' } as const;
const RETURNING_RECIPIENT_UNAVAILABLE = { status: 'returning_to_sender', reason: 'recipient_unavailable' } as const;
const RETURNED = { status: 'returned' } as const;
const CANCELLED = { status: 'cancelled' } as const;
const KEEP_PREVIOUS = { status: 'keep_previous' } as const;

/** 3-digit status/description codes, keyed by the integer ("011" → '11'). */
export const UPS_STATUS_CODES = {
  '0': PENDING, // Status Not Available
  '3': INFO_RECEIVED, // Shipment Ready for UPS
  '5': IN_TRANSIT, // On the Way
  '6': OUT_FOR_DELIVERY, // Out for Delivery
  '7': CANCELLED, // Shipment Information Voided
  '10': IN_TRANSIT, // On the Way
  '11': DELIVERED, // Delivered
  '12': IN_TRANSIT, // Clearance in Progress
  '13': EXCEPTION_OTHER, // Exception
  '14': IN_TRANSIT, // Clearance Completed
  '16': IN_TRANSIT, // In Warehouse
  '17': AVAILABLE_FOR_PICKUP, // Held for Customer Pickup
  '18': IN_TRANSIT, // Delivery Change Requested: Hold for Pickup
  '19': IN_TRANSIT, // Held for Future Delivery
  '20': IN_TRANSIT, // Held for Future Delivery Requested
  '21': OUT_FOR_DELIVERY, // Out for Delivery
  '22': ATTEMPT_FAILED, // First Attempt Made
  '23': ATTEMPT_FAILED, // Second Delivery Attempted
  '24': ATTEMPT_FAILED, // Final Attempt Made
  '25': IN_TRANSIT, // On the Way
  '26': DELIVERED, // Delivered by Local Post Office
  '27': IN_TRANSIT, // Delivery Address Change Requested
  '28': IN_TRANSIT, // Delivery Address Changed
  '29': EXCEPTION_OTHER, // Exception: Action Required
  '30': EXCEPTION_OTHER, // Local Post Office Exception
  '32': DELAYED_WEATHER, // Adverse Weather May Cause Delay
  '33': RETURNING, // Return to Sender Requested
  '34': RETURNED, // Returned to Sender
  '35': RETURNING, // Returning to Sender
  '36': RETURNING, // Returning to Sender: In Transit
  '37': OUT_FOR_DELIVERY, // Out for Delivery
  '38': IN_TRANSIT, // Picked Up by UPS
  '39': IN_TRANSIT, // On the Way
  '40': AVAILABLE_FOR_PICKUP, // Ready for Customer Pickup
  '41': IN_TRANSIT, // Service Upgrade Requested
  '42': IN_TRANSIT, // Service Upgraded
  '43': KEEP_PREVIOUS, // Voided Pickup
  '44': IN_TRANSIT, // On the Way to UPS
  '45': IN_TRANSIT, // On the Way to UPS
  '46': DELAYED_BY_CARRIER, // Delay
  '47': IN_TRANSIT, // On the Way
  '48': DELAYED_BY_CARRIER, // Delay
  '49': EXCEPTION_OTHER, // Delay: Action Required
  '50': EXCEPTION_ADDRESS_PROBLEM, // Address Information Required
  '51': DELAYED_WEATHER, // Delay: Emergency Situation or Severe Weather
  '52': DELAYED_WEATHER, // Delay: Severe Weather
  '53': DELAYED_WEATHER, // Delay: Severe Weather
  '54': IN_TRANSIT, // Delivery Change Requested
  '55': IN_TRANSIT, // Rescheduled Delivery
  '56': IN_TRANSIT, // Service Upgrade Requested
  '57': IN_TRANSIT, // On the Way to a Local UPS Access Point™
  '58': EXCEPTION_CUSTOMS_HOLD, // Clearance Information Required
  '59': EXCEPTION_DAMAGED, // Damage Reported
  '60': ATTEMPT_FAILED, // Delivery Attempted
  '61': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // Delivery Attempted: Adult Signature Required
  '62': ATTEMPT_FAILED_HELD_FOR_PAYMENT, // Delivery Attempted: Funds Required
  '63': IN_TRANSIT, // Delivery Change Completed
  '64': EXCEPTION_RECIPIENT_REFUSED, // Delivery Refused
  '65': INFO_RECEIVED, // Pickup Attempted
  '66': ATTEMPT_FAILED, // Post Office Delivery Attempted
  '67': RETURNING, // Returned to Sender by Post Office
  '68': EXCEPTION_LOST, // Sent to Lost and Found
  '69': EXCEPTION_OTHER, // Unable to Deliver
  '70': IN_TRANSIT, // Package not at UPS Access Point™ yet
  '71': IN_TRANSIT, // Preparing for Delivery
  '72': OUT_FOR_DELIVERY, // Loaded on Delivery Vehicle
  '73': IN_TRANSIT, // In Transit to UPS Delivery Partner
  '74': IN_TRANSIT, // UPS Delivery Partner has Shipment
  '75': IN_TRANSIT, // Scheduled for Delivery
  '76': EXCEPTION_OTHER, // UPS Delivery Partner Exception
  '77': INFO_RECEIVED, // Scheduled for Pickup Today
  '78': OUT_FOR_DELIVERY, // Your Driver is Arriving Soon!
  '79': INFO_RECEIVED, // Order Processed: In Transit to UPS
  '80': INFO_RECEIVED, // Order Processed: Ready for UPS
  '81': RETURNING_DAMAGED, // Returned - Damage Reported
  '82': IN_TRANSIT, // Delivery Instructions Received
  '83': EXCEPTION_HELD_AT_CARRIER, // Held
  '84': IN_TRANSIT, // Cleared
  '85': EXCEPTION_HELD_FOR_PAYMENT, // Held for COD Payment
  '86': DELAYED_BY_CARRIER, // Delay
  '87': IN_TRANSIT, // On the Way
  '88': KEEP_PREVIOUS, // Test
  '89': OUT_FOR_DELIVERY, // Out for Delivery
  '90': DELAYED_BY_CARRIER, // Delay
  '91': OUT_FOR_DELIVERY, // Out for Delivery
  '92': IN_TRANSIT, // Customs Clearance in Progress
  '93': IN_TRANSIT, // Premier Recovery In Progress
  '94': IN_TRANSIT, // Premier Recovery Completed
  '95': IN_TRANSIT, // Additional Attempt Requested
  '96': IN_TRANSIT, // Address Change Confirmed
  '97': IN_TRANSIT, // Address Change Requested
  '98': IN_TRANSIT, // Deliver to Original Address Requested
  '99': IN_TRANSIT, // Deliver to Original Address Confirmed
  '100': IN_TRANSIT, // Hold at UPS Access Point™ Confirmed
  '101': IN_TRANSIT, // Hold at UPS Access Point™ Requested
  '102': IN_TRANSIT, // Hold for Courier Requested
  '103': IN_TRANSIT, // Hold for Courier Confirmed
  '104': IN_TRANSIT, // Hold for Instructions Confirmed
  '105': IN_TRANSIT, // Hold for Instructions Requested
  '106': IN_TRANSIT, // Hold for Pickup Confirmed
  '107': IN_TRANSIT, // Hold for Pickup Requested
  '108': IN_TRANSIT, // Hold for Pickup Today Confirmed
  '109': IN_TRANSIT, // Hold for Pickup Today Requested
  '110': IN_TRANSIT, // Refrigeration Confirmed
  '111': IN_TRANSIT, // Refrigeration Requested
  '112': IN_TRANSIT, // Re-Ice Confirmed
  '113': IN_TRANSIT, // Re-Ice Requested
  '114': IN_TRANSIT, // Request Canceled
  '115': IN_TRANSIT, // Reschedule Delivery Confirmed
  '116': IN_TRANSIT, // Reschedule Delivery Requested
  '117': RETURNING, // Return by Saturday Confirmed
  '118': RETURNING, // Return to Sender Confirmed
  '119': RETURNING, // Return to Sender Requested
  '120': IN_TRANSIT, // Saturday Delivery Confirmed
  '121': IN_TRANSIT, // Saturday Delivery Requested
  '122': IN_TRANSIT, // Upgrade Confirmed
  '123': EXCEPTION_CUSTOMS_HOLD, // Pending Release From Non-UPS Broker
  '124': EXCEPTION_CUSTOMS_HOLD, // Clearance Information Needed
  '125': EXCEPTION_CUSTOMS_HOLD, // Clearance Information Needed
  '126': EXCEPTION_CUSTOMS_HOLD, // Pending Government Agency Release
  '127': KEEP_PREVIOUS, // Investigation Closed
  '128': KEEP_PREVIOUS, // Investigation Canceled
  '129': KEEP_PREVIOUS, // Investigation Opened
  '130': KEEP_PREVIOUS, // Claim in Progress
  '131': INFO_RECEIVED, // Final Pickup Attempted
  '132': DELAYED_BY_CARRIER, // Airport Security Delay
  '133': KEEP_PREVIOUS, // Return Label Left With Customer
  '134': IN_TRANSIT, // Cleared Import Customs
  '135': INFO_RECEIVED, // Second Pickup Attempted
  '136': IN_TRANSIT, // Delivery Rescheduled for Saturday
  '137': IN_TRANSIT, // Transferred to UPS Delivery Partner
  '138': DELAYED_BY_CARRIER, // Awaiting Scheduled Departure
  '139': ATTEMPT_FAILED_NO_ACCESS, // Security Access Required
  '140': KEEP_PREVIOUS, // Claim Paid - Claim Payment Has Been Processed.
  '141': EXCEPTION_CUSTOMS_HOLD, // Incomplete Documentation Received
  '142': KEEP_PREVIOUS, // Claim Voided
  '143': DELIVERED, // Delivered to Agent
  '144': AVAILABLE_FOR_PICKUP, // Delivered to Post Office for Pickup
  '145': ATTEMPT_FAILED, // Delivery Attempted
  '146': OUT_FOR_DELIVERY, // Out for Delivery
  '147': EXCEPTION_OTHER, // Seized by Law Enforcement, No Longer in UPS possession
  '148': PENDING, // Package Information Unavailable
  '149': EXCEPTION_PROHIBITED_ITEM, // Prohibited Contents, Package Destroyed No Longer in UPS possession
  '153': KEEP_PREVIOUS, // Updated Delivery Time
  '154': KEEP_PREVIOUS, // Updated Delivery Date
  '155': KEEP_PREVIOUS, // Delivery Photo
  '156': KEEP_PREVIOUS, // Commercial Inside Release
  '157': INFO_RECEIVED, // Shipment Ready for UPS
  '158': IN_TRANSIT, // On the Way
  '159': IN_TRANSIT, // On the Way
  '160': IN_TRANSIT, // We Have Your Package
  '161': AVAILABLE_FOR_PICKUP, // Delivered to UPS Access Point
  '162': OUT_FOR_DELIVERY, // Out for Delivery
  '163': PENDING, // Package Information Unavailable
  '164': IN_TRANSIT, // On the Way
  '165': IN_TRANSIT, // On the Way
  '166': INFO_RECEIVED, // Shipment Ready for Roadie
  '167': IN_TRANSIT, // Dropped off at UPS Store by Customer
  '168': IN_TRANSIT, // Dropped off at Retail Location by Customer
  '169': IN_TRANSIT, // Dropped off at a UPS Access Point by Customer
} as const satisfies Record<string, UpsCodeMapping>;

/** Activity type letters: the last resort when neither code is known. */
export const UPS_ACTIVITY_TYPES = {
  'D': DELIVERED, // Delivered
  'I': IN_TRANSIT, // In Transit, Out for Delivery
  'M': INFO_RECEIVED, // Billing Information Received
  'MV': CANCELLED, // Billing Information Voided
  'X': EXCEPTION_OTHER, // Exception
  'DO': IN_TRANSIT, // Delivered Origin CFS (Freight Only)
  'DD': IN_TRANSIT, // Delivered Destination CFS (Freight Only)
  'W': IN_TRANSIT, // Warehousing (Freight Only)
  'NA': PENDING, // Not Available
  'U': KEEP_PREVIOUS, // Updates (Track Alert API Only)
  'P': IN_TRANSIT, // Pickup (older integrations; not in the current appendix)
  'O': OUT_FOR_DELIVERY, // Out for delivery (older integrations; not in the current appendix)
} as const satisfies Record<string, UpsCodeMapping>;

/** Type M (and MV) codes: manifest / billing information. */
export const UPS_MANIFEST_CODES = {
  'DP': INFO_RECEIVED, // Shipment ready for UPS, manifest processed.
  'MP': INFO_RECEIVED, // Shipment ready for UPS, billing information has been received.
  'RD': INFO_RECEIVED, // Shipper created a label, Roadie has not received the package yet
  'VP': CANCELLED, // Manifest cancelled and shipment voided
} as const satisfies Record<string, UpsCodeMapping>;

/** Type U codes (Track Alert updates): never a status change. */
export const UPS_UPDATE_CODES = {
  'PX': KEEP_PREVIOUS, // Delivery Photo (enchanced users only)
  'UP': KEEP_PREVIOUS, // Updated Delivery Date
  'UT': KEEP_PREVIOUS, // Updated Delivery Time
} as const satisfies Record<string, UpsCodeMapping>;

/** Type I codes: movement ("ULD") scans. */
export const UPS_MOVEMENT_CODES = {
  'AG': IN_TRANSIT, // Package is in transit to a UPS facility
  'AR': IN_TRANSIT, // Arrival scan (the package has arrived at a UPS building. I would expect to see 3 to…
  'AT': IN_TRANSIT, // Air Transit Scan
  'CA': KEEP_PREVIOUS, // Cancelled Arrival
  'CD': KEEP_PREVIOUS, // Cancelled Departure
  'CL': KEEP_PREVIOUS, // Cancel Unload
  'DL': IN_TRANSIT, // Driver Load
  'DP': IN_TRANSIT, // Departure scan (the package has departed from a UPS building)
  'DS': IN_TRANSIT, // Destination scan – the package is at the last UPS building before delivery
  'EP': IN_TRANSIT, // Export scan (crossed an international border between two countries)
  'HU': IN_TRANSIT, // Hub Scan
  'IP': IN_TRANSIT, // Import Scan
  'LC': IN_TRANSIT, // Location Scan
  'LM': IN_TRANSIT, // Location Scan
  'OC': IN_TRANSIT, // Shipper created a label, UPS has not received the package yet. Orgin scan (differen…
  'OD': OUT_FOR_DELIVERY, // Loaded on delivery vehicle for delivery (delivery might not be today, sometimes you…
  'OF': OUT_FOR_DELIVERY, // Out for delivery (should be delivered today)
  'OR': IN_TRANSIT, // Origin scan or we have your package (normally, the first scan of the package or the…
  'OT': OUT_FOR_DELIVERY, // Out for delivery (should be delivered today)
  'PC': IN_TRANSIT, // Pickup by UPS Package Car
  'PL': INFO_RECEIVED, // Shipper created a label, UPS has not received the package yet
  'PU': IN_TRANSIT, // Pickup scan (UPS picked up the package, usually from a UPS Store or other retail lo…
  'PT': IN_TRANSIT, // Pickup by UPS trailer
  'SP': INFO_RECEIVED, // Scheduled for Pickup Today
  'UA': KEEP_PREVIOUS, // Updated Arrival
  'UD': KEEP_PREVIOUS, // Updated Departure
  'UL': IN_TRANSIT, // Unload Scan
  'VP': KEEP_PREVIOUS, // Void Pickup
  'WH': IN_TRANSIT, // Warehouse Scan, package is residing in a UPS warehouse
  'XA': IN_TRANSIT, // At Local Post Office
  'XD': IN_TRANSIT, // Drop off (usually dropped off at a UPS Store)
  'XR': IN_TRANSIT, // Received by the local post office
  'YF': OUT_FOR_DELIVERY, // USPS Out for Delivery
  'YH': IN_TRANSIT, // Received by the local post office
  'YI': OUT_FOR_DELIVERY, // Out For Delivery to UPS Access Point™
  'YM': IN_TRANSIT, // Package moving to local post office
  'YN': IN_TRANSIT, // Package received into postal network
  'YP': IN_TRANSIT, // Preparing for delivery (the package maybe be delivered today, but this message may…
} as const satisfies Record<string, UpsCodeMapping>;

/** Type X (and D) codes: the appendix "exception" table, which also holds some delivery codes (F4, KM). */
export const UPS_EXCEPTION_CODES = {
  '1': DELAYED_MISSED_CONNECTION, // The package was missed at the destination location.
  '2': DELAYED_BY_CARRIER, // Your delivery will be rescheduled.
  '3': DELAYED_MISSED_CONNECTION, // We've missed the scheduled transfer time. This may cause a delay.
  '4': DELAYED_BY_CARRIER, // A UPS processing error has delayed delivery. We're adjusting plans as quickly as po…
  '5': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  '6': DELAYED_MISSED_CONNECTION, // We've misrouted the package. This may cause a delay.
  '7': DELAYED_MISSED_CONNECTION, // We've misrouted the package. This may cause a delay.
  '8': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  '11': DELAYED_BY_CARRIER, // The package did not arrive at the destination.
  '13': EXCEPTION_DAMAGED, // Damage Is Being Held At Transit Hub
  '14': DELAYED_BY_CARRIER, // The service has been changed and the delivery is being rescheduled.
  '15': DELAYED_BY_CARRIER, // A train derailment has delayed delivery. We're adjusting plans to deliver your pack…
  '16': DELAYED_BY_CARRIER, // A mechanical failure has delayed delivery. We're adjusting plans to deliver your pa…
  '17': DELAYED_MISSED_CONNECTION, // A late UPS trailer arrival has delayed delivery. We're adjusting plans to deliver y…
  '18': DELAYED_MISSED_CONNECTION, // A late flight has caused a delay. We will update the delivery date as soon as possi…
  '19': DELAYED_MISSED_CONNECTION, // A late UPS trailer arrival has caused a delay. We're adjusting plans to deliver you…
  '22': DELAYED_BY_CARRIER, // We were unable to dispatch the trailer on time. This may cause a delay.
  '23': DELAYED_BY_CARRIER, // A railroad mechanical failure has delayed delivery. We're working to deliver your p…
  '24': RETURNING_DAMAGED, // Merchandise missing, balance being returned. UPS will notify the sender with detail…
  '25': EXCEPTION_DAMAGED, // Merchandise missing, balance is being delivered. UPS will notify the sender with de…
  '26': EXCEPTION_LOST, // All merchandise missing, empty carton was discarded. UPS will notify the sender wit…
  '27': RETURNING_LOST, // All merchandise missing, empty carton is being returned. UPS will notify the sender…
  '29': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  '30': KEEP_PREVIOUS, // The request for this package was cancelled.
  '31': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  '33': EXCEPTION_OTHER, // The billing option selected is not valid for this package.
  '34': DELAYED_MISSED_CONNECTION, // We've incorrectly sorted this package which may cause a delay.
  '37': IN_TRANSIT, // Intercept request was successfully completed.
  '39': AVAILABLE_FOR_PICKUP, // The sender requested this package be held for pickup at a UPS facility.
  '40': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  '43': EXCEPTION_CUSTOMS_HOLD, // UPS contacted the sender for additional details needed to clear customs. Please che…
  '45': EXCEPTION_DAMAGED, // Your package was damaged in transit. We will notify the sender with details.
  '46': EXCEPTION_ADDRESS_PROBLEM, // The service selected is not available to this destination address. This has delayed…
  '47': EXCEPTION_ADDRESS_PROBLEM, // We do not currently serve the destination address for this package.
  '48': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // The receiver was not available for delivery. We'll make a second attempt the next b…
  '49': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // The receiver was not available at the time of the final delivery attempt.
  '51': ATTEMPT_FAILED_HELD_FOR_PAYMENT, // We tried to deliver the package, but were unable to receive payment. A second attem…
  '52': ATTEMPT_FAILED_HELD_FOR_PAYMENT, // The driver was unable to collect funds on the final delivery attempt.
  '54': AVAILABLE_FOR_PICKUP, // The receiver arranged to pick up the package at a UPS facility. Pickup must be made…
  '55': ATTEMPT_FAILED_BUSINESS_CLOSED, // The receiving business was closed. We'll attempt to deliver the package the next bu…
  '56': DELIVERED, // This delivery was made after the UPS service commitment time of noon.
  '59': DELIVERED, // This delivery was made after the UPS service commitment time of 10:30 a.m.
  '60': EXCEPTION_PROHIBITED_ITEM, // Your package contains hazardous materials. We will not transport this package by ai…
  '63': EXCEPTION_OTHER, // UPS will follow-up with the Sender.
  '64': DELIVERED, // Merchandise has been delivered to the receiver. UPS will notify the sender with det…
  '65': RETURNING_DAMAGED, // Damaged merchandise discarded, remaining contents returned to the sender. UPS will…
  '66': EXCEPTION_DAMAGED, // Damaged merchandise returned, remaining content will be delivered. UPS will notify…
  '67': EXCEPTION_DAMAGED, // The damaged merchandise is being held at an agent's location. UPS will notify the s…
  '68': DELAYED_BY_CARRIER, // A mechanical failure has delayed delivery. We're adjusting plans to deliver your pa…
  '71': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  '72': DELAYED_HELD_AT_CARRIER, // The package will be held until all packages associated with this shipment have arri…
  '73': EXCEPTION_PROHIBITED_ITEM, // The package contains articles that UPS prohibits for international shipping.
  '76': IN_TRANSIT, // Scheduled for delivery today.
  '77': IN_TRANSIT, // The package will be forwarded to a UPS facility in the destination city.
  '78': IN_TRANSIT, // The sender requested a delivery change for this package.
  '79': IN_TRANSIT, // We updated the delivery information for your package.
  '84': ATTEMPT_FAILED_OTHER, // Package cannot be delivered because it does not fit in locker.
  '87': DELAYED_BY_CARRIER, // The freight shipment is delayed.
  '89': ATTEMPT_FAILED, // We were unable to deliver your package. It’s on the way to a secure UPS Access Poin…
  '90': RETURNING_PROHIBITED_ITEM, // There is an embargo on the destination country, and the package will be returned to…
  '91': EXCEPTION_LABEL_PROBLEM, // The C.O.D. tag is either illegible or invalid.
  '92': IN_TRANSIT, // The receiver has agreed to accept the delivery charges.
  '93': KEEP_PREVIOUS, // Package could not be located for intercept.
  '95': ATTEMPT_FAILED_NO_ACCESS, // We are trying to get the security access our driver needs for this delivery.
  '99': EXCEPTION_OTHER, // Please contact UPS for additional information.
  '1A': EXCEPTION_OTHER, // UPS is working to resolve the issue.
  '1B': DELAYED_BY_CARRIER, // Package is delayed in transit. Delivery will be rescheduled. Check back or signup f…
  '1C': EXCEPTION_HELD_FOR_PAYMENT, // Import charges are due for this package. Select Pay Now (where available) or pay at…
  '1D': IN_TRANSIT, // Import C.O.D. (ICOD) charges have been paid or billed.
  '1E': DELAYED_WEATHER, // The post office indicates your UPS SurePost® package may be delayed due to a weathe…
  '1F': EXCEPTION_PROHIBITED_ITEM, // Per government agency instruction, UPS has destroyed the package.
  '1G': DELAYED_BY_CARRIER, // The cargo-aircraft-only dangerous goods package is being held due to UPS aircraft c…
  '1H': DELAYED_BY_CARRIER, // The ADR dangerous goods package is being held due to regulatory limits for the vehi…
  '1K': DELAYED_MISSED_CONNECTION, // A late flight has caused a delay. We will update the delivery date as soon as possi…
  '1L': DELAYED_BY_CARRIER, // The package is delayed and will resume transit as soon as possible.
  '1M': IN_TRANSIT, // The hazard materials delay was resolved, and the package will resume transit as soo…
  '1O': DELAYED_BY_CARRIER, // A mechanical failure has caused a delay. We will update the delivery date as soon a…
  '1P': IN_TRANSIT, // Your package is in transit. We're updating plans to schedule your delivery.
  '1Q': DELAYED_MISSED_CONNECTION, // We were unable to load the package on the plane as scheduled.
  '1T': KEEP_PREVIOUS, // The receiver requested/created a pre-authorized return label.
  '1U': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  '1V': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  '1W': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  '1X': DELAYED_BY_CARRIER, // Your package is delayed. Check back later for delivery updates.
  '2A': DELAYED_WEATHER, // Recent weather has caused delivery delays. Recovery efforts are under way to delive…
  '2B': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  '2E': KEEP_PREVIOUS, // UPS will contact the sender or receiver with updated information regarding your UPS…
  '2G': KEEP_PREVIOUS, // The package is not claim eligible because the liability period has passed.
  '2H': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  '2N': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  '2O': IN_TRANSIT, // Departed from Facility
  '2R': IN_TRANSIT, // UPS will deliver your UPS Surepost® package instead of the Post Office.
  '2S': IN_TRANSIT, // SurePost® Package Sent To Consignee
  '2T': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  '2U': IN_TRANSIT, // We'll be in your area and will deliver your UPS SurePost® package instead of the po…
  '2V': IN_TRANSIT, // Your package was sent back to the post office for delivery.
  '2X': ATTEMPT_FAILED, // We were unable to deliver your package. It's on the way to a secure UPS Access Poin…
  '2Y': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  '2Z': DELAYED_BY_CARRIER, // We were unable to dispatch the trailer on time. This may cause a delay.
  '3A': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  '3B': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  '3C': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  '3D': DELAYED_WEATHER, // We're working to deliver your package as soon as possible, weather permitting.
  '3J': ATTEMPT_FAILED_BUSINESS_CLOSED, // UPS Access Point™ location closed and package not delivered. Another attempt will b…
  '3L': ATTEMPT_FAILED_OTHER, // UPS Access Point™ location unable to accept package. Another attempt will be made t…
  '3N': RETURNING, // The package was not picked up by the receiver at the UPS Access Point™ location and…
  '3P': IN_TRANSIT, // Package has been received from UPS Access Point™ location. UPS will process as nece…
  '3Q': IN_TRANSIT, // The package upgrade has been processed.
  '3R': IN_TRANSIT, // Upgrade completed; deliver to another address.
  '3S': IN_TRANSIT, // As requested, package was upgraded and Hold-for-Pickup will be processed. Package n…
  '3T': DELAYED_BY_CARRIER, // Delivery will be delayed by one business day.
  '3U': IN_TRANSIT, // Upgrade completed; rescheduled delivery.
  '3V': IN_TRANSIT, // Upgrade completed; deliver to UPS Access Point™ location.
  '3W': IN_TRANSIT, // The request for a service upgrade through UPS My Choice® was not completed.
  '3Z': KEEP_PREVIOUS, // The package is not claim eligible because there is a contract or account restrictio…
  '4B': IN_TRANSIT, // The package was transferred to a postal provider for delivery.
  '4C': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  '4F': IN_TRANSIT, // Package In Transit; Delivery Scheduled
  '4H': IN_TRANSIT, // Your UPS SurePost® package was moved by the post office to a different facility for…
  '4I': EXCEPTION_HELD_AT_CARRIER, // The package is in storage.
  '4J': IN_TRANSIT, // Shipment removed from storage.
  '4K': DELAYED_BY_CARRIER, // We were unable to dispatch the trailer on time. This may cause a delay.
  '4L': DELIVERED, // We were required to use the lift gate in order to complete the delivery.
  '4M': IN_TRANSIT, // At the customer’s request, we will re-attempt delivery of the Worldwide Express Fre…
  '4N': IN_TRANSIT, // Upgrade will not be processed, nor any UPS My Choice® delivery change, if requested.
  '4P': EXCEPTION_OTHER, // The package is either overweight or oversized. We require pre-authorization for del…
  '4Q': EXCEPTION_OTHER, // Requires Approval
  '4R': RETURNING, // The package is being returned to the sender or re-delivered by a freight forwarding…
  '4S': RETURNING, // The package was returned to the sender via freight forwarding.
  '4T': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  '4Y': DELAYED_BY_CARRIER, // Your shipment is scheduled to arrive today after the delivery commitment time.
  '4Z': EXCEPTION_LABEL_PROBLEM, // The address label became detached from the package. The sender will be notified.
  '5A': KEEP_PREVIOUS, // This claim has been processed. Please reach out to the sender for details.
  '5B': KEEP_PREVIOUS, // This claim requires additional documentation to complete the process.
  '5D': KEEP_PREVIOUS, // The customer cancelled the package dropoff; UPS does not have this package.
  '5G': AVAILABLE_FOR_PICKUP, // The package remains at the UPS Access Point™ location and is reaching the maximum d…
  '5R': ATTEMPT_FAILED, // We were unable to deliver your package. It's on the way to a secure UPS Access Poin…
  '5S': IN_TRANSIT, // Reroute to an alternate UPS Access Point™ location for delivery and customer pickup
  '5T': EXCEPTION_HELD_AT_CARRIER, // Package held; UPS will contact customer for further instructions
  '5U': DELAYED_BY_CARRIER, // The original UPS Access Point™ is not available for delivery. We'll contact receive…
  '5V': IN_TRANSIT, // Delivery could not be made to the original UPS Access Point™. Pkg will be delivered…
  '5W': IN_TRANSIT, // The original UPS Access Point™ location is not available. Delivery to an alternate…
  '5Z': ATTEMPT_FAILED, // Delivery to UPS Access Point™ location was unsuccessful. We will make a second atte…
  '6B': AVAILABLE_FOR_PICKUP, // Packages are ready for pickup due to UPS Access Point™ location closing. Customer w…
  '6C': RETURNING, // The maximum days to hold the package at the UPS Access Point™ location expired. The…
  '6D': DELAYED_WEATHER, // We’re working to deliver your package as soon as possible weather permitting
  '6E': DELAYED_BY_CARRIER, // Your package was not received at the UPS facility as originally scheduled. This may…
  '6G': IN_TRANSIT, // Modification of the receiver's address
  '6H': IN_TRANSIT, // The package will be delivered to the recipient's preferred UPS Access Point™ locati…
  '6I': IN_TRANSIT, // The package will be delivered to the original receiver's address.
  '6J': IN_TRANSIT, // Delivery to a UPS Access Point™ location is pending.
  '6K': IN_TRANSIT, // The package will be delivered to the UPS Access Point™ location on the next busines…
  '6L': IN_TRANSIT, // Package not eligible for UPS Access Point™ delivery; will re-attempt delivery at th…
  '6P': IN_TRANSIT, // Package in transit and scheduled for UPS delivery attempt to recipient on next UPS…
  '6R': ATTEMPT_FAILED, // We were unable to deliver your package. It's on the way to a UPS Access Point™ loca…
  '6T': EXCEPTION_OTHER, // The C.O.D. exceeds the amount allowed for UPS Access Point™ locations. We will cont…
  '6W': KEEP_PREVIOUS, // This claim request has been voided. Please reach out to the sender for details.
  '6X': KEEP_PREVIOUS, // The claim documentation is currently under review. Please reach out to the sender f…
  '6Z': IN_TRANSIT, // UPS My Choice® member's chosen UPS Access Point™ preferences are not available.
  '7C': IN_TRANSIT, // UPS SurePost® package was upgraded and sent to receiver's preferred UPS Access Poin…
  '7D': IN_TRANSIT, // UPS SurePost® package was upgraded to UPS Ground; UPS will deliver package to UPS A…
  '7E': IN_TRANSIT, // UPS SurePost® package upgraded to UPS Ground. Preferred UPS Access Point™ is unavai…
  '7F': EXCEPTION_HELD_FOR_PAYMENT, // Import charges are due for this package. Select Pay Now (where available) or pay at…
  '7G': DELAYED_BY_CARRIER, // Disruption in network - tractor trailer
  '7H': EXCEPTION_CUSTOMS_HOLD, // The package is missing duty information and will be returned to export location.
  '7I': IN_TRANSIT, // UPS is reviewing the shipment clearance information. We will notify you if addition…
  '7L': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // Receiver not available. UPS Access Point™ service canceled. Will make 2nd delivery…
  '7M': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  '7N': DELAYED_BY_CARRIER, // We're working to deliver your package as quickly as possible.
  '7P': EXCEPTION_CUSTOMS_HOLD, // The importer has not assigned a broker. This may delay delivery.
  '7Q': IN_TRANSIT, // The receiver has requested that we make an appointment for delivery.
  '7R': DELAYED_BY_CARRIER, // UPS delayed the package during the aviation security screening.
  '7S': DELAYED_BY_CARRIER, // A government agency delayed the package during the aviation security screening.
  '7T': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  '7U': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  '7V': DELAYED_WEATHER, // An emergency situation or severe weather condition has delayed delivery.
  '7W': DELAYED_WEATHER, // Severe weather conditions have delayed delivery.
  '7X': DELAYED_WEATHER, // Recent weather has caused delivery delays. Recovery efforts are under way to delive…
  '7Y': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  '7Z': DELAYED_BY_CARRIER, // Delivery will be delayed by one business day.
  '8A': DELAYED_BY_CARRIER, // Sender tendered the shipment to UPS after the latest pickup time for the requested…
  '8C': KEEP_PREVIOUS, // After further review, your package may not have arrived on-schedule. Visit ups.com/…
  '8D': EXCEPTION_OTHER, // The package is undeliverable and is in the process of being disposed of according t…
  '8E': KEEP_PREVIOUS, // After further review, your package may not have arrived on-schedule. Visit ups.com/…
  '8F': KEEP_PREVIOUS, // After further review, your package may not have arrived on-schedule. Visit ups.com/…
  '8G': DELAYED_MISSED_CONNECTION, // The UPS SurePost package was misrouted. It is currently being transferred to the co…
  '8H': RETURNING_RECIPIENT_REFUSED, // The receiver refused the package that requires a Package Release Code. The package…
  '8I': AVAILABLE_FOR_PICKUP, // The package was incorrectly scanned as picked up. UPS Access Point™ corrected the s…
  '8K': DELAYED_BY_CARRIER, // Due to operating conditions, the delivery date was rescheduled.
  '8L': DELAYED_BY_CARRIER, // Due to operating conditions, the delivery date will be rescheduled. We are adjustin…
  '8M': IN_TRANSIT, // We'll be in your area and will deliver your UPS SurePost® package instead of the po…
  '8R': IN_TRANSIT, // Your package is in transit. We're updating plans to schedule your delivery.
  '8Y': DELAYED_BY_CARRIER, // Your package will be delivered one business day later than expected.
  '8Z': DELAYED_BY_CARRIER, // Your package will be delivered one business day later than expected.
  '9C': INFO_RECEIVED, // A UPS Mobile shipment was created and is linked to this tracking number.
  '9D': IN_TRANSIT, // UPS printed and applied the shipping label.
  '9F': EXCEPTION_PROHIBITED_ITEM, // This type of lithium battery is a restricted item prohibited by commercial airlines.
  '9I': IN_TRANSIT, // The address has been corrected.
  '9J': IN_TRANSIT, // The UPS Store® printed and applied the shipping label.
  '9K': IN_TRANSIT, // A UPS retail location printed and applied the shipping label.
  '9L': DELAYED_BY_CARRIER, // The package is delayed due to a Eurotunnel traffic disruption. We are adjusting del…
  '9M': DELAYED_BY_CARRIER, // Due to special operating conditions, delivery of your package may be delayed.
  '9N': DELAYED_BY_CARRIER, // Due to special operating conditions, delivery of your package may be delayed.
  '9O': DELAYED_BY_CARRIER, // Due to special operating conditions, delivery of your package may be delayed.
  '9P': DELAYED_BY_CARRIER, // Due to special operating conditions, delivery of your package may be delayed.
  '9Q': DELAYED_BY_CARRIER, // Due to special operating conditions, delivery of your package may be delayed.
  '9R': DELAYED_BY_CARRIER, // Due to special operating conditions, delivery of your package may be delayed.
  '9S': DELAYED_BY_CARRIER, // We were unable to dispatch the trailer on time. This may cause a delay.
  '9T': DELAYED_BY_CARRIER, // Due to special operating conditions, delivery of your package may be delayed.
  '9U': DELAYED_BY_CARRIER, // Due to special operating conditions, delivery of your package may be delayed.
  '9V': DELAYED_BY_CARRIER, // Due to special operating conditions, delivery of your package may be delayed.
  '9X': DELAYED_BY_CARRIER, // Due to special operating conditions, delivery of your package may be delayed.
  '9Y': DELAYED_BY_CARRIER, // Due to special operating conditions, delivery of your package may be delayed.
  '9Z': DELAYED_BY_CARRIER, // Due to special operating conditions, delivery of your package may be delayed.
  'A1': RETURNING_DAMAGED, // All merchandise is being returned. UPS will notify the sender with details of the d…
  'A2': EXCEPTION_DAMAGED, // All merchandise was not recoverable and was discarded. UPS will notify the sender w…
  'A3': EXCEPTION_DAMAGED, // Damaged merchandise discarded, remaining contents being delivered. UPS will notify…
  'A4': EXCEPTION_DAMAGED, // All merchandise is being delivered. UPS will notify the sender with details of the…
  'A5': EXCEPTION_ADDRESS_PROBLEM, // The receiver's location was damaged by fire. We're attempting to determine an alter…
  'A6': EXCEPTION_ADDRESS_PROBLEM, // Your package cannot be delivered to a P.O. box. We're attempting to obtain an alter…
  'A7': EXCEPTION_RECIPIENT_MOVED, // The receiver has moved. We're attempting to obtain a new delivery address for this…
  'A8': EXCEPTION_ADDRESS_PROBLEM, // The apartment number is either missing or incorrect. This may delay delivery. We're…
  'A9': EXCEPTION_ADDRESS_PROBLEM, // Directions to the address are required to complete delivery. We are attempting to u…
  'AA': EXCEPTION_ADDRESS_PROBLEM, // The suite number is either missing or incorrect. This may delay delivery. We're att…
  'AB': EXCEPTION_ADDRESS_PROBLEM, // The receiver is not listed in the building directory. We are attempting to update t…
  'AC': EXCEPTION_ADDRESS_PROBLEM, // The city name in the address is incorrect. This may delay delivery. We're attemptin…
  'AD': EXCEPTION_ADDRESS_PROBLEM, // The company or receiver name is incorrect. This will delay delivery. We're attempti…
  'AE': EXCEPTION_ADDRESS_PROBLEM, // The street number is incorrect. This may delay delivery. We're attempting to update…
  'AF': EXCEPTION_ADDRESS_PROBLEM, // The street name is incorrect. This may delay delivery. We're attempting to update t…
  'AG': EXCEPTION_ADDRESS_PROBLEM, // The address is incomplete. This may delay delivery. We're attempting to update the…
  'AH': DELAYED_ADDRESS_PROBLEM, // Address Corrected, Delivery Rescheduled
  'AJ': EXCEPTION_LOST, // Merchandise is missing. UPS will notify the sender with additional details.
  'AK': EXCEPTION_ADDRESS_PROBLEM, // The state shown in the address is incorrect. This may delay delivery. We're attempt…
  'AL': EXCEPTION_ADDRESS_PROBLEM, // The postal code for the receiver is incorrect. We are attempting to obtain correct…
  'AM': EXCEPTION_RECIPIENT_REFUSED, // The receiver has canceled the product order and refused delivery.
  'AN': EXCEPTION_RECIPIENT_REFUSED, // The receiver determined this is a duplicate product order and has refused the deliv…
  'AO': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'AP': EXCEPTION_RECIPIENT_REFUSED, // The receiver had no invoice information for this package and has refused the delive…
  'AQ': EXCEPTION_RECIPIENT_REFUSED, // The receiver doesn't accept C.O.D.s and refused the delivery.
  'AS': EXCEPTION_RECIPIENT_REFUSED, // The receiver determined this product order is late and has refused the delivery.
  'AT': IN_TRANSIT, // The receiver has requested a delayed delivery.
  'AV': EXCEPTION_ADDRESS_PROBLEM, // Receiver's address is a rural route. A street has not been assigned. UPS is attempt…
  'AW': EXCEPTION_ADDRESS_PROBLEM, // Your package cannot be delivered to a rural route address. We're attempting to upda…
  'AX': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // The receiver is on vacation.
  'AY': ATTEMPT_FAILED_BUSINESS_CLOSED, // The receiving business was closed at the time of the final delivery attempt.
  'AZ': DELAYED_BY_CARRIER, // Delivery has been rescheduled due to holiday closures.
  'B1': DELAYED_BY_CARRIER, // Unfortunately, a labor strike (unrelated to UPS) has prevented delivery of your pac…
  'B3': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'B4': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'B5': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'B6': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'B8': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'B9': EXCEPTION_CUSTOMS_HOLD, // A missing commercial invoice is causing a delay. We are working to obtain this info…
  'BA': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'BB': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'BD': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'BE': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'BF': EXCEPTION_OTHER, // We're attempting to get further instructions and may return the shipment.
  'BG': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'BH': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'BJ': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'BK': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'BP': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'BQ': EXCEPTION_OTHER, // We've attempted to contact the receiver regarding pickup arrangements.
  'BR': EXCEPTION_OTHER, // We've left a message for the receiver to contact us.
  'BT': EXCEPTION_OTHER, // We're attempting to contact the receiver to request additional information.
  'BV': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'BW': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'BX': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'BZ': EXCEPTION_OTHER, // The package is undeliverable and is in the process of being disposed of according t…
  'C3': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'C4': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // The receiver was not available at the time of the delivery attempt.
  'C5': DELAYED_WEATHER, // An emergency situation or severe weather condition has delayed delivery.
  'C6': DELAYED_BY_CARRIER, // Delivery will be delayed by one business day.
  'C7': EXCEPTION_LABEL_PROBLEM, // The C.O.D. amount is missing from the label. We're attempting to update this inform…
  'C8': EXCEPTION_RECIPIENT_MOVED, // The receiver is no longer in business.
  'C9': EXCEPTION_OTHER, // Your package exceeds the maximum length we can accept.
  'CA': EXCEPTION_OTHER, // Your package exceeds the maximum dimensions we can accept.
  'CC': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  'CD': DELAYED_MISSED_CONNECTION, // We've left the package on one of our planes. This may cause a delay.
  'CE': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'CF': RETURNING_CUSTOMS_HOLD, // We're awaiting Customs authorization before returning this package to the sender.
  'CG': KEEP_PREVIOUS, // A new tracking number was assigned to this package. Use the new tracking number for…
  'CH': KEEP_PREVIOUS, // The package contains multiple, duplicate tracking numbers.
  'CJ': KEEP_PREVIOUS, // The tracking number on this package has been altered/changed.
  'CK': DELAYED_BY_CARRIER, // A rerouted flight has delayed delivery. We’re adjusting plans to deliver your packa…
  'CL': DELAYED_MISSED_CONNECTION, // We've missed the scheduled transfer time. This may cause a delay.
  'CM': DELAYED_MISSED_CONNECTION, // A flight cancelation has delayed delivery. We're updating plans to deliver your pac…
  'CN': EXCEPTION_CUSTOMS_HOLD, // Your package has been delayed due to an export gateway hold.
  'CP': EXCEPTION_CUSTOMS_HOLD, // Your package has been delayed due to an import gateway hold.
  'CQ': DELAYED_BY_CARRIER, // A mechanical failure has caused a delay. We will update the delivery date as soon a…
  'CS': RETURNING_CANCELLED_BY_SENDER, // Shipper Requested Return Of Package
  'CT': EXCEPTION_CUSTOMS_HOLD, // Your shipment is being held under the General Order regulations and may be taken in…
  'CV': EXCEPTION_OTHER, // Your package exceeds the maximum weight we can accept.
  'CW': EXCEPTION_ADDRESS_PROBLEM, // We cannot deliver to an APO or FPO address. We're attempting to determine an altern…
  'CX': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'CY': EXCEPTION_ADDRESS_PROBLEM, // We were unable to obtain complete address information for your package.
  'CZ': EXCEPTION_CUSTOMS_HOLD, // Hazardous materials labeling is missing and is required for clearance. We are worki…
  'D0': EXCEPTION_CUSTOMS_HOLD, // Your pkg has been delayed due to missing clearance information. We are attempting t…
  'D1': DELAYED_MISSED_CONNECTION, // We've misrouted the package. This may cause a delay.
  'D2': EXCEPTION_OTHER, // The commodity value of your package exceeds the limit we allow.
  'D4': EXCEPTION_ADDRESS_PROBLEM, // The service selected is not available to this destination address. This has delayed…
  'D5': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'D7': EXCEPTION_OTHER, // We'll contact the sender or receiver about this delivery.
  'D9': EXCEPTION_HELD_FOR_PAYMENT, // Value of Goods charges are due for this package.
  'DA': IN_TRANSIT, // Released By Clear Agency. Now In-Transit
  'DB': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'DC': DELAYED_BY_CARRIER, // Your package arrived late to the destination city. You should expect at least one b…
  'DD': EXCEPTION_RECIPIENT_UNAVAILABLE, // We're unable to contact the receiver.
  'DE': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'DF': DELAYED_WEATHER, // A natural disaster has delayed delivery. We are ready to deliver as soon as conditi…
  'DG': DELAYED_BY_CARRIER, // Civil demonstration has delayed your package in transit. Delivery will be reschedul…
  'DJ': DELAYED_WEATHER, // Severe weather conditions have delayed delivery.
  'DL': RETURNING, // The package will be returned to the sender.
  'DN': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'DP': EXCEPTION_PROHIBITED_ITEM, // Your package contains a commodity that cannot be shipped internationally.
  'DQ': DELAYED_BY_CARRIER, // This delivery address is in a remote area where deliveries are not made daily.
  'DR': DELAYED_BY_CARRIER, // A mechanical failure has delayed delivery. We're adjusting plans to deliver your pa…
  'DS': EXCEPTION_LABEL_PROBLEM, // The address label is illegible. This may delay delivery. We're attempting to update…
  'DT': EXCEPTION_OTHER, // Fax/Email Has Been Sent to the receiver to request additional information.
  'DU': DELAYED_BY_CARRIER, // We are experiencing transit delays. We will deliver your package as soon as possibl…
  'DW': EXCEPTION_RECIPIENT_MOVED, // The delivery location is vacant.
  'DY': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'E0': IN_TRANSIT, // An alternate delivery address has been provided by the sender for redelivery.
  'E1': EXCEPTION_ADDRESS_PROBLEM, // The floor number is either missing or incorrect. This may delay delivery. We're att…
  'E2': AVAILABLE_FOR_PICKUP, // Receiver Requested Special Delivery. Package must be picked up within 5 business da…
  'E3': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  'E4': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'E7': IN_TRANSIT, // Value of Goods charges have been paid.
  'E8': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'E9': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'ED': DELAYED_MISSED_CONNECTION, // We've left the package in one of our containers. This may cause a delay.
  'EH': DELAYED_BY_CARRIER, // Your package may be delayed. We are adjusting delivery plans as quickly as possible.
  'EN': DELAYED_BY_CARRIER, // Your package may be delayed. We are adjusting delivery plans as quickly as possible.
  'EO': IN_TRANSIT, // We've arranged a special flight to complete your delivery.
  'ER': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'ES': EXCEPTION_CUSTOMS_HOLD, // Your package entry was rejected by the clearing agency. We will process according t…
  'EU': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'EV': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'EW': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'EX': EXCEPTION_OTHER, // Your package exceeds the maximum weight we can accept.
  'EY': EXCEPTION_HELD_FOR_PAYMENT, // Import C.O.D. (ICOD) charges are due for this shipment. Online payment required at…
  'F0': IN_TRANSIT, // Arrival Scan
  'F3': IN_TRANSIT, // Departure Scan
  'F4': DELIVERED, // Delivered
  'F5': IN_TRANSIT, // A temperature control intercept has been issued for your UPS® Premier package.
  'F7': IN_TRANSIT, // Your UPS SurePost® package was delivered to an Agent for final delivery.
  'F8': EXCEPTION_OTHER, // We're attempting to verify the package location.
  'FA': EXCEPTION_ADDRESS_PROBLEM, // We were unable to obtain additional address information.
  'FE': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'FF': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'FG': DELAYED_BY_CARRIER, // Air Traffic Control resulted in a delay. We will update the delivery date as soon a…
  'FM': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // We tried to deliver the package again, but need an adult signature. A final attempt…
  'FN': DELIVERED, // Receiver acknowledges receipt
  'FT': DELIVERED, // The receiver has picked up their package.
  'FW': IN_TRANSIT, // A recovery intercept was requested for this package.
  'G1': IN_TRANSIT, // As requested by the sender, the package will be delivered later than the normal del…
  'G3': ATTEMPT_FAILED_BUSINESS_CLOSED, // We tried to deliver to the business, but it was closed. A second attempt will be ma…
  'G4': INFO_RECEIVED, // We tried to pickup the package, but it was not ready for pickup. A second attempt w…
  'G5': INFO_RECEIVED, // The package was not ready for pickup at the time of the final attempt.
  'G6': DELAYED_BY_CARRIER, // A required security check has delayed delivery.
  'G7': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // We tried to deliver the package, but need an adult signature. A second attempt will…
  'G8': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // UPS was not able to secure an adult signature for this delivery. Delivery was not m…
  'G9': DELAYED_BY_CARRIER, // Your package may be delayed due to a required x-ray inspection.
  'GB': ATTEMPT_FAILED, // Delivery Attempted
  'GC': DELAYED_BY_CARRIER, // Your package has been delayed due to events beyond our control. We're adjusting del…
  'GD': IN_TRANSIT, // Arrived At Facility
  'GF': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'GH': DELAYED_BY_CARRIER, // A mechanical failure has delayed delivery. We're adjusting plans to deliver your pa…
  'GI': DELAYED_BY_CARRIER, // A mechanical failure has delayed delivery. We're adjusting plans to deliver your pa…
  'GN': KEEP_PREVIOUS, // Your investigation has been closed with a proof of delivery.
  'GO': KEEP_PREVIOUS, // The investigation requires additional merchandise description. Visit ups.com/claims…
  'GQ': KEEP_PREVIOUS, // The investigation has been closed. We were unable to contact the receiver.
  'GR': KEEP_PREVIOUS, // This investigation has been closed and the claim was canceled.
  'GV': DELAYED_BY_CARRIER, // Your UPS® Premier package will be delivered after the scheduled time.
  'GZ': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'H1': EXCEPTION_ADDRESS_PROBLEM, // The street type shown in the address is incorrect. This may delay delivery. We're a…
  'H2': EXCEPTION_ADDRESS_PROBLEM, // The street prefix is either missing or incorrect. This may delay delivery. We're at…
  'H3': EXCEPTION_ADDRESS_PROBLEM, // The street suffix is incorrect. This may delay delivery. We're attempting to update…
  'H4': EXCEPTION_ADDRESS_PROBLEM, // The borough or county shown in the address is incorrect and may delay delivery. We'…
  'H5': EXCEPTION_ADDRESS_PROBLEM, // Incomplete address information may delay delivery. We are attempting to update this…
  'H6': IN_TRANSIT, // We received a request to change delivery. The request will be processed once the pa…
  'H7': DELAYED_BY_CARRIER, // The delivery area is inaccessible due to a special event. We're adjusting plans as…
  'H8': RETURNING, // The package is being returned to the sender at a different service level.
  'H9': EXCEPTION_PROHIBITED_ITEM, // A hazardous materials irregularity occurred with this package. We'll contact the se…
  'HA': DELAYED_BY_CARRIER, // Your package is delayed. Check back later for delivery updates.
  'HD': KEEP_PREVIOUS, // After the delivery was made, the package was reported as damaged.
  'HE': KEEP_PREVIOUS, // The receiver reported the package was damaged. We will notify the sender with detai…
  'HF': IN_TRANSIT, // Package reported picked up - pickup scan.
  'HG': DELAYED_MISSED_CONNECTION, // Your UPS® Premier package has encountered a flight cancelation.
  'HH': DELAYED_BY_CARRIER, // Your package is delayed. Check back later for delivery updates.
  'HJ': IN_TRANSIT, // Your package was upgraded to a new service level.
  'HK': EXCEPTION_PROHIBITED_ITEM, // This package contains alcohol, and we are unable to deliver or return it to the sen…
  'HL': IN_TRANSIT, // Your package was processed at our facility.
  'HM': IN_TRANSIT, // The package has been redirected and forwarded to the delivery center.
  'HN': EXCEPTION_OTHER, // Liability because of Unsecured Contents In unit load device.
  'HO': EXCEPTION_PROHIBITED_ITEM, // This package contains alcohol and will be held for pickup by the sender only.
  'HQ': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // We've left a notice about the package.
  'HR': EXCEPTION_DAMAGED, // The package was damaged in transit. We will notify the sender with details.
  'HW': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'I1': RETURNING_CANCELLED_BY_SENDER, // As requested by the sender, the package is being returned. Contact the sender for a…
  'I2': EXCEPTION_PROHIBITED_ITEM, // This package contains alcohol and we are unable to deliver or return it to the send…
  'I3': ATTEMPT_FAILED, // You can make alternate delivery arrangements by calling 1-800-457-4022 and entering…
  'I5': AVAILABLE_FOR_PICKUP, // Your package is at a UPS Access Point™ location and awaiting customer collection
  'I8': IN_TRANSIT, // Your package is in transit. We’re updating plans to schedule your delivery.
  'I9': KEEP_PREVIOUS, // There are instructions on your account that resulted in closing the claim.
  'IB': KEEP_PREVIOUS, // The delivery has been rescheduled and linked to a new tracking number
  'IJ': DELAYED_ADDRESS_PROBLEM, // Directions Found, Delivery Rescheduled
  'IP': IN_TRANSIT, // import scan (crossed an international border between two countries)
  'IQ': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // The receiver was unable to provide a valid PIN. We'll make a third attempt the next…
  'IR': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // The receiver was unable to provide a valid PIN at the time of the final delivery at…
  'IY': EXCEPTION_PROHIBITED_ITEM, // Your UPS Ground Saver® package was seized by the Post Office for counterfeit and wi…
  'J0': EXCEPTION_OTHER, // Your UPS Ground Saver® package was seized by the Post Office for unpaid postage and…
  'J8': IN_TRANSIT, // Dispatch For One Additional Day
  'J9': KEEP_PREVIOUS, // Refrigerate.
  'JA': IN_TRANSIT, // As requested by the sender, the delivery change for this package was completed.
  'JB': IN_TRANSIT, // We have updated the delivery information for your package.
  'JC': IN_TRANSIT, // The recovery intercept was successfully completed.
  'JH': IN_TRANSIT, // The sender requested a modified intercept for this package.
  'JI': IN_TRANSIT, // We've requested a modified intercept for this package.
  'JJ': IN_TRANSIT, // There was a modification to the recovery intercept on this package.
  'K1': INFO_RECEIVED, // We've missed the scheduled pickup time. This may cause a delay.
  'K2': DELAYED_BY_CARRIER, // Sender tendered the shipment to UPS after the latest pickup time for the requested…
  'K5': KEEP_PREVIOUS, // A guaranteed service refund has been requested for this package.
  'K6': KEEP_PREVIOUS, // A guaranteed service refund has been voided for this package.
  'K7': DELIVERED, // The receiver has acknowledged receipt of this package.
  'K8': IN_TRANSIT, // A UPS Proactive Response® intercept for this package has been completed.
  'KI': ATTEMPT_FAILED_HELD_FOR_PAYMENT, // The receiver refused to pay the C.O.D. amount for this package.
  'KM': DELIVERED, // The package was delivered at the receiver's location.
  'KN': DELIVERED, // The receiver chose to keep the package.
  'KO': KEEP_PREVIOUS, // UPS Contacted The Receiver
  'KP': RETURNING, // The package will be returned to the sender.
  'KQ': EXCEPTION_RECIPIENT_REFUSED, // The receiver refused, the package appeared to be damaged. UPS will notify the sende…
  'KR': EXCEPTION_RECIPIENT_REFUSED, // The receiver does not want the product and refused the delivery.
  'KS': EXCEPTION_RECIPIENT_REFUSED, // The receiver states the product was not ordered and has refused the delivery.
  'KT': EXCEPTION_RECIPIENT_REFUSED, // The receiver refused the delivery.
  'KX': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // We missed you again. A final attempt will be made the next business day.
  'KY': INFO_RECEIVED, // We tried to pick up the package again, but it was not ready. A final attempt will b…
  'KZ': ATTEMPT_FAILED_HELD_FOR_PAYMENT, // The driver was not able to receive payment. A final attempt will be made the next b…
  'L0': IN_TRANSIT, // Delivery instructions have been provided by the receiver.
  'L1': ATTEMPT_FAILED_BUSINESS_CLOSED, // We tried to deliver to the business again, but it was closed. A final attempt will…
  'L2': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'L3': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'L5': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'L8': IN_TRANSIT, // Delivery instructions have been provided by the receiver.
  'LE': DELAYED_BY_CARRIER, // A mechanical failure has delayed delivery. We're adjusting plans to deliver your pa…
  'LF': DELAYED_BY_CARRIER, // A mechanical failure has delayed delivery. We're adjusting plans to deliver your pa…
  'LH': IN_TRANSIT, // Saturday guaranteed service is not available in the destination Zip code.
  'LI': IN_TRANSIT, // The shipment is being held in the logistics location for a future delivery date.
  'LN': KEEP_PREVIOUS, // The damage inspection request has been changed.
  'LO': KEEP_PREVIOUS, // The damage inspection request has been reissued.
  'LQ': KEEP_PREVIOUS, // We've scheduled an inspection of the damaged contents and packaging. We'll provide…
  'LU': IN_TRANSIT, // We updated the delivery information for your package.
  'LV': EXCEPTION_CUSTOMS_HOLD, // Package Forwarded To Government Agency
  'LX': IN_TRANSIT, // Package transferred to post office
  'LY': IN_TRANSIT, // The shipment is in transit for final delivery. Delivery is scheduled in approximate…
  'LZ': AVAILABLE_FOR_PICKUP, // At the sender's request, we'll make only one delivery attempt. The receiver must pi…
  'MF': IN_TRANSIT, // This package is being held for a future delivery date.
  'MI': EXCEPTION_CUSTOMS_HOLD, // Your package was returned to the import site and is awaiting clearance.
  'MT': DELAYED_MISSED_CONNECTION, // We've missed the scheduled transfer time. This may cause a delay.
  'NI': EXCEPTION_CANCELLED_BY_SENDER, // The package was discarded at the sender's request. Please contact the sender for de…
  'NP': DELAYED_BY_CARRIER, // Your UPS® Premier package has encountered a flight delay.
  'NW': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  'O0': RETURNING_PROHIBITED_ITEM, // Due to regulatory issues your wine shipment is being returned to the sender.
  'O1': IN_TRANSIT, // A delivery change for this package is in progress.
  'O2': IN_TRANSIT, // We've modified the requested change of delivery for your package.
  'O3': IN_TRANSIT, // We received an additional request to change the delivery of this package. The reque…
  'O4': RETURNING, // The package will be returned to the sender.
  'O5': AVAILABLE_FOR_PICKUP, // The receiver will pick up the package at a UPS facility.
  'O6': DELAYED_BY_CARRIER, // We've rescheduled this delivery.
  'O7': IN_TRANSIT, // Your package will be delivered to an alternate address.
  'O8': AVAILABLE_FOR_PICKUP, // The receiver arranged to pick up this package at a UPS facility.
  'O9': AVAILABLE_FOR_PICKUP, // A Same-day Will Call was arranged for this package.
  'OA': IN_TRANSIT, // Transfer to freight forwarding service.
  'OB': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'OD': DELAYED_BY_CARRIER, // Your UPS® Premier package has encountered an airport delay.
  'OH': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // No one was available to accept the delivery.
  'OI': DELAYED_CUSTOMS_HOLD, // Your UPS® Premier package has encountered a customs delay.
  'OJ': EXCEPTION_ADDRESS_PROBLEM, // Your UPS® Premier package has incorrect address information.
  'OL': IN_TRANSIT, // The receiver has requested a later delivery time.
  'OM': EXCEPTION_LABEL_PROBLEM, // Missing shipment data is causing a delay. We are awaiting electronic data upload fr…
  'OQ': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'OR': EXCEPTION_PROHIBITED_ITEM, // Your package is being held because it exceeds the regulatory limit for lithium batt…
  'OS': DELAYED_BY_CARRIER, // Your package is being delayed due to the processing involved with handling lithium…
  'OT': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'P4': IN_TRANSIT, // We Have Your Package
  'P6': DELAYED_BY_CARRIER, // Pkg Delay-Rail Check Beyond UPS Control
  'P7': IN_TRANSIT, // Apple volume at origin pending departure on Charter Aircraft as scheduled.
  'PG': IN_TRANSIT, // Processing at UPS Facility
  'PH': EXCEPTION_ADDRESS_PROBLEM, // Shipment Held To Verify Name Or Address
  'PI': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // The receiver did not present proper identification containing the delivery address.
  'PP': RETURNING, // We have returned the package to the sender using the package return label.
  'PZ': DELAYED_WEATHER, // Severe weather conditions have delayed delivery
  'Q0': DELAYED_BY_CARRIER, // Previous local labor dispute has caused delays. Recovery efforts are under way to d…
  'Q1': DELAYED_BY_CARRIER, // We are experiencing transit delays. We will deliver your package as soon as possibl…
  'R1': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a non-UPS broker. Contact the non-UPS broker f…
  'R3': IN_TRANSIT, // Delivery instructions have been provided by the receiver.
  'R4': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'R5': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'R6': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'R7': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'R8': IN_TRANSIT, // Delivery instructions have been provided by the receiver.
  'RA': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'RB': IN_TRANSIT, // Processing At UPS Facility
  'RC': IN_TRANSIT, // Received by the local post office
  'RD': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'RE': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'RF': IN_TRANSIT, // Saturday delivery has been requested.
  'RG': IN_TRANSIT, // The operating facility accepted the request.
  'RH': IN_TRANSIT, // The operating facility was not able to meet the request.
  'RI': IN_TRANSIT, // As requested, the UPS My Choice® package will be delivered to the customer's prefer…
  'RJ': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a non-UPS broker. Contact the non-UPS broker f…
  'RK': OUT_FOR_DELIVERY, // Out for Delivery Today
  'RL': OUT_FOR_DELIVERY, // Out For Delivery
  'RM': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'RO': DELAYED_BY_CARRIER, // Delivery will be rescheduled for Saturday.
  'RP': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'RR': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'RS': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'RU': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a non-UPS broker. Contact the non-UPS broker f…
  'RV': RETURNING, // We will return the package to the sender on Saturday.
  'RW': IN_TRANSIT, // A second delivery attempt has been requested.
  'RX': EXCEPTION_CUSTOMS_HOLD, // Exporter Power Of Attorney Required
  'RY': DELAYED_BY_CARRIER, // A non-UPS labor dispute has delayed delivery. We're working to deliver your package…
  'RZ': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'S0': IN_TRANSIT, // Delivery instructions have been provided by the receiver.
  'S1': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'S2': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'S3': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'S4': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'S5': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'S6': DELAYED_BY_CARRIER, // The receiver will only accept delivery during certain hours. We're adjusting delive…
  'S7': AVAILABLE_FOR_PICKUP, // The receiver requested this package to be held for pickup at the UPS facility.
  'S8': DELAYED_MISSED_CONNECTION, // A late UPS trailer arrival has caused a delay. We're adjusting plans to deliver you…
  'S9': EXCEPTION_LOST, // We've sent the package to UPS lost and found.
  'SF': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'SI': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'SJ': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'SL': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'SN': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'SO': IN_TRANSIT, // Delivery instructions have been provided by the receiver.
  'SP': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'SS': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'SU': IN_TRANSIT, // Delivery instructions have been provided by the receiver.
  'SV': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a non-UPS broker. Contact the non-UPS broker f…
  'SX': IN_TRANSIT, // Your package is in transit. We're updating plans to schedule your delivery.
  'SY': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'T3': EXCEPTION_HELD_AT_CARRIER, // The sender requested that we hold this package.
  'T4': IN_TRANSIT, // The sender requested a change to the service features.
  'T5': IN_TRANSIT, // The customer has requested a change to the C.O.D. amount.
  'T6': IN_TRANSIT, // The customer has requested that a signature no longer be required for the delivery…
  'T7': KEEP_PREVIOUS, // Your package has been placed in a climate controlled environment.
  'T8': KEEP_PREVIOUS, // Your package has been removed from a climate controlled environment.
  'T9': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a non-UPS broker. Contact the non-UPS broker f…
  'TA': EXCEPTION_OTHER, // We've contacted the sender.
  'TB': IN_TRANSIT, // The receiver requested a temporary change to the delivery address.
  'TC': EXCEPTION_OTHER, // Package not available.
  'TE': IN_TRANSIT, // As requested, the package is moving in-bond to an alternate location for regulatory…
  'TF': EXCEPTION_ADDRESS_PROBLEM, // We require a phone number for the delivery address.
  'TG': IN_TRANSIT, // A sample of the shipment was taken by Clearing Agency.
  'TH': DELAYED_BY_CARRIER, // Your delivery has been rescheduled for the next business day.
  'TI': DELAYED_BY_CARRIER, // Service disruption occurred.
  'TJ': EXCEPTION_LOST, // We sent the package to UPS Lost and Found.
  'TK': EXCEPTION_OTHER, // UPS Will Contact The Sender With Details
  'TL': IN_TRANSIT, // The delivery information was updated in error. We've corrected the mistake.
  'TN': DELAYED_BY_CARRIER, // We're unable to deliver your package on schedule.
  'TO': AVAILABLE_FOR_PICKUP, // Same Day Will Call for courier pick up.
  'TR': INFO_RECEIVED, // Pickup is scheduled for the next business day.
  'TS': KEEP_PREVIOUS, // Rs Label Has Been Discarded
  'TT': EXCEPTION_CUSTOMS_HOLD, // Package resubmitted to Clearing Agency for clearance.
  'TU': RETURNING_ADDRESS_PROBLEM, // Address information is incomplete. The package was returned to the sender.
  'TV': EXCEPTION_DAMAGED, // Damaged in transit-chemical / liquid.
  'TX': EXCEPTION_PROHIBITED_ITEM, // Generally prohibited item identified in package contents that does not comply with…
  'U0': EXCEPTION_PROHIBITED_ITEM, // Unauthorized animal identified in package contents
  'U3': EXCEPTION_PROHIBITED_ITEM, // Unauthorized plant identified in package contents
  'UA': RETURNING, // UPS has returned your package to the sender.
  'UD': IN_TRANSIT, // The receiver requested an alternate delivery address. The request is in progress an…
  'UE': AVAILABLE_FOR_PICKUP, // A special account package is being held at the UPS facility for pickup. The pickup…
  'UF': RETURNING, // We're in the process of returning this package to the sender.
  'UG': IN_TRANSIT, // The package is being held for a future delivery date. We'll attempt to deliver on t…
  'UI': IN_TRANSIT, // Your package is in transit to the UPS facility.
  'UK': DELAYED_BY_CARRIER, // Due to operating conditions, your package may be delayed.
  'UL': KEEP_PREVIOUS, // Claim issued.
  'UN': EXCEPTION_PROHIBITED_ITEM, // The package contains an unauthorized tobacco commodity, and we are unable to comple…
  'UO': KEEP_PREVIOUS, // Lost package investigation
  'UP': EXCEPTION_OTHER, // We're attempting to verify the package location.
  'UR': EXCEPTION_PROHIBITED_ITEM, // Unauthorized hazardous material identified in package contents
  'US': EXCEPTION_PROHIBITED_ITEM, // Undeclared hazardous material identified in package contents
  'UT': IN_TRANSIT, // Delivery instructions have been provided by the receiver with an updated delivery d…
  'UW': KEEP_PREVIOUS, // Unpaid Cod Investigation
  'UX': KEEP_PREVIOUS, // Investigation Only
  'UZ': AVAILABLE_FOR_PICKUP, // Same Day Will Call For Courier Pick Up
  'V9': KEEP_PREVIOUS, // Your UPS® Premier package has received Gel Pack Replenishment at Frozen Temperature…
  'VA': IN_TRANSIT, // The receiver canceled the will call and we will attempt delivery.
  'VB': AVAILABLE_FOR_PICKUP, // Will-call pickup must be made within 5 business days.
  'VD': IN_TRANSIT, // UPS will redeliver to same address on day after Same Day Will Call request.
  'VE': AVAILABLE_FOR_PICKUP, // Cust Will Pick Up At Customer Counter this evening
  'VF': IN_TRANSIT, // Customer has made arrangements to meet the driver to pick up on area.
  'VG': IN_TRANSIT, // We'll attempt to redeliver today.
  'VH': IN_TRANSIT, // We've confirmed arrangements with customer.
  'VI': EXCEPTION_OTHER, // Unable to contact customer at primary number.
  'VJ': EXCEPTION_OTHER, // Unable to contact customer at alternate number.
  'VK': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'VL': DELAYED_BY_CARRIER, // The business is closed for the weekend. There’s a Middle East weekend delivery dela…
  'VM': IN_TRANSIT, // The delivery change was completed.
  'VN': AVAILABLE_FOR_PICKUP, // The receiver arranged for same-day pickup at a UPS facility.
  'VP': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'VQ': IN_TRANSIT, // MRN (Movement Reference Number) provided by customer due to high customs value of s…
  'VR': IN_TRANSIT, // MRN (Movement Reference Number) provided by UPS due to high customs value of shipme…
  'VU': KEEP_PREVIOUS, // Your UPS® Premier package has received Gel Pack Replenishment at Control Room Tempe…
  'VV': KEEP_PREVIOUS, // Your UPS® Premier package has received Gel Pack Replenishment at Refrigerate Temper…
  'VW': KEEP_PREVIOUS, // Your UPS® Premier package was stored in a Controlled Room Temperature (15 - 25° C).
  'VX': IN_TRANSIT, // UPS® Premier package has been tendered to UPS Express Critical® Partner for final d…
  'VZ': IN_TRANSIT, // The package will be forwarded to a UPS facility in the destination city.
  'W8': IN_TRANSIT, // As requested, the package is now in transit to a free trade zone.
  'X0': IN_TRANSIT, // The information requested has been obtained and the hold has been resolved.
  'X2': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'X3': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'X4': IN_TRANSIT, // UPS is preparing your package for clearance. We will notify you if additional infor…
  'X5': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'X6': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'X7': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'X8': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'X9': EXCEPTION_CUSTOMS_HOLD, // The customer requested UPS contact them for instruction before submitting for Custo…
  'XA': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'XB': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with receiver or importer for clearance information. Once rec…
  'XC': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'XD': IN_TRANSIT, // Import Scan
  'XE': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'XG': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'XJ': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'XK': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'XL': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'XN': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'XO': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'XS': EXCEPTION_HELD_AT_CARRIER, // Will Call required for compliance reasons
  'XU': RETURNING_PROHIBITED_ITEM, // Return to shipper required for compliance reasons
  'XV': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'XW': EXCEPTION_CUSTOMS_HOLD, // UPS initiated contact with the sender to obtain clearance information. Once receive…
  'XY': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a Government Agency. Once they release it, you…
  'XZ': DELAYED_CUSTOMS_HOLD, // Your package was cleared after the scheduled transport departure. We will reschedul…
  'Y1': EXCEPTION_CUSTOMS_HOLD, // The package is at the clearing agency awaiting final release.
  'Y2': EXCEPTION_OTHER, // We've requested that the receiver contact us.
  'Y3': EXCEPTION_OTHER, // Receiver Contacted. No Response Received
  'Y4': EXCEPTION_CUSTOMS_HOLD, // Shipment transferred to local Govt agency and is temporarily out of UPS control.
  'Y5': IN_TRANSIT, // Documents or info requested from the customer were received and are being processed…
  'Y7': IN_TRANSIT, // The package is being held for a future delivery date.
  'Y9': IN_TRANSIT, // The package is scheduled for transfer to the post office by the next business day.…
  'YA': EXCEPTION_CUSTOMS_HOLD, // Your package is pending release from a non-UPS broker. Contact the non-UPS broker f…
  'YD': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // The post office attempted to deliver your UPS SurePost® package and left a delivery…
  'YE': EXCEPTION_RECIPIENT_REFUSED, // The post office attempted to deliver the UPS SurePost® package, but the receiver re…
  'YF': EXCEPTION_ADDRESS_PROBLEM, // The post office was unable to deliver the UPS SurePost® package as addressed. Pleas…
  'YG': IN_TRANSIT, // The post office forwarded the UPS SurePost® package to the receiver's address on fi…
  'YI': DELAYED_MISSED_CONNECTION, // Your UPS SurePost® package was transferred to the wrong post office. It is being co…
  'YJ': RETURNING_ADDRESS_PROBLEM, // The post office was unable to deliver the UPS SurePost® package as addressed and re…
  'YK': RETURNING, // The post office was unable to deliver the UPS SurePost® package and returned it to…
  'YL': EXCEPTION_OTHER, // The post office was unable to deliver your UPS SurePost® package. It is being sent…
  'YM': EXCEPTION_OTHER, // The post office was unable to deliver your UPS SurePost® package. It is being sent…
  'YR': IN_TRANSIT, // Your package is at the UPS distribution facility and is scheduled for delivery on t…
  'YS': IN_TRANSIT, // As requested by the sender, this package requires special handling.
  'YT': IN_TRANSIT, // Warehouse Scan
  'YU': EXCEPTION_OTHER, // The contents of the package being returned do not match the description provided by…
  'YV': EXCEPTION_LABEL_PROBLEM, // The return label was missing. We're unable to return the package to the sender.
  'YW': EXCEPTION_OTHER, // A UPS Returns® Pack and Collect box was not requested by the sender. The goods cann…
  'YX': IN_TRANSIT, // Export Scan
  'Z1': IN_TRANSIT, // Brokerage Released. Waiting For Clr Agy
  'Z3': IN_TRANSIT, // Receiver's customs broker has been assigned. The shipment is now released to move i…
  'Z5': IN_TRANSIT, // Pickup Scan
  'Z7': KEEP_PREVIOUS, // Your UPS® Premier package was stored in a Refrigerator (2 - 8° C).
  'Z8': KEEP_PREVIOUS, // Your UPS® Premier package was stored in a Freezer (-20° C).
  'ZA': IN_TRANSIT, // A UPS My Choice® delivery change was requested for this package.
  'ZB': IN_TRANSIT, // At the receiver's request, the UPS My Choice® delivery change option was modified.
  'ZC': IN_TRANSIT, // As requested, the UPS My Choice® delivery change was completed.
  'ZD': IN_TRANSIT, // Deliver to a UPS Access Point™ location.
  'ZK': IN_TRANSIT, // At Local Post Office
  'ZL': IN_TRANSIT, // Delivery to UPS Access Point™ location is pending.
  'ZM': ATTEMPT_FAILED_BUSINESS_CLOSED, // The post office attempted delivery of your UPS SurePost® package, but the receiving…
  'ZN': IN_TRANSIT, // Package has been dispatched from the USPS International Service Center for final de…
  'ZO': IN_TRANSIT, // The UPS Access Point™ location has prepared the package for return to UPS or pickup…
  'ZP': AVAILABLE_FOR_PICKUP, // Delivered to UPS Access Point™ location and awaiting customer pickup.
  'ZS': OUT_FOR_DELIVERY, // Out for delivery to UPS Access Point™
  'ZU': KEEP_PREVIOUS, // Your UPS® Premier package has received Dry Ice Replenishment (-80° C).
  'ZV': IN_TRANSIT, // Received by Agent Export Processing Site. Preparing for final mile delivery.
  'ZW': IN_TRANSIT, // Package moving to local post office
  'ZX': IN_TRANSIT, // Your package has been expedited to the receiver to facilitate delivery by end of da…
  'ZY': IN_TRANSIT, // Your package has been expedited to the receiver to facilitate delivery by end of da…
  'ZZ': IN_TRANSIT, // Your package has been expedited to the receiver to facilitate delivery by end of da…
} as const satisfies Record<string, UpsCodeMapping>;

/** Type D detail codes ("DIALS"): where the parcel was left, why it was not, delivery-side delays. */
export const UPS_DELIVERY_DETAIL_CODES = {
  '0': DELAYED_BY_CARRIER, // In-Transit Delay
  '9': DELAYED_BY_CARRIER, // In-Transit Delay
  '12': DELAYED_BY_CARRIER, // In-Transit Delay
  '1N': AVAILABLE_FOR_PICKUP, // The package was delivered to a locker and is awaiting customer pickup.
  '1Z': KEEP_PREVIOUS, // Customer requested earlier pickup
  '28': EXCEPTION_DAMAGED, // Damaged Package Held At Transit Location
  '2C': KEEP_PREVIOUS, // Customer agreed to earlier pickup
  '2D': IN_TRANSIT, // Package Arrived At USPS Sort Facility
  '2J': IN_TRANSIT, // Package Departed From USPS Sort Facility
  '2K': OUT_FOR_DELIVERY, // Package Out For Delivery With The USPS
  '2Q': AVAILABLE_FOR_PICKUP, // Delivered To UPS Access Point™
  '2W': DELIVERED, // Package Picked Up At UPS Access Point
  '32': DELAYED_BY_CARRIER, // In-transit delay at UPS facility. Delivery is rescheduled.
  '38': KEEP_PREVIOUS, // Customer special request.
  '3F': DELIVERED, // Other Location At Address
  '3G': DELIVERED, // Left With Individual
  '3H': DELIVERED, // Neighbor - By Request
  '41': DELAYED_BY_CARRIER, // Origin Delay - Special Flight Arranged
  '42': DELAYED_BY_CARRIER, // In-Transit Delay-Special Flight Arranged
  '44': DELAYED_BY_CARRIER, // In-Transit Delay-Special Flight Arranged
  '4X': IN_TRANSIT, // Delivery To UPS Facility See Alt Track #
  '50': EXCEPTION_ADDRESS_PROBLEM, // Not Delivered - Incorrect Address
  '53': EXCEPTION_RECIPIENT_REFUSED, // Receiver Refused Package
  '57': DELAYED_BY_CARRIER, // No Delivery Attempt On Scheduled Day
  '5F': AVAILABLE_FOR_PICKUP, // Recipient did not collect the package; UPS Access Point™ returned package to invent…
  '61': EXCEPTION_PROHIBITED_ITEM, // Hazardous Material Prohibited Via Air
  '62': EXCEPTION_PROHIBITED_ITEM, // Hazardous Material Prohibited Via Air
  '70': IN_TRANSIT, // Package Awaiting Customs Clearance
  '74': EXCEPTION_LABEL_PROBLEM, // The package lacks the appropriate tracking label. The sender may be contacted for i…
  '7A': IN_TRANSIT, // Delivery To UPS Ap Next Bus Day
  '7B': ATTEMPT_FAILED, // Non-Del To UPS Ap; Status Update Pending
  '7K': OUT_FOR_DELIVERY, // Delivery Attempt In Progress
  '83': IN_TRANSIT, // The freight shipment has cleared customs.
  '85': IN_TRANSIT, // The freight shipment has been processed to the warehouse.
  '86': IN_TRANSIT, // The freight shipment has been tendered to the designated broker.
  '8N': KEEP_PREVIOUS, // None Selected
  '8O': DELIVERED, // Management Office
  '8Q': IN_TRANSIT, // Authorize Shipment Release Requested
  '98': IN_TRANSIT, // The package was line flown for other reasons, contact UPS at 1-800-PICK-UPS.
  '9E': KEEP_PREVIOUS, // Commercial Inside Release
  'A0': DELIVERED, // Package Picked Up At USPS Facility
  'AI': DELIVERED, // Dock
  'AU': IN_TRANSIT, // Receiver Requests Hold For Pickup
  'B0': RETURNED, // Package Delivered To Original Sender
  'B2': EXCEPTION_CUSTOMS_HOLD, // Not Yet Released By Customs
  'BI': ATTEMPT_FAILED_BUSINESS_CLOSED, // Closed.
  'BL': EXCEPTION_PROHIBITED_ITEM, // International - Commodity Restricted
  'BM': EXCEPTION_OTHER, // Package Dimensions Exceed Size Limit
  'BN': IN_TRANSIT, // Package Has Cleared Customs
  'BO': EXCEPTION_ADDRESS_PROBLEM, // Incorrect address.
  'BS': EXCEPTION_OTHER, // Not Forwarded-Unable To Contact Receiver
  'CB': DELAYED_BY_CARRIER, // In-Transit Delay-Special Flight Arranged
  'CI': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // Not in.
  'CO': KEEP_PREVIOUS, // Not ready.
  'CR': DELAYED_WEATHER, // Delay - Local Weather
  'CU': EXCEPTION_LABEL_PROBLEM, // Not Delivered-Missing Or Illegible Label
  'DI': ATTEMPT_FAILED_HELD_FOR_PAYMENT, // No money.
  'DK': DELAYED_CUSTOMS_HOLD, // Delay - Custom'S Pre-Inspection Required
  'DO': ATTEMPT_FAILED, // Other non delivery.
  'DZ': EXCEPTION_ADDRESS_PROBLEM, // Not Delivered - Room Number Needed
  'EA': ATTEMPT_FAILED, // Missed.
  'EB': KEEP_PREVIOUS, // Cancelled.
  'EC': IN_TRANSIT, // Redispatched.
  'EE': KEEP_PREVIOUS, // Already serviced.
  'EF': DELAYED_BY_CARRIER, // Delay - Special Flight Arranged
  'EG': DELAYED_ADDRESS_PROBLEM, // Address corrected-a special flight is required to make the scheduled delivery.
  'EI': DELAYED_BY_CARRIER, // Delay For Mechanical Or Technical Reason
  'EJ': DELAYED_WEATHER, // Delay - Local Weather
  'EK': DELAYED_MISSED_CONNECTION, // Package Missed Scheduled Connection
  'EL': DELAYED_BY_CARRIER, // In-Transit Delay-Special Flight Arranged
  'EM': DELAYED_BY_CARRIER, // In-Transit Delay-Special Flight Arranged
  'EP': AVAILABLE_FOR_PICKUP, // Your UPS SurePost® package was delivered to the Post Office and it is being held fo…
  'EQ': IN_TRANSIT, // Service Upgrade-Special Flight Arranged
  'ET': DELAYED_CUSTOMS_HOLD, // Delay-More Government Documents Required
  'EZ': IN_TRANSIT, // Cleared Customs After Noon
  'F0': IN_TRANSIT, // Arrival Scan
  'F3': IN_TRANSIT, // Departure Scan
  'F1': IN_TRANSIT, // Delivery scheduled.
  'F2': EXCEPTION_ADDRESS_PROBLEM, // Delivery information incomplete.
  'F7': IN_TRANSIT, // Your UPS SurePost® package was delivered to an Agent for final delivery.
  'FB': OUT_FOR_DELIVERY, // Being Delivered - Address Corrected
  'FC': EXCEPTION_OTHER, // Not Forwarded-Unable To Contact Receiver
  'FD': IN_TRANSIT, // Phone Number Obtained
  'FI': KEEP_PREVIOUS, // Already picked up.
  'FO': ATTEMPT_FAILED_BUSINESS_CLOSED, // Closed early.
  'FV': DELIVERED, // Successful.
  'FZ': DELAYED_BY_CARRIER, // No attempt.
  'GK': EXCEPTION_DAMAGED, // Contents shortage reported or fallout discovered by UPS.
  'GW': KEEP_PREVIOUS, // Customer special request.
  'HI': IN_TRANSIT, // Package Intercepted
  'KU': EXCEPTION_OTHER, // The entire shipment was not delivered.
  'L4': EXCEPTION_CUSTOMS_HOLD, // Package Requires Custom's Inspection
  'L6': KEEP_PREVIOUS, // The package information does not reside in ISPS.
  'LM': KEEP_PREVIOUS, // Service level not available.
  'M1': DELIVERED, // Residential
  'M2': DELIVERED, // Commercial
  'M3': DELIVERED, // Front Desk
  'M4': DELIVERED, // Reception
  'M5': DELIVERED, // Mail Room
  'M6': DELIVERED, // Office
  'M7': DELIVERED, // Receiver
  'M8': DELIVERED, // Guard
  'M9': DELIVERED, // Door Person
  'MA': DELIVERED, // Hostess
  'MB': DELIVERED, // Janitor
  'MC': DELIVERED, // Store
  'MD': DELIVERED, // Warehouse
  'ME': DELIVERED, // Receiving office
  'MG': DELIVERED, // Met Customer
  'MH': DELIVERED, // Met Customer
  'MJ': DELIVERED, // Met Customer
  'MK': DELIVERED, // Met Customer
  'ML': DELIVERED, // Front Door
  'MM': DELIVERED, // Rear Door
  'MN': DELIVERED, // Side Door
  'MP': DELIVERED, // Garage
  'MQ': DELIVERED, // Porch
  'MR': DELIVERED, // Deck
  'MS': DELIVERED, // Patio
  'MU': DELIVERED, // Mailbox
  'MV': EXCEPTION_ADDRESS_PROBLEM, // Missing Postal Code
  'MW': DELIVERED, // Carport
  'MX': DELIVERED, // Other - released
  'MY': KEEP_PREVIOUS, // Return service shipping label was left with the shipment's receiver.
  'NL': DELIVERED, // As requested by the receiver, the package was left in a delivery bag.
  'NS': ATTEMPT_FAILED_NO_ACCESS, // Gate Code
  'NT': DELIVERED, // As requested by the receiver, the package was delivered to a meter box.
  'NX': ATTEMPT_FAILED_NO_ACCESS, // Security Code
  'OE': ATTEMPT_FAILED_NO_ACCESS, // Security Code required to enter property
  'OO': DELIVERED, // Your UPS Premier Package Was Delivered
  'OZ': DELIVERED, // As requested by the receiver, the package was delivered to a security office.
  'P5': DELIVERED, // Locker
  'PF': DELIVERED, // Inside Delivery
  'RN': EXCEPTION_PROHIBITED_ITEM, // Shipment Contains Restricted Commodities
  'RQ': EXCEPTION_CUSTOMS_HOLD, // Hold pend clearance from Govt agency other than us customs.
  'SB': EXCEPTION_CUSTOMS_HOLD, // Pull invoice/waybill.
  'SE': EXCEPTION_CUSTOMS_HOLD, // Replace invoice/waybill.
  'SG': EXCEPTION_CUSTOMS_HOLD, // Pre-Clearance Impossible Due To Inc Info
  'ST': EXCEPTION_CUSTOMS_HOLD, // Customs Reject
  'TW': KEEP_PREVIOUS, // Awaiting Supervisor Approval
  'UC': DELIVERED, // Delivery completed.
  'UJ': KEEP_PREVIOUS, // UPS Internal Activity
  'VS': IN_TRANSIT, // Shipment Tendered To UPS
  'YC': DELIVERED, // Package Delivered By Local Post Office
  'YH': IN_TRANSIT, // Post Office To Deliver In 1 To 2 Days
  'ZE': DELIVERED, // Authorize Shipment Release Was Utilized
  'ZF': DELIVERED, // Shed
  'ZG': DELIVERED, // Concierge
  'ZH': DELIVERED, // Superintendent
  'ZI': AVAILABLE_FOR_PICKUP, // Left At UPS Retail Location
  'ZQ': AVAILABLE_FOR_PICKUP, // Your Pkg Is Being Held For Collection
} as const satisfies Record<string, UpsCodeMapping>;

/**
 * Mail Innovations shipping-event codes (appendix "CRD TSEVSDS - Mail Innovations"), read for
 * packages that upsCodeTableOf recognises as Mail Innovations (not SurePost: its 1Z parcels have
 * small-package codes for their post-office events). The appendix's second column says who
 * reported the event (VT: UPS Mail Innovations, IC: USPS, H6: UPS Access Point and international
 * partners, A4: international postal carrier); it is not sent with an activity and does not change
 * the meaning. PX is listed twice (H6 and IC) with the same text.
 */
export const UPS_MAIL_INNOVATIONS_CODES = {
  '00': DELAYED_BY_CARRIER, // Processing Exception, Other Delay
  '1A': OUT_FOR_DELIVERY, // Package out for post office delivery
  '1B': IN_TRANSIT, // Package sorted by post office
  '1C': AVAILABLE_FOR_PICKUP, // Available for Pickup
  '1D': AVAILABLE_FOR_PICKUP, // Package available for pick-up at post office
  '1E': DELIVERED, // Package picked-up by agent at post office
  '1F': RETURNING, // Package returned to sender by post office. Contact sender for further assistance…
  '1G': DELIVERED, // Package picked-up by agent or addressee at post office.
  '2N': KEEP_PREVIOUS, // Electronic Shipment Information Received for Package by Post Office
  '2O': IN_TRANSIT, // Shipment Acceptance at Post Office
  'AU': AVAILABLE_FOR_PICKUP, // Hold for Pickup at UPS Mail Innovations facility
  'DL': DELIVERED, // Delivery with Signature
  'DM': IN_TRANSIT, // Redelivery scheduled
  'DN': AVAILABLE_FOR_PICKUP, // Available for Redelivery or Pickup
  'DO': ATTEMPT_FAILED_NO_ACCESS, // Delivery Attempted: No Access to Delivery Location
  'DP': KEEP_PREVIOUS, // Reminder to Schedule Redelivery of your item
  'DQ': IN_TRANSIT, // Accepted at USPS Destination Sort Facility
  'DR': IN_TRANSIT, // Departed USPS Facility
  'DS': IN_TRANSIT, // Sorted at UPS Facility
  'DU': ATTEMPT_FAILED_NO_ACCESS, // Notice Left: Receptacle Blocked
  'DV': ATTEMPT_FAILED, // Notice Left: Receptacle Full/Item Oversized
  'DW': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // Notice Left: No Secure Location Available
  'DX': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // Notice Left: No Authorized Recipient Available
  'DY': IN_TRANSIT, // Departed USPS Facility
  'DZ': IN_TRANSIT, // Arrived at USPS Facility
  'EA': DELAYED_WEATHER, // Delivery Exception, Local Weather Delay
  'EB': DELAYED_BY_CARRIER, // Rescheduled to Next Delivery Day
  'EC': ATTEMPT_FAILED_NO_ACCESS, // Delivery Exception, Animal Interference
  'ED': AVAILABLE_FOR_PICKUP, // Held at Post Office, At Customer Request
  'EE': EXCEPTION_ADDRESS_PROBLEM, // Insufficient Address
  'EF': EXCEPTION_RECIPIENT_MOVED, // Forward Expired
  'EG': EXCEPTION_ADDRESS_PROBLEM, // Addressee Unknown
  'EH': EXCEPTION_RECIPIENT_MOVED, // Vacant
  'EI': RETURNING_RECIPIENT_UNAVAILABLE, // Unclaimed/Being Returned to Sender
  'EJ': RETURNING, // Return To Sender
  'EK': RETURNING, // Return To Sender
  'EL': OUT_FOR_DELIVERY, // Out for Delivery or Out for Redelivery
  'EM': ATTEMPT_FAILED, // Notice Left
  'EN': IN_TRANSIT, // USPS in Possession of Item
  'F4': DELIVERED, // Package Delivered to Customer
  'KP': RETURNING_RECIPIENT_UNAVAILABLE, // Package returned to sender/not picked up
  'ML': INFO_RECEIVED, // Order information received
  'MP': INFO_RECEIVED, // Order information received
  'MQ': IN_TRANSIT, // Order Shipped
  'MR': IN_TRANSIT, // In Transit to United States
  'MS': IN_TRANSIT, // Arrival in United States; Pending Clearance
  'MT': DELAYED_BY_CARRIER, // Rescheduled to next delivery day
  'MU': IN_TRANSIT, // In Transit to Mail Innovations
  'MV': IN_TRANSIT, // Shipment tendered to Mail Innovations
  'MW': IN_TRANSIT, // Departure from Origin Mail Innovations Facility
  'MX': IN_TRANSIT, // In Transit to International Processing Facility
  'MY': IN_TRANSIT, // In Transit
  'MZ': IN_TRANSIT, // Arrival in United States
  'OF': IN_TRANSIT, // Departure Scan: Enroute to customer
  'P0': AVAILABLE_FOR_PICKUP, // Package Delivered to UPS Access Point™
  'P1': DELIVERED, // Delivered
  'P2': IN_TRANSIT, // Package Arrived in Destination Country
  'P3': IN_TRANSIT, // Package in Local Delivery System
  'P4': IN_TRANSIT, // Package with Customs for Clearance
  'P5': IN_TRANSIT, // Package Cleared by Customs Office
  'P6': ATTEMPT_FAILED, // Delivery Attempted
  'P7': IN_TRANSIT, // Exported and In Transit to Country of Destination
  'P8': IN_TRANSIT, // In Transit
  'P9': OUT_FOR_DELIVERY, // Out for Delivery
  'PA': IN_TRANSIT, // Package Received at Export Site
  'PB': IN_TRANSIT, // Processed Through a Transit Hub
  'PC': AVAILABLE_FOR_PICKUP, // Package is Awaiting Customer Pick Up from UPS Access Point™
  'PD': DELAYED_CUSTOMS_HOLD, // Customs Clearance Delay
  'PE': AVAILABLE_FOR_PICKUP, // Package Remains at UPS Access Point™ and is Reaching Final Day for Retrieval by…
  'PF': INFO_RECEIVED, // Export Site has received Package Details from UPS
  'PG': EXCEPTION_RECIPIENT_REFUSED, // Package Refused by Customer
  'PH': EXCEPTION_DAMAGED, // Package was Damaged at UPS Access Point™ and returned to UPS
  'PI': EXCEPTION_ADDRESS_PROBLEM, // Incorrect Address
  'PJ': RETURNING_RECIPIENT_UNAVAILABLE, // Returned to Shipper - No Pickup from UPS Access Point™
  'PK': EXCEPTION_CUSTOMS_HOLD, // Customs Hold for Inspection
  'PL': EXCEPTION_RECIPIENT_REFUSED, // Package Refused by Receiver
  'PM': DELAYED_BY_CARRIER, // Delivery Delay
  'PN': EXCEPTION_ADDRESS_PROBLEM, // Incorrect Address
  'PO': EXCEPTION_CUSTOMS_HOLD, // Customs Requiring Information, contact UPS
  'PP': DELIVERED, // Package Retrieved from UPS Access Point™
  'PQ': RETURNING_CUSTOMS_HOLD, // Returned to Shipper - No Tax ID
  'PR': RETURNING_PROHIBITED_ITEM, // Returned to Shipper - Banned Content
  'PS': RETURNING_ADDRESS_PROBLEM, // Returned to Shipper - Incorrect Address
  'PT': RETURNING, // Returned to Shipper - Undeliverable
  'PU': EXCEPTION_RECIPIENT_REFUSED, // Package Refused
  'PV': RETURNING, // Returned to Shipper
  'PW': RETURNING, // Returned to Shipper
  'PX': EXCEPTION_DAMAGED, // Package Damaged
  'PY': DELAYED_WEATHER, // Delivery Delay due to Weather
  'Q0': KEEP_PREVIOUS, // Electronic Shipment Information Received for Package by international carrier
  'Q1': IN_TRANSIT, // Shipment Acceptance at international carrier
  'Q2': IN_TRANSIT, // Package arrived at international carrier
  'Q3': IN_TRANSIT, // Package processed by international carrier
  'Q4': IN_TRANSIT, // Package departed international carrier facility
  'Q5': EXCEPTION_OTHER, // Package rejected by international carrier
  'Q6': IN_TRANSIT, // Package arrived at foreign customs office
  'Q7': IN_TRANSIT, // Package cleared by foreign customs office
  'Q8': EXCEPTION_PROHIBITED_ITEM, // Package retained by foreign customs office because it contained prohibited items
  'Q9': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because it contain items subject to r…
  'QA': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because it did not contain an invoice
  'QB': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because it contained an inappropriate…
  'QC': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because it was missing a Certificate…
  'QD': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because it contained an inappropriate…
  'QE': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because it did not contain the custom…
  'QF': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because it contained High Value Goods…
  'QG': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because import information is require…
  'QH': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office due because broker item identificatio…
  'QI': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because an import/VAT number is requi…
  'QJ': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because a certificate of returned goo…
  'QK': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because the bank requested a Document…
  'QL': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because it contained incomplete consi…
  'QM': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office because it was handed over to the cus…
  'QN': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office for unspecified reasons
  'QP': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office for proof of purchase/value by addres…
  'QQ': EXCEPTION_CUSTOMS_HOLD, // Package retained by foreign customs office for unspecified reasons
  'QR': EXCEPTION_DAMAGED, // Package was found damaged by a international carrier
  'QS': ATTEMPT_FAILED, // Package delivery was attempted
  'QT': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // Package delivery was attempted and a message was left for the addressee
  'QU': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // Package delivery was attempted but the addressee was unavailable
  'QV': EXCEPTION_DAMAGED, // Package delivery was attempted but the item was damaged
  'QW': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // Package delivery was attempted but the addressee requested a later delivery time
  'QX': EXCEPTION_RECIPIENT_REFUSED, // Package delivery was attempted but was refused by the addressee
  'QY': EXCEPTION_HELD_AT_CARRIER, // Package being held by international carrier
  'QZ': EXCEPTION_RECIPIENT_MOVED, // Package being held by international carrier because the addressee has moved
  'R0': EXCEPTION_ADDRESS_PROBLEM, // Package being held by international carrier because the addressee could not be l…
  'R1': AVAILABLE_FOR_PICKUP, // Package being held by international carrier because addressee requested pickup
  'R2': EXCEPTION_RECIPIENT_UNAVAILABLE, // Package being held by international carrier because addressee was unavailable
  'R3': EXCEPTION_DAMAGED, // Package being held by international carrier because the item is damaged
  'R4': EXCEPTION_HELD_AT_CARRIER, // Package being held by international carrier because of extraordinary circumstanc…
  'R5': EXCEPTION_ADDRESS_PROBLEM, // Package being held by international carrier because it has an incorrect address
  'R6': IN_TRANSIT, // Package being held by international carrier because addressee requested later de…
  'R7': EXCEPTION_HELD_FOR_PAYMENT, // Package being held by international carrier because payment of charges are neces…
  'R8': EXCEPTION_PROHIBITED_ITEM, // Package being held by international carrier because it contains prohibited conte…
  'R9': EXCEPTION_LOST, // Package was lost
  'RA': EXCEPTION_RECIPIENT_UNAVAILABLE, // Package was left unclaimed by the addressee
  'RB': OUT_FOR_DELIVERY, // Out for delivery
  'RC': OUT_FOR_DELIVERY, // Package is out for delivery but payment of charges is required
  'RD': OUT_FOR_DELIVERY, // Package is out for delivery; Force Majeure
  'RE': OUT_FOR_DELIVERY, // Out for delivery
  'RF': ATTEMPT_FAILED, // Package delivery was missed
  'RG': ATTEMPT_FAILED_OTHER, // Package delivery was missed due to extraordinary circumstances
  'RH': ATTEMPT_FAILED_ADDRESS_PROBLEM, // Package delivery was missed due to an incorrect address
  'RI': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // Package delivery was missed due to unavailable addressee or closed office
  'RJ': EXCEPTION_ADDRESS_PROBLEM, // Package was not delivered due to an incomplete address
  'RK': EXCEPTION_ADDRESS_PROBLEM, // Package was not delivered due to an incorrect address
  'RL': EXCEPTION_PROHIBITED_ITEM, // Package was not delivered because it contained prohibited contents
  'RM': EXCEPTION_ADDRESS_PROBLEM, // Package was not delivered because the addressee is unknown
  'RN': DELAYED_MISSED_CONNECTION, // Package was incorrectly sorted to the wrong destination
  'RP': AVAILABLE_FOR_PICKUP, // Package requires pickup from post office
  'RQ': DELIVERED, // Delivered
  'RR': EXCEPTION_ADDRESS_PROBLEM, // Package is undeliverable as addressed
  'RS': EXCEPTION_OTHER, // Package was seized and/or destroyed
  'RT': EXCEPTION_RECIPIENT_MOVED, // Package was seized and/or destroyed because the addressee moved
  'RU': EXCEPTION_RECIPIENT_UNAVAILABLE, // Package was seized and/or destroyed because the addressee was unavailable
  'RV': EXCEPTION_RECIPIENT_REFUSED, // Package was seized and/or destroyed because the customs taxes were refused
  'RW': EXCEPTION_OTHER, // Package was seized and/or destroyed due to extraordinary circumstances
  'RX': EXCEPTION_ADDRESS_PROBLEM, // Package was seized and/or destroyed because the address was incomplete
  'RY': EXCEPTION_ADDRESS_PROBLEM, // Package was seized and/or destroyed because the address was incorrect
  'RZ': EXCEPTION_DAMAGED, // Package was seized and/or destroyed because the item was damaged
  'S0': EXCEPTION_RECIPIENT_REFUSED, // Package was seized and/or destroyed because the addressee refused it
  'S1': EXCEPTION_PROHIBITED_ITEM, // Package was seized and/or destroyed because it contained prohibited content
  'S2': EXCEPTION_RECIPIENT_UNAVAILABLE, // Package was seized and/or destroyed because it was left unclaimed
  'S3': EXCEPTION_ADDRESS_PROBLEM, // Package was seized and/or destroyed because the addressee is unknown
  'S4': IN_TRANSIT, // Package was forwarded to the addressee's address that is on file with the post o…
  'S5': DELAYED_ADDRESS_PROBLEM, // Package was received with an incorrect address and was forwarded to the address…
  'S6': DELAYED_MISSED_CONNECTION, // Package was missorted and was forwarded to the addressee's address that is on fi…
  'S7': IN_TRANSIT, // The addressee has moved and the package was forwarded to the addressee's address…
  'S8': IN_TRANSIT, // Package was forwarded to the addressee's address that is on file with the post o…
  'S9': RETURNING, // Package returned to sender by international carrier
  'SA': RETURNING_RECIPIENT_MOVED, // Package returned to sender by international carrier because the addressee has mo…
  'SB': RETURNING_RECIPIENT_UNAVAILABLE, // Package returned to sender by international carrier because the addressee was un…
  'SC': RETURNING_RECIPIENT_REFUSED, // Package returned to sender by international carrier because the addressee refuse…
  'SD': RETURNING, // Package returned to sender by international carrier because of extraordinary cir…
  'SE': RETURNING_ADDRESS_PROBLEM, // Package returned to sender by international carrier because the addressee's addr…
  'SF': RETURNING_ADDRESS_PROBLEM, // Package returned to sender by international carrier because the addressee's addr…
  'SG': RETURNING_DAMAGED, // Package returned to sender by international carrier because the item was damaged…
  'SH': RETURNING_RECIPIENT_REFUSED, // Package returned to sender by international carrier because the item was refused…
  'SI': RETURNING_PROHIBITED_ITEM, // Package returned to sender by international carrier because it contained prohibi…
  'SJ': RETURNING_RECIPIENT_UNAVAILABLE, // Package returned to sender by international carrier because it remained unclaime…
  'SK': RETURNING_ADDRESS_PROBLEM, // Package returned to sender by international carrier because the address is unkno…
  'SL': RETURNING, // International carrier is preparing package return
  'SM': RETURNING, // International carrier is processing package return
  'SN': DELAYED_MISSED_CONNECTION, // Package en route; international carrier misrouted
  'SO': AVAILABLE_FOR_PICKUP, // Package has arrived at destination pick-up point
  'SP': RETURNING, // Return is out for delivery by post office
  'SQ': RETURNED, // Return delivered to sender
  'SR': ATTEMPT_FAILED_RECIPIENT_UNAVAILABLE, // No authorized addressee is available at destination
  'VS': IN_TRANSIT, // Shipment tendered to UPS Mail Innovations
  'XA': IN_TRANSIT, // Accepted by post office
  'XD': RETURNING_DAMAGED, // Package Damaged: Returned to Sender
  'XO': RETURNING, // Package Returned to Sender
  'YC': DELIVERED, // Delivered
  'YD': AVAILABLE_FOR_PICKUP, // Held at Post Office, At Customer Request
  'YE': EXCEPTION_RECIPIENT_REFUSED, // Refused
  'YF': EXCEPTION_ADDRESS_PROBLEM, // Unable to deliver, problem with address
  'YG': IN_TRANSIT, // Forwarded
  'YH': IN_TRANSIT, // Arrived at Post Office
  'YI': IN_TRANSIT, // Arrived at USPS Facility
  'YJ': EXCEPTION_ADDRESS_PROBLEM, // No Such Number
  'YK': EXCEPTION_RECIPIENT_MOVED, // Moved, Left no Address
  'YL': EXCEPTION_LOST, // Dead Mail: Disposed by Post Office
  'YM': EXCEPTION_LOST, // Dead Mail: Sent to Mail Recovery Center
  'ZM': ATTEMPT_FAILED_NO_ACCESS, // Delivery Attempted: No Access to Delivery Location
  'ZN': IN_TRANSIT, // Dispatched from USPS Intl Service Center
  'ZR': IN_TRANSIT, // Depature Scan: Enroute to USPS
  'ZS': IN_TRANSIT, // Package received for processing
  'ZT': IN_TRANSIT, // Package processed
  'ZU': IN_TRANSIT, // Departed UPS Facility
  'ZV': IN_TRANSIT, // Arrived at UPS Facility
  'ZW': IN_TRANSIT, // Postage Paid/Ready for destination post office entry
  'ZX': IN_TRANSIT, // Package transferred to post office. No further tracking information will be avai…
  'ZY': IN_TRANSIT, // Shipment Delivered to USPS, Package Acceptance Pending
  'ZZ': IN_TRANSIT, // Arrived at USPS Facility
} as const satisfies Record<string, UpsCodeMapping>;

/**
 * UPS Freight / TForce Freight and UPS freight-forwarding codes, read for packages that
 * upsCodeTableOf recognises as freight. Two appendix tables in one, as their keys cannot meet:
 * the forwarding activity codes are three digits with their leading zeros ("012" Delivered, not the
 * status number 12), the freight exception codes two characters ("01", "DP").
 */
export const UPS_FREIGHT_CODES = {
  // CRD TCFRATY - Freight Forwarding Activity
  '000': PENDING, // Data Not Available
  '001': INFO_RECEIVED, // Shipment/Forwarding Information Received
  '002': IN_TRANSIT, // Received into UPS possession
  '003': INFO_RECEIVED, // Date Available to Ship
  '004': KEEP_PREVIOUS, // ETD from Load Port
  '005': IN_TRANSIT, // Departure
  '006': KEEP_PREVIOUS, // ETA at Port of Discharge
  '007': IN_TRANSIT, // Confirmed Arrival
  '009': IN_TRANSIT, // Cleared Customs
  '010': IN_TRANSIT, // Tendered to Clients Nominated Carrier
  '011': OUT_FOR_DELIVERY, // Out for Delivery
  '012': DELIVERED, // Delivered
  '013': EXCEPTION_OTHER, // Exception
  '014': CANCELLED, // Shipment Information Voided
  '015': IN_TRANSIT, // Origin
  '016': IN_TRANSIT, // Destination
  '017': IN_TRANSIT, // Pickup
  '020': IN_TRANSIT, // Appointment Made
  '022': IN_TRANSIT, // Wrapped
  '027': IN_TRANSIT, // Cleared Customs
  '028': IN_TRANSIT, // Departed Transit Leg
  '029': IN_TRANSIT, // Arrived Transit Leg
  '030': IN_TRANSIT, // On Hand at Destination
  '031': IN_TRANSIT, // Arrived at Destination Country
  '032': KEEP_PREVIOUS, // Docs to Outside Broker
  '033': KEEP_PREVIOUS, // ISF Data Accepted (Error Free)
  '034': KEEP_PREVIOUS, // ISF Data Accepted with Warning
  '035': KEEP_PREVIOUS, // ISF Matched to AMS Bill on File
  '036': KEEP_PREVIOUS, // Revised Door ETA
  '037': INFO_RECEIVED, // Booking Received from Client
  '038': INFO_RECEIVED, // Collection Order Issued
  '039': INFO_RECEIVED, // File Opened
  '040': IN_TRANSIT, // Confirmed Arrival at Final Carrier B/L Point
  '041': KEEP_PREVIOUS, // Documents to client's broker or consignee
  '042': KEEP_PREVIOUS, // Documents turned over to UPS broker
  '043': IN_TRANSIT, // Shipment in Customs
  '044': IN_TRANSIT, // Entered Into Warehouse for Storage
  '045': KEEP_PREVIOUS, // Documents received from shipper
  '046': IN_TRANSIT, // On hand at origin location
  '047': KEEP_PREVIOUS, // Documents faxed or sent to destination
  '048': IN_TRANSIT, // Available for final distribution
  '049': IN_TRANSIT, // Shipment has arrived at a Service Center
  '050': DELIVERED, // Shipment has been delivered to consignee
  '051': IN_TRANSIT, // Shipment has been picked up
  '052': IN_TRANSIT, // Shipment is at a UPS Freight location
  '053': EXCEPTION_OTHER, // Shortage noted at receipt from customer
  '054': IN_TRANSIT, // A delivery appointment has been scheduled with the consignee
  '055': OUT_FOR_DELIVERY, // A trailer containing this shipment has been dropped/placed at the consignee's lo…
  '056': IN_TRANSIT, // Registered with clearing agency; shipment release pending clearing agency review
  '057': OUT_FOR_DELIVERY, // Shipment has arrived at the consignee location
  '058': EXCEPTION_LOST, // Shortage noted at receipt from advance carrier
  '059': INFO_RECEIVED, // Trailer dropped at pickup location
  '060': OUT_FOR_DELIVERY, // Trailer dropped at delivery location
  '061': INFO_RECEIVED, // Arrival at pickup location
  '062': IN_TRANSIT, // First rail transfer
  '063': IN_TRANSIT, // Second rail transfer
  '065': IN_TRANSIT, // Third rail transfer
  '066': IN_TRANSIT, // Fourth rail transfer
  '067': IN_TRANSIT, // First in transit border clearance
  '068': IN_TRANSIT, // Second in transit border clearance
  '069': IN_TRANSIT, // Third in transit border clearance
  '070': IN_TRANSIT, // Fourth in transit border clearance
  '072': INFO_RECEIVED, // Planned pickup date
  '073': KEEP_PREVIOUS, // Departed Delivery Location
  '074': INFO_RECEIVED, // Arrived at Pick-Up Location
  '080': IN_TRANSIT, // Confirmed Gateway Departure
  // VCAT - Freight Exception Codes
  '01': DELAYED_BY_CARRIER, // A breakdown / mechanical failure occurred which may result in a service delay
  '02': ATTEMPT_FAILED, // Delivery attempted. Freight brought back
  '03': KEEP_PREVIOUS, // A loss of visibility has occurred causing interruption in the flow of informatio…
  '04': DELAYED_BY_CARRIER, // An incident has occurred which may result in a service delay
  '05': DELAYED_WEATHER, // Adverse weather conditions occurred which may result in a service delay
  '06': EXCEPTION_DAMAGED, // Shipment damage noted while in transit
  '07': IN_TRANSIT, // Appointment is required before delivery
  '08': KEEP_PREVIOUS, // Arrangements for appointment attempted
  '09': AVAILABLE_FOR_PICKUP, // As requested, the receiver will pickup at a TForce Freight facility.
  '10': DELIVERED, // Consignee refused part of shipment; balance delivered
  '11': EXCEPTION_CUSTOMS_HOLD, // Customs must release shipment prior to delivery
  '12': DELIVERED, // Damage noted at delivery; consignee received shipment
  '14': EXCEPTION_DAMAGED, // Damage noted at receipt from advance carrier
  '15': EXCEPTION_DAMAGED, // Damage noted at receipt from shipper
  '16': EXCEPTION_LOST, // Shortage noted at receipt from advance carrier
  '17': EXCEPTION_OTHER, // Shortage noted at receipt from customer
  '18': DELAYED_BY_CARRIER, // A delay at service center may result in a service delay
  '19': DELAYED_BY_CARRIER, // An incident has occurred which may result in a service delay
  '20': DELAYED_OTHER, // Special consignee requirements may result in a service delay
  '21': IN_TRANSIT, // Freight has been placed in consolidation status per consignee instructions
  '22': DELAYED_BY_CARRIER, // Shipment may be delayed
  '24': EXCEPTION_CUSTOMS_HOLD, // Hold per broker instructions
  '25': EXCEPTION_OTHER, // Incomplete or missing documentation must be obtained. TForce Freight is attempti…
  '26': EXCEPTION_CUSTOMS_HOLD, // No broker has been assigned
  '27': EXCEPTION_DAMAGED, // Over short and damaged
  '28': DELIVERED, // Overage noted at delivery; customer received overage
  '29': IN_TRANSIT, // Overage noted at receipt from customer
  '30': IN_TRANSIT, // Overage noted at receipt from advanced carrier
  '31': DELIVERED, // Shortage noted at delivery; customer received balance
  '32': DELAYED_BY_CARRIER, // Shipment delayed, hazardous material load conflict
  '33': EXCEPTION_HELD_AT_CARRIER, // Shipment is at TForce Freight location waiting for disposition from customer
  '34': EXCEPTION_LOST, // Shipment recorded but cannot be found. Attempting to locate
  '35': EXCEPTION_CUSTOMS_HOLD, // Shipment was seized by customs - contact destination brokerage for more detail
  '36': EXCEPTION_LOST, // Shortage noted while in-transit
  '38': DELAYED_BY_CARRIER, // The address is in a remote area and deliveries are not made daily
  '39': DELAYED_BY_CARRIER, // The shipment is delayed
  '40': DELAYED_BY_CARRIER, // The service area is inaccessible; a delay may result
  '41': DELAYED_BY_CARRIER, // Airline backlog
  '42': KEEP_PREVIOUS, // Change in estimated date of arrival at destination port
  '43': DELAYED_BY_CARRIER, // Aircraft downgrade
  '44': DELAYED_BY_CARRIER, // Airline error
  '45': DELAYED_BY_CARRIER, // Act of God/Force Majeure
  '46': DELAYED_CUSTOMS_HOLD, // Consulate delay
  '47': EXCEPTION_OTHER, // Customer information discrepancy
  '48': DELAYED_BY_CARRIER, // Documents late from carrier
  '49': DELAYED_MISSED_CONNECTION, // Missed established cut-off
  '50': KEEP_PREVIOUS, // Pick-up cancelled
  '51': KEEP_PREVIOUS, // Carrier split shipment
  '52': DELAYED_OTHER, // Late documents from consignee
  '53': IN_TRANSIT, // Consignee delayed delivery
  '54': EXCEPTION_PROHIBITED_ITEM, // Dangerous goods refusal
  '55': DELAYED_BY_CARRIER, // Holiday
  '56': EXCEPTION_CUSTOMS_HOLD, // AMS shipper data incomplete
  '57': DELAYED_OTHER, // Late documents from shipper
  '58': EXCEPTION_HELD_FOR_PAYMENT, // Pending duties
  '59': KEEP_PREVIOUS, // Early loading by shipper
  '60': IN_TRANSIT, // Exception override
  '61': EXCEPTION_CUSTOMS_HOLD, // Customs or other government hold/delay
  '62': DELAYED_BY_CARRIER, // Equipment not available
  '63': DELIVERED, // Final delivery of split/partial shipment
  '64': DELAYED_BY_CARRIER, // Airline flight crew out of hours
  '65': EXCEPTION_LABEL_PROBLEM, // Shipment mislabeled by shipper
  '66': IN_TRANSIT, // Consignee delayed delivery
  '67': DELAYED_BY_CARRIER, // Ground handler delay
  '68': IN_TRANSIT, // AMS hold released
  '69': EXCEPTION_HELD_AT_CARRIER, // Held for security reasons
  '70': DELAYED_BY_CARRIER, // Lost documents
  '71': DELAYED_MISSED_CONNECTION, // Late for lock out
  '72': DELAYED_MISSED_CONNECTION, // Late pier delivery
  '73': DELAYED_BY_CARRIER, // Late document turnover
  '74': EXCEPTION_OTHER, // Missing data
  '75': EXCEPTION_OTHER, // No ocean bill of lading
  '76': INFO_RECEIVED, // Shipment not ready for pick-up
  '77': KEEP_PREVIOUS, // Change in estimated date of departure from origin port
  '78': EXCEPTION_OTHER, // Other
  '79': EXCEPTION_OTHER, // Oversized cargo
  '80': EXCEPTION_DAMAGED, // Pallet collapsed
  '81': EXCEPTION_OTHER, // Piece count discrepancy
  '82': DELAYED_BY_CARRIER, // Picking/load error
  '83': IN_TRANSIT, // Cargo reconsigned in transit
  '84': EXCEPTION_CUSTOMS_HOLD, // AMS carrier rejected
  '85': IN_TRANSIT, // Shipment diverted at shipper/consignee request
  '86': RETURNING_CANCELLED_BY_SENDER, // Shipment returned, shipper request/authorized
  '87': DELAYED_BY_CARRIER, // S.S. line error
  '88': DELAYED_BY_CARRIER, // Truck cancelled
  '89': DELAYED_BY_CARRIER, // Trucker pickup/delivery late
  '90': DELAYED_BY_CARRIER, // Trade lane exception
  '91': DELAYED_MISSED_CONNECTION, // Vessel/flight delayed
  '92': DELAYED_BY_CARRIER, // Aircraft weight and balance
  '93': KEEP_PREVIOUS, // Weight discrepancy
  '94': DELAYED_BY_CARRIER, // Weekend
  '95': EXCEPTION_HELD_AT_CARRIER, // Shipment on hold
  '96': DELAYED_MISSED_CONNECTION, // Shipment misrouted
  '97': EXCEPTION_DAMAGED, // Airline damaged cargo
  '98': DELAYED_BY_CARRIER, // IT systems failure
  '99': EXCEPTION_CUSTOMS_HOLD, // Customs or other government hold/delay
  'A1': EXCEPTION_CUSTOMS_HOLD, // Customs or other government hold/delay
  'A2': EXCEPTION_CUSTOMS_HOLD, // Held at export customs
  'A3': EXCEPTION_CUSTOMS_HOLD, // Held at customs
  'A4': DELAYED_BY_CARRIER, // Shipment not booked
  'A5': EXCEPTION_OTHER, // Pending resolution
  'AR': DELAYED_BY_CARRIER, // Aircraft rerouted
  'AS': KEEP_PREVIOUS, // U.S. export filing (AES) submitted
  'B3': EXCEPTION_OTHER, // Phone number disconnected. TForce Freight is attempting to obtain appointment in…
  'B4': EXCEPTION_OTHER, // Phone number not listed. TForce Freight is attempting to obtain appointment info…
  'B6': KEEP_PREVIOUS, // Left message. TForce Freight is attempting to obtain appointment information
  'B7': KEEP_PREVIOUS, // Line busy. TForce Freight is attempting to obtain appointment information
  'B8': KEEP_PREVIOUS, // No answer. TForce Freight is attempting to obtain appointment information
  'B9': KEEP_PREVIOUS, // Sent email. TForce Freight is attempting to obtain appointment information
  'BL': DELAYED_BY_CARRIER, // Bumped due to passenger load
  'BM': DELAYED_BY_CARRIER, // Bumped due to mail
  'BP': DELAYED_BY_CARRIER, // Bumped due to perishables
  'BW': DELAYED_WEATHER, // Bad weather
  'C0': EXCEPTION_OTHER, // Wrong phone number provided. TForce Freight is attempting to obtain appointment…
  'C3': DELAYED_BY_CARRIER, // TForce Freight will attempt delivery on next business day
  'C7': IN_TRANSIT, // Registered with clearing agency. Shipment release pending clearing agency review
  'D1': EXCEPTION_RECIPIENT_REFUSED, // The consignee did not want the order and refused this delivery
  'D2': IN_TRANSIT, // Partial delivery
  'D3': DELAYED_BY_CARRIER, // Airline booking not honored
  'D4': EXCEPTION_RECIPIENT_REFUSED, // Shipment refused - damaged or short
  'D5': EXCEPTION_RECIPIENT_REFUSED, // Consignee refused freight
  'DE': IN_TRANSIT, // Delivery appointment scheduled
  'DG': EXCEPTION_PROHIBITED_ITEM, // Dangerous goods refusal
  'DH': DELAYED_BY_CARRIER, // Holiday
  'DP': EXCEPTION_OTHER, // Pending corrected documents
  'DX': KEEP_PREVIOUS, // Delivery comment
  'E1': IN_TRANSIT, // The address has been corrected. The delivery has been rescheduled
  'E2': IN_TRANSIT, // Delivery rescheduled
  'E4': IN_TRANSIT, // Released by clearing agency. Now in-transit for delivery
  'E5': IN_TRANSIT, // Shipment to be redelivered to consignee
  'E6': IN_TRANSIT, // Shipment has been reconsigneed to another destination
  'E7': EXCEPTION_RECIPIENT_REFUSED, // Shipment refused by the shipper and the consignee, on hand at a TForce Freight f…
  'E8': KEEP_PREVIOUS, // Package damage, contents intact
  'E9': DELIVERED, // Damage noted by consignee, partial receipt accepted
  'EC': EXCEPTION_CUSTOMS_HOLD, // Held for export customs reasons
  'EF': DELAYED_BY_CARRIER, // Equipment malfunction
  'EX': IN_TRANSIT, // Export customs released
  'F1': IN_TRANSIT, // Overage noted while in-transit
  'F2': EXCEPTION_HELD_AT_CARRIER, // Waiting for disposition from customer
  'F3': DELAYED_BY_CARRIER, // Civil unrest delay
  'FX': DELAYED_BY_CARRIER, // Flight cancelled
  'G1': KEEP_PREVIOUS, // U.S. Import Security Filing accepted, pending AMS match
  'G2': KEEP_PREVIOUS, // U.S. Import Security Filing accepted, pending AMS match
  'G3': KEEP_PREVIOUS, // U.S. ISF to be cancelled in 10 days - AMS bill not on file
  'G4': EXCEPTION_CUSTOMS_HOLD, // U.S. Import Security Filing has been cancelled
  'G5': EXCEPTION_CUSTOMS_HOLD, // U.S. Import Security Filing data rejected with errors
  'GD': DELAYED_BY_CARRIER, // Gateway delay
  'HA': DELAYED_BY_CARRIER, // A transportation accident has delayed delivery
  'HC': EXCEPTION_CUSTOMS_HOLD, // Customs or other government hold/delay
  'HD': DELAYED_BY_CARRIER, // Delayed at logistics center
  'HE': DELAYED_BY_CARRIER, // Awaiting documents from carrier
  'HF': EXCEPTION_OTHER, // Shipment confiscated
  'HG': KEEP_PREVIOUS, // Penalty levied
  'HN': DELAYED_BY_CARRIER, // Holiday
  'HU': IN_TRANSIT, // Hold for consolidation
  'I1': EXCEPTION_OTHER, // Late/missing Information from shipper
  'I2': EXCEPTION_CUSTOMS_HOLD, // U.S. ISF late/missing information from Importer of Record
  'I3': DELAYED_BY_CARRIER, // Late/missing information from carrier
  'I4': DELAYED_BY_CARRIER, // Data entry error
  'I5': DELAYED_BY_CARRIER, // SCS late filing
  'I6': DELAYED_BY_CARRIER, // Shipment is delayed due to congestion at Port
  'IA': EXCEPTION_ADDRESS_PROBLEM, // Outside delivery zone
  'IC': EXCEPTION_OTHER, // Altered equipment seals
  'IE': ATTEMPT_FAILED, // Unsuccessful delivery attempt
  'IF': EXCEPTION_OTHER, // Incomplete shipping instructions
  'IG': EXCEPTION_OTHER, // Consignee information requested
  'IH': EXCEPTION_HELD_FOR_PAYMENT, // Payment not received
  'II': EXCEPTION_RECIPIENT_REFUSED, // Payment refused
  'IJ': DELAYED_BY_CARRIER, // Airline error at destination
  'IK': DELAYED_BY_CARRIER, // Forwarder error
  'IL': DELAYED_BY_CARRIER, // Airline error at destination
  'IM': DELAYED_BY_CARRIER, // Exceeds allocation
  'IN': DELAYED_BY_CARRIER, // Bad traffic
  'IO': DELAYED_BY_CARRIER, // Vehicle accident
  'IP': DELAYED_BY_CARRIER, // Holiday
  'IQ': EXCEPTION_OTHER, // Incorrect documents
  'IS': KEEP_PREVIOUS, // U.S. Importer Security Filing data accepted with warning
  'IT': DELAYED_CUSTOMS_HOLD, // U.S. Homeland Security delay
  'LC': EXCEPTION_LOST, // Lost/missing cargo
  'LD': DELAYED_BY_CARRIER, // Lost/missing/late documents
  'MB': DELAYED_BY_CARRIER, // Aircraft mechanical
  'MR': DELAYED_MISSED_CONNECTION, // Misrouted by carrier
  'MS': DELAYED_BY_CARRIER, // Miscellaneous delay
  'PS': EXCEPTION_LOST, // Lost/missing cargo
  'RF': EXCEPTION_RECIPIENT_REFUSED, // Consignee refused freight
  'SA': DELAYED_BY_CARRIER, // Booking space not confirmed
  'SC': CANCELLED, // Shipment cancelled
  'TE': KEEP_PREVIOUS, // Temperature excursion external
  'TI': KEEP_PREVIOUS, // Temperature excursion internal
  'TM': DELAYED_BY_CARRIER, // Truck mechanical
  'U2': DELAYED_BY_CARRIER, // Special equipment/handling required
  'U3': KEEP_PREVIOUS, // Tracking number unknown
  'U4': DELAYED_BY_CARRIER, // Transit delay
  'U6': EXCEPTION_HELD_AT_CARRIER, // Free time expired
  'UF': ATTEMPT_FAILED_BUSINESS_CLOSED, // Delivery location closed
  'UG': EXCEPTION_ADDRESS_PROBLEM, // Address validation requested
  'UH': EXCEPTION_HELD_FOR_PAYMENT, // Credit approval requested
  'UI': IN_TRANSIT, // Delivery appointment required
  'UJ': EXCEPTION_DAMAGED, // Damaged in transit
  'UK': IN_TRANSIT, // Delivery appointment required
  'UL': DELAYED_BY_CARRIER, // Delayed departure
  'UM': DELAYED_BY_CARRIER, // Train derailment
  'UN': EXCEPTION_ADDRESS_PROBLEM, // Incorrect pick-up address
  'UQ': DELAYED_BY_CARRIER, // Mechanical inspection requested
  'UX': EXCEPTION_LOST, // Theft in transit
  'UY': EXCEPTION_RECIPIENT_REFUSED, // Refused without reason
  'UZ': DELAYED_BY_CARRIER, // Shunted to siding
} as const satisfies Record<string, UpsCodeMapping>;
