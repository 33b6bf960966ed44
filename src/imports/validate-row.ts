// The rules one CSV row must meet before it touches the database, and the rules rows of one file
// must meet together. Pure: what needs the database (does the order exist? whose is this parcel?)
// is decided in run-import.ts.
import { KNOWN_CARRIERS } from '../carriers/registry.js';
import { detectTrackingNumber, normalizeTrackingInput } from '../carriers/tracking-numbers/index.js';
import { err, ok, type Result } from '../lib/result.js';
import { hasControlCharacters } from '../lib/control-characters.js';
import { AFTERSHIP_STATUS, SHIPMENT_STATUSES, type ShipmentStatus } from '../shipments/vocabulary.js';
import type { CsvRow } from './parse-csv.js';
import { reportedValue } from '../lib/csv-rows.js';

export type CheckedRow = {
  line: number;
  orderNumber: string;
  trackingNumber: string; // normalized: upper-case, no whitespace
  carrier: string; // a KNOWN_CARRIERS code
  status: ShipmentStatus | null;
};

/** One bad row: its line in the file, why, and the value at fault. */
export type RowError = { line: number; reason: string; value?: string };

export type RowCheck = Result<CheckedRow, RowError>;

const MAX_TRACKING_NUMBER_LENGTH = 64; // as the API's createShipment

/** Lower-case letters and digits only, so "Canada Post", "canada-post" and "canada_post" agree. */
const looseKey = (value: string): string => value.toLowerCase().replace(/[^a-z0-9]/g, '');

const CARRIER_BY_KEY = new Map<string, string>(KNOWN_CARRIERS.map((code) => [looseKey(code), code]));

/** Waybill's statuses, their AfterShip names, and the plain words people type. */
const STATUS_BY_KEY = new Map<string, ShipmentStatus>([
  ...SHIPMENT_STATUSES.map((status) => [looseKey(status), status] as const),
  ...Object.entries(AFTERSHIP_STATUS).map(([name, status]) => [looseKey(name), status] as const),
  ['canceled', 'cancelled'],
  ['failedattempt', 'attempt_failed'],
  ['deliveryattempted', 'attempt_failed'],
  ['readyforpickup', 'available_for_pickup'],
  ['labelcreated', 'info_received'],
  ['returnedtosender', 'returned'],
]);

export const carrierOf = (value: string): string | undefined => CARRIER_BY_KEY.get(looseKey(value));
export const statusOf = (value: string): ShipmentStatus | undefined => STATUS_BY_KEY.get(looseKey(value));

export function checkRow(row: CsvRow): RowCheck {
  const fail = (reason: string, value?: string): RowCheck => err(value === undefined ? { line: row.line, reason } : { line: row.line, reason, value });

  if (row.overflow) return fail(row.overflow);
  if (row.order === '') return fail('the order number is empty');
  if (row.tracking === '') return fail('the tracking number is empty');
  // Looked up as it is: no stored order number has one, and PostgreSQL refuses a NUL outright.
  if (hasControlCharacters(row.order)) return fail('the order number contains control characters', reportedValue(row.order));
  const trackingNumber = normalizeTrackingInput(row.tracking);
  if (hasControlCharacters(trackingNumber)) return fail('the tracking number contains control characters', reportedValue(row.tracking));
  if (trackingNumber.length > MAX_TRACKING_NUMBER_LENGTH) return fail(`the tracking number is longer than ${MAX_TRACKING_NUMBER_LENGTH} characters`, row.tracking);

  let carrier: string;
  if (row.carrier) {
    const known = carrierOf(row.carrier);
    if (!known) return fail(`unknown carrier "${row.carrier}"; use one of ${KNOWN_CARRIERS.join(', ')}, or leave it empty to detect it from the tracking number`, row.carrier);
    carrier = known;
  } else {
    const detected = carrierFromNumber(trackingNumber);
    if (!detected.ok) return fail(detected.error, trackingNumber);
    carrier = detected.value;
  }

  let status: ShipmentStatus | null = null;
  if (row.status) {
    const known = statusOf(row.status);
    if (!known) return fail(`unknown status "${row.status}"; use one of ${SHIPMENT_STATUSES.join(', ')} (plain words such as "In transit" work too), or leave it empty`, row.status);
    status = known;
  }
  return ok({ line: row.line, orderNumber: row.order, trackingNumber, carrier, status });
}

/** Without a carrier, the number must fit a known format; the most likely courier wins (as createShipment). */
function carrierFromNumber(trackingNumber: string): Result<string, string> {
  const detection = detectTrackingNumber(trackingNumber);
  const best = detection.candidates.find((candidate) => candidate.valid);
  if (best && carrierOf(best.courier)) return ok(carrierOf(best.courier)!);
  const near = detection.candidates[0];
  if (!near) return err(`tracking number ${trackingNumber} fits no known carrier format; check it, or name its carrier in the carrier column`);
  // Only S10 formats (postal items) also need a known country code to be valid.
  const check = near.courier === 's10' ? 'check digit or country code' : 'check digit';
  return err(`tracking number ${trackingNumber} looks like a ${near.format} number but its ${check} is wrong; check it, or name its carrier in the carrier column`);
}

/**
 * Rows of one file that contradict an earlier row: the same parcel (carrier + number) for another
 * order, or with another status. Repeating a row is fine (it changes nothing the second time).
 * Returns the errors by line.
 */
export function findConflictsWithinFile(rows: readonly CheckedRow[]): Map<number, RowError> {
  const firstRow = new Map<string, CheckedRow>();
  const firstWithStatus = new Map<string, CheckedRow>();
  const conflicts = new Map<number, RowError>();
  for (const row of rows) {
    const key = `${row.carrier}|${row.trackingNumber}`;
    const first = firstRow.get(key);
    if (first && first.orderNumber !== row.orderNumber) {
      conflicts.set(row.line, { line: row.line, reason: `tracking number ${row.trackingNumber} is already on line ${first.line}, for order ${first.orderNumber}`, value: row.trackingNumber });
      continue;
    }
    if (!first) firstRow.set(key, row);
    const statusSet = firstWithStatus.get(key);
    if (row.status && statusSet && statusSet.status !== row.status) {
      conflicts.set(row.line, {
        line: row.line,
        reason: `tracking number ${row.trackingNumber} already has status ${statusSet.status} on line ${statusSet.line}; give each tracking number one status per file`,
        value: row.status,
      });
      continue;
    }
    if (row.status && !statusSet) firstWithStatus.set(key, row);
  }
  return conflicts;
}

/** Every data row, in file order: checked and ready for the database, or its error. */
export function checkRows(rows: readonly CsvRow[]): RowCheck[] {
  const checks = rows.map(checkRow);
  const conflicts = findConflictsWithinFile(checks.flatMap((check) => (check.ok ? [check.value] : [])));
  return checks.map((check) => (check.ok && conflicts.has(check.value.line) ? err(conflicts.get(check.value.line)!) : check));
}
