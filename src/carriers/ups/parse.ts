// UPS Track API answers → TrackResult[]. PURE: no I/O, no clock, never throws.
//
// body ─ zod (only the fields we read) ─▶ one TrackResult per package ─▶ per activity:
//   status   from the code tables (status-codes.ts), see mapUpsActivityStatus; which table the
//            2-letter codes are read in is chosen once per package (upsCodeTableOf);
//   time     from gmtDate/gmtTime/gmtOffset, else local date+time in the place's time zone
//            (resolveOffsets explains the fallbacks);
//   events   oldest first; `keep_previous` events take the status of the event before them.
// "Not found" is data, not an error: TV1002 (invalid inquiry) and a 200 with warning TW0001.
import { z } from 'zod';
import { err, ok, type Result } from '../../lib/result.js';
import { toIsoWithOffset } from '../../lib/time.js';
import type { ExceptionReason, ShipmentStatus } from '../../shipments/vocabulary.js';
import { offsetInZone, timeZoneOfCountry, timeZoneOfRegion, wallClockToInstant } from '../local-time.js';
import { carryStatusForward, firstZodIssue, readJson, sortOldestFirst } from '../parse-kit.js';
import type { CarrierError, DeliveryWindow, EventLocation, TrackResult } from '../types.js';
import {
  UPS_ACTIVITY_TYPES,
  UPS_DELIVERY_DETAIL_CODES,
  UPS_EXCEPTION_CODES,
  UPS_FREIGHT_CODES,
  UPS_MAIL_INNOVATIONS_CODES,
  UPS_MANIFEST_CODES,
  UPS_MOVEMENT_CODES,
  UPS_STATUS_CODES,
  UPS_UPDATE_CODES,
  type UpsCodeMapping,
} from './status-codes.js';

/** UPS error/warning codes that mean "UPS has nothing for this number". */
export const UPS_NOT_FOUND_CODES: readonly string[] = ['TV1002', 'TW0001'];

const text = z.string().nullish();
const upsAddress = z.object({ city: text, stateProvince: text, postalCode: text, country: text, countryCode: text });
const upsStatus = z.object({ type: text, code: text, description: text, statusCode: text });
const upsActivity = z.object({
  date: text,
  time: text,
  gmtDate: text,
  gmtTime: text,
  gmtOffset: text,
  location: z.object({ address: upsAddress.nullish() }).nullish(),
  status: upsStatus.nullish(),
});
const upsPackage = z.object({
  trackingNumber: text,
  activity: z.array(upsActivity).nullish(),
  deliveryDate: z.array(z.object({ type: text, date: text })).nullish(),
  deliveryTime: z.object({ type: text, startTime: text, endTime: text }).nullish(),
  packageAddress: z.array(z.object({ type: text, address: upsAddress.nullish() })).nullish(),
  service: z.object({ description: text }).nullish(),
  // Only a hint for the code table: an odd shape is ignored rather than failing the whole answer.
  alternateTrackingNumber: z.array(z.object({ number: text, type: text })).nullish().catch(null),
});
const upsShipment = z.object({
  inquiryNumber: text,
  package: z.array(upsPackage).nullish(),
  warnings: z.array(z.object({ code: text, message: text })).nullish(),
});
const upsTrackResponse = z.object({ trackResponse: z.object({ shipment: z.array(upsShipment) }) });
const upsErrorResponse = z.object({
  response: z.object({ errors: z.array(z.object({ code: text, message: text })).min(1) }),
});

type UpsActivity = z.infer<typeof upsActivity>;
type UpsPackage = z.infer<typeof upsPackage>;
type UpsAddress = z.infer<typeof upsAddress>;

/** The first `{ code, message }` of a UPS error body, or null when the body is not one. */
export function readUpsError(body: unknown): { code: string; message: string } | null {
  const parsed = upsErrorResponse.safeParse(body);
  if (!parsed.success) return null;
  const first = parsed.data.response.errors[0]!;
  return { code: first.code?.trim() ?? '', message: first.message?.trim() ?? '' };
}

export const isUpsNotFoundCode = (code: string): boolean => UPS_NOT_FOUND_CODES.includes(code.trim().toUpperCase());

