// The pure parts of the Twilio fixes: when the SMS window closes (and so the ValidityPeriod a text
// is handed over with), the ValidityPeriod in the POST, and how a status callback moves a message.
import { describe, expect, it } from 'vitest';
import { HOUR, localClock, MINUTE, transitionsOf } from './helpers/time-zones.js';
import { DEFAULT_NOTIFICATION_SETTINGS, smsWindowClosesAt } from '../../src/notifications/policy/decide.js';
import { type SmsWindow, validityPeriodSeconds, windowClosesAt } from '../../src/notifications/policy/sms-window.js';
import { twilioMessageRequest } from '../../src/notifications/providers/twilio.js';
import { EXPIRED_TEXT_MAX_ATTEMPTS, statusChange } from '../../src/notifications/status-callbacks.js';

const DAYTIME: SmsWindow = { start: '08:00', end: '21:00' };
const closes = (iso: string, zone: string, window: SmsWindow = DAYTIME) => windowClosesAt(new Date(iso), zone, window).toISOString();

describe('windowClosesAt', () => {
  it('is the end of the window that is open now, or now when it is closed', () => {
    expect(closes('2026-03-03T02:59:50Z', 'America/Chicago')).toBe('2026-03-03T03:00:00.000Z'); // 20:59:50 CST
    expect(closes('2026-06-15T12:00:00Z', 'America/New_York')).toBe('2026-06-16T01:00:00.000Z'); // 08:00 EDT
    expect(closes('2026-06-16T01:00:00Z', 'America/New_York')).toBe('2026-06-16T01:00:00.000Z'); // 21:00: closed already
    expect(closes('2026-06-15T05:00:00Z', 'Asia/Kolkata')).toBe('2026-06-15T15:30:00.000Z'); // half-hour zone
  });

  it('reads the closing in the offset of that evening on daylight-saving days', () => {
    // New York springs forward at 02:00 on 8 March 2026: 21:00 that evening is 01:00Z, not 02:00Z.
    expect(closes('2026-03-08T06:59:00Z', 'America/New_York', { start: '01:00', end: '21:00' })).toBe('2026-03-09T01:00:00.000Z');
    // A window across the change: 01:00–03:00 on the spring-forward night closes at the jump (02:00 EST = 07:00Z).
    expect(closes('2026-03-08T06:30:00Z', 'America/New_York', { start: '01:00', end: '03:00' })).toBe('2026-03-08T07:00:00.000Z');
  });

  it('on every transition of a few zones, closes at the first minute outside the window', () => {
    for (const zone of ['America/New_York', 'Europe/London', 'Australia/Lord_Howe', 'America/Sao_Paulo', 'Asia/Tehran']) {
      const clock = localClock(zone);
      const inside = (ms: number) => clock(ms) >= 480 && clock(ms) < 1260;
      for (const transition of transitionsOf(zone)) {
        for (const now of [transition - 12 * HOUR, transition - MINUTE, transition, transition + 3 * HOUR]) {
          const answer = windowClosesAt(new Date(now), zone, DAYTIME).getTime();
          expect(answer).toBeGreaterThanOrEqual(now);
          expect(inside(answer) && answer > now, `${zone} from ${new Date(now).toISOString()}`).toBe(false);
          for (let minute = now - (now % MINUTE) + MINUTE; minute < answer; minute += MINUTE) expect(inside(minute)).toBe(true);
        }
      }
    }
  });
});

describe('validityPeriodSeconds', () => {
  const now = new Date('2026-03-03T02:59:50Z');
  it('is the whole seconds left, within Twilio’s 1 to 36,000', () => {
    expect(validityPeriodSeconds(now, new Date('2026-03-03T03:00:00Z'))).toBe(10);
    expect(validityPeriodSeconds(now, new Date('2026-03-03T02:59:59.999Z'))).toBe(9); // never past the close
    expect(validityPeriodSeconds(now, new Date('2026-03-03T02:59:50.400Z'))).toBe(1);
    expect(validityPeriodSeconds(now, now)).toBe(1);
    expect(validityPeriodSeconds(now, new Date('2026-03-03T15:59:50Z'))).toBe(36_000); // 13 h left
  });
});

