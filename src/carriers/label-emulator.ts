// The label side the UPS, FedEx and USPS emulators share: a book of labels sold (each one a charge),
// and the ways a real label API goes wrong, on demand: refusing an address, charging and then
// answering too late (the case a retry must never turn into two labels), and refusing a void once
// the parcel was picked up. Each emulator keeps its own routes, payloads and error bodies.
// For tests, the demo and benchmarks: no test-framework imports.
import { injectionQueue } from './emulator-kit.js';
import { mod10CheckDigit, weightedModuloCheckDigit } from './tracking-numbers/checksums.js';
import { renderLabelPdf } from '../labels/render/pdf.js';
import type { LabelSheet } from '../labels/render/sheet.js';
import { renderLabelZpl } from '../labels/render/zpl.js';

export type SoldLabel = {
  trackingNumber: string;
  /** The carrier's shipment id (UPS); the tracking number elsewhere. */
  shipmentId: string;
  /** Customer references sent with the request (UPS and FedEx reconcile by them). */
  references: string[];
  idempotencyKey: string | null;
  service: string;
  format: string;
  postalCode: string;
  charge: number;
  soldAt: string;
  pickedUp: boolean;
  voided: boolean;
};

export type LabelBookControls = {
  /** Every label sold, in order: each one was charged (voids refund, they do not unsell). */
  readonly sold: readonly SoldLabel[];
  /** How many label requests arrived (ship, void, recovery, lookups). */
  readonly requests: number;
  /** Refuse labels to (or from) this postal code, with the carrier's address error. */
  rejectPostalCode(postalCode: string): void;
  /** The next `times` purchases are charged, then answered only after `delayMs` (default 60 s): a timeout after charging. */
  timeoutAfterChargeNext(options?: { times?: number; delayMs?: number }): void;
  /** The carrier scanned the parcel: its label can no longer be voided. */
  markPickedUp(trackingNumber: string): void;
};

export type LabelBook = LabelBookControls & {
  countRequest(): void;
  isRejected(postalCode: string | undefined): boolean;
  /** Records a sale and says how late to answer (0: at once). */
  sell(label: Omit<SoldLabel, 'pickedUp' | 'voided' | 'soldAt'>, now: Date): { label: SoldLabel; delayMs: number };
  byTracking(trackingNumber: string): SoldLabel | undefined;
  byReference(reference: string): SoldLabel | undefined;
  byIdempotencyKey(key: string): SoldLabel | undefined;
  nextSerial(): number;
};

export function labelBook(): LabelBook {
  const sold: SoldLabel[] = [];
  const rejected = new Set<string>();
  const late = injectionQueue<number>();
  let serial = 0;
  let requests = 0;
  const normalize = (postal: string) => postal.replace(/\s+/g, '').toUpperCase();
  return {
    sold,
    get requests() {
      return requests;
    },
    countRequest: () => void requests++,
    rejectPostalCode: (postalCode) => void rejected.add(normalize(postalCode)),
    timeoutAfterChargeNext: (options = {}) => late.add(options.delayMs ?? 60_000, options.times ?? 1),
    markPickedUp(trackingNumber) {
      const label = sold.find((l) => l.trackingNumber === trackingNumber);
      if (!label) throw new Error(`label emulator: no label ${trackingNumber} was sold`);
      label.pickedUp = true;
    },
    isRejected: (postalCode) => postalCode !== undefined && rejected.has(normalize(postalCode)),
    sell(label, now) {
      const entry: SoldLabel = { ...label, soldAt: now.toISOString(), pickedUp: false, voided: false };
      sold.push(entry);
      return { label: entry, delayMs: late.take() ?? 0 };
    },
    byTracking: (trackingNumber) => sold.find((l) => l.trackingNumber === trackingNumber),
    byReference: (reference) => sold.find((l) => l.references.includes(reference)),
    byIdempotencyKey: (key) => sold.find((l) => l.idempotencyKey === key),
    nextSerial: () => ++serial,
  };
}

// ---- Tracking numbers that pass each carrier's check digit ------------------------------------

/** 1Z + shipper number (6) + service (2) + package (7) + mod-10 check (odd positions doubled). */
export function upsTrackingNumber(shipperNumber: string, serviceCode: string, serial: number): string {
  const body = `${shipperNumber.toUpperCase().padEnd(6, '0').slice(0, 6)}${serviceCode.padStart(2, '0').slice(-2)}${String(serial % 10_000_000).padStart(7, '0')}`;
  return `1Z${body}${mod10CheckDigit(body, { evensMultiplier: 1, oddsMultiplier: 2 })}`;
}

/** FedEx Express 12 digits: 11 digits and a weighted mod-11 check. */
export function fedexTrackingNumber(serial: number): string {
  const body = `7${String(serial % 10_000_000_000).padStart(10, '0')}`;
  return `${body}${weightedModuloCheckDigit(body, [3, 1, 7, 3, 1, 7, 3, 1, 7, 3, 1], 11, 10)}`;
}

/** USPS IMpb, 22 digits: 9400 + 17 digits + the reversed mod-10 check. */
export function uspsTrackingNumber(serial: number): string {
  const body = `9400${String(serial).padStart(17, '0')}`;
  return `${body}${mod10CheckDigit(body, { evensMultiplier: 3, oddsMultiplier: 1, reverse: true })}`;
}

// ---- The labels emulators hand out --------------------------------------------------------------

/** A printable label in the format asked for, drawn with Waybill's own renderer, marked as an emulator's. */
export async function emulatedLabelDocument(format: 'pdf' | 'zpl', sheet: LabelSheet): Promise<Buffer> {
  const marked = { ...sheet, notice: `${sheet.carrierName} emulator: not a real label` };
  return format === 'pdf' ? Buffer.from(await renderLabelPdf(marked)) : Buffer.from(renderLabelZpl(marked), 'utf8');
}
