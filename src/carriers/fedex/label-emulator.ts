// The FedEx emulator's Ship API: create shipments (outbound and Print Return Label) with PDF or
// ZPLII labels, cancel them, and find them by customer reference (Track by references), with FedEx's
// error body. SHIPPER./RECIPIENT.POSTALSTATE.MISMATCH follow FedEx's code style; the cancel refusal
// after pickup (SHIPMENT.CANCELLATION.NOTALLOWED) is this emulator's stand-in for FedEx's wording.
import { randomUUID } from 'node:crypto';
import { jsonAnswer, type EmulatorAnswer, type EmulatorRequest } from '../emulator-kit.js';
import { emulatedLabelDocument, fedexTrackingNumber, type LabelBook, parseJsonBody } from '../label-emulator.js';
import { FEDEX_SERVICES } from './label-format.js';

export const FEDEX_SHIP_PATH = '/ship/v1/shipments';
export const FEDEX_CANCEL_PATH = '/ship/v1/shipments/cancel';
export const FEDEX_REFERENCE_PATH = '/track/v1/referencenumbers';

const fedexError = (code: string, message: string) => ({ transactionId: randomUUID(), errors: [{ code, message }] });
const SERVICE_TYPES = new Set<string>(Object.values(FEDEX_SERVICES).map((s) => s.code));

type Party = { contact?: { personName?: string; phoneNumber?: string }; address?: { streetLines?: string[]; city?: string; stateOrProvinceCode?: string; postalCode?: string; countryCode?: string } };
type ShipBody = {
  accountNumber?: { value?: string };
  requestedShipment?: {
    shipper?: Party;
    recipients?: Party[];
    serviceType?: string;
    labelSpecification?: { imageType?: string };
    requestedPackageLineItems?: Array<{ weight?: { value?: number }; customerReferences?: Array<{ value?: string }> }>;
  };
};

