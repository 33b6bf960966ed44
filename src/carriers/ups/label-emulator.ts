// The UPS emulator's Shipping API: ship (outbound and Print Return Label), void, and Label Recovery
// by reference, with UPS's error body. Labels come back as ZPL, or as a PNG image (UPS sells images,
// not PDFs). Error codes 120802 (ShipTo address) and 190102 (no shipment within the void period)
// are UPS's; 190117 (void after pickup), 190118 (already voided) and 190202 (nothing matches the
// reference) are this emulator's stand-ins for UPS's wording.
import bwipjs from 'bwip-js';
import { jsonAnswer, type EmulatorAnswer, type EmulatorRequest } from '../emulator-kit.js';
import { type LabelBook, upsTrackingNumber, emulatedLabelDocument } from '../label-emulator.js';
import { UPS_SERVICES } from './label-format.js';

export const UPS_SHIP_PATH = /^\/api\/shipments\/v\d+\/ship$/;
export const UPS_VOID_PATH = /^\/api\/shipments\/v\d+\/void\/cancel\/([^/]+)$/;
export const UPS_RECOVERY_PATH = /^\/api\/labels\/v\d+\/recovery$/;

const upsError = (code: string, message: string) => ({ response: { errors: [{ code, message }] } });
const success = { ResponseStatus: { Code: '1', Description: 'Success' } };

type Party = { Name?: string; AttentionName?: string; Address?: { AddressLine?: string[]; City?: string; StateProvinceCode?: string; PostalCode?: string; CountryCode?: string } };
type ShipBody = {
  ShipmentRequest?: {
    Request?: { TransactionReference?: { CustomerContext?: string } };
    Shipment?: {
      ReturnService?: { Code?: string };
      Shipper?: Party & { ShipperNumber?: string };
      ShipTo?: Party;
      ShipFrom?: Party;
      Service?: { Code?: string };
      Package?: Array<{ PackageWeight?: { Weight?: string }; ReferenceNumber?: Array<{ Value?: string }> }>;
    };
    LabelSpecification?: { LabelImageFormat?: { Code?: string } };
  };
};

const CODES = new Set<string>(Object.values(UPS_SERVICES).map((s) => s.code));

