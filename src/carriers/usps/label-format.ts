// USPS Labels v3 and Payments v3 shapes, pure: the domestic label and return-label requests, the
// payment authorization roles, and readers of the answers. A label answer is multipart/form-data
// (a JSON metadata part and the label image as base64); the standard Response.formData() reads it.
import { z } from 'zod';
import { poundsUp } from '../label-kit.js';
import type { LabelRequest, PostalAddress } from '../label-types.js';
import { readUspsError } from './parse.js';

/** Waybill service names → USPS mailClass. */
export const USPS_SERVICES = {
  ground_advantage: { code: 'USPS_GROUND_ADVANTAGE', level: 'standard', name: 'USPS Ground Advantage' },
  parcel_select: { code: 'PARCEL_SELECT', level: 'economy', name: 'Parcel Select' },
  priority_mail: { code: 'PRIORITY_MAIL', level: 'express', name: 'Priority Mail' },
  priority_mail_express: { code: 'PRIORITY_MAIL_EXPRESS', level: 'express', name: 'Priority Mail Express' },
} as const;

export const uspsImageType = (format: 'pdf' | 'zpl'): 'PDF' | 'ZPL203DPI' => (format === 'zpl' ? 'ZPL203DPI' : 'PDF');

export type PaymentAccount = { crid: string; mid: string; manifestMid?: string; accountType: 'EPS' | 'PERMIT' | 'METER'; accountNumber: string };

/** The two roles a label needs: who pays (PAYER) and whose label it is (LABEL_OWNER); here the brand both times. */
export function paymentAuthorizationBody(account: PaymentAccount) {
  const role = (roleName: 'PAYER' | 'LABEL_OWNER') => ({
    roleName,
    CRID: account.crid,
    MID: account.mid,
    manifestMID: account.manifestMid ?? account.mid,
    accountType: account.accountType,
    accountNumber: account.accountNumber,
  });
  return { roles: [role('PAYER'), role('LABEL_OWNER')] };
}

function address(party: PostalAddress) {
  const [first, ...rest] = party.name.trim().split(/\s+/);
  const [zip, plus4] = party.postalCode.trim().split('-');
  return {
    firstName: (first ?? '').slice(0, 50),
    lastName: rest.join(' ').slice(0, 50),
    ...(party.company ? { firm: party.company.slice(0, 50) } : {}),
    streetAddress: party.line1,
    ...(party.line2 ? { secondaryAddress: party.line2 } : {}),
    city: party.city,
    state: party.region ?? '',
    ZIPCode: zip ?? '',
    ...(plus4 ? { ZIPPlus4: plus4 } : {}),
    ...(party.phone ? { phone: party.phone.replace(/\D/g, '').slice(-10) } : {}),
    ...(party.email ? { email: party.email } : {}),
  };
}

export function labelRequestBody(request: LabelRequest) {
  const dims = request.parcel.dimensionsIn ?? { length: 0, width: 0, height: 0 };
  const returnLabel = request.direction === 'return';
  return {
    imageInfo: { imageType: uspsImageType(request.format), labelType: '4X6LABEL', receiptOption: 'NONE', suppressPostage: false, ...(returnLabel ? {} : { returnLabel: false }) },
    toAddress: address(request.shipTo),
    fromAddress: address(request.shipFrom),
    packageDescription: {
      mailClass: USPS_SERVICES[request.service as keyof typeof USPS_SERVICES]?.code ?? request.service,
      rateIndicator: 'SP',
      weightUOM: 'lb',
      weight: poundsUp(request.parcel.weightOz, 2), // rounded up, as UPS and FedEx: never under-declared
      dimensionsUOM: 'in',
      length: dims.length,
      width: dims.width,
      height: dims.height,
      processingCategory: 'MACHINABLE',
      destinationEntryFacilityType: 'NONE',
      ...(returnLabel ? {} : { mailingDate: request.shipDate }),
      customerReference: [{ referenceNumber: request.orderNumber.slice(0, 30), printReferenceNumber: true }],
    },
  };
}

export const paymentAuthorizationResponse = z.object({ paymentAuthorizationToken: z.string().min(1) });

export const labelMetadata = z.object({
  trackingNumber: z.string().min(1),
  postage: z.number().optional(),
  commitment: z.object({ scheduleDeliveryDate: z.string().optional() }).optional(),
});

export const cancelResponse = z.object({ trackingNumber: z.string().optional(), status: z.string() });

/** The request field USPS's error points at (errors[].source.parameter), as a label field. */
const errorSource = z.object({ error: z.object({ errors: z.array(z.object({ source: z.object({ parameter: z.string() }).optional() })).optional() }) });
export function uspsField(body: unknown): 'shipTo' | 'shipFrom' | 'parcel.weight' | 'parcel.dimensions' | 'service' | undefined {
  const parsed = errorSource.safeParse(body);
  const parameter = parsed.success ? (parsed.data.error.errors?.[0]?.source?.parameter ?? '') : '';
  if (parameter.startsWith('toAddress')) return 'shipTo';
  if (parameter.startsWith('fromAddress')) return 'shipFrom';
  if (/weight/i.test(parameter)) return 'parcel.weight';
  if (/length|width|height|girth/i.test(parameter)) return 'parcel.dimensions';
  if (/mailClass/i.test(parameter)) return 'service';
  return undefined;
}

/**
 * A replayed purchase (the same X-Idempotency-Key) answered with USPS's refusal of the request
 * itself: 400 with its error body (`errors[].code`, e.g. ADDRESS_NOT_FOUND, INVALID_WEIGHT). USPS
 * hands back a label sold under the key for the same request, so a refusal of that request says
 * none was sold. Any other answer (401/403, 429, 5xx, a 4xx without USPS's body, from a wrong
 * URL) says nothing about the label.
 */
export const replayRefused = (status: number, body: unknown): boolean => status === 400 && readUspsError(body)?.carrierCode != null;
