// UPS Shipping API shapes, pure: the ShipmentRequest Waybill sends (outbound, or a Print Return
// Label with ReturnService 9), the LabelRecoveryRequest that finds a label by our reference, and
// readers of the answers (zod over only the fields Waybill reads).
import { z } from 'zod';
import { phoneDigits, poundsText } from '../label-kit.js';
import type { LabelRequest, PostalAddress } from '../label-types.js';

/** Waybill service names → UPS service codes (Shipping API appendix). */
export const UPS_SERVICES = {
  ground: { code: '03', level: 'standard', name: 'UPS Ground' },
  ground_saver: { code: '93', level: 'economy', name: 'UPS Ground Saver' },
  '3_day_select': { code: '12', level: 'standard', name: 'UPS 3 Day Select' },
  '2nd_day_air': { code: '02', level: 'express', name: 'UPS 2nd Day Air' },
  next_day_air_saver: { code: '13', level: 'express', name: 'UPS Next Day Air Saver' },
  next_day_air: { code: '01', level: 'express', name: 'UPS Next Day Air' },
} as const;

export const UPS_SHIP_VERSION = 'v2409';
/** UPS sells label images (GIF, PNG) and thermal ZPL; a PDF is its PNG placed on a 4×6 page. */
export const upsImageCode = (format: 'pdf' | 'zpl'): 'PNG' | 'ZPL' => (format === 'zpl' ? 'ZPL' : 'PNG');

function party(address: PostalAddress) {
  const phone = phoneDigits(address.phone);
  return {
    Name: (address.company ?? address.name).slice(0, 35),
    AttentionName: address.name.slice(0, 35),
    ...(phone ? { Phone: { Number: phone } } : {}),
    ...(address.email ? { EMailAddress: address.email } : {}),
    Address: {
      AddressLine: [address.line1, address.line2].filter((line): line is string => Boolean(line)),
      City: address.city,
      ...(address.region ? { StateProvinceCode: address.region } : {}),
      PostalCode: address.postalCode,
      CountryCode: address.country,
    },
  };
}

export function shipmentRequestBody(request: LabelRequest, shipperNumber: string) {
  const service = UPS_SERVICES[request.service as keyof typeof UPS_SERVICES];
  const dims = request.parcel.dimensionsIn;
  return {
    ShipmentRequest: {
      Request: { RequestOption: 'nonvalidate', TransactionReference: { CustomerContext: request.reference } },
      Shipment: {
        Description: `Order ${request.orderNumber}`.slice(0, 50),
        // 9 = UPS Print Return Label: the label the customer prints and sticks on the parcel.
        ...(request.direction === 'return' ? { ReturnService: { Code: '9' } } : {}),
        Shipper: { ...party(request.shipper), ShipperNumber: shipperNumber },
        ShipTo: party(request.shipTo),
        ShipFrom: party(request.shipFrom),
        PaymentInformation: { ShipmentCharge: [{ Type: '01', BillShipper: { AccountNumber: shipperNumber } }] },
        Service: { Code: service?.code ?? request.service, Description: service?.name ?? request.service },
        Package: [
          {
            Description: `Order ${request.orderNumber}`.slice(0, 35),
            Packaging: { Code: '02' }, // customer supplied package
            ...(dims
              ? { Dimensions: { UnitOfMeasurement: { Code: 'IN' }, Length: String(Math.ceil(dims.length)), Width: String(Math.ceil(dims.width)), Height: String(Math.ceil(dims.height)) } }
              : {}),
            PackageWeight: { UnitOfMeasurement: { Code: 'LBS' }, Weight: poundsText(request.parcel.weightOz) },
            // The second reference is Waybill's purchase id: Label Recovery finds the label by it after a timeout.
            ReferenceNumber: [{ Value: request.orderNumber.slice(0, 35) }, { Value: request.reference }],
          },
        ],
      },
      LabelSpecification: { LabelImageFormat: { Code: upsImageCode(request.format) }, LabelStockSize: { Height: '6', Width: '4' } },
    },
  };
}

export function labelRecoveryBody(request: LabelRequest, shipperNumber: string) {
  return {
    LabelRecoveryRequest: {
      LabelSpecification: { LabelImageFormat: { Code: upsImageCode(request.format) }, LabelStockSize: { Height: '6', Width: '4' } },
      ReferenceValues: { ReferenceNumber: { Value: request.reference }, ShipperNumber: shipperNumber },
    },
  };
}

const oneOrMany = <T extends z.ZodType>(item: T) => z.union([z.array(item).min(1), item]).transform((v) => (Array.isArray(v) ? v : [v]) as z.output<T>[]);
const image = z.object({ GraphicImage: z.string().min(1), ImageFormat: z.object({ Code: z.string() }).optional(), LabelImageFormat: z.object({ Code: z.string() }).optional() });

export const shipResponse = z.object({
  ShipmentResponse: z.object({
    ShipmentResults: z.object({
      ShipmentIdentificationNumber: z.string().min(1),
      ShipmentCharges: z.object({ TotalCharges: z.object({ CurrencyCode: z.string(), MonetaryValue: z.string() }) }).optional(),
      PackageResults: oneOrMany(z.object({ TrackingNumber: z.string().min(1), ShippingLabel: image })),
    }),
  }),
});

export const recoveryResponse = z.object({
  LabelRecoveryResponse: z.object({
    ShipmentIdentificationNumber: z.string().optional(),
    LabelResults: oneOrMany(z.object({ TrackingNumber: z.string().min(1), LabelImage: image })),
  }),
});

export const voidResponse = z.object({
  VoidShipmentResponse: z.object({ SummaryResult: z.object({ Status: z.object({ Code: z.string(), Description: z.string().optional() }) }) }),
});

/** UPS's "no shipment matches" on Label Recovery and Void: the carrier is sure there is none. */
export const UPS_NO_SHIPMENT_CODES: readonly string[] = ['190202', '190102'];
