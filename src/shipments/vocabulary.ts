// The closed vocabulary every shipment and event speaks, whatever its source.

export const SHIPMENT_STATUSES = [
  'pending',
  'info_received',
  'in_transit',
  'out_for_delivery',
  'available_for_pickup',
  'delivered',
  'attempt_failed',
  'exception',
  'returning_to_sender',
  'returned',
  'cancelled',
  'expired',
] as const;
export type ShipmentStatus = (typeof SHIPMENT_STATUSES)[number];

export const TERMINAL_STATUSES: readonly ShipmentStatus[] = ['delivered', 'returned', 'cancelled', 'expired'];
export const isTerminal = (status: ShipmentStatus): boolean => TERMINAL_STATUSES.includes(status);
/** Moving towards the customer: only these parcels can run late or stall (the watch's and the page's "late"). */
export const EN_ROUTE_STATUSES: readonly ShipmentStatus[] = ['info_received', 'in_transit', 'out_for_delivery'];
export const isEnRoute = (status: string): boolean => (EN_ROUTE_STATUSES as readonly string[]).includes(status);

/** Why a parcel is in `exception` or `attempt_failed` (or why it is `delayed`). */
export const EXCEPTION_REASONS = [
  'address_problem',
  'recipient_unavailable',
  'recipient_refused',
  'recipient_moved',
  'business_closed',
  'no_access',
  'customs_hold',
  'damaged',
  'lost',
  'weather',
  'carrier_delay',
  'held_for_payment',
  'held_at_carrier',
  'missed_connection',
  'label_problem',
  'prohibited_item',
  'cancelled_by_sender',
  'other',
] as const;
export type ExceptionReason = (typeof EXCEPTION_REASONS)[number];

/** Where an event came from. Every source goes through the one ingest path. */
export const EVENT_SOURCES = ['carrier_poll', 'carrier_webhook', 'aggregator_webhook', 'csv', 'manual', 'api', 'simulated'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export const SHIPMENT_DIRECTIONS = ['outbound', 'return'] as const;
export type ShipmentDirection = (typeof SHIPMENT_DIRECTIONS)[number];

/**
 * The journey's order, used to break ties between events with the same timestamp and
 * to draw progress. Higher means later in a parcel's life.
 */
export const STAGE_ORDER: Record<ShipmentStatus, number> = {
  pending: 0,
  info_received: 1,
  in_transit: 2,
  exception: 3,
  attempt_failed: 4,
  out_for_delivery: 5,
  available_for_pickup: 6,
  delivered: 7,
  returning_to_sender: 8,
  returned: 9,
  expired: 10,
  cancelled: 11,
};

/** AfterShip-style names (used by the reference tables) to Waybill statuses. */
export const AFTERSHIP_STATUS: Record<string, ShipmentStatus> = {
  Pending: 'pending',
  InfoReceived: 'info_received',
  InTransit: 'in_transit',
  OutForDelivery: 'out_for_delivery',
  AvailableForPickup: 'available_for_pickup',
  AttemptFail: 'attempt_failed',
  Delivered: 'delivered',
  Exception: 'exception',
  ReturnToSender: 'returning_to_sender',
  Expired: 'expired',
};
