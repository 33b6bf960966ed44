// Voiding a label: the carrier is asked first (it refuses once it has the parcel, and its reason is
// passed on), then the purchase is marked voided and the shipment cancelled through the command
// table. A simulated label also stops its journey. Safe to repeat: a label already voided only
// finishes cancelling the shipment.
import { carrierMessage } from '../carriers/connections.js';
import { SIMULATED_SCAN_JOB } from '../carriers/simulated/runtime.js';
import type { Deps } from '../deps.js';
import type { BrandRow, ShipmentRow } from '../db/schema.js';
import { AppError } from '../lib/errors.js';
import { viewOfRow } from '../shipments/ingest.js';
import { findShipment, runShipmentCommand } from '../shipments/service.js';
import { decideCommand, type ShipmentStatusView } from '../shipments/status.js';
import { labelAccount } from './carrier-purchase.js';
import { findShipmentPurchase } from './store.js';

export async function voidShipmentLabel(deps: Deps, brand: BrandRow, shipmentId: string): Promise<ShipmentRow> {
  const shipment = await findShipment(deps, brand.id, shipmentId);
  const purchase = await findShipmentPurchase(deps.db, brand.id, shipment.id);
  if (!purchase) {
    throw new AppError('conflict', `shipment ${shipment.id} has no label bought through Waybill; to stop tracking it, send the cancel command`);
  }
  if (purchase.state === 'bought') {
    const refused = voidRefusal(viewOfRow(shipment));
    if (refused) throw new AppError('invalid_transition', `cannot void the label: ${refused}`);
    if (purchase.carrier !== 'simulated') {
      const { adapter, capability, ctx } = await labelAccount(deps, brand.id, purchase.carrier);
      const ref = { trackingNumber: purchase.tracking_number!, carrierReference: purchase.carrier_reference, reference: purchase.id, shipDate: purchase.created_at.slice(0, 10) };
      const voided = await capability.voidLabel(ctx, ref);
      if (!voided.ok) {
        if (voided.error.code === 'bad_request') {
          throw new AppError('conflict', `${adapter.name} refused to void the label: ${carrierMessage(voided.error)}`, {
            carrier: purchase.carrier,
            carrierCode: voided.error.carrierCode ?? null,
            carrierMessage: voided.error.carrierMessage ?? voided.error.message,
          });
        }
        throw new AppError(voided.error.retryable ? 'unavailable' : 'carrier_error', `${adapter.name} did not void the label: ${carrierMessage(voided.error)}; the label is still valid`);
      }
    }
    const at = deps.clock.now().toISOString();
    await deps.db.transaction().execute(async (trx) => {
      await trx.updateTable('label_purchases').set({ state: 'voided', voided_at: at, updated_at: at }).where('id', '=', purchase.id).execute();
      // The simulated carrier's journey ends with its label: scans not yet played never happen.
      await trx
        .updateTable('jobs')
        .set({ state: 'done', last_error: 'label voided', updated_at: at })
        .where('kind', '=', SIMULATED_SCAN_JOB)
        .where('state', '=', 'queued')
        .where('idempotency_key', 'like', `sim:${shipment.id}:%`)
        .execute();
    });
  }
  if (viewOfRow(shipment).status === 'cancelled') return shipment;
  return runShipmentCommand(deps, brand, shipment.id, 'cancel');
}

/**
 * Why a bought label may not be voided for a shipment in this state, or null when it may. The command
 * table speaks: a parcel the carrier already has (past info_received) keeps its label. A shipment
 * already `cancelled` (by the plain `cancel` command, which changes Waybill's record only) still has
 * a live, printable label the brand is paying for, so it is voided too. Pure.
 */
export function voidRefusal(view: ShipmentStatusView): string | null {
  if (view.status === 'cancelled') return null;
  const decision = decideCommand(view, 'cancel');
  return decision.ok ? null : decision.error.message;
}
