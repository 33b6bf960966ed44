// What a printed label shows, independent of how it is drawn (PDF for laser and office printers,
// ZPL for thermal printers). Pure.
import type { PostalAddress } from '../../carriers/label-types.js';

export type LabelSheet = {
  carrierName: string; // "Waybill Simulated Carrier"
  serviceName: string; // "Ground"
  direction: 'outbound' | 'return';
  trackingNumber: string;
  from: PostalAddress;
  to: PostalAddress;
  weightOz: number | null;
  orderNumber: string;
  shipDate: string; // YYYY-MM-DD
  /** A line printed across the foot of the label, e.g. that a simulated label ships nothing. */
  notice?: string;
};

/** The address as it is printed, one line each, upper-cased as carriers print them. */
export function addressLines(address: PostalAddress): string[] {
  const cityLine = [address.city, [address.region, address.postalCode].filter(Boolean).join(' ')].filter(Boolean).join(', ');
  return [address.name, address.company, address.line1, address.line2, cityLine, address.country]
    .filter((line): line is string => typeof line === 'string' && line.trim() !== '')
    .map((line) => line.toUpperCase());
}

/** "2 LB 4 OZ", "12 OZ". */
export function weightText(weightOz: number | null): string {
  if (weightOz === null) return '';
  const rounded = Math.ceil(weightOz * 10) / 10;
  const pounds = Math.floor(rounded / 16);
  const ounces = Math.round((rounded - pounds * 16) * 10) / 10;
  return [pounds ? `${pounds} LB` : '', ounces ? `${ounces} OZ` : ''].filter(Boolean).join(' ') || '0 OZ';
}

/** Tracking numbers are printed in groups of four so a person can read them aloud. */
export const groupedTrackingNumber = (trackingNumber: string): string => trackingNumber.replace(/(.{4})(?=.)/g, '$1 ');
