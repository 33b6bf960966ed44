// What a customer message is made from, and what comes out: one email (HTML + text) and one SMS.
import type { ExceptionReason, ShipmentStatus } from '../../shipments/vocabulary.js';
import type { Milestone } from '../types.js';

export type BrandLook = {
  name: string;
  logoUrl?: string;
  /** `#rgb` or `#rrggbb`; anything else falls back to the default colours. */
  primaryColor?: string;
  accentColor?: string;
  /** The name in the From header; defaults to the brand name. */
  senderName?: string;
  replyTo?: string;
  supportEmail?: string;
  supportUrl?: string;
};

export type OrderItem = {
  name: string;
  quantity: number;
  /** Unit price in major units (as the API's ItemSchema); the receipt shows price × quantity. */
  price?: number;
};

export type OrderSummary = {
  number: string;
  items: OrderItem[];
  /** ISO 4217 code (e.g. "USD"); without it amounts are shown as plain numbers. */
  currency?: string;
  total?: number;
  customerFirstName?: string;
};

export type ShipmentSummary = {
  carrier: string;
  trackingNumber: string;
  status: ShipmentStatus;
  reason?: ExceptionReason;
  /** Already formatted for the customer, e.g. "Tue, Mar 10 – Thu, Mar 12". */
  estimatedDelivery?: string;
  lastLocation?: string;
  attemptNumber?: number;
};

export type MessageLinks = {
  trackingPage: string;
  /** Preferred in SMS, where every character counts. */
  shortTrackingPage?: string;
  unsubscribe?: string;
  /** The printable return label (return_approved). */
  returnLabel?: string;
};

/** price in `currency`, the product's own (the catalogue's), else the order's. */
export type CrossSell = { title: string; url: string; imageUrl?: string; price?: number; currency?: string };

export const OVERRIDE_FIELDS = ['subject', 'heading', 'body', 'sms'] as const;
export type OverrideField = (typeof OVERRIDE_FIELDS)[number];
/** A brand's own wording for one milestone: plain text with {{placeholders}}, never HTML. */
export type TemplateOverrides = Partial<Record<OverrideField, string>>;

export type MessageInput = {
  milestone: Milestone;
  /** A language tag such as "fr-CA"; unknown languages fall back to English. */
  locale: string;
  brand: BrandLook;
  order: OrderSummary;
  shipment?: ShipmentSummary;
  /** The order's promised window, already formatted (the confirmation has no shipment yet). */
  estimatedDelivery?: string;
  links: MessageLinks;
  /** At most 3 are shown, and only on shipped and delivered emails. */
  crossSells?: CrossSell[];
  /** Hybrid mode: a person's words (plain text) and an optional image. */
  personalUpdate?: { text: string; imageUrl?: string };
  /** The return a return milestone is about: its RMA number and, when turned down, the brand's reason (plain text). */
  returnRequest?: { rma: string; rejectionReason?: string };
  /** What was refunded (refund_issued). */
  refund?: { amount: number; currency: string };
  overrides?: TemplateOverrides;
};

export type RenderedEmail = {
  subject: string;
  html: string;
  text: string;
  preheader: string;
  fromName: string;
  replyTo?: string;
};

export type RenderedMessage = { email: RenderedEmail; sms: string };
