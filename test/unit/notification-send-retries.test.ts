// A send's allowance against a provider's outage, and what its message says when it runs out (pure).
import { describe, expect, it } from 'vitest';
import { givenUpReason, SEND_MAX_ATTEMPTS, sendRetryDelayMs } from '../../src/notifications/send-jobs.js';

const HOUR = 3_600_000;
/** The waits between a send job's attempts, each jittered by `random`. */
const totalWait = (random: () => number) => Array.from({ length: SEND_MAX_ATTEMPTS - 1 }, (_, i) => sendRetryDelayMs(i + 1, random)).reduce((a, b) => a + b, 0);

describe('sendRetryDelayMs: the wait after a failed send', () => {
  it('starts at 2 s and doubles up to 10 minutes, jittered 0.5×–1.5×', () => {
    expect([1, 2, 3, 9, 10, 30].map((attempt) => sendRetryDelayMs(attempt, () => 0.5))).toEqual([2_000, 4_000, 8_000, 512_000, 600_000, 600_000]);
    expect(sendRetryDelayMs(40, () => 0)).toBe(300_000);
    expect(sendRetryDelayMs(40, () => 0.999_999)).toBeLessThanOrEqual(900_000);
  });

  it('covers about six hours of outage over a send job’s attempts, and more than three however the jitter falls', () => {
    expect(totalWait(() => 0.5)).toBeGreaterThan(6 * HOUR);
    expect(totalWait(() => 0.5)).toBeLessThan(6.5 * HOUR);
    expect(totalWait(() => 0)).toBeGreaterThan(3 * HOUR);
  });
});

describe('givenUpReason: why a send job’s message is failed as the job dies', () => {
  it('names the attempts and the last error of a passing failure, or the failure that cannot pass', () => {
    expect(givenUpReason({ attempts: 45 }, { message: 'unavailable: connect ECONNREFUSED 127.0.0.1:25', retryable: true }, false)).toBe('gave up after 45 attempts: unavailable: connect ECONNREFUSED 127.0.0.1:25');
    expect(givenUpReason({ attempts: 46 }, { message: 'its worker stopped during its last attempt (its lease ran out)', retryable: false }, true)).toBe(
      'its worker stopped during its last attempt (its lease ran out); it may have been delivered, so it was not sent again',
    );
  });

  it('keeps no control characters and at most 2,000 characters of a provider’s words', () => {
    const reason = givenUpReason({ attempts: 45 }, { message: `unavailable: 421 \u0000busy${'x'.repeat(3000)}`, retryable: true }, false);
    expect(reason).not.toMatch(/\u0000/);
    expect(reason.length).toBe(2000);
  });
});
