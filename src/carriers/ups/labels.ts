// UPS labels through the Shipping API, with the brand's account (credentials.accountNumber):
//   buy    POST   /api/shipments/v2409/ship                         (ZPL, or PNG placed on a 4×6 PDF)
//   void   DELETE /api/shipments/v2409/void/cancel/{shipmentId}
//   find   POST   /api/labels/v1/recovery  by our reference          (after a timeout)
// UPS takes no idempotency key, so every package carries Waybill's purchase id as a reference:
// after a call whose answer was lost, Label Recovery by that reference says whether UPS sold it.
import { randomUUID } from 'node:crypto';
import { err, ok, type Result } from '../../lib/result.js';
import { documentFromBase64, withField } from '../label-kit.js';
import type { BoughtLabel, BoughtLabelRef, LabelCapability, LabelRequest } from '../label-types.js';
import { baseUrlOf, fetchWithTimeout, type HttpAnswer } from '../http.js';
import { badResponse, readJson, zodSummary } from '../parse-kit.js';
import type { CarrierContext, CarrierError } from '../types.js';
import { DEFAULT_TRANSACTION_SRC, readUpsCredentials, type UpsCredentials, upsHttpError, upsTokens } from './client.js';
import { labelRecoveryBody, recoveryResponse, shipmentRequestBody, shipResponse, UPS_NO_SHIPMENT_CODES, UPS_SERVICES, UPS_SHIP_VERSION, voidResponse } from './label-format.js';
import { readUpsError } from './parse.js';

type Account = UpsCredentials & { accountNumber: string };

function account(ctx: CarrierContext): Result<Account, CarrierError> {
  const credentials = readUpsCredentials(ctx);
  if (!credentials.ok) return credentials;
  if (!credentials.value.accountNumber) return err({ code: 'auth_failed', message: 'UPS labels need the account number: add accountNumber to the UPS connection', retryable: false });
  return ok(credentials.value as Account);
}

function send(ctx: CarrierContext, credentials: Account, method: string, path: string, body?: unknown): Promise<Result<HttpAnswer, CarrierError>> {
  return upsTokens.withToken(ctx, credentials, (token) =>
    fetchWithTimeout(ctx, 'UPS', `${baseUrlOf(ctx)}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        accept: 'application/json',
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        transId: randomUUID().replaceAll('-', ''),
        transactionSrc: credentials.transactionSrc ?? DEFAULT_TRANSACTION_SRC,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    }),
  );
}

const refused = (answer: HttpAnswer, now: Date): CarrierError => withField(upsHttpError(answer, now));

async function createLabel(ctx: CarrierContext, request: LabelRequest): Promise<Result<BoughtLabel, CarrierError>> {
  const credentials = account(ctx);
  if (!credentials.ok) return credentials;
  const answer = await send(ctx, credentials.value, 'POST', `/api/shipments/${UPS_SHIP_VERSION}/ship`, shipmentRequestBody(request, credentials.value.accountNumber));
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return err(refused(answer.value, ctx.clock.now()));
  const parsed = shipResponse.safeParse(readJson(answer.value.text));
  // A 200 we cannot read may still be a label UPS sold: bad_response keeps the outcome unknown.
  if (!parsed.success) return err(badResponse(`UPS answered the label request with a body Waybill cannot read (${zodSummary(parsed.error)})`));
  const results = parsed.data.ShipmentResponse.ShipmentResults;
  const pkg = results.PackageResults[0]!;
  const charges = results.ShipmentCharges?.TotalCharges;
  return ok({
    trackingNumber: pkg.TrackingNumber,
    carrierReference: results.ShipmentIdentificationNumber,
    documents: [await documentFromBase64(request.format, request.format === 'zpl' ? 'zpl' : 'png', pkg.ShippingLabel.GraphicImage, `UPS label ${pkg.TrackingNumber}`)],
    charge: charges ? { amount: Number(charges.MonetaryValue), currency: charges.CurrencyCode } : null,
  });
}

async function recoverLabel(ctx: CarrierContext, request: LabelRequest): Promise<Result<BoughtLabel | null, CarrierError>> {
  const credentials = account(ctx);
  if (!credentials.ok) return credentials;
  const answer = await send(ctx, credentials.value, 'POST', '/api/labels/v1/recovery', labelRecoveryBody(request, credentials.value.accountNumber));
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) {
    const said = readUpsError(readJson(answer.value.text));
    if (said && UPS_NO_SHIPMENT_CODES.includes(said.code)) return ok(null);
    return err(refused(answer.value, ctx.clock.now()));
  }
  const parsed = recoveryResponse.safeParse(readJson(answer.value.text));
  if (!parsed.success) return err(badResponse(`UPS answered Label Recovery with a body Waybill cannot read (${zodSummary(parsed.error)})`));
  const found = parsed.data.LabelRecoveryResponse;
  const label = found.LabelResults[0]!;
  return ok({
    trackingNumber: label.TrackingNumber,
    carrierReference: found.ShipmentIdentificationNumber ?? label.TrackingNumber,
    documents: [await documentFromBase64(request.format, request.format === 'zpl' ? 'zpl' : 'png', label.LabelImage.GraphicImage, `UPS label ${label.TrackingNumber}`)],
    charge: null,
  });
}

async function voidLabel(ctx: CarrierContext, label: BoughtLabelRef): Promise<Result<void, CarrierError>> {
  const credentials = account(ctx);
  if (!credentials.ok) return credentials;
  const shipmentId = encodeURIComponent(label.carrierReference ?? label.trackingNumber);
  const answer = await send(ctx, credentials.value, 'DELETE', `/api/shipments/${UPS_SHIP_VERSION}/void/cancel/${shipmentId}`);
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return err(refused(answer.value, ctx.clock.now()));
  const parsed = voidResponse.safeParse(readJson(answer.value.text));
  if (!parsed.success) return err(badResponse(`UPS answered the void with a body Waybill cannot read (${zodSummary(parsed.error)})`));
  const status = parsed.data.VoidShipmentResponse.SummaryResult.Status;
  if (status.Code !== '1') return err({ code: 'bad_request', message: `UPS did not void the shipment: ${status.Description ?? status.Code}`, retryable: false, carrierCode: status.Code, carrierMessage: status.Description });
  return ok(undefined);
}

export const upsLabels: LabelCapability = {
  services: UPS_SERVICES,
  defaultServices: { economy: 'ground_saver', standard: 'ground', express: 'next_day_air' },
  formats: ['pdf', 'zpl'],
  destinations: null,
  limits: { maxWeightOz: 150 * 16, maxLengthIn: 108, maxLengthPlusGirthIn: 165, requiresDimensions: false },
  idempotent: false,
  accountProblem: (ctx) => (account(ctx).ok ? null : 'UPS labels need the account number: add accountNumber to the UPS connection (PUT /v1/carriers/ups/connection)'),
  createLabel,
  recoverLabel,
  voidLabel,
};

