// What a carrier adapter speaks to sell labels: the optional `labels` capability of an adapter.
// Requests arrive validated (addresses, parcel, service; see src/labels/validate.ts) in Waybill's
// units; each client turns them into its carrier's format and the answer back into a BoughtLabel.
import type { Result } from '../lib/result.js';
import type { CarrierContext, CarrierError } from './types.js';

export const LABEL_FORMATS = ['pdf', 'zpl'] as const;
export type LabelFormat = (typeof LABEL_FORMATS)[number];

export const LABEL_CONTENT_TYPES: Record<LabelFormat, string> = { pdf: 'application/pdf', zpl: 'application/zpl' };

export type PostalAddress = {
  name: string;
  company?: string | null;
  phone?: string | null;
  email?: string | null;
  line1: string;
  line2?: string | null;
  city: string;
  region?: string | null; // state or province code
  postalCode: string;
  country: string; // ISO 3166-1 alpha-2
};

/** Weight in ounces and dimensions in inches, whatever units the brand used. */
export type Parcel = { weightOz: number; dimensionsIn: { length: number; width: number; height: number } | null };

export type LabelRequest = {
  /** Waybill's id of the purchase (lbl_…): the idempotency key or customer reference the carrier keeps. */
  reference: string;
  direction: 'outbound' | 'return';
  /** Waybill's service name (a key of the capability's `services`). */
  service: string;
  format: LabelFormat;
  /** Where the parcel leaves from: the warehouse outbound, the customer for a return. */
  shipFrom: PostalAddress;
  /** Where it goes: the customer outbound, the brand's return address for a return. */
  shipTo: PostalAddress;
  /** Who pays and whose account it is: always the brand. */
  shipper: PostalAddress;
  parcel: Parcel;
  orderNumber: string;
  /** The day the parcel is handed over, YYYY-MM-DD. */
  shipDate: string;
};

export type LabelDocument = { format: LabelFormat; contentType: string; body: Uint8Array };

export type BoughtLabel = {
  trackingNumber: string;
  /** The carrier's id of the shipment when it is not the tracking number (UPS ShipmentIdentificationNumber). */
  carrierReference?: string | null;
  documents: LabelDocument[];
  charge?: { amount: number; currency: string } | null;
};

/** The label's identifiers, as a void needs them. */
export type BoughtLabelRef = { trackingNumber: string; carrierReference: string | null; reference: string; shipDate: string };

export type ServiceLevel = 'economy' | 'standard' | 'express';

export type LabelCapability = {
  /** Waybill service name → the carrier's code, and the level each one serves. */
  services: Readonly<Record<string, { code: string; level: ServiceLevel; name: string }>>;
  /** The service a level asks for when no service is named. */
  defaultServices: Readonly<Record<ServiceLevel, string>>;
  formats: readonly LabelFormat[];
  /** Countries this adapter ships to (domestic APIs); null when any. */
  destinations: readonly string[] | null;
  limits: { maxWeightOz: number; maxLengthIn: number; maxLengthPlusGirthIn: number; requiresDimensions: boolean };
  /** True when the carrier honours an idempotency key: a retry with the same reference returns the same label. */
  idempotent: boolean;
  /** A refusal of the account before any call (e.g. USPS without a payment account), naming what is missing. */
  accountProblem?(ctx: CarrierContext): string | null;
  createLabel(ctx: CarrierContext, request: LabelRequest): Promise<Result<BoughtLabel, CarrierError>>;
  /**
   * After a call whose outcome is unknown (timeout, 5xx): the label bought under `request.reference`
   * if the carrier can give it back, or null once the carrier is sure none stands (a stray one it
   * cannot give back is voided here). An error means "still unknown": refusals of the account,
   * rate limits and outages say nothing about the label. An idempotent carrier (USPS) is asked by
   * sending the purchase again under the same key.
   */
  recoverLabel(ctx: CarrierContext, request: LabelRequest): Promise<Result<BoughtLabel | null, CarrierError>>;
  /** Voids (cancels) a label. A refusal (already picked up, too late) is a CarrierError quoting the carrier. */
  voidLabel(ctx: CarrierContext, label: BoughtLabelRef): Promise<Result<void, CarrierError>>;
};