/** The same as parseUpsTrackResponse, for a body still in text form (bad JSON → bad_response). */
export function parseUpsTrackText(body: string, inquiryNumber: string): Result<TrackResult[], CarrierError> {
  const json = readJson(body);
  return json === undefined ? err(badResponse('the body is not JSON')) : parseUpsTrackResponse(json, inquiryNumber);
}

export function parseUpsTrackResponse(body: unknown, inquiryNumber: string): Result<TrackResult[], CarrierError> {
  const upsError = readUpsError(body);
  if (upsError) {
    if (isUpsNotFoundCode(upsError.code)) return ok([notFound(inquiryNumber, upsError.message)]);
    return err({ ...badResponse('UPS answered with an error'), carrierCode: upsError.code, carrierMessage: upsError.message });
  }
  const parsed = upsTrackResponse.safeParse(body);
  if (!parsed.success) return err(badResponse(firstZodIssue(parsed.error)));

  const shipments = parsed.data.trackResponse.shipment;
  if (shipments.length === 0) return ok([notFound(inquiryNumber, 'UPS returned no shipment for this number')]);
  return ok(
    shipments.flatMap((shipment): TrackResult[] => {
      const number = shipment.inquiryNumber?.trim() || inquiryNumber;
      const packages = shipment.package ?? [];
      if (packages.length > 0) return packages.map((pkg) => toTrackResult(pkg, number));
      const warning = shipment.warnings?.find((w) => w.message || w.code);
      return [notFound(number, warning?.message?.trim() || 'UPS returned no package for this number')];
    }),
  );
}

function toTrackResult(pkg: UpsPackage, inquiryNumber: string): TrackResult {
  const activities = pkg.activity ?? [];
  const times = resolveTimes(activities);
  const table = upsCodeTableOf(pkg, inquiryNumber);
  const drafts = activities.map((activity, index) => ({
    ...mapUpsActivityStatus(activity.status ?? {}, table),
    occurredAt: times[index]!.iso,
    location: toLocation(activity.location?.address),
    carrierCode: carrierCodeOf(activity),
    carrierText: activity.status?.description?.trim() || null,
    dedupeKey: null, // UPS has no event id; the ingest path derives one
  }));
  // UPS lists newest first; keep_previous needs the story in order.
  const events = carryStatusForward(sortOldestFirst(drafts.reverse()));
  const newestOffset = times.find((t) => t.offsetMinutes !== null)?.offsetMinutes ?? null;
  const delivered = events.at(-1)?.status === 'delivered';
  return {
    trackingNumber: pkg.trackingNumber?.trim() || inquiryNumber,
    found: true,
    events,
    estimatedDelivery: delivered ? null : estimatedWindow(pkg, newestOffset),
    service: pkg.service?.description?.trim() || null,
  };
}

// ---------------------------------------------------------------------------------------------
// Which code table: Mail Innovations and Freight reuse 2-letter codes of the small-package tables
// with other meanings (DL: "Driver Load" / "Delivery with Signature"), and an activity does not say
// which table its code comes from. So the table is chosen per package from what the response says
// about the package, never guessed from the code:
//   Mail Innovations: the service description names Mail Innovations, or the number is a Mail
//     Innovations one ("MI" + 6-digit mailer id + package id), or the package has no 1Z number but
//     a USPS one (alternateTrackingNumber of type USPS_PIC, or a 22-digit IMpb number 92…–95…);
//   freight: no 1Z number (Worldwide Express Freight and the like are small-package), and the
//     service names TForce, LTL, "UPS Freight…" or air/ocean freight forwarding, or the number is a
//     9-digit PRO number;
//   anything else, SurePost / Ground Saver included: small package, as before. SurePost parcels
//     also carry a USPS_PIC, but they are 1Z parcels whose post-office events have small-package
//     codes of their own (X/YD…YM, X/1E, I/YF…), which the Mail Innovations table would misread.

/** The appendix table a package's 2-letter codes are read in. */
export type UpsCodeTable = 'small_package' | 'mail_innovations' | 'freight';

const MAIL_INNOVATIONS_SERVICE = /mail\s*innovations/i;
const MAIL_INNOVATIONS_NUMBER = /^MI\d{6}[A-Z0-9]{1,22}$/i;
const USPS_IMPB_NUMBER = /^9[2-5]\d{20}$/;
const FREIGHT_SERVICE = /\b(?:tforce|ltl)\b|^ups freight\b|\b(?:air|ocean) freight\b/i;
const PRO_NUMBER = /^\d{9}$/;
const SMALL_PACKAGE_NUMBER = /^1Z[A-Z0-9]{16}$/i;

