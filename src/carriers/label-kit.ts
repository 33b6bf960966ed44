// What the carriers' label clients share: units as US label APIs want them, documents from base64,
// and the request field a carrier's refusal points at. No carrier formats here.
import { imageOnLabelPage } from '../labels/render/pdf.js';
import { LABEL_CONTENT_TYPES, type LabelDocument, type LabelFormat } from './label-types.js';
import type { CarrierError } from './types.js';

/** Pounds with one decimal, at least 0.1 (carriers refuse a zero weight). */
export const poundsText = (weightOz: number): string => String(Math.max(0.1, Math.ceil((weightOz / 16) * 10) / 10));

/**
 * Pounds rounded up to `decimals` places, at least one step: a weight is never declared under what
 * the parcel weighs (the carrier would charge the difference afterwards, or refuse it). The small
 * tolerance keeps float noise (2.05 lb × 100 = 204.99999…) from adding a whole step.
 */
export function poundsUp(weightOz: number, decimals: number): number {
  const scale = 10 ** decimals;
  return Math.max(1, Math.ceil((weightOz / 16) * scale - 1e-9)) / scale;
}

/** Phone numbers as carriers want them: digits only, no country prefix for North America. */
export function phoneDigits(phone: string | null | undefined): string | undefined {
  if (!phone) return undefined;
  const digits = phone.replace(/\D/g, '');
  return digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
}

/** A label document the carrier sent as base64: PDF or ZPL as is, a PNG placed on a 4×6 PDF page. */
export async function documentFromBase64(format: LabelFormat, sent: 'pdf' | 'zpl' | 'png', base64: string, title: string): Promise<LabelDocument> {
  const bytes = new Uint8Array(Buffer.from(base64, 'base64'));
  const body = sent === 'png' ? await imageOnLabelPage(bytes, title) : bytes;
  return { format, contentType: LABEL_CONTENT_TYPES[format], body };
}

/** The party or parcel field a refusal names, in the label request's words (see LabelRequest). */
export type LabelField = 'shipTo' | 'shipFrom' | 'shipper' | 'parcel.weight' | 'parcel.dimensions' | 'service';

/** Reads which part of the request a carrier's error text is about. */
export function fieldFromText(text: string): LabelField | undefined {
  const lower = text.toLowerCase();
  if (/ship ?to|recipient|toaddress|consignee/.test(lower)) return 'shipTo';
  if (/ship ?from|fromaddress/.test(lower)) return 'shipFrom';
  if (/shipper|sender/.test(lower)) return 'shipper';
  if (/weight/.test(lower)) return 'parcel.weight';
  if (/dimension|length|width|height|girth/.test(lower)) return 'parcel.dimensions';
  if (/service|mail ?class/.test(lower)) return 'service';
  return undefined;
}

/** A CarrierError with the field it concerns, when the carrier's words say. */
export const withField = (error: CarrierError, field = fieldFromText(`${error.carrierCode ?? ''} ${error.carrierMessage ?? ''}`)): CarrierError =>
  field ? { ...error, field } : error;

/** Outcome unknown: the carrier may have sold the label even though no answer said so. */
export const outcomeUnknown = (error: CarrierError): boolean => error.code === 'timeout' || error.code === 'unavailable' || error.code === 'bad_response';
