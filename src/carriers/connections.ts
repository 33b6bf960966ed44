// A brand's carrier accounts: credentials checked against the adapter's schema, tried against
// the carrier on save, stored encrypted, and never handed back or logged in clear.
import type { Deps } from '../deps.js';
import type { CarrierConnectionRow } from '../db/schema.js';
import { AppError, type FieldProblem } from '../lib/errors.js';
import { decryptSecret, encryptSecret } from '../lib/crypto.js';
import { newId } from '../lib/ids.js';
import { takeOutsideRequest } from '../polling/account.js';
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
  error.carrierMessage ? `${error.carrierMessage}${error.carrierCode ? ` (${error.carrierCode})` : ''}` : error.message;

export async function saveConnection(
  deps: Deps,
  brandId: string,
  carrier: string,
  input: { credentials: unknown; baseUrl?: string | null },
): Promise<ConnectionView> {
  const adapter = adapterOrRefuse(carrier);
  const parsed = adapter.credentialsSchema.safeParse(input.credentials);
  if (!parsed.success) {
    const details: FieldProblem[] = parsed.error.issues.map((issue) => ({ field: ['credentials', ...issue.path].join('.'), problem: issue.message }));
    throw new AppError('validation_failed', `the ${adapter.name} credentials are not complete: ${details.map((d) => `${d.field} ${d.problem}`).join('; ')}`, details);
  }
  const baseUrl = input.baseUrl ?? null;
  const verdict = adapter.verifyCredentials ? await adapter.verifyCredentials(carrierContext(deps, adapter, parsed.data, baseUrl)) : { ok: true as const, value: undefined };
  // The check is a request like any other: it counts against the account's rate and daily quota.
  if (adapter.verifyCredentials) await takeOutsideRequest(deps, brandId, carrier, { enforce: false });
  const now = deps.clock.now().toISOString();
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
  return connectionJson(saved);
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