type PackageHints = Pick<UpsPackage, 'trackingNumber' | 'service' | 'alternateTrackingNumber'>;

/** Which table to read this package's codes in (see above); `inquiryNumber` is the shipment's. */
export function upsCodeTableOf(pkg: PackageHints, inquiryNumber?: string | null): UpsCodeTable {
  const service = pkg.service?.description?.trim() ?? '';
  const numbers = [pkg.trackingNumber, inquiryNumber].map((n) => n?.replace(/\s+/g, '') ?? '').filter(Boolean);
  const smallPackageNumber = numbers.some((n) => SMALL_PACKAGE_NUMBER.test(n));
  const uspsNumber =
    numbers.some((n) => USPS_IMPB_NUMBER.test(n)) || (pkg.alternateTrackingNumber ?? []).some((alt) => alt.type?.trim().toUpperCase() === 'USPS_PIC');
  if (MAIL_INNOVATIONS_SERVICE.test(service) || numbers.some((n) => MAIL_INNOVATIONS_NUMBER.test(n)) || (uspsNumber && !smallPackageNumber)) {
    return 'mail_innovations';
  }
  if (!smallPackageNumber && (FREIGHT_SERVICE.test(service) || numbers.some((n) => PRO_NUMBER.test(n)))) return 'freight';
  return 'small_package';
}

// ---------------------------------------------------------------------------------------------
// Status

type ResolvedMapping = { status: ShipmentStatus | 'keep_previous'; reason: ExceptionReason | null; delayed: boolean };

/**
 * The meaning of one activity status: the 3-digit number first, then the 2-letter code (in the
 * package's product table, else the small-package table of its type), then the type letter. The
 * 2-letter code also supplies the reason when it agrees on the status (it is finer: "46 Delay" +
 * "DJ severe weather" → delayed by weather).
 * Unknown everything → keep_previous: an unknown code must not move the parcel.
 */
export function mapUpsActivityStatus(
  status: { type?: string | null; code?: string | null; statusCode?: string | null },
  table: UpsCodeTable = 'small_package',
): ResolvedMapping {
  const type = status.type?.trim().toUpperCase() ?? '';
  const byNumber = lookup(UPS_STATUS_CODES, statusNumberKey(status.statusCode));
  const byCode = codeMeaning(type, status.code?.trim().toUpperCase() ?? '', table);
  const byType = lookup(UPS_ACTIVITY_TYPES, type);

  const numberIsBareException = byNumber?.status === 'exception' && byNumber.reason === 'other';
  const primary: UpsCodeMapping =
    (byNumber && !(numberIsBareException && byCode) ? byNumber : undefined) ?? byCode ?? byNumber ?? byType ?? { status: 'keep_previous' };
  const sameAsCode = byCode?.status === primary.status ? byCode : undefined;
  const reason = sameAsCode?.reason ?? primary.reason ?? (primary.status === 'exception' ? 'other' : null);
  const delayed = primary.status === 'in_transit' && Boolean(primary.delayed || sameAsCode?.delayed);
  return { status: primary.status, reason: reason ?? null, delayed };
}

const PRODUCT_TABLES: Record<UpsCodeTable, Record<string, UpsCodeMapping> | undefined> = {
  small_package: undefined,
  mail_innovations: UPS_MAIL_INNOVATIONS_CODES,
  freight: UPS_FREIGHT_CODES,
};

/**
 * A Mail Innovations or freight package reads its codes in its product's table; a code that table
 * does not have, and type U (Track Alert updates, not a product's own codes), are read in the
 * small-package tables as before.
 */
function codeMeaning(type: string, code: string, table: UpsCodeTable): UpsCodeMapping | undefined {
  if (!code) return undefined;
  const productTable: Record<string, UpsCodeMapping> | undefined = PRODUCT_TABLES[table];
  const product = type !== 'U' && productTable ? lookup(productTable, code) : undefined;
  return product ?? smallPackageCodeMeaning(type, code);
}

