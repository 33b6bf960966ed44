// Table types. Times are ISO-8601 UTC strings of fixed width (sortable as text) and
// booleans are 0/1 integers, so one query layer serves SQLite and PostgreSQL alike.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Bool = 0 | 1;

export interface BrandTable {
  id: string;
  name: string;
  created_at: string;
  /** Bumping it revokes every tracking link of the brand at once. */
  link_key_version: Generated<number>;
  /** When the brand last revoked its links (bumped link_key_version), or null if it never has. */
  links_revoked_at: Generated<string | null>;
  settings: Generated<string>; // JSON
}

export interface ApiKeyTable {
  id: string;
  brand_id: string;
  key_hash: string; // SHA-256 hex of the key
  key_prefix: string; // first characters, to recognise it in lists
  created_at: string;
  revoked_at: string | null;
}

export interface OrderTable {
  id: string;
  brand_id: string;
  number: string;
  customer_email: string;
  customer_phone: string | null;
  customer_name: string | null;
  customer_locale: string | null;
  customer_sms_consent: Generated<Bool>;
  estimated_from: Generated<string | null>;
  estimated_to: Generated<string | null>;
  destination: string; // JSON
  items: string; // JSON
  placed_at: string;
  ship_by: string | null;
  /** ISO 4217; null: USD (orders created before the column). */
  currency: string | null;
  /** Hash of the order content, to tell a retried create from a reused order number. */
  content_hash: string;
  created_at: string;
  updated_at: string;
}

export interface ShipmentTable {
  id: string;
  brand_id: string;
  order_id: string;
  carrier: string;
  service: string | null;
  tracking_number: string;
  direction: string;
  status: string;
  reason: string | null;
  delayed: Bool;
  correction: Bool;
  /** The fold's state as JSON (see shipments/status.ts): new events fold in without re-reading history. */
  fold_state: Generated<string>;
  estimated_from: string | null;
  estimated_to: string | null;
  status_changed_at: string | null;
  last_event_at: string | null;
  event_count: number;
  created_at: string;
  updated_at: string;
}

export interface TrackingEventTable {
  id: string;
  shipment_id: string;
  brand_id: string;
  dedupe_key: string;
  source: string;
  status: string;
  reason: string | null;
  delayed: Bool;
  carrier_code: string | null;
  carrier_text: string | null;
  location: string | null; // JSON
  occurred_at: string | null; // UTC, normalized
  occurred_at_raw: string | null; // as the source wrote it (keeps the local offset)
  recorded_at: string;
  /** 1: the status is the one the parcel had before this event (a keep_previous update): shown, never folded. */
  status_carried: Generated<Bool>;
}

export interface InboundEventTable {
  id: string;
  source: string;
  source_event_id: string;
  brand_id: string | null;
  received_at: string;
  headers: string; // JSON
  body: string;
  state: string; // received | processed | parked | failed
  processed_at: string | null;
  error: string | null;
  /** Parkings and failed runs alike. */
  attempts: Generated<number>;
  retry_at: Generated<string | null>;
  /** Runs that failed on this delivery alone since it was received or last sent back (inbox.ts). */
  failed_runs: Generated<number>;
}

export interface JobTable {
  id: string;
  kind: string;
  payload: string; // JSON
  state: string; // queued | running | done | dead
  run_at: string;
  attempts: number;
  max_attempts: number;
  locked_by: string | null;
  locked_until: string | null;
  last_error: string | null;
  idempotency_key: string | null;
  created_at: string;
  updated_at: string;
}

export interface JobScheduleTable {
  name: string;
  kind: string;
  every_seconds: number;
  next_run_at: string;
}

export interface IdempotencyKeyTable {
  brand_id: string;
  key: string;
  method: string;
  path: string;
  request_hash: string;
  status_code: number;
  response_body: string;
  created_at: string;
  /** Which run holds the claim (random; '' on rows from before 016). */
  claim_id: Generated<string>;
  /** When the claim was made or taken over, by the wall clock ('' on rows from before 016: created_at says). */
  claimed_at: Generated<string>;
  /** The kept answer's own headers (replayedHeadersOf), as a JSON object; {} on answers kept before 017. */
  response_headers: Generated<string>;
  /** The first request's media type (mediaTypeOf); null on keys from before 018, which are not compared by it. */
  content_type: Generated<string | null>;
}

