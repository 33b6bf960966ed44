// The skeleton the USPS and DHL emulators share: parcels kept as journeys of events (or recorded
// bodies) in a shipment book, counted requests, malformedNext for tracking answers, and the request
// log, on the emulator server of ./emulator-kit.ts. Each emulator brings its routes, checks, payloads
// and failNext.
import { systemClock, type Clock } from '../lib/clock.js';
import {
  injectionQueue,
  limitEnforcer,
  startEmulatorServer,
  timedFailures,
  truncatedAnswer,
  type EmulatorAnswer,
  type EmulatorLimits,
  type EmulatorRequest,
  type EmulatorServerOptions,
  type LimitEnforcer,
  type LimitVerdict,
  type RecordedRequest,
  type TimedFailure,
} from './emulator-kit.js';

/** Tracking numbers as emulators file them: no spaces, upper case. */
const compactNumber = (trackingNumber: string): string => trackingNumber.replace(/\s+/g, '').toUpperCase();

export type ShipmentBookEntry<S> = { kind: 'journey'; shipment: S } | { kind: 'raw'; body: unknown };

export type ShipmentBook<E, S> = {
  /** Registers (or replaces) a parcel; a bare list of events is a shipment with nothing else known. */
  add(trackingNumber: string, shipment: S | E[]): void;
  addEvent(trackingNumber: string, event: E): void;
  setRaw(trackingNumber: string, body: unknown): void;
  get(trackingNumber: string): ShipmentBookEntry<S> | undefined;
};

/** Parcels an emulator serves: a journey of events that grows as it moves on, or a recorded body served verbatim. */
export function shipmentBook<E, S extends { events: E[] }>(): ShipmentBook<E, S> {
  const entries = new Map<string, ShipmentBookEntry<S>>();
  return {
    add(trackingNumber, shipment) {
      const copy = Array.isArray(shipment) ? ({ events: [...shipment] } as S) : { ...shipment, events: [...shipment.events] };
      entries.set(compactNumber(trackingNumber), { kind: 'journey', shipment: copy });
    },
    addEvent(trackingNumber, event) {
      const entry = entries.get(compactNumber(trackingNumber));
      if (entry?.kind === 'journey') entry.shipment.events.push(event);
      else entries.set(compactNumber(trackingNumber), { kind: 'journey', shipment: { events: [event] } as S });
    },
    setRaw: (trackingNumber, body) => void entries.set(compactNumber(trackingNumber), { kind: 'raw', body }),
    get: (trackingNumber) => entries.get(compactNumber(trackingNumber)),
  };
}

export type JourneyEmulatorOptions = {
  host?: string; // default 127.0.0.1
  port?: number; // default 0: any free port
  latencyMs?: number;
  maxRecordedRequests?: number; // `requests` keeps the latest ones; default 1000
  /** The emulator's clock: token expiry, limits, outages. Default the system clock. */
  clock?: Clock;
  /** The carrier's published limits, enforced on tracking requests (429 and a counted violation beyond them). */
  limits?: EmulatorLimits;
};

export type JourneyControls<E, S, C extends Record<string, number>> = {
  url: string;
  close(): Promise<void>;
  /** Registers (or replaces) a parcel; the emulator builds the carrier's payloads from its events. */
  addShipment(trackingNumber: string, shipment: S | E[]): void;
  /** Appends an event to a registered parcel, as a journey moves on. */
  addEvent(trackingNumber: string, event: E): void;
  /** Serves this body verbatim with 200 (e.g. a recorded fixture). */
  setResponse(trackingNumber: string, body: unknown): void;
  /** The next tracking answers are 200 with a truncated JSON body. */
  malformedNext(times?: number): void;
  /** Answers `status` to every tracking request from now for `durationMs` on the emulator's clock: an outage. */
  failFor(failure: { status: number; durationMs: number; retryAfter?: number }): void;
  /** Requests refused for breaking `limits` (a well-behaved client causes none). */
  readonly violations: LimitEnforcer['violations'];
  /** Forgets the calls counted against the daily quota, as the carrier does at 00:00 UTC. */
  resetQuota(): void;
  setLatency(ms: number): void;
  readonly counts: Readonly<C>;
  /** The latest requests (up to `maxRecordedRequests`), oldest first. */
  readonly requests: readonly RecordedRequest[];
  resetCounts(): void;
};

export type JourneyTools<E, S> = {
  shipments: ShipmentBook<E, S>;
  /** A 200 tracking answer as it is, or cut short while malformedNext has some queued. */
  maybeMalformed(result: EmulatorAnswer): EmulatorAnswer;
  /** Counts a tracking request against the limits; the carrier answers a refusal in its own words. */
  admit(): LimitVerdict;
  /** The outage in force now (failFor), if any. */
  outage(): TimedFailure<'tracking'> | undefined;
  limiter: LimitEnforcer;
};

/** Starts an emulator that serves journeys; `answer` counts in `counts`, which resetCounts zeroes with the log. */
export async function startJourneyEmulator<E, S extends { events: E[] }, C extends Record<string, number>>(
  options: JourneyEmulatorOptions & Pick<EmulatorServerOptions, 'maxBodyBytes' | 'headers'>,
  counts: C,
  answer: (request: EmulatorRequest, tools: JourneyTools<E, S>) => EmulatorAnswer | Promise<EmulatorAnswer>,
): Promise<JourneyControls<E, S, C>> {
  const shipments = shipmentBook<E, S>();
  const malformed = injectionQueue<true>();
  const clock = options.clock ?? systemClock;
  const limiter = limitEnforcer(options.limits ?? {}, clock);
  const outages = timedFailures<'tracking'>(clock);
  const tools: JourneyTools<E, S> = {
    shipments,
    maybeMalformed: (result) => (result.status === 200 && malformed.take() ? truncatedAnswer(result.body) : result),
    admit: () => limiter.admit(),
    outage: () => outages.active('tracking'),
    limiter,
  };
  const { host, port, latencyMs, maxBodyBytes, headers } = options;
  const logLimit = Math.max(1, options.maxRecordedRequests ?? 1000);
  const server = await startEmulatorServer({ host, port, latencyMs, logLimit, maxBodyBytes, headers }, (request) => answer(request, tools));
  return {
    url: server.url,
    close: server.close,
    addShipment: shipments.add,
    addEvent: shipments.addEvent,
    setResponse: shipments.setRaw,
    malformedNext: (times = 1) => malformed.add(true, times),
    failFor: ({ status, durationMs, retryAfter }) => {
      const fromMs = clock.now().getTime();
      outages.add({ status, fromMs, untilMs: fromMs + durationMs, retryAfter });
    },
    violations: limiter.violations,
    resetQuota: limiter.resetQuota,
    setLatency: server.setLatency,
    counts,
    requests: server.log,
    resetCounts() {
      for (const key of Object.keys(counts)) (counts as Record<string, number>)[key] = 0;
      server.log.length = 0;
    },
  };
}
