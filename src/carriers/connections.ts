// A brand's carrier accounts: credentials checked against the adapter's schema, tried against
// the carrier on save, stored encrypted, and never handed back or logged in clear.
import { withoutControlCharacters } from '../lib/control-characters.js';
import type { z } from 'zod';
import type { Deps } from '../deps.js';
import type { CarrierConnectionRow } from '../db/schema.js';
import { AppError, type FieldProblem } from '../lib/errors.js';
import { decryptSecret, encryptSecret } from '../lib/crypto.js';
import { newId } from '../lib/ids.js';
import { resumeUnresolvedPurchases } from '../labels/unresolved.js';
import { liftPause, takeOutsideRequest } from '../polling/account.js';
import { carrierAdapter } from './registry.js';
import type { CarrierAdapter, CarrierContext, CarrierError } from './types.js';

export type ConnectionView = {
  carrier: string;
  status: 'connected' | 'failed';
  message: string | null;
  baseUrl: string | null;
  verifiedAt: string | null;
  updatedAt: string;
};

export const connectionJson = (row: CarrierConnectionRow): ConnectionView => ({
  carrier: row.carrier,
  status: row.status as ConnectionView['status'],
  message: row.message,
  baseUrl: row.base_url,
  verifiedAt: row.verified_at,
  updatedAt: row.updated_at,
});

export function adapterOrRefuse(carrier: string): CarrierAdapter {
  const adapter = carrierAdapter(carrier);
  if (!adapter) throw new AppError('not_found', `Waybill has no tracking API adapter for carrier "${carrier}" (it has: ups, fedex, usps, dhl)`);
  return adapter;
}

export function carrierContext(deps: Deps, adapter: CarrierAdapter, credentials: unknown, baseUrl: string | null): CarrierContext {
  return { credentials, baseUrl: baseUrl ?? adapter.defaultBaseUrl, fetch: deps.fetch, clock: deps.clock, tokenCache: deps.tokenCache, timeoutMs: deps.config.carrierTimeoutMs };
}

/** What the carrier said, in its own words where it gave any. */
export const carrierMessage = (error: CarrierError) =>
  withoutControlCharacters(error.carrierMessage ? `${error.carrierMessage}${error.carrierCode ? ` (${error.carrierCode})` : ''}` : error.message);

/**
 * One problem per credential field. A field the carrier does not take (a misspelt `acountNumber`)
 * is named, with the fields it does take: dropped, it would leave a connection that says
 * "connected" and labels that fail later for want of the account number.
 */
export function credentialProblems(adapter: Pick<CarrierAdapter, 'name' | 'credentialsSchema'>, issues: readonly z.core.$ZodIssue[]): FieldProblem[] {
  const accepted = Object.keys(adapter.credentialsSchema.shape).join(', ');
  return issues.flatMap((issue) => {
    const at = ['credentials', ...issue.path.map(String)];
    if (issue.code !== 'unrecognized_keys') return [{ field: at.join('.'), problem: issue.message }];
    return issue.keys.map((key) => ({ field: [...at, key].join('.'), problem: `is not a ${adapter.name} credential (${adapter.name} takes: ${accepted})` }));
  });
}

/**
 * Checks the credentials with the carrier and saves them. A check the carrier could not answer
 * (outage, timeout, no connection, throttling) saves nothing: the answer is the carrier's failure
 * (503, or 429 with Retry-After), so a brief outage never turns a connection into "failed" and stops
 * its polling. Credentials the carrier refuses are saved as `failed`, except over a connection that
 * works: that one is kept as it is, and the answer says so.
 */