export interface CarrierConnectionTable {
  id: string;
  brand_id: string;
  carrier: string;
  credentials: string; // encrypted JSON
  base_url: string | null;
  status: string; // connected | failed
  message: string | null;
  verified_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface MessageTable {
  id: string;
  brand_id: string;
  order_id: string;
  shipment_id: string | null;
  milestone: string;
  occurrence: string;
  channel: string;
  recipient: string | null;
  dedupe_key: string;
  state: string;
  held_reason: string | null;
  send_after: string | null;
  context: string;
  subject: string | null;
  body_text: string | null;
  provider: string | null;
  provider_message_id: string | null;
  provider_status: string | null;
  attempts: number;
  last_error: string | null;
  created_at: string;
  sent_at: string | null;
  updated_at: string;
  /** When a send whose outcome is unknown began (it may have gone out): looked up at the provider before sending again. */
  uncertain_since: string | null;
  /** Times the text expired in Twilio's queue (status-callbacks.ts), apart from its send attempts. */
  expired_in_queue: Generated<number>;
}

export interface ContactPreferenceTable {
  brand_id: string;
  channel: string;
  address: string;
  opted_out_at: string | null;
  opted_in_at: string | null;
  source: string;
  updated_at: string;
}

export interface PersonalUpdateTable {
  id: string;
  brand_id: string;
  order_id: string;
  text: string;
  image_url: string | null;
  critical: Bool;
  author: string | null;
  created_at: string;
}

export interface LabelPurchaseTable {
  id: string;
  brand_id: string;
  order_id: string;
  shipment_id: string;
  carrier: string;
  service: string;
  direction: string;
  format: string;
  state: string; // requesting | unknown | bought | failed | voided
  fingerprint: string;
  open_fingerprint: string | null;
  request: string; // JSON
  choice: string; // JSON
  tracking_number: string | null;
  carrier_reference: string | null;
  charge: string | null; // JSON
  calls: number;
  error: string | null;
  /** Why the reconcile job stopped asking about an unsettled purchase: 'carrier_disconnected'; null: it is not stuck. */
  unresolved: string | null;
  created_at: string;
  updated_at: string;
  bought_at: string | null;
  voided_at: string | null;
}

export interface LabelDocumentTable {
  purchase_id: string;
  format: string;
  content_type: string;
  body: string; // base64
  created_at: string;
}

export interface RoutingRuleTable {
  id: string;
  brand_id: string;
  name: string;
  priority: number;
  status: string; // active | proposed | disabled
  conditions: string; // JSON
  carrier: string;
  service: string;
  source: string; // brand | advice
  note: string | null;
  created_at: string;
  updated_at: string;
}

export interface ShipmentWatchTable {
  shipment_id: string;
  brand_id: string;
  stalled_since: string | null;
  late_for: string | null;
  digest_day: string | null;
  digest_through: string | null;
  updated_at: string;
}

export interface ShortLinkTable {
  code: string;
  brand_id: string;
  order_id: string;
  created_at: string;
  /** The brand's link key version the code was issued under: it leads nowhere once the brand's has moved on. */
  link_key_version: number;
}

/** A file a brand uploaded for its page (a WOFF2 font), addressed by its digest. */
export interface BrandAssetTable {
  brand_id: string;
  digest: string;
  content_type: string;
  body: string; // base64
  created_at: string;
}

export interface LaneSampleTable {
  shipment_id: string;
  lane: string;
  longest_gap_minutes: number;
  finished_at: string;
}

export interface LaneGapHistogramTable {
  lane: string;
  bucket_minutes: number;
  shipments: number;
}

export interface InboundEndpointTable {
  id: string;
  brand_id: string;
  provider: string; // easypost | shippo | ups_track_alert
  public_id: string;
  secret_hash: string | null;
  secret_sealed: string | null;
  previous_secret_hash: string | null;
  previous_secret_sealed: string | null;
  previous_until: string | null;
  version: number;
  created_at: string;
  updated_at: string;
}

export interface PushSubscriptionTable {
  shipment_id: string;
  brand_id: string;
  provider: string;
  state: string; // active | refused | failed
  subscribed_at: string | null;
  expires_at: string | null;
  retry_at: string | null;
  message: string | null;
  updated_at: string;
}

export interface ShipmentPollTable {
  shipment_id: string;
  brand_id: string;
  carrier: string;
  next_poll_at: string | null;
  priority: number;
  interval_seconds: number;
  last_polled_at: string | null;
  last_push_at: string | null;
  polls: number;
  not_found: number;
  created_at: string;
}

export interface CarrierPollAccountTable {
  brand_id: string;
  carrier: string;
  limits: string | null; // JSON
  lease_until: string | null;
  paused_until: string | null;
  pause_reason: string | null;
  failures: number;
  quota_day: string | null;
  used_today: number;
  recent_requests: string; // JSON array of epoch ms
  report_at: string | null;
  warned_at: string | null;
  push_checked_at: string | null;
  updated_at: string;
}

export interface Database {
  brands: BrandTable;
  api_keys: ApiKeyTable;
  orders: OrderTable;
  shipments: ShipmentTable;
  tracking_events: TrackingEventTable;
  inbound_events: InboundEventTable;
  jobs: JobTable;
  job_schedules: JobScheduleTable;
  idempotency_keys: IdempotencyKeyTable;
  carrier_connections: CarrierConnectionTable;
  messages: MessageTable;
  contact_preferences: ContactPreferenceTable;
  personal_updates: PersonalUpdateTable;
  brand_hubs: BrandHubTable;
  hub_rate_limits: HubRateLimitTable;
  catalogue_products: CatalogueProductTable;
  copurchase_skus: CopurchaseSkuTable;
  copurchase_pairs: CopurchasePairTable;
  hub_order_marks: HubOrderMarkTable;
  hub_counters: HubCounterTable;
  cross_sell_clicks: CrossSellClickTable;
  cross_sell_attributions: CrossSellAttributionTable;
  returns: ReturnTable;
  label_purchases: LabelPurchaseTable;
  label_documents: LabelDocumentTable;
  routing_rules: RoutingRuleTable;
  shipment_watch: ShipmentWatchTable;
  lane_samples: LaneSampleTable;
  short_links: ShortLinkTable;
  lane_gap_histogram: LaneGapHistogramTable;
  brand_assets: BrandAssetTable;
  inbound_endpoints: InboundEndpointTable;
  push_subscriptions: PushSubscriptionTable;
  shipment_polls: ShipmentPollTable;
  carrier_poll_accounts: CarrierPollAccountTable;
}

// ---- The branded hub (migration 005) ----

export interface BrandHubTable {
  brand_id: string;
  slug: string;
  /** The custom domain in force (proven, or set before proofs existed): pages are served there. */
  domain: string | null;
  /** A custom domain set but not proven yet (another brand may have the same one pending). */
  pending_domain: Generated<string | null>;
  pending_since: Generated<string | null>;
  domain_checked_at: Generated<string | null>;
  domain_problem: Generated<string | null>;
  updated_at: string;
}

export interface HubRateLimitTable {
  key: string;
  window_start: string;
  count: number;
}

export interface CatalogueProductTable {
  brand_id: string;
  id: string;
  title: string;
  image_url: string | null;
  price: number | null;
  currency: string;
  url: string;
  tags: string; // JSON
  active: Bool;
  created_at: string;
  updated_at: string;
}

export interface CopurchaseSkuTable {
  brand_id: string;
  sku: string;
  orders: number;
}

export interface CopurchasePairTable {
  brand_id: string;
  sku: string;
  other_sku: string;
  orders: number;
}

export interface HubOrderMarkTable {
  order_id: string;
  brand_id: string;
  processed_at: string;
}

export interface HubCounterTable {
  brand_id: string;
  day: string;
  metric: string;
  product_id: string;
  source: string;
  value: number;
}

export interface CrossSellClickTable {
  id: string;
  brand_id: string;
  order_id: string;
  product_id: string;
  source: string;
  customer_key: string;
  clicked_at: string;
}

export interface CrossSellAttributionTable {
  order_id: string;
  product_id: string;
  brand_id: string;
  click_id: string;
  quantity: number;
  revenue: number;
  currency: string;
  placed_at: string;
}

export interface ReturnTable {
  id: string;
  brand_id: string;
  order_id: string;
  rma: string;
  state: string;
  items: string; // JSON
  reason: string;
  comment: string | null;
  label_paid_by: string;
  label_fee: number | null;
  shipment_id: string | null;
  rejection_reason: string | null;
  received_by: string | null;
  refund_amount: number | null;
  refund_currency: string | null;
  refund_reference: string | null;
  requested_by: string;
  created_at: string;
  approved_at: string | null;
  rejected_at: string | null;
  received_at: string | null;
  refunded_at: string | null;
  updated_at: string;
}

export type CatalogueProductRow = Selectable<CatalogueProductTable>;
export type ReturnRow = Selectable<ReturnTable>;

export type BrandRow = Selectable<BrandTable>;
export type OrderRow = Selectable<OrderTable>;
export type ShipmentRow = Selectable<ShipmentTable>;
export type NewShipment = Insertable<ShipmentTable>;
export type ShipmentUpdate = Updateable<ShipmentTable>;
export type TrackingEventRow = Selectable<TrackingEventTable>;
export type NewTrackingEvent = Insertable<TrackingEventTable>;
export type JobRow = Selectable<JobTable>;
export type CarrierConnectionRow = Selectable<CarrierConnectionTable>;
export type IdempotencyKeyRow = Selectable<IdempotencyKeyTable>;
export type MessageRow = Selectable<MessageTable>;
export type LabelPurchaseRow = Selectable<LabelPurchaseTable>;
export type RoutingRuleRow = Selectable<RoutingRuleTable>;
export type InboundEventRow = Selectable<InboundEventTable>;
export type InboundEndpointRow = Selectable<InboundEndpointTable>;
export type ShipmentPollRow = Selectable<ShipmentPollTable>;
export type CarrierPollAccountRow = Selectable<CarrierPollAccountTable>;
