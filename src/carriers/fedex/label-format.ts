// FedEx Ship API shapes, pure: the shipment request (outbound, or a Print Return Label with the
// customer as shipper and the brand paying), the cancel request, the track-by-reference request
// Waybill reconciles with, and readers of the answers (zod over only the fields Waybill reads).
import { z } from 'zod';
import { phoneDigits } from '../label-kit.js';
import type { LabelRequest, PostalAddress } from '../label-types.js';

/** Waybill service names → FedEx serviceType. */
export const FEDEX_SERVICES = {
  ground: { code: 'FEDEX_GROUND', level: 'standard', name: 'FedEx Ground' },
  home_delivery: { code: 'GROUND_HOME_DELIVERY', level: 'standard', name: 'FedEx Home Delivery' },
  express_saver: { code: 'FEDEX_EXPRESS_SAVER', level: 'economy', name: 'FedEx Express Saver' },
  '2day': { code: 'FEDEX_2_DAY', level: 'express', name: 'FedEx 2Day' },
  standard_overnight: { code: 'STANDARD_OVERNIGHT', level: 'express', name: 'FedEx Standard Overnight' },
  priority_overnight: { code: 'PRIORITY_OVERNIGHT', level: 'express', name: 'FedEx Priority Overnight' },
} as const;

export const fedexImageType = (format: 'pdf' | 'zpl'): 'PDF' | 'ZPLII' => (format === 'zpl' ? 'ZPLII' : 'PDF');

function party(address: PostalAddress) {
  return {
    contact: {
      personName: address.name.slice(0, 70),
      phoneNumber: phoneDigits(address.phone) ?? '',
      ...(address.company ? { companyName: address.company.slice(0, 35) } : {}),
      ...(address.email ? { emailAddress: address.email } : {}),
    },
    address: {
      streetLines: [address.line1, address.line2].filter((line): line is string => Boolean(line)),
      city: address.city,
      ...(address.region ? { stateOrProvinceCode: address.region } : {}),
      postalCode: address.postalCode,
      countryCode: address.country,
    },
  };
}

export function shipRequestBody(request: LabelRequest, accountNumber: string) {
  const dims = request.parcel.dimensionsIn;
  const isReturn = request.direction === 'return';
  return {
    labelResponseOptions: 'LABEL',
    requestedShipment: {
      shipper: party(request.shipFrom),
      recipients: [party(request.shipTo)],
      shipDatestamp: request.shipDate,
      serviceType: FEDEX_SERVICES[request.service as keyof typeof FEDEX_SERVICES]?.code ?? request.service,
      packagingType: 'YOUR_PACKAGING',
      pickupType: 'USE_SCHEDULED_PICKUP',
      // The brand pays: as sender outbound, as recipient of a return.
      shippingChargesPayment: isReturn ? { paymentType: 'RECIPIENT', payor: { responsibleParty: { accountNumber: { value: accountNumber } } } } : { paymentType: 'SENDER' },
      ...(isReturn ? { shipmentSpecialServices: { specialServiceTypes: ['RETURN_SHIPMENT'], returnShipmentDetail: { returnType: 'PRINT_RETURN_LABEL' } } } : {}),
      labelSpecification: { imageType: fedexImageType(request.format), labelStockType: request.format === 'zpl' ? 'STOCK_4X6' : 'PAPER_4X6' },
      requestedPackageLineItems: [
        {
          weight: { units: 'LB', value: Math.max(0.1, Math.ceil((request.parcel.weightOz / 16) * 10) / 10) },
          ...(dims ? { dimensions: { length: Math.ceil(dims.length), width: Math.ceil(dims.width), height: Math.ceil(dims.height), units: 'IN' } } : {}),
          // Waybill's purchase id: after a lost answer, tracking by this reference says whether FedEx shipped it.
          customerReferences: [
            { customerReferenceType: 'CUSTOMER_REFERENCE', value: request.reference },
            { customerReferenceType: 'P_O_NUMBER', value: request.orderNumber.slice(0, 30) },
          ],
        },
      ],
    },
    accountNumber: { value: accountNumber },
  };
}

export const cancelRequestBody = (trackingNumber: string, accountNumber: string, senderCountryCode: string) => ({
  accountNumber: { value: accountNumber },
  emailShipment: false,
  senderCountryCode,
  deletionControl: 'DELETE_ALL_PACKAGES',
  trackingNumber,
});

export const referenceTrackBody = (request: LabelRequest, accountNumber: string) => ({
  referencesInformation: { type: 'CUSTOMER_REFERENCE', value: request.reference, accountNumber, shipDateBegin: request.shipDate, shipDateEnd: request.shipDate },
  includeDetailedScans: false,
});

export const shipResponse = z.object({
  output: z.object({
    transactionShipments: z
      .array(
        z.object({
          masterTrackingNumber: z.string().optional(),
          pieceResponses: z
            .array(z.object({ trackingNumber: z.string().min(1), packageDocuments: z.array(z.object({ encodedLabel: z.string().min(1), docType: z.string().optional() })).min(1) }))
            .min(1),
          completedShipmentDetail: z
            .object({ shipmentRating: z.object({ shipmentRateDetails: z.array(z.object({ totalNetCharge: z.number(), currency: z.string() })) }).optional() })
            .optional(),
        }),
      )
      .min(1),
  }),
});

export const cancelResponse = z.object({ output: z.object({ cancelledShipment: z.boolean(), message: z.string().optional(), successMessage: z.string().optional() }) });

export const referenceTrackResponse = z.object({
  output: z.object({
    completeTrackResults: z.array(
      z.object({ trackResults: z.array(z.object({ trackingNumberInfo: z.object({ trackingNumber: z.string() }).optional(), error: z.object({ code: z.string() }).optional() })) }),
    ),
  }),
});

/** Which party a FedEx error code is about: its shipper is the parcel's origin, its recipient the destination. */
export function fedexField(code: string): 'shipFrom' | 'shipTo' | 'parcel.weight' | 'parcel.dimensions' | 'service' | undefined {
  if (code.startsWith('SHIPPER.')) return 'shipFrom';
  if (code.startsWith('RECIPIENT')) return 'shipTo';
  if (code.includes('WEIGHT')) return 'parcel.weight';
  if (code.includes('DIMENSION')) return 'parcel.dimensions';
  if (code.includes('SERVICETYPE')) return 'service';
  return undefined;
}