export function upsLabelRoutes(book: LabelBook, shipperNumber: string, now: () => Date) {
  async function image(code: string, trackingNumber: string, to: Party, from: Party, service: string): Promise<string> {
    if (code === 'ZPL') {
      const zpl = await emulatedLabelDocument('zpl', sheet(trackingNumber, to, from, service));
      return zpl.toString('base64');
    }
    const png = await bwipjs.toBuffer({ bcid: 'code128', text: trackingNumber, scale: 3, height: 20, includetext: true, paddingwidth: 20, paddingheight: 20, backgroundcolor: 'FFFFFF' });
    return png.toString('base64');
  }

  async function ship(body: string): Promise<EmulatorAnswer> {
    const request = parse<ShipBody>(body)?.ShipmentRequest;
    const shipment = request?.Shipment;
    if (!request || !shipment) return jsonAnswer(400, upsError('120001', 'Missing or invalid ShipmentRequest'));
    if (shipment.Shipper?.ShipperNumber !== shipperNumber) return jsonAnswer(400, upsError('120100', 'Missing or invalid shipper number'));
    const serviceCode = shipment.Service?.Code ?? '';
    if (!CODES.has(serviceCode)) return jsonAnswer(400, upsError('120105', `Invalid or missing service code: ${serviceCode}`));
    const pkg = shipment.Package?.[0];
    const weight = Number(pkg?.PackageWeight?.Weight);
    if (!pkg || !Number.isFinite(weight) || weight <= 0) return jsonAnswer(400, upsError('120604', 'Missing or invalid package weight'));
    for (const [role, party] of [['ShipTo', shipment.ShipTo], ['ShipFrom', shipment.ShipFrom]] as const) {
      if (!party?.Address?.AddressLine?.[0] || !party.Address.City || !party.Address.CountryCode) return jsonAnswer(400, upsError('120201', `Missing or invalid ${role} address`));
      if (book.isRejected(party.Address.PostalCode)) return jsonAnswer(400, upsError(role === 'ShipTo' ? '120802' : '120803', `Address Validation Error on ${role} address`));
    }
    const format = request.LabelSpecification?.LabelImageFormat?.Code === 'ZPL' ? 'ZPL' : 'PNG';
    const trackingNumber = upsTrackingNumber(shipperNumber, serviceCode, book.nextSerial());
    const references = (pkg.ReferenceNumber ?? []).map((r) => r.Value ?? '').filter(Boolean);
    const charge = Math.round((8 + weight * 1.1) * 100) / 100;
    const { delayMs } = book.sell({ trackingNumber, shipmentId: trackingNumber, references, idempotencyKey: null, service: serviceCode, format, postalCode: shipment.ShipTo?.Address?.PostalCode ?? '', charge }, now());
    const graphic = await image(format, trackingNumber, shipment.ShipTo!, shipment.ShipFrom!, serviceCode);
    return {
      ...jsonAnswer(200, {
        ShipmentResponse: {
          Response: { ...success, TransactionReference: { CustomerContext: request.Request?.TransactionReference?.CustomerContext ?? '' } },
          ShipmentResults: {
            ShipmentCharges: { TotalCharges: { CurrencyCode: 'USD', MonetaryValue: charge.toFixed(2) } },
            BillingWeight: { UnitOfMeasurement: { Code: 'LBS', Description: 'Pounds' }, Weight: String(Math.ceil(weight)) },
            ShipmentIdentificationNumber: trackingNumber,
            PackageResults: [{ TrackingNumber: trackingNumber, ShippingLabel: { ImageFormat: { Code: format, Description: format }, GraphicImage: graphic } }],
          },
        },
      }),
      delayMs,
    };
  }

  function voidShipment(shipmentId: string): EmulatorAnswer {
    const label = book.byTracking(decodeURIComponent(shipmentId));
    if (!label) return jsonAnswer(400, upsError('190102', 'No shipment found within the allowed void period'));
    if (label.voided) return jsonAnswer(400, upsError('190118', 'The shipment has already been voided'));
    if (label.pickedUp) return jsonAnswer(400, upsError('190117', 'The shipment cannot be voided: the package has already been picked up by UPS'));
    label.voided = true;
    return jsonAnswer(200, { VoidShipmentResponse: { Response: success, SummaryResult: { Status: { Code: '1', Description: 'Voided' } } } });
  }

  async function recover(body: string): Promise<EmulatorAnswer> {
    const request = parse<{ LabelRecoveryRequest?: { LabelSpecification?: { LabelImageFormat?: { Code?: string } }; TrackingNumber?: string; ReferenceValues?: { ReferenceNumber?: { Value?: string }; ShipperNumber?: string } } }>(body)?.LabelRecoveryRequest;
    const reference = request?.ReferenceValues?.ReferenceNumber?.Value;
    const label = request?.TrackingNumber ? book.byTracking(request.TrackingNumber) : reference && request?.ReferenceValues?.ShipperNumber === shipperNumber ? book.byReference(reference) : undefined;
    if (!label || label.voided) return jsonAnswer(400, upsError('190202', 'No packages found for the given reference or tracking number'));
    const format = request?.LabelSpecification?.LabelImageFormat?.Code === 'ZPL' ? 'ZPL' : 'PNG';
    const graphic = await image(format, label.trackingNumber, {}, {}, label.service);
    return jsonAnswer(200, {
      LabelRecoveryResponse: {
        Response: success,
        ShipmentIdentificationNumber: label.shipmentId,
        LabelResults: [{ TrackingNumber: label.trackingNumber, LabelImage: { LabelImageFormat: { Code: format }, GraphicImage: graphic } }],
      },
    });
  }

  return async ({ req, method, url, body }: EmulatorRequest, authorized: (authorization: string | undefined) => boolean): Promise<EmulatorAnswer> => {
    book.countRequest();
    if (!authorized(req.headers.authorization)) return jsonAnswer(401, upsError('250002', 'Invalid Authentication Information.'));
    if (!req.headers.transid) return jsonAnswer(400, upsError('VSS002', 'Missing transId'));
    const voiding = UPS_VOID_PATH.exec(url.pathname);
    if (voiding && method === 'DELETE') return voidShipment(voiding[1]!);
    if (UPS_SHIP_PATH.test(url.pathname) && method === 'POST') return ship(body);
    if (UPS_RECOVERY_PATH.test(url.pathname) && method === 'POST') return recover(body);
    return jsonAnswer(405, upsError('10405', `Method ${method} is not allowed on ${url.pathname}`));
  };
}

function parse<T>(body: string): T | undefined {
  try {
    return JSON.parse(body) as T;
  } catch {
    return undefined;
  }
}

function sheet(trackingNumber: string, to: Party, from: Party, service: string) {
  const address = (p: Party) => ({
    name: p.AttentionName ?? p.Name ?? '',
    line1: p.Address?.AddressLine?.[0] ?? '',
    city: p.Address?.City ?? '',
    region: p.Address?.StateProvinceCode ?? null,
    postalCode: p.Address?.PostalCode ?? '',
    country: p.Address?.CountryCode ?? '',
  });
  return { carrierName: 'UPS', serviceName: service, direction: 'outbound' as const, trackingNumber, from: address(from), to: address(to), weightOz: null, orderNumber: '', shipDate: '' };
}
