// USPS labels through Labels v3, paid through Payments v3. A label needs, besides the OAuth token,
// a payment authorization token: the brand's payment account (CRID, MID, EPS or permit account
// number) must be on the USPS connection, or no call is made.
//   pay    POST   /payments/v3/payment-authorization   (cached, about 8 hours)
//   buy    POST   /labels/v3/label | /labels/v3/return-label   X-Idempotency-Key: our purchase id
//   void   DELETE /labels/v3/label/{trackingNumber}
// USPS honours the idempotency key: the same request again hands back the label it sold.
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import { documentFromBase64, withField } from '../label-kit.js';
import type { BoughtLabel, BoughtLabelRef, LabelCapability, LabelRequest } from '../label-types.js';
import { baseUrlOf, fetchWithTimeout, type HttpAnswer } from '../http.js';
import { badResponse, readJson, zodSummary } from '../parse-kit.js';
import type { CarrierContext, CarrierError } from '../types.js';
import { toCarrierError, uspsTokensFor } from './client.js';
import { cancelResponse, labelMetadata, labelRequestBody, type PaymentAccount, paymentAuthorizationBody, paymentAuthorizationResponse, replayRefused, USPS_SERVICES, uspsField } from './label-format.js';

/** The payment account fields a USPS connection carries to buy labels (all optional for tracking). */
export const USPS_PAYMENT_FIELDS = {
  crid: z.string().trim().regex(/^\d{4,15}$/, 'crid is the Customer Registration ID (digits)').optional().describe('Customer Registration ID, for labels'),
  mid: z.string().trim().regex(/^\d{6}(\d{3})?$/, 'mid is a 6- or 9-digit Mailer ID').optional().describe('Mailer ID, for labels'),
  manifestMid: z.string().trim().regex(/^\d{6}(\d{3})?$/, 'manifestMid is a 6- or 9-digit Mailer ID').optional().describe('Manifest Mailer ID when it differs from mid'),
  accountType: z.enum(['EPS', 'PERMIT', 'METER']).optional().describe('How postage is paid; EPS (Enterprise Payment System) by default'),
  accountNumber: z.string().trim().min(1).optional().describe('The EPS (or permit) account number labels are paid from'),
};

const labelAccountSchema = z.object({ clientId: z.string().min(1), clientSecret: z.string().min(1), ...USPS_PAYMENT_FIELDS });
type Account = { clientId: string; clientSecret: string; payment: PaymentAccount };

const PAYMENT_TOKEN_MS = 7 * 3_600_000; // USPS's live about eight hours; renewed an hour early
const tokens = uspsTokensFor('labels payments', 'usps-labels');

function account(ctx: CarrierContext): Result<Account, CarrierError> {
  const parsed = labelAccountSchema.safeParse(ctx.credentials);
  const missing = (['crid', 'mid', 'accountNumber'] as const).filter((field) => !parsed.success || !parsed.data[field]);
  if (!parsed.success || missing.length > 0) {
    return err({ code: 'auth_failed', message: `USPS labels need the brand's payment account on the USPS connection: ${missing.join(', ') || 'valid credentials'} missing`, retryable: false });
  }
  const { clientId, clientSecret, crid, mid, manifestMid, accountType, accountNumber } = parsed.data;
  return ok({ clientId, clientSecret, payment: { crid: crid!, mid: mid!, manifestMid, accountType: accountType ?? 'EPS', accountNumber: accountNumber! } });
}

/** The payment authorization token, from the cache or from Payments v3. */
async function paymentToken(ctx: CarrierContext, credentials: Account): Promise<Result<string, CarrierError>> {
  const key = `usps-payment:${baseUrlOf(ctx)}:${credentials.clientId}:${credentials.payment.accountNumber}`;
  const cached = ctx.tokenCache.get(key);
  if (cached && cached.expiresAt > ctx.clock.now().getTime()) return ok(cached.token);
  const answer = await tokens.withToken(ctx, credentials, (token) =>
    fetchWithTimeout(ctx, 'USPS', `${baseUrlOf(ctx)}/payments/v3/payment-authorization`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(paymentAuthorizationBody(credentials.payment)),
    }),
  );
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) {
    const refused = toCarrierError(answer.value, ctx.clock.now());
    // A payment account USPS does not accept is an account problem, not a passing failure.
    return err(refused.code === 'bad_request' ? { ...refused, code: 'auth_failed', message: `USPS refused the payment account: ${refused.carrierMessage ?? refused.message}` } : refused);
  }
  const parsed = paymentAuthorizationResponse.safeParse(readJson(answer.value.text));
  if (!parsed.success) return err(badResponse('USPS answered the payment authorization with a body Waybill cannot read'));
  ctx.tokenCache.set(key, { token: parsed.data.paymentAuthorizationToken, expiresAt: ctx.clock.now().getTime() + PAYMENT_TOKEN_MS });
  return ok(parsed.data.paymentAuthorizationToken);
}