function smallPackageCodeMeaning(type: string, code: string): UpsCodeMapping | undefined {
  switch (type) {
    case 'X':
      return lookup(UPS_EXCEPTION_CODES, code);
    case 'D':
      return lookup(UPS_EXCEPTION_CODES, code) ?? lookup(UPS_DELIVERY_DETAIL_CODES, code);
    case 'I':
      return lookup(UPS_MOVEMENT_CODES, code);
    case 'M':
    case 'MV':
      return lookup(UPS_MANIFEST_CODES, code);
    case 'U':
      return lookup(UPS_UPDATE_CODES, code);
    default:
      return undefined;
  }
}

/** "011" → "11" (the appendix lists integers). */
function statusNumberKey(statusCode: string | null | undefined): string | undefined {
  const trimmed = statusCode?.trim() ?? '';
  return /^\d{1,4}$/.test(trimmed) ? String(Number(trimmed)) : undefined;
}

function lookup<T>(table: Record<string, T>, key: string | undefined): T | undefined {
  return key !== undefined && Object.hasOwn(table, key) ? table[key] : undefined;
}

/** "D/F4/011": type, 2-letter code and 3-digit number, as UPS sent them. */
function carrierCodeOf(activity: UpsActivity): string | null {
  const parts = [activity.status?.type, activity.status?.code, activity.status?.statusCode].map((p) => p?.trim()).filter(Boolean);
  return parts.length > 0 ? parts.join('/') : null;
}

// ---------------------------------------------------------------------------------------------
// Location

function toLocation(address: UpsAddress | null | undefined): EventLocation | null {
  if (!address) return null;
  const location: EventLocation = {
    city: nonEmpty(address.city),
    region: nonEmpty(address.stateProvince),
    postalCode: nonEmpty(address.postalCode),
    country: countryCode(address.countryCode) ?? countryCode(address.country),
  };
  return Object.values(location).some((v) => v !== null) ? location : null;
}

const nonEmpty = (value: string | null | undefined): string | null => value?.trim() || null;
const countryCode = (value: string | null | undefined): string | null => {
  const trimmed = value?.trim() ?? '';
  return /^[A-Za-z]{2}$/.test(trimmed) ? trimmed.toUpperCase() : null;
};

// ---------------------------------------------------------------------------------------------
// Time. UPS local times carry no offset. In order of trust:
//   1. gmtDate + gmtTime (+ gmtOffset): the exact instant, shown in UPS's offset;
//   2. local date + time in the time zone of the activity's state/province or single-zone country;
//   3. the offset of the nearest activity of the same package that has one (same trip, same region);
//   4. the most populous zone of a multi-zone country (US → New York), an hour or three off at worst;
//   5. UTC, when nothing at all says where the scan happened.
// A missing or impossible date gives occurredAt null (stored, never folded).

type Wall = { year: number; month: number; day: number; hour: number; minute: number; second: number };
type ResolvedTime = { iso: string | null; offsetMinutes: number | null };

function resolveTimes(activities: UpsActivity[]): ResolvedTime[] {
  const first = activities.map((activity) => exactOrZoned(activity));
  return first.map((time, index) => {
    if (time.kind !== 'local') return { iso: time.iso, offsetMinutes: time.offsetMinutes };
    const offset = nearestOffset(first, index) ?? countryMainZoneOffset(activities[index]!, time.wall) ?? 0;
    return { iso: formatWall(time.wall, offset), offsetMinutes: offset };
  });
}

type FirstPass = { kind: 'done'; iso: string | null; offsetMinutes: number | null } | { kind: 'local'; wall: Wall };

function exactOrZoned(activity: UpsActivity): FirstPass {
  const zone = zoneOf(activity.location?.address);
  const gmt = readWall(activity.gmtDate, activity.gmtTime);
  if (gmt) {
    const utcMs = wallAsUtcMs(gmt);
    const offset = parseOffset(activity.gmtOffset) ?? (zone ? offsetInZone(utcMs, zone) : null) ?? 0;
    return { kind: 'done', iso: toIsoWithOffset(new Date(utcMs), offset), offsetMinutes: offset };
  }
  const local = readWall(activity.date, activity.time);
  if (!local) return { kind: 'done', iso: null, offsetMinutes: null };
  const offset = zone ? offsetAtLocalTime(zone, local) : null;
  return offset === null ? { kind: 'local', wall: local } : { kind: 'done', iso: formatWall(local, offset), offsetMinutes: offset };
}

function nearestOffset(times: FirstPass[], index: number): number | null {
  for (let distance = 1; distance < times.length; distance++) {
    for (const candidate of [times[index - distance], times[index + distance]]) {
      if (candidate?.kind === 'done' && candidate.offsetMinutes !== null) return candidate.offsetMinutes;
    }
  }
  return null;
}

