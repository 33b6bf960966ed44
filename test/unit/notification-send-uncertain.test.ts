// A send whose answer never came: the rule that decides what happens next (pure).
import { describe, expect, it } from 'vitest';
import { afterFailure, uncertainSendOf } from '../../src/notifications/send.js';

describe('afterFailure: what a failed send means for the message', () => {
  it('the provider answered, or nothing left this machine: retried when retryable, else failed, as before', () => {
    expect(afterFailure({ retryable: true }, true)).toBe('retry');
    expect(afterFailure({ retryable: true }, false)).toBe('retry');
    expect(afterFailure({ retryable: false }, true)).toBe('fail');
  });
  it('handed over with no answer: looked up before sending again where the provider can be asked, else parked', () => {
    expect(afterFailure({ retryable: true, mayHaveBeenSent: true }, true)).toBe('look_up_then_retry'); // Twilio
    expect(afterFailure({ retryable: false, mayHaveBeenSent: true }, false)).toBe('park_uncertain'); // SMTP
    expect(afterFailure({ retryable: true, mayHaveBeenSent: true }, false)).toBe('park_uncertain');
  });
});

describe('uncertainSendOf: when the attempt of unknown outcome began', () => {
  it('the recorded one, or a message found in sending (its worker died inside the call); none otherwise', () => {
    expect(uncertainSendOf({ state: 'pending', uncertain_since: '2026-03-16T15:00:00.000Z', updated_at: '2026-03-16T15:00:10.000Z' })).toBe('2026-03-16T15:00:00.000Z');
    expect(uncertainSendOf({ state: 'sending', uncertain_since: null, updated_at: '2026-03-16T15:00:10.000Z' })).toBe('2026-03-16T15:00:10.000Z');
    expect(uncertainSendOf({ state: 'pending', uncertain_since: null, updated_at: '2026-03-16T15:00:10.000Z' })).toBeNull();
  });
});
