// The USPS emulator's Labels v3 and Payments v3: a payment authorization for the configured account,
// domestic labels and return labels answered as multipart/form-data (JSON metadata + the label as
// base64), X-Idempotency-Key honoured (the same key hands back the same label, uncharged), and
// cancels refused once the package has an acceptance scan. Error bodies are USPS's shape; the codes
// for address, payment and cancel refusals are this emulator's stand-ins.
import { randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { EmulatorAnswer, EmulatorRequest } from '../emulator-kit.js';
import { emulatedLabelDocument, type LabelBook, type SoldLabel, uspsTrackingNumber, parseJsonBody } from '../label-emulator.js';
import { USPS_SERVICES } from './label-format.js';

export type UspsPaymentAccount = { crid: string; mid: string; accountNumber: string };

type ErrorAnswer = (status: number, code: string, title: string, detail: string, source?: { parameter: string; example: string }) => EmulatorAnswer;
type Address = { firstName?: string; lastName?: string; firm?: string; streetAddress?: string; city?: string; state?: string; ZIPCode?: string };
type LabelBody = { imageInfo?: { imageType?: string }; toAddress?: Address; fromAddress?: Address; packageDescription?: { mailClass?: string; weight?: number; length?: number; width?: number; height?: number } };

const MAIL_CLASSES = new Set<string>(Object.values(USPS_SERVICES).map((s) => s.code));
const BOUNDARY = 'waybill-usps-emulator-boundary';

export function uspsLabelRoutes(book: LabelBook, account: UspsPaymentAccount, now: () => Date, scopesOf: (req: IncomingMessage) => string[] | undefined, uspsError: ErrorAnswer) {
  const paymentTokens = new Set<string>();

  function authorizePayment(body: string): EmulatorAnswer {
    const roles = parseJsonBody<{ roles?: Array<{ roleName?: string; CRID?: string; MID?: string; accountNumber?: string }> }>(body)?.roles ?? [];
    const payer = roles.find((r) => r.roleName === 'PAYER');
    if (!payer || !roles.some((r) => r.roleName === 'LABEL_OWNER')) return uspsError(400, 'INVALID_ROLES', 'Bad Request', 'A PAYER and a LABEL_OWNER role are required.', { parameter: 'roles', example: 'PAYER' });
    if (payer.CRID !== account.crid || payer.MID !== account.mid || payer.accountNumber !== account.accountNumber) {
      return uspsError(400, 'PAYMENT_ACCOUNT_INVALID', 'Bad Request', 'The payment account is not valid for this CRID and MID.', { parameter: 'roles.accountNumber', example: account.accountNumber });
    }
    const token = randomBytes(24).toString('base64url');
    paymentTokens.add(token);
    return { status: 200, body: { paymentAuthorizationToken: token, roles } };
  }

  async function labelAnswer(label: SoldLabel, isReturn: boolean, request: LabelBody, delayMs: number): Promise<EmulatorAnswer> {
    const format = label.format as 'pdf' | 'zpl';
    const document = await emulatedLabelDocument(format, sheet(label.trackingNumber, request, label.service));
    const metadata = { labelAddress: request.toAddress ?? {}, routingInformation: `420${label.postalCode}`, trackingNumber: label.trackingNumber, postage: label.charge, zone: '05', commitment: { name: '2 Days' }, SKU: 'DUXP0XXXXC05010' };
    const prefix = isReturn ? 'returnLabel' : 'label';
    const raw = [
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${prefix}Metadata"\r\nContent-Type: application/json\r\n\r\n${JSON.stringify(metadata)}\r\n`,
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${prefix}Image"; filename="${prefix}Image.${format}"\r\nContent-Type: ${format === 'pdf' ? 'application/pdf' : 'text/plain'}\r\n\r\n${document.toString('base64')}\r\n`,
      `--${BOUNDARY}--\r\n`,
    ].join('');
    return { status: 200, raw, contentType: `multipart/form-data; boundary=${BOUNDARY}`, delayMs };
  }

  async function createLabel(req: IncomingMessage, body: string, isReturn: boolean): Promise<EmulatorAnswer> {
    const key = header(req, 'x-idempotency-key');
    const request = parseJsonBody<LabelBody>(body);
    if (!request) return uspsError(400, 'INVALID_REQUEST', 'Bad Request', 'The request body is not valid JSON.');
    const repeated = key ? book.byIdempotencyKey(key) : undefined;
    if (repeated) return labelAnswer(repeated, isReturn, request, 0); // the label already sold under this key, not charged again
    const pkg = request.packageDescription ?? {};
    if (!MAIL_CLASSES.has(pkg.mailClass ?? '')) return uspsError(400, 'INVALID_MAIL_CLASS', 'Bad Request', `mailClass ${pkg.mailClass} is not valid.`, { parameter: 'packageDescription.mailClass', example: 'USPS_GROUND_ADVANTAGE' });
    if (!(Number(pkg.weight) > 0) || Number(pkg.weight) > 70) return uspsError(400, 'INVALID_WEIGHT', 'Bad Request', 'weight must be greater than 0 and at most 70 lb.', { parameter: 'packageDescription.weight', example: '2.5' });
    if (![pkg.length, pkg.width, pkg.height].every((d) => Number(d) > 0)) return uspsError(400, 'INVALID_DIMENSIONS', 'Bad Request', 'length, width and height are required.', { parameter: 'packageDescription.length', example: '12' });
    for (const [name, address] of [['toAddress', request.toAddress], ['fromAddress', request.fromAddress]] as const) {
      if (!address?.streetAddress || !address.city || !/^\d{5}$/.test(address.ZIPCode ?? '')) return uspsError(400, 'INVALID_ADDRESS', 'Bad Request', `${name} is incomplete.`, { parameter: `${name}.ZIPCode`, example: '63118' });
      if (book.isRejected(address.ZIPCode)) return uspsError(400, 'ADDRESS_NOT_FOUND', 'Invalid address', 'Address Not Found.', { parameter: `${name}.ZIPCode`, example: '63118' });
    }
    const format = request.imageInfo?.imageType?.startsWith('ZPL') ? 'zpl' : 'pdf';
    const trackingNumber = uspsTrackingNumber(book.nextSerial());
    const charge = Math.round((6 + Number(pkg.weight) * 0.9) * 100) / 100;
    const { label, delayMs } = book.sell({ trackingNumber, shipmentId: trackingNumber, references: [], idempotencyKey: key ?? null, service: pkg.mailClass!, format, postalCode: request.toAddress!.ZIPCode!, charge }, now());
    return labelAnswer(label, isReturn, request, delayMs);
  }

  function cancel(trackingNumber: string): EmulatorAnswer {
    const label = book.byTracking(trackingNumber);
    if (!label) return uspsError(404, 'LABEL_NOT_FOUND', 'Not Found', 'No label with this tracking number was found for the account.', { parameter: 'trackingNumber', example: trackingNumber });
    if (label.voided) return uspsError(400, 'LABEL_ALREADY_CANCELED', 'Bad Request', 'The label has already been canceled.');
    if (label.pickedUp) return uspsError(400, 'LABEL_ALREADY_ACCEPTED', 'Bad Request', 'The label cannot be canceled: the package already has an acceptance scan.');
    label.voided = true;
    return { status: 200, body: { trackingNumber, status: 'CANCELED' } };
  }

  return async ({ req, method, url, body }: EmulatorRequest): Promise<EmulatorAnswer> => {
    book.countRequest();
    const scopes = scopesOf(req);
    if (!scopes) return uspsError(401, 'UNAUTHORIZED', 'Unauthorized', 'The access token is missing, invalid or expired.');
    if (url.pathname === '/payments/v3/payment-authorization' && method === 'POST') {
      return scopes.includes('payments') ? authorizePayment(body) : uspsError(403, 'FORBIDDEN', 'Forbidden', 'The access token does not carry the payments scope.');
    }
    if (!scopes.includes('labels')) return uspsError(403, 'FORBIDDEN', 'Forbidden', 'The access token does not carry the labels scope.');
    if (!paymentTokens.has(header(req, 'x-payment-authorization-token') ?? '')) {
      return uspsError(401, 'PAYMENT_AUTHORIZATION_INVALID', 'Unauthorized', 'The X-Payment-Authorization-Token header is missing or not valid.');
    }
    if (method === 'POST' && url.pathname === '/labels/v3/label') return createLabel(req, body, false);
    if (method === 'POST' && url.pathname === '/labels/v3/return-label') return createLabel(req, body, true);
    const cancelling = /^\/labels\/v3\/label\/([^/]+)$/.exec(url.pathname);
    if (method === 'DELETE' && cancelling) return cancel(decodeURIComponent(cancelling[1]!));
    return uspsError(405, 'METHOD_NOT_ALLOWED', 'Method Not Allowed', `${method} is not allowed on ${url.pathname}.`);
  };
}

const header = (req: IncomingMessage, name: string): string | undefined => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function sheet(trackingNumber: string, request: LabelBody, service: string) {
  const address = (a: Address | undefined) => ({
    name: [a?.firstName, a?.lastName].filter(Boolean).join(' ') || (a?.firm ?? ''),
    line1: a?.streetAddress ?? '',
    city: a?.city ?? '',
    region: a?.state ?? null,
    postalCode: a?.ZIPCode ?? '',
    country: 'US',
  });
  return { carrierName: 'USPS', serviceName: service.replaceAll('_', ' '), direction: 'outbound' as const, trackingNumber, from: address(request.fromAddress), to: address(request.toAddress), weightOz: null, orderNumber: '', shipDate: '' };
}