async function send(ctx: CarrierContext, credentials: Account, method: string, path: string, extra: Record<string, string>, body?: unknown): Promise<Result<HttpAnswer, CarrierError>> {
  const payment = await paymentToken(ctx, credentials);
  if (!payment.ok) return payment;
  return tokens.withToken(ctx, credentials, (token) =>
    fetchWithTimeout(ctx, 'USPS', `${baseUrlOf(ctx)}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'x-payment-authorization-token': payment.value, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...extra },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

const refused = (answer: HttpAnswer, now: Date): CarrierError => withField(toCarrierError(answer, now), uspsField(readJson(answer.text)));

/** The purchase call; the same reference goes as X-Idempotency-Key every time. */
async function postLabel(ctx: CarrierContext, request: LabelRequest): Promise<Result<HttpAnswer, CarrierError>> {
  const credentials = account(ctx);
  if (!credentials.ok) return credentials;
  const path = request.direction === 'return' ? '/labels/v3/return-label' : '/labels/v3/label';
  return send(ctx, credentials.value, 'POST', path, { accept: 'multipart/form-data', 'x-idempotency-key': request.reference }, labelRequestBody(request));
}

async function createLabel(ctx: CarrierContext, request: LabelRequest): Promise<Result<BoughtLabel, CarrierError>> {
  const answer = await postLabel(ctx, request);
  return answer.ok ? labelOf(ctx, request, answer.value) : answer;
}

/**
 * The same request under the same idempotency key: USPS hands back the label it sold (or sells it
 * now); null only when USPS refuses the request itself (`replayRefused`), the one answer that says
 * no label was sold. Every other failure is an error: the outcome is still unknown.
 */
async function recoverLabel(ctx: CarrierContext, request: LabelRequest): Promise<Result<BoughtLabel | null, CarrierError>> {
  const answer = await postLabel(ctx, request);
  if (!answer.ok) return answer;
  if (replayRefused(answer.value.status, readJson(answer.value.text))) return ok(null);
  return labelOf(ctx, request, answer.value);
}

async function labelOf(ctx: CarrierContext, request: LabelRequest, answer: HttpAnswer): Promise<Result<BoughtLabel, CarrierError>> {
  if (answer.status !== 200) return err(refused(answer, ctx.clock.now()));
  const isReturn = request.direction === 'return';
  const parts = await readParts(answer);
  const metadata = labelMetadata.safeParse(readJson(parts?.get(isReturn ? 'returnLabelMetadata' : 'labelMetadata') ?? ''));
  const image = parts?.get(isReturn ? 'returnLabelImage' : 'labelImage');
  if (!metadata.success || !image) return err(badResponse(`USPS answered the label request with a body Waybill cannot read (${metadata.success ? 'no label image' : zodSummary(metadata.error)})`));
  const { trackingNumber, postage } = metadata.data;
  return ok({
    trackingNumber,
    carrierReference: null,
    documents: [await documentFromBase64(request.format, request.format, image, `USPS label ${trackingNumber}`)],
    charge: postage === undefined ? null : { amount: postage, currency: 'USD' },
  });
}

/** The multipart parts as text, read by the standard Response.formData(); null when it is not multipart. */
async function readParts(answer: HttpAnswer): Promise<Map<string, string> | null> {
  const type = answer.headers.get('content-type') ?? '';
  if (!type.startsWith('multipart/')) return null;
  try {
    const form = await new Response(answer.text, { headers: { 'content-type': type } }).formData();
    const parts = new Map<string, string>();
    for (const [name, value] of form) parts.set(name, typeof value === 'string' ? value : await value.text());
    return parts;
  } catch {
    return null;
  }
}

async function voidLabel(ctx: CarrierContext, label: BoughtLabelRef): Promise<Result<void, CarrierError>> {
  const credentials = account(ctx);
  if (!credentials.ok) return credentials;
  const answer = await send(ctx, credentials.value, 'DELETE', `/labels/v3/label/${encodeURIComponent(label.trackingNumber)}`, { accept: 'application/json' });
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return err(refused(answer.value, ctx.clock.now()));
  const parsed = cancelResponse.safeParse(readJson(answer.value.text));
  if (!parsed.success) return err(badResponse('USPS answered the cancel with a body Waybill cannot read'));
  if (!['CANCELED', 'CANCELLED', 'DISPUTED'].includes(parsed.data.status.toUpperCase())) {
    return err({ code: 'bad_request', message: `USPS did not cancel the label (status ${parsed.data.status})`, retryable: false, carrierMessage: parsed.data.status });
  }
  return ok(undefined);
}

export const uspsLabels: LabelCapability = {
  services: USPS_SERVICES,
  defaultServices: { economy: 'parcel_select', standard: 'ground_advantage', express: 'priority_mail' },
  formats: ['pdf', 'zpl'],
  destinations: ['US', 'PR', 'VI', 'GU', 'AS', 'MP'], // Labels v3 is domestic; international labels are another API
  limits: { maxWeightOz: 70 * 16, maxLengthIn: 108, maxLengthPlusGirthIn: 130, requiresDimensions: true },
  idempotent: true,
  accountProblem: (ctx) => {
    const checked = account(ctx);
    return checked.ok ? null : `${checked.error.message} (PUT /v1/carriers/usps/connection with crid, mid and accountNumber)`;
  },
  createLabel,
  recoverLabel,
  voidLabel,
};
