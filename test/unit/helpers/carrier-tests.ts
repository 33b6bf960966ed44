// Scaffolding the carrier tests share: fixtures, a CarrierContext pointed at an emulator, and the
// property tests that feed a parser damaged fixtures (it must answer a typed result, never throw).
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { memoryTokenCache, type CarrierContext, type CarrierError, type TrackResult } from '../../../src/carriers/types.js';
import type { Result } from '../../../src/lib/result.js';
import { parseInstant } from '../../../src/lib/time.js';
import { EXCEPTION_REASONS, SHIPMENT_STATUSES } from '../../../src/shipments/vocabulary.js';

type Parsed = Result<TrackResult[], CarrierError>;

/** test/fixtures/carriers/<carrier>/<name>, as text or parsed. */
export function carrierFixtures(carrier: string) {
  const text = (name: string): string => readFileSync(new URL(`../../fixtures/carriers/${carrier}/${name}`, import.meta.url), 'utf8');
  return { text, json: (name: string): unknown => JSON.parse(text(name)) };
}

/** A context for an adapter under test: the real fetch, a fresh token cache and a 2 s timeout unless given. */
export function testContext(context: Pick<CarrierContext, 'credentials' | 'baseUrl' | 'clock'> & Partial<CarrierContext>): CarrierContext {
  return { fetch: globalThis.fetch, tokenCache: memoryTokenCache(), timeoutMs: 2_000, ...context };
}

/** The one found result of a parse, or a thrown error saying what came instead. */
export function foundResult(result: Parsed): Extract<TrackResult, { found: true }> {
  if (!result.ok) throw new Error(`expected a result, got ${result.error.code}: ${result.error.message}`);
  expect(result.value).toHaveLength(1);
  const [track] = result.value;
  if (!track.found) throw new Error(`expected found, got not found: ${track.message}`);
  return track;
}

// ---------------------------------------------------------------------------------------------
// Parser robustness

/** Known statuses for every event, or a non-retryable bad_response. */
export function isTypedOutcome(result: Parsed): boolean {
  return result.ok
    ? result.value.every((r) => r.found === false || r.events.every((e) => SHIPMENT_STATUSES.includes(e.status)))
    : result.error.code === 'bad_response' && result.error.retryable === false;
}

/** Like isTypedOutcome, asserted in detail: reasons from the closed list and readable instants too. */
export function expectTyped(result: Parsed, trackingNumber: string): void {
  if (!result.ok) {
    expect(result.error.code).toBe('bad_response');
    expect(result.error.retryable).toBe(false);
    expect(typeof result.error.message).toBe('string');
    return;
  }
  for (const track of result.value) {
    expect(track.trackingNumber).toBe(trackingNumber);
    if (!track.found) {
      expect(typeof track.message).toBe('string');
      continue;
    }
    for (const event of track.events) {
      expect(SHIPMENT_STATUSES).toContain(event.status);
      if (event.reason) expect(EXCEPTION_REASONS).toContain(event.reason);
      if (event.occurredAt !== null) expect(parseInstant(event.occurredAt), event.occurredAt).not.toBeNull();
    }
    if (track.estimatedDelivery) {
      expect(parseInstant(track.estimatedDelivery.from)).not.toBeNull();
      expect(parseInstant(track.estimatedDelivery.to)).not.toBeNull();
    }
  }
}

type DamageTarget = { fixtures: { text(name: string): string }; parseText(text: string): Parsed; parseBody(body: unknown): Parsed };

/** Per fixture: random truncations, and any one part replaced or removed, stay isTypedOutcome (300 runs each). */
export function itNeverThrowsOnDamaged(names: readonly string[], { fixtures, parseText, parseBody }: DamageTarget): void {
  for (const name of names) {
    const text = fixtures.text(name);
    it(`never throws on truncated ${name}`, () => {
      fc.assert(fc.property(fc.nat({ max: text.length }), (cut) => isTypedOutcome(parseText(text.slice(0, cut)))), { numRuns: 300 });
    });
    it(`never throws on ${name} with one part replaced or removed`, () => {
      const original = JSON.parse(text) as unknown;
      const allPaths = pathsOf(original);
      fc.assert(
        fc.property(fc.nat({ max: allPaths.length - 1 }), fc.option(fc.jsonValue(), { nil: undefined }), (index, replacement) =>
          isTypedOutcome(parseBody(replaceAt(original, allPaths[index]!, replacement))),
        ),
        { numRuns: 300 },
      );
    });
  }
}

/** Per fixture: every truncation, and 1–4 fields deleted or replaced, pass expectTyped (300 runs). */
export function itStaysTypedOnDamaged(names: readonly string[], trackingNumber: string, { fixtures, parseText, parseBody }: DamageTarget): void {
  it.each(names)('on every truncation of %s', (name) => {
    const text = fixtures.text(name);
    for (let length = 0; length <= text.length; length++) expectTyped(parseText(text.slice(0, length)), trackingNumber);
  });

  it.each(names)('on %s with random fields deleted or replaced', (name) => {
    const original = JSON.parse(fixtures.text(name)) as unknown;
    const paths = pathsOf(original);
    const mutation = fc.record({ path: fc.constantFrom(...paths), value: fc.option(fc.jsonValue(), { nil: undefined }) });
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 4 }), (mutations) => {
        const body = structuredClone(original);
        for (const { path, value } of mutations) setPath(body, path, value);
        expectTyped(parseBody(body), trackingNumber);
      }),
      { numRuns: 300 },
    );
  });
}

type Path = Array<string | number>;

/** Every path below the root, branches and leaves, in document order. */
export function pathsOf(value: unknown, prefix: Path = []): Path[] {
  const here = prefix.length > 0 ? [prefix] : [];
  if (Array.isArray(value)) return [...here, ...value.flatMap((item, i) => pathsOf(item, [...prefix, i]))];
  if (value && typeof value === 'object') return [...here, ...Object.entries(value).flatMap(([k, v]) => pathsOf(v, [...prefix, k]))];
  return here;
}

/** A copy of `value` with the part at `path` replaced, or removed when replacement is undefined. */
export function replaceAt(value: unknown, path: Path, replacement: unknown): unknown {
  if (path.length === 0) return replacement;
  const [head, ...rest] = path;
  if (Array.isArray(value)) {
    const copy = [...value];
    if (rest.length === 0 && replacement === undefined) copy.splice(head as number, 1);
    else copy[head as number] = replaceAt(copy[head as number], rest, replacement);
    return copy;
  }
  const copy = { ...(value as Record<string, unknown>) };
  if (rest.length === 0 && replacement === undefined) delete copy[head as string];
  else copy[head as string] = replaceAt(copy[head as string], rest, replacement);
  return copy;
}

/** Sets the field at `path` in place (`undefined` deletes it, or the array element); a path through a non-object does nothing. */
export function setPath(root: unknown, path: Path, value: unknown): void {
  let node = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) return;
    node = node[key] as Record<string | number, unknown>;
  }
  const last = path[path.length - 1]!;
  if (value !== undefined) node[last] = value;
  else if (Array.isArray(node)) node.splice(Number(last), 1);
  else delete node[last];
}
