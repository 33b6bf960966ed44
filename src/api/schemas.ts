// Request and response bodies of the REST API: one zod description serves validation, types
// and the OpenAPI document.
import { z } from '@hono/zod-openapi';
import { hasRealCalendarFields, isRealDateTime } from '../lib/time.js';
import { hasControlCharacters } from '../lib/control-characters.js';
import { EXCEPTION_REASONS, SHIPMENT_DIRECTIONS, SHIPMENT_STATUSES } from '../shipments/vocabulary.js';
import { SHIPMENT_COMMANDS } from '../shipments/status.js';
import { LabelFormatSchema, ParcelSchema, ServiceLevelSchema } from '../labels/schemas.js';
import { LabelSummarySchema } from '../labels/summary.js';
import { countryCode, currencyCode, strictObject } from './request-fields.js';
import { SCENARIOS } from '../carriers/simulated/scenarios.js';

const text = (max: number) =>
  z
    .string()
    .trim()
    .min(1, { message: 'must not be empty' })
    .max(max, { message: `must be at most ${max} characters` })
    .refine((v) => !hasControlCharacters(v), { message: 'must not contain control characters' });

/** The shape of an instant with its offset (then isRealDateTime: real calendar fields). */
export const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;
export const COUNTRY_CODE = /^[A-Z]{2}$/;

const instant = z
  .string()
  .regex(ISO_INSTANT, {
    message: 'must be an ISO-8601 date-time with a time zone offset, e.g. 2026-03-01T14:05:00-05:00',
  })
  .refine(isRealDateTime, { message: 'is not a real date-time' });

const dateOrInstant = z.union([z.iso.date({ message: 'must be a date (YYYY-MM-DD) or an ISO-8601 date-time with offset' }).refine(hasRealCalendarFields, { message: 'is not a real date' }), instant]);

export const CustomerSchema = strictObject({
  email: z.email({ message: 'must be an email address' }).max(254),
  phone: z
    .string()
    .regex(/^\+[1-9]\d{6,14}$/, { message: 'must be in E.164 form, e.g. +14155550123' })
    .optional(),
  name: text(200).optional(),
  locale: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'must be a language tag such as en, es or fr-CA' })
    .optional(),
  smsConsent: z.boolean().optional().openapi({ description: 'The customer agreed to receive SMS updates (required before any SMS is sent)' }),
}).openapi('Customer');

export const AddressSchema = strictObject({
  line1: text(200),
  line2: text(200).optional(),
  city: text(100),
  region: text(100).optional(),
  postalCode: text(20),
  country: countryCode,
}).openapi('Address');

export const ItemSchema = strictObject({
  sku: text(100),
  name: text(300),
  quantity: z.number().int().min(1).max(100_000),
  price: z.number().min(0).max(10_000_000).optional(),
}).openapi('Item');

export const CreateOrderSchema = strictObject({
  number: text(64),
  customer: CustomerSchema,
  destination: AddressSchema,
  items: z.array(ItemSchema).min(1, { message: 'must list at least one item' }).max(500),
  placedAt: instant.openapi({ description: 'When the order was placed: from 2000-01-01 to at most a day ahead of now' }),
  shipBy: dateOrInstant.optional().openapi({ description: 'The date promised for shipping: from 2000-01-01 to at most a year ahead of now' }),
  currency: currencyCode.optional().openapi({ description: 'The currency of the items’ prices (ISO 4217, e.g. EUR): the receipt in the confirmation email and refunds are written in it. Default USD' }),
}).openapi('CreateOrder');
export type CreateOrderInput = z.infer<typeof CreateOrderSchema>;

export const LocationSchema = strictObject({
  city: text(100).nullish(),
  region: text(100).nullish(),
  postalCode: text(20).nullish(),
  country: z.string().regex(COUNTRY_CODE, { message: 'must be an ISO 3166-1 alpha-2 country code' }).nullish(),
  lat: z.number().min(-90).max(90).nullish(),
  lon: z.number().min(-180).max(180).nullish(),
}).openapi('Location');

export const EventInputSchema = strictObject({
  status: z.enum(SHIPMENT_STATUSES),
  reason: z.enum(EXCEPTION_REASONS).nullish(),
  delayed: z.boolean().optional(),
  occurredAt: instant.nullable().openapi({ description: 'When it happened, with offset, from 2000-01-01 to at most a day ahead of now; null if unknown (stored, not folded)' }),
  location: LocationSchema.nullish(),
  carrierCode: text(64).nullish(),
  carrierText: text(500).nullish(),
  eventId: text(200).optional().openapi({ description: "The source's own id for this event; repeated deliveries with the same id are stored once" }),
}).openapi('TrackingEventInput');

export const WindowSchema = strictObject({ from: instant, to: instant })
  .openapi('DeliveryWindow', { description: 'When posted, each end lies from 2000-01-01 to at most a year ahead of now' });

export const PostEventsSchema = strictObject({
  events: z.array(EventInputSchema).min(1).max(1000),
  estimatedDelivery: WindowSchema.nullish(),
}).openapi('PostEvents');

// One flat object, not an extension: OpenAPI would publish an extension as allOf of two closed
// objects, each refusing the other's fields, which no event could pass.
export const BatchEventSchema = strictObject({
  ...EventInputSchema.shape,
  carrier: text(32),
  trackingNumber: text(64),
}).openapi('BatchEvent');

export const BatchEventsSchema = strictObject({ events: z.array(BatchEventSchema).min(1).max(1000) }).openapi('BatchEvents');

