// The status core, pure. A shipment's status is the status of its event with the greatest
// occurredAt (ties broken by stage order, then by dedupe key so the answer never depends on
// arrival order), among the events that have a status of their own: an update that only carries
// the status before it forward (statusCarried) is on the timeline but never decides. The fold keeps only three maxima — the head event, the latest terminal event
// and the latest delay — and the set of times of the failed delivery attempts (the customer's
// attempt numbers), so folding is commutative and idempotent: any permutation or duplication of
// the same events gives the same shipment, and new events fold in without re-reading the history.
import { err, ok, type Result } from '../lib/result.js';
import {
  type ExceptionReason,
  isTerminal,
  STAGE_ORDER,
  type ShipmentStatus,
  TERMINAL_STATUSES,
} from './vocabulary.js';

export type FoldEvent = {
  id: string;
  dedupeKey: string;
  status: ShipmentStatus;
  reason: ExceptionReason | null;
  delayed: boolean;
  /** UTC ISO instant, or null when the source gave no usable time (such events never fold). */
  occurredAt: string | null;
  /**
   * The status was carried from the event before it (an update that does not move the parcel):
   * such events never fold either. Carried when it came, the status may be stale by the time an
   * older scan arrives late; as the head it would hold the parcel there for good.
   */
  statusCarried?: boolean;
};

type Mark = { eventId: string; dedupeKey: string; occurredAt: string; status: ShipmentStatus; reason: ExceptionReason | null };

export type FoldState = {
  head: Mark | null;
  terminal: Mark | null;
  delay: Mark | null;
  /**
   * When each failed delivery attempt happened (UTC, oldest first; one per instant: the same miss
   * reported twice, by a poll and a webhook, is one attempt). Absent from a state folded before it
   * was kept: unknown, and left so (the message job then counts the stored events).
   */
  failures?: string[];
};

export type ShipmentStatusView = {
  status: ShipmentStatus;
  reason: ExceptionReason | null;
  delayed: boolean;
  /** A newer event moved the shipment out of a terminal status: shown to the merchant. */
  correction: boolean;
};

export const EMPTY_FOLD: FoldState = { head: null, terminal: null, delay: null, failures: [] };

/** Total order of events: time, then stage, then dedupe key. */
export function compareMarks(a: Mark, b: Mark): number {
  if (a.occurredAt !== b.occurredAt) return a.occurredAt < b.occurredAt ? -1 : 1;
  const stage = STAGE_ORDER[a.status] - STAGE_ORDER[b.status];
  if (stage !== 0) return stage;
  return a.dedupeKey < b.dedupeKey ? -1 : a.dedupeKey > b.dedupeKey ? 1 : 0;
}

const later = (current: Mark | null, candidate: Mark): Mark =>
  current === null || compareMarks(candidate, current) > 0 ? candidate : current;

export function foldEvents(state: FoldState, events: readonly FoldEvent[]): FoldState {
  let { head, terminal, delay } = state;
  // A state with events folded before failures were kept cannot start counting them now.
  let failures = state.failures ?? (head === null ? [] : undefined);
  for (const event of events) {
    if (event.occurredAt === null || event.statusCarried) continue;
    const mark: Mark = {
      eventId: event.id,
      dedupeKey: event.dedupeKey,
      occurredAt: event.occurredAt,
      status: event.status,
      reason: event.reason,
    };
    head = later(head, mark);
    if (isTerminal(event.status)) terminal = later(terminal, mark);
    if (event.delayed) delay = later(delay, mark);
    if (failures && event.status === 'attempt_failed' && !failures.includes(event.occurredAt)) failures = [...failures, event.occurredAt].sort();
  }
  return failures ? { head, terminal, delay, failures } : { head, terminal, delay };
}

/**
 * The customer's number of the delivery attempt a change at `at` belongs to: the failed attempt
 * itself, or else the one under way or to come (out for delivery: the next), counted among the
 * failed attempts (`failures`, UTC) that happened at or before it, never those after. Pure.
 */
export function attemptNumberAt(failures: readonly string[], at: { status: ShipmentStatus; occurredAt: string }): number {
  let atOrBefore = 0;
  for (const failedAt of failures) if (failedAt <= at.occurredAt) atOrBefore += 1;
  return Math.max(1, at.status === 'attempt_failed' ? atOrBefore : atOrBefore + 1);
}

const REASON_BEARING: readonly ShipmentStatus[] = ['exception', 'attempt_failed', 'returning_to_sender', 'cancelled', 'returned'];

export function viewOf(state: FoldState): ShipmentStatusView {
  const { head, terminal, delay } = state;
  if (!head) return { status: 'pending', reason: null, delayed: false, correction: false };
  const delayed = delay !== null && !isTerminal(head.status);
  const reason = REASON_BEARING.includes(head.status) ? head.reason : delayed ? delay.reason : null;
  const correction = terminal !== null && compareMarks(head, terminal) > 0 && head.status !== terminal.status;
  return { status: head.status, reason, delayed, correction };
}

// ---- Merchant and customer commands: a strict transition table. ----

export const SHIPMENT_COMMANDS = ['cancel', 'mark_delivered', 'mark_lost', 'expire'] as const;
export type ShipmentCommand = (typeof SHIPMENT_COMMANDS)[number];

const MOVING: ShipmentStatus[] = [
  'info_received',
  'in_transit',
  'out_for_delivery',
  'available_for_pickup',
  'attempt_failed',
  'exception',
  'returning_to_sender',
];

export const COMMAND_TRANSITIONS: Record<ShipmentCommand, { from: readonly ShipmentStatus[]; to: ShipmentStatus; reason: ExceptionReason | null }> = {
  // A label can be cancelled until the carrier has the parcel.
  cancel: { from: ['pending', 'info_received'], to: 'cancelled', reason: 'cancelled_by_sender' },
  mark_delivered: { from: MOVING.filter((s) => s !== 'returning_to_sender'), to: 'delivered', reason: null },
  mark_lost: { from: MOVING, to: 'exception', reason: 'lost' },
  expire: { from: ['pending', ...MOVING], to: 'expired', reason: null },
};

export type TransitionError = { code: 'invalid_transition'; message: string };

export function decideCommand(
  current: ShipmentStatusView,
  command: ShipmentCommand,
): Result<{ status: ShipmentStatus; reason: ExceptionReason | null }, TransitionError> {
  const rule = COMMAND_TRANSITIONS[command];
  if (command === 'mark_lost' && current.status === 'exception' && current.reason === 'lost') {
    return err({ code: 'invalid_transition', message: 'the shipment is already marked lost' });
  }
  if (!rule.from.includes(current.status)) {
    return err({
      code: 'invalid_transition',
      message: `cannot ${command.replace('_', ' ')} a shipment that is ${current.status} (allowed from: ${rule.from.join(', ')})`,
    });
  }
  return ok({ status: rule.to, reason: rule.reason });
}

/**
 * A command becomes an event stamped just after the current head, so it wins the fold even
 * when a carrier clock runs slightly ahead of ours.
 */
export function commandOccurredAt(state: FoldState, now: Date): string {
  const headTime = state.head ? Date.parse(state.head.occurredAt) : 0;
  return new Date(Math.max(now.getTime(), headTime + 1)).toISOString();
}

export { TERMINAL_STATUSES };
