// Whether a CSV row's status may be applied. A CSV row carries no date of its own (its event is
// stamped with the import's time), so it cannot tell whether it is newer than what a dated source
// already said: a store export's stale "In transit" would otherwise move a delivered parcel back
// (flagged as a correction). The rule, over the event that decides the shipment's status now:
//   - none yet, or set by a CSV itself → apply (a later file may move its own status on);
//   - dated (a carrier scan, a webhook, the API, the brand's command) and the same status → unchanged;
//   - dated and terminal (delivered, returned, cancelled, expired) → skipped, whatever the row says;
//   - dated and the row's status is not further along the journey → skipped;
//   - dated and the row's status is further along → apply.
// Pure.
import { isTerminal, STAGE_ORDER, type EventSource, type ShipmentStatus } from '../shipments/vocabulary.js';

/** The event that decides the shipment's status now: its status, where it came from and when. */
export type HeldStatus = { status: ShipmentStatus; source: EventSource; occurredAt: string };

export type CsvStatusVerdict = { apply: true } | { apply: false; skipped: string | null };

const SAID_BY: Record<EventSource, string> = {
  carrier_poll: 'carrier scan',
  carrier_webhook: 'carrier scan',
  aggregator_webhook: 'carrier scan',
  simulated: 'carrier scan',
  api: 'API event',
  manual: 'brand’s update',
  csv: 'CSV import',
};

export function decideCsvStatus(row: ShipmentStatus, held: HeldStatus | null): CsvStatusVerdict {
  if (held === null || held.source === 'csv') return { apply: true };
  if (row === held.status) return { apply: false, skipped: null };
  const already = `already ${held.status} (${SAID_BY[held.source]} of ${held.occurredAt})`;
  if (isTerminal(held.status)) return { apply: false, skipped: `${already}; a CSV status without a date does not override it` };
  if (STAGE_ORDER[row] <= STAGE_ORDER[held.status]) return { apply: false, skipped: `${already}; a CSV status without a date does not move a parcel back` };
  return { apply: true };
}
