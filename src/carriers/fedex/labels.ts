// FedEx labels through the Ship API, with the brand's account (credentials.accountNumber):
//   buy    POST /ship/v1/shipments                 (PDF or ZPLII, 4×6)
//   void   PUT  /ship/v1/shipments/cancel
//   find   POST /track/v1/referencenumbers by our reference   (after a timeout)
// FedEx takes no idempotency key and gives no label back after the fact, so after a lost answer
// Waybill looks the shipment up by its reference and cancels it: the retry then buys the only
// label that is paid for.
import { randomUUID } from 'node:crypto';
import { err, ok, type Result } from '../../lib/result.js';
import { documentFromBase64, withField } from '../label-kit.js';
import type { BoughtLabel, BoughtLabelRef, LabelCapability, LabelRequest } from '../label-types.js';
import { baseUrlOf, fetchWithTimeout, type HttpAnswer } from '../http.js';
import { badResponse, readJson, zodSummary } from '../parse-kit.js';
import type { CarrierContext, CarrierError } from '../types.js';
import { fedexHttpError, fedexTokens, readFedexCredentials, type FedexCredentials } from './client.js';
import { cancelRequestBody, cancelResponse, FEDEX_SERVICES, fedexField, referenceTrackBody, referenceTrackResponse, shipRequestBody, shipResponse } from './label-format.js';
import { readFedexError } from './parse.js';

type Account = FedexCredentials & { accountNumber: string };

function account(ctx: CarrierContext): Result<Account, CarrierError> {
  const credentials = readFedexCredentials(ctx);
  if (!credentials.ok) return credentials;
  if (!credentials.value.accountNumber) return err({ code: 'auth_failed', message: 'FedEx labels need the account number: add accountNumber to the FedEx connection', retryable: false });
  return ok(credentials.value as Account);
}

function send(ctx: CarrierContext, credentials: Account, method: string, path: string, body: unknown): Promise<Result<HttpAnswer, CarrierError>> {
  return fedexTokens.withToken(ctx, credentials, (token) =>
    fetchWithTimeout(ctx, 'FedEx', `${baseUrlOf(ctx)}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', accept: 'application/json', 'x-locale': 'en_US', 'x-customer-transaction-id': randomUUID() },
      body: JSON.stringify(body),
    }),
  );
}

function refused(answer: HttpAnswer, now: Date): CarrierError {
  const said = readFedexError(readJson(answer.text));
  return withField(fedexHttpError(answer, now), said ? fedexField(said.code) : undefined);
}

async function createLabel(ctx: CarrierContext, request: LabelRequest): Promise<Result<BoughtLabel, CarrierError>> {
  const credentials = account(ctx);
  if (!credentials.ok) return credentials;
  const answer = await send(ctx, credentials.value, 'POST', '/ship/v1/shipments', shipRequestBody(request, credentials.value.accountNumber));
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return err(refused(answer.value, ctx.clock.now()));
  const parsed = shipResponse.safeParse(readJson(answer.value.text));
  if (!parsed.success) return err(badResponse(`FedEx answered the label request with a body Waybill cannot read (${zodSummary(parsed.error)})`));
  const shipment = parsed.data.output.transactionShipments[0]!;
  const piece = shipment.pieceResponses[0]!;
  const rate = shipment.completedShipmentDetail?.shipmentRating?.shipmentRateDetails[0];
  return ok({
    trackingNumber: piece.trackingNumber,
    carrierReference: shipment.masterTrackingNumber ?? null,
    documents: [await documentFromBase64(request.format, request.format, piece.packageDocuments[0]!.encodedLabel, `FedEx label ${piece.trackingNumber}`)],
    charge: rate ? { amount: rate.totalNetCharge, currency: rate.currency } : null,
  });
}

async function voidLabel(ctx: CarrierContext, label: BoughtLabelRef, senderCountryCode = 'US'): Promise<Result<void, CarrierError>> {
  const credentials = account(ctx);
  if (!credentials.ok) return credentials;
  const answer = await send(ctx, credentials.value, 'PUT', '/ship/v1/shipments/cancel', cancelRequestBody(label.trackingNumber, credentials.value.accountNumber, senderCountryCode));
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return err(refused(answer.value, ctx.clock.now()));
  const parsed = cancelResponse.safeParse(readJson(answer.value.text));
  if (!parsed.success) return err(badResponse(`FedEx answered the cancel with a body Waybill cannot read (${zodSummary(parsed.error)})`));
  if (!parsed.data.output.cancelledShipment) {
    const message = parsed.data.output.message ?? 'FedEx did not cancel the shipment';
    return err({ code: 'bad_request', message, retryable: false, carrierMessage: message });
  }
  return ok(undefined);
}

/** A shipment FedEx made under our reference cannot be handed back as a label: it is cancelled instead. */
async function recoverLabel(ctx: CarrierContext, request: LabelRequest): Promise<Result<BoughtLabel | null, CarrierError>> {
  const credentials = account(ctx);
  if (!credentials.ok) return credentials;
  const answer = await send(ctx, credentials.value, 'POST', '/track/v1/referencenumbers', referenceTrackBody(request, credentials.value.accountNumber));
  if (!answer.ok) return answer;
  if (answer.value.status !== 200) return err(refused(answer.value, ctx.clock.now()));
  const parsed = referenceTrackResponse.safeParse(readJson(answer.value.text));
  if (!parsed.success) return err(badResponse(`FedEx answered the reference lookup with a body Waybill cannot read (${zodSummary(parsed.error)})`));
  const numbers = parsed.data.output.completeTrackResults.flatMap((r) => r.trackResults).flatMap((r) => (r.error || !r.trackingNumberInfo ? [] : [r.trackingNumberInfo.trackingNumber]));
  for (const trackingNumber of numbers) {
    const cancelled = await voidLabel(ctx, { trackingNumber, carrierReference: null, reference: request.reference, shipDate: request.shipDate }, request.shipFrom.country);
    if (!cancelled.ok) return cancelled;
  }
  return ok(null);
}

export const fedexLabels: LabelCapability = {
  services: FEDEX_SERVICES,
  defaultServices: { economy: 'express_saver', standard: 'ground', express: 'priority_overnight' },
  formats: ['pdf', 'zpl'],
  destinations: null,
  limits: { maxWeightOz: 150 * 16, maxLengthIn: 108, maxLengthPlusGirthIn: 165, requiresDimensions: false },
  idempotent: false,
  accountProblem: (ctx) => (account(ctx).ok ? null : 'FedEx labels need the account number: add accountNumber to the FedEx connection (PUT /v1/carriers/fedex/connection)'),
  createLabel,
  recoverLabel,
  voidLabel: (ctx, label) => voidLabel(ctx, label),
};
