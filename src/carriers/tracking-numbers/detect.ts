// Tracking-number detection: normalize, run only the formats that can match (by first character and
// length), check each match, rank. Everything data-derived is prepared once when the module loads.
import { bucketByFirstCharacter, compileCouriers, NON_ASCII_BUCKET, type CompiledFormat, type GroupSlot } from './compile.js';
import { loadCouriers } from './load-data.js';
import type { Detection, TrackingNumberCandidate } from './types.js';

export const FORMATS: readonly CompiledFormat[] = compileCouriers(loadCouriers());
const BUCKETS = bucketByFirstCharacter(FORMATS);

const WHITESPACE = /\s+/g;

/**
 * Upper-cases and removes whitespace, nothing else (a `-` is part of some formats). Input that is
 * already plain upper-case ASCII without spaces or control characters is returned as is.
 */
export function normalizeTrackingInput(input: string): string {
  for (let index = 0; index < input.length; index++) {
    const code = input.charCodeAt(index);
    if (code <= 32 || (code >= 97 && code <= 122) || code >= 127) {
      return input.replace(WHITESPACE, '').toUpperCase();
    }
  }
  return input;
}

function groupText(match: RegExpExecArray, slot: GroupSlot | null): string | undefined {
  if (slot === null) return undefined;
  return typeof slot === 'number' ? match[slot] : match.groups?.[slot];
}

function checksumHolds(format: CompiledFormat, match: RegExpExecArray): boolean {
  let serial = groupText(match, format.serial);
  const check = groupText(match, format.checkDigit);
  if (serial === undefined || check === undefined || format.checksum === null) return false;
  if (format.prependIf !== null && format.prependIf.when.test(serial)) serial = format.prependIf.content + serial;
  return format.checksum(serial, check);
}

function requiredLookupsHold(format: CompiledFormat, match: RegExpExecArray): boolean {
  for (const required of format.requiredLookups) {
    if (required.lookup(groupText(match, required.slot)) === undefined) return false;
  }
  return true;
}

function trackingUrlFor(parts: readonly string[], number: string): string {
  let url = parts[0];
  for (let index = 1; index < parts.length; index++) url += number + parts[index];
  return url;
}

/**
 * Ranking tier, higher first: 3 valid with a check digit that passed, 2 valid without a check digit,
 * 1 invalid although its check digit passed (a required lookup failed), 0 other invalid.
 */
function tierOf(valid: boolean, checksumPassed: boolean): number {
  return (valid ? 2 : 0) + (checksumPassed ? 1 : 0);
}

// Scratch space for the tiers of the current call (detection is synchronous, so one buffer serves all).
const tiers = new Int8Array(FORMATS.length);

/**
 * Every format whose pattern matches the whole normalized number, most likely first:
 * valid before invalid, then a passed check digit before none, then the more specific pattern
 * (whole bits of constraint: fixed characters and narrowed ranges), then data order.
 * `format` is the data's format name; `courier` its courier_code.
 */
export function detectTrackingNumber(input: string): Detection {
  if (typeof input !== 'string') throw new TypeError('detectTrackingNumber expects a string');
  const normalized = normalizeTrackingInput(input);
  const candidates: TrackingNumberCandidate[] = [];
  const length = normalized.length;
  if (length === 0) return { input, normalized, candidates };

  let encodedNumber: string | undefined; // for tracking URLs, computed at most once
  const firstCode = normalized.charCodeAt(0);
  // Each bucket is already in specificity-then-data order; insertion below only reorders by tier.
  const bucket = BUCKETS[firstCode < NON_ASCII_BUCKET ? firstCode : NON_ASCII_BUCKET];
  for (let index = 0; index < bucket.length; index++) {
    const format = bucket[index];
    if (length < format.minLength || length > format.maxLength) continue;
    const match = format.pattern.exec(normalized);
    if (match === null) continue;

    const checksumPassed = format.checksum !== null && checksumHolds(format, match);
    const valid = (format.checksum === null || checksumPassed) && requiredLookupsHold(format, match);
    const candidate: TrackingNumberCandidate = { courier: format.courier, format: format.format, valid };
    if (format.service !== null) {
      const service = format.service.lookup(groupText(match, format.service.slot))?.name;
      if (service) candidate.service = service;
    }
    if (format.trackingUrlParts !== null) {
      encodedNumber ??= encodeURIComponent(normalized);
      candidate.trackingUrl = trackingUrlFor(format.trackingUrlParts, encodedNumber);
    }

    // Stable insertion: after every candidate of the same or a higher tier.
    const tier = tierOf(valid, checksumPassed);
    let position = candidates.length;
    while (position > 0 && tiers[position - 1] < tier) {
      tiers[position] = tiers[position - 1];
      position--;
    }
    tiers[position] = tier;
    candidates.splice(position, 0, candidate);
  }
  return { input, normalized, candidates };
}