export async function saveConnection(
  deps: Deps,
  brandId: string,
  carrier: string,
  input: { credentials: unknown; baseUrl?: string | null },
): Promise<ConnectionView> {
  const adapter = adapterOrRefuse(carrier);
  const parsed = adapter.credentialsSchema.safeParse(input.credentials);
  if (!parsed.success) {
    const details = credentialProblems(adapter, parsed.error.issues);
    throw new AppError('validation_failed', `the ${adapter.name} credentials are not valid: ${details.map((d) => `${d.field} ${d.problem}`).join('; ')}`, details);
  }
  const baseUrl = input.baseUrl ?? null;
  const verdict = adapter.verifyCredentials ? await adapter.verifyCredentials(carrierContext(deps, adapter, parsed.data, baseUrl)) : { ok: true as const, value: undefined };
  // The check is a request like any other: it counts against the account's rate and daily quota.
  if (adapter.verifyCredentials) await takeOutsideRequest(deps, brandId, carrier, { enforce: false });
  if (!verdict.ok && verdict.error.retryable) throw carrierFailure(adapter.name, verdict.error, 'the credentials could not be checked, so nothing was saved; try again later');

  const now = deps.clock.now().toISOString();
  if (!verdict.ok) {
    const working = await deps.db.selectFrom('carrier_connections').selectAll().where('brand_id', '=', brandId).where('carrier', '=', carrier).where('status', '=', 'connected').executeTakeFirst();
    if (working) {
      deps.log.info({ brandId, carrier }, 'carrier refused new credentials; the working connection is kept');
      const kept = `the ${adapter.name} credentials saved before still work and are kept (verified ${working.verified_at}); polling goes on with them`;
      return { carrier, status: 'failed', message: `${carrierMessage(verdict.error)}; ${kept}`, baseUrl, verifiedAt: null, updatedAt: working.updated_at };
    }
  }
  const row = {
    credentials: encryptSecret(deps.keys.credentials, JSON.stringify(parsed.data)),
    base_url: baseUrl,
    status: verdict.ok ? 'connected' : 'failed',
    message: verdict.ok ? `connected to ${adapter.name}` : carrierMessage(verdict.error),
    verified_at: verdict.ok ? now : null,
    updated_at: now,
  };
  const saved = await deps.db
    .insertInto('carrier_connections')
    .values({ id: newId('connection'), brand_id: brandId, carrier, created_at: now, ...row })
    .onConflict((oc) => oc.columns(['brand_id', 'carrier']).doUpdateSet(row))
    .returningAll()
    .executeTakeFirstOrThrow();
  deps.log.info({ brandId, carrier, status: saved.status }, 'carrier connection saved');
  if (saved.status === 'connected') {
    await liftPause(deps, brandId, carrier);
    // Label purchases left unresolved while the account was disconnected are checked again now.
    await resumeUnresolvedPurchases(deps, brandId, carrier);
  }
  return connectionJson(saved);
}

/**
 * A failed carrier call as the API's answer: throttling 429 (with the carrier's Retry-After), an
 * outage or timeout 503, anything else 502 quoting the carrier. `then` says what became of the request.
 */
export function carrierFailure(carrierName: string, error: CarrierError, then = 'try again later'): AppError {
  const said = `${carrierName}: ${carrierMessage(error)}`;
  switch (error.code) {
    case 'rate_limited':
      return new AppError('rate_limited', `${said}; ${then}`, undefined, error.retryAfterSeconds ? { 'retry-after': String(error.retryAfterSeconds) } : undefined);
    case 'unavailable':
    case 'timeout':
      return new AppError('unavailable', `${carrierName} did not answer in time or is down (${error.message}); ${then}`);
    default:
      return new AppError('carrier_error', said);
  }
}

export async function listConnections(deps: Deps, brandId: string): Promise<ConnectionView[]> {
  const rows = await deps.db.selectFrom('carrier_connections').selectAll().where('brand_id', '=', brandId).orderBy('carrier').execute();
  return rows.map(connectionJson);
}

export async function deleteConnection(deps: Deps, brandId: string, carrier: string): Promise<void> {
  const result = await deps.db.deleteFrom('carrier_connections').where('brand_id', '=', brandId).where('carrier', '=', carrier).executeTakeFirst();
  if (Number(result.numDeletedRows) === 0) throw new AppError('not_found', `no ${carrier} connection`);
}

/** The adapter and a ready context for a brand's carrier account, or a 409 saying it is missing. */
export async function connectedCarrier(deps: Deps, brandId: string, carrier: string): Promise<{ adapter: CarrierAdapter; ctx: CarrierContext }> {
  const adapter = carrierAdapter(carrier);
  if (!adapter) throw new AppError('carrier_not_connected', `${carrier} has no tracking API in Waybill; post its events through the API or a CSV instead`);
  const row = await deps.db.selectFrom('carrier_connections').selectAll().where('brand_id', '=', brandId).where('carrier', '=', carrier).executeTakeFirst();
  if (!row) throw new AppError('carrier_not_connected', `connect a ${adapter.name} account first: PUT /v1/carriers/${carrier}/connection`);
  const credentials = JSON.parse(decryptSecret(deps.keys.credentials, row.credentials)) as unknown;
  return { adapter, ctx: carrierContext(deps, adapter, credentials, row.base_url) };
}