describe('smsWindowClosesAt', () => {
  const settings = DEFAULT_NOTIFICATION_SETTINGS;
  it('reads the recipient’s clock: the destination’s zone, else the earliest closing among the country’s zones', () => {
    const austin = { city: 'Austin', region: 'TX', postalCode: '78701', country: 'US' };
    expect(smsWindowClosesAt({ now: new Date('2026-03-03T02:59:50Z'), settings, destination: austin, phone: '+15125550100' })?.toISOString()).toBe('2026-03-03T03:00:00.000Z');
    expect(smsWindowClosesAt({ now: new Date('2026-03-03T03:30:00Z'), settings, destination: austin, phone: '+15125550100' })).toBeNull(); // closed: no hand-over
    // A Canadian number with no address: open in every zone at 15:00 Newfoundland; Newfoundland (UTC−3:30) closes first.
    const closing = smsWindowClosesAt({ now: new Date('2026-06-15T18:30:00Z'), settings, destination: null, phone: '+16135550100' });
    expect(closing?.toISOString()).toBe('2026-06-15T23:30:00.000Z');
  });
});

describe('the POST carries the ValidityPeriod', () => {
  it('as whole seconds, and not at all when none is given', () => {
    const credentials = { accountSid: 'AC123', authToken: 'token' };
    const sms = { from: '+15005550006', to: '+15125550100', body: 'hi', idempotencyKey: 'k' };
    expect(new URLSearchParams(twilioMessageRequest('https://api.twilio.com', credentials, { ...sms, validityPeriodSeconds: 10 }).init.body).get('ValidityPeriod')).toBe('10');
    expect(new URLSearchParams(twilioMessageRequest('https://api.twilio.com', credentials, sms).init.body).has('ValidityPeriod')).toBe(false);
  });
});

describe('statusChange', () => {
  const sent = { state: 'sent', provider_status: 'queued', channel: 'sms', expired_in_queue: 0 };
  it('moves forward only', () => {
    expect(statusChange(sent, { status: 'sent' })).toEqual({ kind: 'record', providerStatus: 'sent' });
    expect(statusChange({ ...sent, provider_status: 'sent' }, { status: 'queued' })).toEqual({ kind: 'ignore' });
    expect(statusChange({ ...sent, provider_status: 'sent' }, { status: 'sent' })).toEqual({ kind: 'ignore' });
    expect(statusChange(sent, { status: 'delivered' })).toEqual({ kind: 'record', providerStatus: 'delivered', state: 'delivered' });
    expect(statusChange(sent, { status: 'undelivered', errorCode: 30003 })).toEqual({ kind: 'record', providerStatus: 'undelivered', state: 'failed', lastError: 'twilio 30003' });
    expect(statusChange({ ...sent, state: 'delivered', provider_status: 'delivered' }, { status: 'undelivered' })).toEqual({ kind: 'ignore' });
    expect(statusChange({ ...sent, state: 'failed', provider_status: 'failed' }, { status: 'sent' })).toEqual({ kind: 'ignore' });
  });

  it('lets a callback settle a message whose final status came from the Messages list', () => {
    expect(statusChange({ ...sent, provider_status: 'delivered' }, { status: 'delivered' })).toEqual({ kind: 'record', providerStatus: 'delivered', state: 'delivered' });
  });

  it('hands an expired text (30036) back for the next window, a few times at most', () => {
    expect(statusChange(sent, { status: 'failed', errorCode: 30036 })).toEqual({ kind: 'expired' });
    expect(statusChange(sent, { status: 'undelivered', errorCode: 30036 })).toEqual({ kind: 'expired' });
    expect(statusChange({ ...sent, expired_in_queue: EXPIRED_TEXT_MAX_ATTEMPTS - 2 }, { status: 'failed', errorCode: 30036 })).toEqual({ kind: 'expired' });
    expect(statusChange({ ...sent, expired_in_queue: EXPIRED_TEXT_MAX_ATTEMPTS - 1 }, { status: 'failed', errorCode: 30036 })).toMatchObject({ kind: 'record', state: 'failed', lastError: `twilio 30036: expired in Twilio's queue ${EXPIRED_TEXT_MAX_ATTEMPTS} times` });
  });

  it('ignores callbacks of an attempt that is over (the text waits for another send)', () => {
    expect(statusChange({ ...sent, state: 'pending', provider_status: 'failed' }, { status: 'delivered' })).toEqual({ kind: 'ignore' });
    expect(statusChange({ ...sent, state: 'sending', provider_status: null }, { status: 'delivered' })).toEqual({ kind: 'ignore' });
  });
});
