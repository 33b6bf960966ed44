// When `waybill serve` on several processes replaces one that died, and when it gives up.
import { describe, expect, it } from 'vitest';
import { MAX_REPLACEMENTS, mayReplace, REPLACEMENT_WINDOW_MS } from '../../src/serve-processes.js';

describe('mayReplace', () => {
  const now = 1_000_000;
  it('replaces a process that died while fewer than the limit were replaced within the last minute', () => {
    expect(mayReplace([], now)).toBe(true);
    expect(mayReplace(Array.from({ length: MAX_REPLACEMENTS - 1 }, (_, i) => now - i * 1000), now)).toBe(true);
  });
  it('gives up at the limit: every start is failing', () => {
    expect(mayReplace(Array.from({ length: MAX_REPLACEMENTS }, (_, i) => now - i * 1000), now)).toBe(false);
  });
  it('forgets replacements older than the window', () => {
    expect(mayReplace(Array.from({ length: MAX_REPLACEMENTS }, () => now - REPLACEMENT_WINDOW_MS), now)).toBe(true);
    expect(mayReplace(Array.from({ length: MAX_REPLACEMENTS }, () => now - REPLACEMENT_WINDOW_MS + 1), now)).toBe(false);
  });
});