export function fedexLabelRoutes(book: LabelBook, accountNumber: string, now: () => Date) {
  async function ship(body: string): Promise<EmulatorAnswer> {
    const request = parseJsonBody<ShipBody>(body);
    const shipment = request?.requestedShipment;
    if (!request || !shipment) return jsonAnswer(400, fedexError('INVALID.INPUT.EXCEPTION', 'Invalid field value in the input'));
    if (request.accountNumber?.value !== accountNumber) return jsonAnswer(403, fedexError('ACCOUNT.NUMBER.MISMATCH', 'The account number in the request does not match the credentials.'));
    if (!SERVICE_TYPES.has(shipment.serviceType ?? '')) return jsonAnswer(400, fedexError('SERVICETYPE.INVALID', `Invalid service type: ${shipment.serviceType}`));
    const pkg = shipment.requestedPackageLineItems?.[0];
    if (!pkg || !(Number(pkg.weight?.value) > 0)) return jsonAnswer(400, fedexError('PACKAGE.WEIGHT.INVALID', 'Package weight is missing or invalid.'));
    const recipient = shipment.recipients?.[0];
    for (const [role, party] of [['SHIPPER', shipment.shipper], ['RECIPIENT', recipient]] as const) {
      if (!party?.address?.streetLines?.[0] || !party.address.city) return jsonAnswer(400, fedexError(`${role}.ADDRESS.REQUIRED`, `${role === 'SHIPPER' ? 'Shipper' : 'Recipient'} address is required.`));
      if (!party.contact?.phoneNumber) return jsonAnswer(400, fedexError(`${role}.CONTACT.PHONENUMBER.INVALID`, 'A phone number is required.'));
      if (book.isRejected(party.address.postalCode)) {
        return jsonAnswer(400, fedexError(`${role}.POSTALSTATE.MISMATCH`, `${role === 'SHIPPER' ? 'Shipper' : 'Recipient'} postal-state combination are invalid.`));
      }
    }
    const format = shipment.labelSpecification?.imageType === 'ZPLII' ? 'zpl' : 'pdf';
    const trackingNumber = fedexTrackingNumber(book.nextSerial());
    const references = (pkg.customerReferences ?? []).map((r) => r.value ?? '').filter(Boolean);
    const charge = Math.round((9 + Number(pkg.weight!.value) * 1.2) * 100) / 100;
    const { delayMs } = book.sell({ trackingNumber, shipmentId: trackingNumber, references, idempotencyKey: null, service: shipment.serviceType!, format, postalCode: recipient?.address?.postalCode ?? '', charge }, now());
    const document = await emulatedLabelDocument(format, sheet(trackingNumber, shipment.shipper!, recipient!, shipment.serviceType!));
    return {
      ...jsonAnswer(200, {
        transactionId: randomUUID(),
        output: {
          transactionShipments: [
            {
              masterTrackingNumber: trackingNumber,
              serviceType: shipment.serviceType,
              shipDatestamp: now().toISOString().slice(0, 10),
              pieceResponses: [
                {
                  masterTrackingNumber: trackingNumber,
                  trackingNumber,
                  customerReferences: pkg.customerReferences ?? [],
                  packageDocuments: [{ contentType: 'LABEL', copiesToPrint: 1, encodedLabel: document.toString('base64'), docType: format === 'zpl' ? 'ZPLII' : 'PDF' }],
                },
              ],
              completedShipmentDetail: { shipmentRating: { shipmentRateDetails: [{ rateType: 'PAYOR_ACCOUNT_PACKAGE', totalNetCharge: charge, currency: 'USD' }] } },
            },
          ],
        },
      }),
      delayMs,
    };
  }

  function cancel(body: string): EmulatorAnswer {
    const request = parseJsonBody<{ accountNumber?: { value?: string }; trackingNumber?: string }>(body);
    if (request?.accountNumber?.value !== accountNumber) return jsonAnswer(403, fedexError('ACCOUNT.NUMBER.MISMATCH', 'The account number in the request does not match the credentials.'));
    const label = book.byTracking(request.trackingNumber ?? '');
    if (!label || label.voided) return jsonAnswer(404, fedexError('TRACKINGNUMBER.NOTFOUND', 'The tracking number is not found or the shipment was already cancelled.'));
    if (label.pickedUp) return jsonAnswer(400, fedexError('SHIPMENT.CANCELLATION.NOTALLOWED', 'The shipment cannot be cancelled: it has already been tendered to FedEx (picked up).'));
    label.voided = true;
    return jsonAnswer(200, { transactionId: randomUUID(), output: { cancelledShipment: true, cancelledHistory: true, successMessage: 'Success' } });
  }

  function byReference(body: string): EmulatorAnswer {
    const request = parseJsonBody<{ referencesInformation?: { value?: string; accountNumber?: string } }>(body)?.referencesInformation;
    const label = request?.accountNumber === accountNumber && request.value ? book.byReference(request.value) : undefined;
    const result = label && !label.voided
      ? { trackingNumberInfo: { trackingNumber: label.trackingNumber, carrierCode: 'FDXE' }, latestStatusDetail: { code: 'OC', description: 'Label created' } }
      : { error: { code: 'TRACKING.REFERENCENUMBER.NOTFOUND', message: 'Reference number cannot be found. Please correct the reference number and try again.' } };
    return jsonAnswer(200, { transactionId: randomUUID(), output: { completeTrackResults: [{ trackingNumber: label?.trackingNumber ?? '', trackResults: [result] }] } });
  }

  return async ({ req, method, url, body }: EmulatorRequest, authorized: (authorization: string | undefined) => boolean): Promise<EmulatorAnswer> => {
    book.countRequest();
    if (!authorized(req.headers.authorization)) return jsonAnswer(401, fedexError('NOT.AUTHORIZED.ERROR', 'Access token expired. Please modify your request and try again.'));
    if (url.pathname === FEDEX_CANCEL_PATH && method === 'PUT') return cancel(body);
    if (url.pathname === FEDEX_SHIP_PATH && method === 'POST') return ship(body);
    if (url.pathname === FEDEX_REFERENCE_PATH && method === 'POST') return byReference(body);
    return jsonAnswer(405, fedexError('METHOD.NOT.ALLOWED', `Method ${method} is not allowed on ${url.pathname}`));
  };
}

function sheet(trackingNumber: string, from: Party, to: Party, service: string) {
  const address = (p: Party) => ({
    name: p.contact?.personName ?? '',
    line1: p.address?.streetLines?.[0] ?? '',
    city: p.address?.city ?? '',
    region: p.address?.stateOrProvinceCode ?? null,
    postalCode: p.address?.postalCode ?? '',
    country: p.address?.countryCode ?? '',
  });
  return { carrierName: 'FedEx', serviceName: service.replaceAll('_', ' '), direction: 'outbound' as const, trackingNumber, from: address(from), to: address(to), weightOz: null, orderNumber: '', shipDate: '' };
}