function countryMainZoneOffset(activity: UpsActivity, wall: Wall): number | null {
  const address = activity.location?.address;
  const zone = timeZoneOfCountry(countryCode(address?.countryCode) ?? countryCode(address?.country));
  return zone ? offsetAtLocalTime(zone, wall) : null;
}

/** "20240424" + "91519" → wall time; UPS sometimes drops the leading zero of the time. */
function readWall(date: string | null | undefined, time: string | null | undefined): Wall | null {
  const d = date?.trim() ?? '';
  const t = time?.trim() ?? '';
  if (!/^\d{8}$/.test(d) || !/^\d{1,6}$/.test(t)) return null;
  const hhmmss = t.padStart(6, '0');
  const wall: Wall = {
    year: Number(d.slice(0, 4)),
    month: Number(d.slice(4, 6)),
    day: Number(d.slice(6, 8)),
    hour: Number(hhmmss.slice(0, 2)),
    minute: Number(hhmmss.slice(2, 4)),
    second: Number(hhmmss.slice(4, 6)),
  };
  const roundTrip = wallAt(wallAsUtcMs(wall));
  const valid = wall.hour < 24 && wall.minute < 60 && wall.second < 60 && roundTrip.day === wall.day && roundTrip.month === wall.month;
  return valid && wall.year >= 1970 ? wall : null;
}

const wallAsUtcMs = (w: Wall): number => Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);

function wallAt(utcMs: number): Wall {
  const d = new Date(utcMs);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

function formatWall(w: Wall, offsetMinutes: number): string {
  return toIsoWithOffset(new Date(wallAsUtcMs(w) - offsetMinutes * 60_000), offsetMinutes);
}

/** "-05:00", "-05.00" (Track Alert), "-0500", "+5" → minutes east of UTC. */
function parseOffset(raw: string | null | undefined): number | null {
  const match = /^([+-])(\d{1,2})(?:[:.]?(\d{2}))?$/.exec(raw?.trim() ?? '');
  if (!match) return null;
  const minutes = Number(match[2]) * 60 + Number(match[3] ?? 0);
  return minutes > 14 * 60 ? null : (match[1] === '-' ? -minutes : minutes);
}

/** The offset a wall-clock time had in a zone (DST changes included). */
const offsetAtLocalTime = (zone: string, wall: Wall): number => wallClockToInstant(wallAsUtcMs(wall), zone).offsetMinutes;

/** The zone of the address's US state, Canadian province or single-zone country. */
function zoneOf(address: UpsAddress | null | undefined): string | null {
  return timeZoneOfRegion(countryCode(address?.countryCode) ?? countryCode(address?.country), address?.stateProvince);
}

// ---------------------------------------------------------------------------------------------
// Estimated delivery: RDD (rescheduled) before SDD (scheduled); deliveryTime gives the hours
// unless it describes the actual delivery (DEL). Shown in the destination's offset when known.

function estimatedWindow(pkg: UpsPackage, fallbackOffset: number | null): DeliveryWindow | null {
  const dates = pkg.deliveryDate ?? [];
  const date = (dates.find((d) => d.type === 'RDD') ?? dates.find((d) => d.type === 'SDD'))?.date;
  const time = pkg.deliveryTime?.type === 'DEL' ? null : pkg.deliveryTime;
  const from = readWall(date, time?.startTime || '000000');
  const to = readWall(date, time?.endTime || '235959');
  if (!from || !to || wallAsUtcMs(from) > wallAsUtcMs(to)) return null;
  const destination = pkg.packageAddress?.find((a) => a.type === 'DESTINATION')?.address;
  const zone = zoneOf(destination);
  const offset = (zone ? offsetAtLocalTime(zone, from) : null) ?? fallbackOffset ?? 0;
  return { from: formatWall(from, offset), to: formatWall(to, offset) };
}

// ---------------------------------------------------------------------------------------------

function notFound(trackingNumber: string, message: string): TrackResult {
  return { trackingNumber, found: false, message: message || 'UPS has no tracking information for this number' };
}

function badResponse(detail: string): CarrierError {
  return { code: 'bad_response', message: `UPS answered a tracking response Waybill cannot read: ${detail}`, retryable: false };
}