export const CreateShipmentSchema = strictObject({
  carrier: text(32).optional().openapi({ example: 'ups', description: 'Detected from the tracking number when left out' }),
  trackingNumber: text(64).optional(),
  service: text(64).optional(),
  direction: z.enum(SHIPMENT_DIRECTIONS).default('outbound'),
  label: z.boolean().optional().openapi({ description: 'Buy a label: the label creates the tracking number. Without a carrier, the brand’s routing rules (then its default carrier) choose' }),
  parcel: ParcelSchema.optional().openapi({ description: 'Labels: weight (every carrier) and dimensions (USPS); each part left out is taken from the brand’s shipping.defaultParcel (routing rules weigh the same parcel)' }),
  labelFormat: LabelFormatSchema.optional().openapi({ description: 'Labels: pdf or zpl; the brand’s shipping.labelFormat, else pdf' }),
  serviceLevel: ServiceLevelSchema.optional().openapi({ description: 'Labels: economy, standard (default) or express, for routing rules and the carrier’s default service' }),
  scenario: z
    .enum(SCENARIOS)
    .optional()
    .openapi({ description: 'Simulated carrier only: force a journey' }),
}).openapi('CreateShipment');
export type CreateShipmentInput = z.infer<typeof CreateShipmentSchema>;

export const CommandSchema = strictObject({ command: z.enum(SHIPMENT_COMMANDS) }).openapi('ShipmentCommand');

export const EventSchema = z
  .object({
    id: z.string(),
    status: z.enum(SHIPMENT_STATUSES),
    reason: z.enum(EXCEPTION_REASONS).nullable(),
    delayed: z.boolean(),
    occurredAt: z.string().nullable(),
    location: LocationSchema.nullable(),
    carrierCode: z.string().nullable(),
    carrierText: z.string().nullable(),
    source: z.string(),
    recordedAt: z.string(),
  })
  .openapi('TrackingEvent');

export const ShipmentSchema = z
  .object({
    id: z.string().openapi({ example: 'shp_01jd0000000000000000000000' }),
    orderId: z.string(),
    carrier: z.string(),
    service: z.string().nullable(),
    trackingNumber: z.string(),
    direction: z.enum(SHIPMENT_DIRECTIONS),
    status: z.enum(SHIPMENT_STATUSES),
    reason: z.enum(EXCEPTION_REASONS).nullable(),
    delayed: z.boolean(),
    correction: z.boolean(),
    estimatedDelivery: WindowSchema.nullable(),
    lastEventAt: z.string().nullable(),
    statusChangedAt: z.string().nullable(),
    createdAt: z.string(),
    events: z.array(EventSchema).optional(),
    label: LabelSummarySchema.nullable().optional().openapi({ description: 'The label bought through Waybill (create and get answers)' }),
  })
  .openapi('Shipment');

export const OrderSchema = z
  .object({
    id: z.string().openapi({ example: 'ord_01jd0000000000000000000000' }),
    number: z.string(),
    customer: CustomerSchema,
    destination: AddressSchema,
    items: z.array(ItemSchema),
    placedAt: z.string(),
    shipBy: z.string().nullable(),
    currency: z.string().openapi({ description: 'ISO 4217 (USD when the order was created without one)' }),
    shipments: z.array(ShipmentSchema),
    trackingPageUrl: z.string(),
    createdAt: z.string(),
  })
  .openapi('Order');

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string(),
      message: z.string(),
      requestId: z.string(),
      details: z.any().optional(),
    }),
  })
  .openapi('Error');

const idParam = (name: string, example: string) => z.object({ [name]: z.string().max(64).openapi({ param: { name, in: 'path' }, example }) });
export const OrderIdParam = idParam('orderId', 'ord_01jd0000000000000000000000');
export const ShipmentIdParam = idParam('shipmentId', 'shp_01jd0000000000000000000000');

export const listOf = <T extends z.ZodType>(item: T) => z.object({ data: z.array(item), nextCursor: z.string().nullable() });

/**
 * A list's query: a parameter it does not know is refused by name rather than ignored, as a
 * misspelt filter would otherwise answer with the whole unfiltered list.
 */
export const listQuery = <T extends z.ZodRawShape>(shape: T) => strictObject(shape, `the parameters are ${Object.keys(shape).join(', ')}`);

/** A list's `limit`: a whole number from 1 to max ("abc" is refused as such, not as NaN). */
export const pageLimit = (max: number) => {
  const problem = `must be a whole number from 1 to ${max}`;
  return z.coerce.number({ error: problem }).int({ error: problem }).min(1, { error: problem }).max(max, { error: problem });
};
const limit = (max: number, byDefault: number) => pageLimit(max).default(byDefault);
const cursor = z.string().max(200).optional();
/** A list's paging parameters: `limit` (1–200, 50 by default) and the `cursor` of the previous page's nextCursor. */
export const pageParams = { limit: limit(200, 50), cursor };

export const ListOrdersQuery = listQuery({
  status: z.enum(SHIPMENT_STATUSES).optional().openapi({ description: 'Orders with at least one shipment in this status' }),
  number: text(64).optional().openapi({ description: 'The store’s order number, exactly as it was sent (the one order with it, or none)' }),
  placedAfter: instant.optional(),
  placedBefore: instant.optional(),
  ...pageParams,
});

export const ListShipmentsQuery = listQuery({
  status: z.enum(SHIPMENT_STATUSES).optional(),
  carrier: z.string().max(32).optional().openapi({ description: 'A carrier code such as ups (an unknown one is refused with 422, as in a body)' }),
  trackingNumber: text(64)
    .optional()
    .openapi({ description: 'The tracking number, compared as stored (upper case, no spaces): the shipments with it, one per carrier, or with carrier the one' }),
  ...pageParams,
});
