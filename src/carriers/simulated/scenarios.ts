// Which path a simulated parcel takes, and the details of what goes wrong on it. Scenarios are drawn
// at configurable rates, or forced by tests and the demo.
import type { Random } from './random.js';
import { ATTEMPT_CODES, type AttemptReason } from './status-codes.js';

export const SCENARIOS = ['happy', 'delayed', 'stalled', 'failed_attempt', 'pickup_point', 'exception', 'return_to_sender', 'customs_hold'] as const;
export type Scenario = (typeof SCENARIOS)[number];

/** Each a probability in [0, 1]. All but customsHold are shares of all journeys and exclusive. */
export type ScenarioRates = {
  delayed: number;
  stalled: number;
  failedAttempt: number;
  /** The attempt fails, the parcel waits at a pickup point, the customer collects it. */
  pickupPoint: number;
  exception: number;
  returnToSender: number;
  /** Share of international journeys held at customs, drawn independently of the others. */
  customsHold: number;
};

export const DEFAULT_SCENARIO_RATES: Readonly<ScenarioRates> = Object.freeze({
  delayed: 0.1,
  stalled: 0.05,
  failedAttempt: 0.05,
  pickupPoint: 0.03,
  exception: 0.03,
  returnToSender: 0.02,
  customsHold: 0.3,
});

/** The defaults overridden by `rates`; throws a RangeError naming a bad rate. */
export function resolveRates(rates: Partial<ScenarioRates> = {}): ScenarioRates {
  const resolved = { ...DEFAULT_SCENARIO_RATES, ...rates };
  for (const [name, value] of Object.entries(resolved)) {
    if (!(typeof value === 'number' && value >= 0 && value <= 1)) throw new RangeError(`rates.${name} must be a number from 0 to 1, got ${value}`);
  }
  const exclusive = resolved.delayed + resolved.stalled + resolved.failedAttempt + resolved.pickupPoint + resolved.exception + resolved.returnToSender;
  if (exclusive > 1 + 1e-9) throw new RangeError(`rates other than customsHold add up to ${exclusive}; at most 1`);
  return resolved;
}

/** Scenarios possible on a journey (customs only when a border is crossed). */
export function scenariosFor(international: boolean): Scenario[] {
  return SCENARIOS.filter((scenario) => international || scenario !== 'customs_hold');
}

/**
 * One exclusive draw for the path, one independent draw for customs. A happy journey held at
 * customs reports 'customs_hold'; any other path held at customs keeps its name, with customsHold set.
 */
export function drawScenario(random: Random, rates: ScenarioRates, international: boolean): { scenario: Scenario; customsHold: boolean } {
  const roll = random.next();
  const customsHold = international && random.chance(rates.customsHold);
  const ladder: Array<[Scenario, number]> = [
    ['delayed', rates.delayed],
    ['stalled', rates.stalled],
    ['failed_attempt', rates.failedAttempt],
    ['exception', rates.exception],
    ['return_to_sender', rates.returnToSender],
    // Last, so the journeys drawn before this scenario existed keep theirs.
    ['pickup_point', rates.pickupPoint],
  ];
  let ceiling = 0;
  for (const [scenario, rate] of ladder) {
    ceiling += rate;
    if (roll < ceiling) return { scenario, customsHold };
  }
  return { scenario: customsHold ? 'customs_hold' : 'happy', customsHold };
}

export type ExceptionKind = 'damaged' | 'lost' | 'label_problem' | 'address_problem';
export type ReturnCause = 'recipient_refused' | 'address_problem' | 'recipient_unavailable';

/** Everything that departs from the happy path, placed and sized. Stop indexes are route stops. */
export type Incidents = {
  delay?: { atStop: number; reason: 'weather' | 'carrier_delay'; hours: number };
  stall?: { atStop: number; hours: number };
  exception?: { kind: ExceptionKind; atStop: number; afterHours: number };
  failedAttempt?: { reason: AttemptReason };
  /** Held at a pickup point after the failed attempt, collected this long after it arrives there. */
  pickupPoint?: { reason: AttemptReason; collectAfterHours: number };
  returnToSender?: { cause: ReturnCause };
  customsHold?: { hours: number };
};

export const ATTEMPT_REASONS = Object.keys(ATTEMPT_CODES) as AttemptReason[];
// Listed twice: damage and bad addresses are the common exceptions, lost parcels and bad labels rarer.
const EXCEPTION_KINDS: ExceptionKind[] = ['damaged', 'damaged', 'lost', 'address_problem', 'address_problem', 'label_problem'];
const RETURN_CAUSES: ReturnCause[] = ['recipient_refused', 'address_problem', 'recipient_unavailable'];

/** Places and sizes the incidents of a scenario on a route with `stopCount` facilities. */
export function planIncidents(random: Random, scenario: Scenario, customsHold: boolean, stopCount: number): Incidents {
  const incidents: Incidents = {};
  // Trouble in transit happens between the first scan and the last facility, where there is one.
  const transitStop = () => (stopCount > 1 ? random.int(0, stopCount - 2) : 0);
  if (customsHold) incidents.customsHold = { hours: random.between(24, 72) };
  switch (scenario) {
    case 'delayed':
      incidents.delay = { atStop: transitStop(), reason: random.chance(0.5) ? 'weather' : 'carrier_delay', hours: random.between(24, 48) };
      break;
    case 'stalled':
      incidents.stall = { atStop: transitStop(), hours: random.between(72, 120) };
      break;
    case 'failed_attempt':
      incidents.failedAttempt = { reason: random.pick(ATTEMPT_REASONS) };
      break;
    case 'pickup_point':
      incidents.pickupPoint = { reason: random.pick(ATTEMPT_REASONS), collectAfterHours: random.between(18, 72) };
      break;
    case 'exception': {
      const kind = random.pick(EXCEPTION_KINDS);
      // A lost parcel goes quiet for days before the carrier admits it; the others surface in hours.
      const afterHours = kind === 'lost' ? random.between(96, 168) : random.between(1, 4);
      incidents.exception = { kind, atStop: kind === 'label_problem' ? 0 : transitStop(), afterHours };
      break;
    }
    case 'return_to_sender':
      incidents.returnToSender = { cause: random.pick(RETURN_CAUSES) };
      break;
    case 'customs_hold':
    case 'happy':
      break;
  }
  return incidents;
}
