import { describe, expect, it } from 'vitest';
import { withoutControlCharacters } from '../../src/lib/control-characters.js';
import { dedupeKeyOf, normalizeEvent } from '../../src/shipments/events.js';

describe('a carrier’s text with control characters', () => {
  it('is stored with one space for each run of them; tab and newline stay', () => {
    expect(withoutControlCharacters('Arrived\u0000\u0001 at\u000Bhub')).toBe('Arrived  at hub');
    expect(withoutControlCharacters('line one\nline\ttwo')).toBe('line one\nline\ttwo');
    expect(withoutControlCharacters('\u007F')).toBe(' ');
  });

  it('is cleaned in every text column, while the digest key is still that of the text as sent', () => {
    const event = { status: 'in_transit' as const, occurredAt: '2026-12-01T10:00:00Z\u0000', carrierCode: 'I\u0000', carrierText: 'Scan\u0000ned' };
    const normalized = normalizeEvent(event);
    expect(normalized).toMatchObject({ carrierCode: 'I ', carrierText: 'Scan ned', occurredAtRaw: '2026-12-01T10:00:00Z ' });
    expect(normalized.dedupeKey).toBe(dedupeKeyOf(event, normalized.occurredAt));
    expect(normalizeEvent({ status: 'in_transit', occurredAt: null, dedupeKey: 'id\u0000 1' }).dedupeKey).toBe('k:id  1');
  });
});
