// A shipment's label as the API shows it beside the shipment: what was bought, how the carrier was
// chosen, which documents can be downloaded and where.
import { z } from '@hono/zod-openapi';
import type { Deps } from '../deps.js';
import type { LabelPurchaseRow } from '../db/schema.js';
import type { CarrierChoice } from './choice.js';
import { documentFormats, findShipmentPurchase } from './store.js';

export const CarrierChoiceSchema = z
  .object({
    decidedBy: z.enum(['request', 'rule', 'default']),
    rule: z.object({ id: z.string(), name: z.string() }).nullable(),
    reason: z.string().openapi({ example: 'rule “Ohio via UPS” matched: destination US-OH' }),
  })
  .openapi('CarrierChoice');

export const LabelSummarySchema = z
  .object({
    id: z.string().openapi({ example: 'lbl_01jd0000000000000000000000' }),
    status: z.enum(['bought', 'voided']),
    carrier: z.string(),
    service: z.string(),
    formats: z.array(z.enum(['pdf', 'zpl'])),
    downloads: z.record(z.string(), z.string()).openapi({ description: 'format → URL of GET /v1/shipments/{id}/label' }),
    charge: z.object({ amount: z.number(), currency: z.string() }).nullable(),
    carrierChoice: CarrierChoiceSchema,
    boughtAt: z.string().nullable(),
    voidedAt: z.string().nullable(),
  })
  .openapi('Label');

export function labelSummaryJson(purchase: LabelPurchaseRow, formats: readonly string[]) {
  const choice = JSON.parse(purchase.choice) as CarrierChoice;
  return {
    id: purchase.id,
    status: purchase.state as 'bought' | 'voided',
    carrier: purchase.carrier,
    service: purchase.service,
    formats: formats as Array<'pdf' | 'zpl'>,
    downloads: purchase.state === 'bought' ? Object.fromEntries(formats.map((f) => [f, `/v1/shipments/${purchase.shipment_id}/label?format=${f}`])) : {},
    charge: purchase.charge ? (JSON.parse(purchase.charge) as { amount: number; currency: string }) : null,
    carrierChoice: { decidedBy: choice.decidedBy, rule: choice.rule, reason: choice.reason },
    boughtAt: purchase.bought_at,
    voidedAt: purchase.voided_at,
  };
}

/** The label summary of a shipment, or null when it has none (a tracking number bought elsewhere). */
export async function shipmentLabelSummary(deps: Pick<Deps, 'db'>, brandId: string, shipmentId: string) {
  return labelSummaryOf(deps, (await findShipmentPurchase(deps.db, brandId, shipmentId)) ?? null);
}

/** The same from the purchase already read (the shipment read fetches it with the shipment). */
export async function labelSummaryOf(deps: Pick<Deps, 'db'>, purchase: LabelPurchaseRow | null) {
  return purchase ? labelSummaryJson(purchase, await documentFormats(deps.db, purchase.id)) : null;
}
