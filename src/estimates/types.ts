// What an estimate takes and gives. The contract is the estimator's type, not its insides: the
// table-based v1 (estimate.ts) and a learned model later answer the same question the same way.
import { z } from 'zod';
import type { DeliveryWindow } from '../carriers/types.js';
import { parseInstant } from '../lib/time.js';
import { minutesOfClock } from './civil-date.js';
import { isKnownTimeZone } from './places.js';

const AddressSchema = z.object({
  city: z.string(),
  region: z.string().nullish(),
  postalCode: z.string().nullish(),
  country: z.string().regex(/^[A-Za-z]{2}$/, 'an ISO 3166-1 alpha-2 code'),
});

export const DeliveryEstimateInputSchema = z.object({
  now: z.date().refine((date) => !Number.isNaN(date.getTime()), 'a valid date'),
  /** 'order': nothing has shipped yet; 'shipped': a label exists and the parcel is (about to be) with the carrier. */
  stage: z.enum(['order', 'shipped']),
  /** The warehouse. */
  origin: AddressSchema,
  /** The customer. */
  destination: AddressSchema,
  brand: z.object({
    /** Business days between the day an order is taken in and the day it ships. */
    handlingDays: z.number().int().min(0).max(60),
    /** Orders before this time ('HH:MM', warehouse clock) are taken in the same day. */
    cutoff: z.string().refine((clock) => minutesOfClock(clock) !== null, "a time of day as 'HH:MM'"),
    /** IANA zone of the warehouse; found from `origin` when absent. */
    warehouseTimeZone: z.string().refine(isKnownTimeZone, 'an IANA time zone').optional(),
  }),
  /** Carrier code as in the registry ('ups', 'fedex', 'usps', 'dhl', 'simulated', ...). */
  carrier: z.string().min(1),
  /** The carrier's service, in any spelling the table knows ('ground', 'UPS Ground', 'FEDEX_GROUND'). */
  service: z.string(),
  /** What the carrier says, when it says anything: ISO instants, or dates (YYYY-MM-DD). */
  carrierEstimate: z.object({ from: z.string(), to: z.string() }).nullish(),
  /** When the parcel shipped (ISO-8601 with offset); `now` stands in when absent. */
  shippedAt: z.string().refine((value) => parseInstant(value) !== null, 'an ISO-8601 instant with an offset').optional(),
});

export type DeliveryEstimateInput = z.input<typeof DeliveryEstimateInputSchema>;
export type EstimateAddress = z.input<typeof AddressSchema>;

export type DeliveryEstimate = {
  /** From 08:00 on the first possible delivery day to 20:00 on the last, on the destination's clock. */
  window: DeliveryWindow;
  /** 'carrier': the carrier's own estimate; 'transit_table': ours, from data/transit-times. */
  basis: 'carrier' | 'transit_table';
  /** Destination business days from the day the parcel leaves to the window's first and last day. */
  businessDays: { min: number; max: number };
  /** The day the parcel leaves (or left) the warehouse, on the warehouse's calendar. */
  shipDate: string;
};

/** One function, one question: where a table answers today, a learned model can answer tomorrow. */
export type DeliveryEstimator = (input: DeliveryEstimateInput) => DeliveryEstimate;
