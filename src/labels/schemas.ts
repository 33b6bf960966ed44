// The shapes a brand sends about labels: parcels (weight and dimensions in the brand's units),
// full postal addresses (ship-from, return-to), label formats and service levels. zod, so the same
// description validates requests and documents the API.
import { z } from '@hono/zod-openapi';
import { LABEL_FORMATS } from '../carriers/label-types.js';
import { countryCode, strictObject } from '../api/request-fields.js';

const positive = (max: number) => z.number().positive({ message: 'must be greater than 0' }).max(max, { message: `must be at most ${max}` });
const line = (max: number) => z.string().trim().min(1, { message: 'must not be empty' }).max(max, { message: `must be at most ${max} characters` });

export const WeightSchema = strictObject({ value: positive(100_000), unit: z.enum(['oz', 'lb', 'g', 'kg']) }).openapi('Weight', { example: { value: 2.5, unit: 'lb' } });

export const DimensionsSchema = strictObject({ length: positive(10_000), width: positive(10_000), height: positive(10_000), unit: z.enum(['in', 'cm']) }).openapi('Dimensions', { example: { length: 12, width: 9, height: 4, unit: 'in' } });

export const ParcelSchema = strictObject({ weight: WeightSchema.optional(), dimensions: DimensionsSchema.optional() }).openapi('Parcel', { description: 'What the carrier weighs and measures. Every carrier needs the weight; USPS also needs the dimensions.' });
export type ParcelInput = z.infer<typeof ParcelSchema>;

export const PostalAddressSchema = strictObject({
  name: line(100),
  company: line(100).optional(),
  phone: z.string().regex(/^\+?[0-9 ().-]{7,20}$/, { message: 'must be a phone number such as +16145550100' }).optional(),
  email: z.email().optional(),
  line1: line(100),
  line2: line(100).optional(),
  city: line(100),
  region: line(50).optional(),
  postalCode: line(20),
  country: countryCode,
}).openapi('PostalAddress');
export type PostalAddressInput = z.infer<typeof PostalAddressSchema>;

export const LabelFormatSchema = z.enum(LABEL_FORMATS).openapi({ description: 'pdf (4×6 page) or zpl (thermal printers)' });
export const ServiceLevelSchema = z.enum(['economy', 'standard', 'express']);
