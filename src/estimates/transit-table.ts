// The transit-time table (data/transit-times/transit-times.json): typical days in transit per
// carrier service, by great-circle distance band, validated once when first read.
import { readFileSync } from 'node:fs';
import { z } from 'zod';

export const TRANSIT_TABLE_PATH = new URL('../../data/transit-times/transit-times.json', import.meta.url);

const dayRange = { min: z.number().int().min(0), max: z.number().int().min(0) };
const minNotAboveMax = [(days: { min: number; max: number }) => days.min <= days.max, 'min must not exceed max'] as const;

const Band = z.object({ zone: z.string(), maxKm: z.number().positive().nullable(), ...dayRange }).refine(...minNotAboveMax);

/** Bands from near to far; the last one (maxKm null) takes every farther distance. */
const Bands = z
  .array(Band)
  .min(1)
  .refine((bands) => bands.every((band, i) => (i === bands.length - 1 ? band.maxKm === null : band.maxKm !== null && (i === 0 || band.maxKm > bands[i - 1].maxKm!))), 'bands must go from near to far and end with maxKm null');

const Service = z.object({
  carrier: z.string().min(1),
  service: z.string().min(1),
  /** Names the service goes by (carrier prefixes and punctuation are ignored when matching). */
  names: z.array(z.string()),
  /** The service assumed when a shipment's service is unknown or not in the table. */
  default: z.boolean().optional(),
  /** Business days (Mon–Fri, no holidays) or calendar days (a network that runs all week). */
  dayCount: z.enum(['business', 'calendar']),
  domestic: Bands.optional(),
  international: Bands.optional(),
  /** Domestic lanes to or from these regions (noncontiguous states) take these days instead. */
  remote: z.object({ regions: z.record(z.string(), z.array(z.string())), ...dayRange }).refine(...minNotAboveMax).optional(),
  /** Keys of the README's list of sources. */
  sources: z.array(z.string()).min(1),
});

export const TransitTableSchema = z.object({ version: z.literal(1), services: z.array(Service).min(1) });
export type TransitTable = z.infer<typeof TransitTableSchema>;
export type TransitService = z.infer<typeof Service>;

/** The carrier entry every unknown carrier falls back to. */
export const ANY_CARRIER = '*';

let bundled: TransitTable | undefined;
/** The table shipped in the repository, read and validated on first use. */
export function bundledTransitTable(): TransitTable {
  bundled ??= TransitTableSchema.parse(JSON.parse(readFileSync(TRANSIT_TABLE_PATH, 'utf8')));
  return bundled;
}

export type TransitDays = {
  min: number;
  max: number;
  dayCount: 'business' | 'calendar';
  /** Which row answered, for logs and tests: "ups/ground domestic zone 8". */
  source: string;
};

export type Lane = {
  carrier: string;
  service: string;
  distanceKm: number;
  international: boolean;
  /** Country and regions of both ends, for the table's remote regions (Alaska, Hawaii...). */
  country: string;
  originRegion: string | null;
  destinationRegion: string | null;
};

/** Lower case, words only, without the carrier's own name: "FEDEX_GROUND" → "ground". */
export function normalizeServiceName(name: string, carrier: string): string {
  const words = name.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();
  const prefix = `${carrier.toLowerCase()} `;
  return words.startsWith(prefix) ? words.slice(prefix.length) : words;
}

/** The table's entry for a carrier's service: by name, else the carrier's default, else the catch-all. */
export function findService(table: TransitTable, carrier: string, service: string): TransitService {
  const code = carrier.trim().toLowerCase();
  const own = table.services.filter((entry) => entry.carrier === code);
  const wanted = normalizeServiceName(service, code);
  const named = own.find((entry) => [entry.service, ...entry.names].some((name) => normalizeServiceName(name, code) === wanted));
  const fallback = table.services.find((entry) => entry.carrier === ANY_CARRIER);
  const found = named ?? own.find((entry) => entry.default) ?? fallback;
  if (!found) throw new RangeError(`the transit table has no entry for ${carrier} and no "${ANY_CARRIER}" entry`);
  return found;
}

/** Days in transit on a lane, from the carrier service's row for its distance (or remote region). */
export function transitDays(table: TransitTable, lane: Lane): TransitDays {
  const entry = findService(table, lane.carrier, lane.service);
  const scope = lane.international ? 'international' : 'domestic';
  const remote = lane.international ? undefined : entry.remote;
  const remoteRegions = remote?.regions[lane.country.toUpperCase()] ?? [];
  const isRemote = (region: string | null) => region !== null && remoteRegions.includes(region.toUpperCase());
  const crossesToRemote = lane.originRegion?.toUpperCase() !== lane.destinationRegion?.toUpperCase() && (isRemote(lane.originRegion) || isRemote(lane.destinationRegion));
  const name = `${entry.carrier}/${entry.service} ${scope}`;
  if (remote && crossesToRemote) return { min: remote.min, max: remote.max, dayCount: entry.dayCount, source: `${name} remote` };

  // A service with no row for this scope (UPS Ground abroad) borrows the catch-all's.
  const bandsOwner = entry[scope] ? entry : findService(table, ANY_CARRIER, ANY_CARRIER);
  const bands = bandsOwner[scope];
  if (!bands) throw new RangeError(`the transit table has no ${scope} bands for ${entry.carrier}/${entry.service} nor a catch-all`);
  const band = bands.find((row) => row.maxKm === null || lane.distanceKm <= row.maxKm)!;
  return { min: band.min, max: band.max, dayCount: bandsOwner.dayCount, source: `${bandsOwner.carrier}/${bandsOwner.service} ${scope} zone ${band.zone}` };
}
