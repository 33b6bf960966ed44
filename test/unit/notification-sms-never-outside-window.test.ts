// The whole SMS clock, as a property: over every IANA time zone and every daylight-saving change
// of the next five years, a text the policy decides to send goes out only inside the recipient's
// window — at once when it is open, else at the first minute it opens — and the check the send job
// repeats right before sending lets it through at exactly that moment.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideNotifications, DEFAULT_NOTIFICATION_SETTINGS, smsQuietUntil } from '../../src/notifications/policy/decide.js';
import type { SmsWindow } from '../../src/notifications/policy/sms-window.js';
import { instantArbitrary, localClock, MINUTE, transitionsOf, windowArbitrary } from './helpers/time-zones.js';

const PHONE = '+14155550123';

function decideOutForDelivery(now: number, zone: string, window: SmsWindow) {
  const settings = { ...DEFAULT_NOTIFICATION_SETTINGS, smsWindow: window };
  const decisions = decideNotifications({
    trigger: {
      kind: 'status_changed',
      shipmentId: 'shp_1',
      orderId: 'ord_1',
      direction: 'outbound',
      from: { status: 'in_transit', reason: null, delayed: false, correction: false },
      to: { status: 'out_for_delivery', reason: null, delayed: false, correction: false },
      headEventId: 'evt_1',
      occurredAt: new Date(now).toISOString(),
    },
    settings,
    recipient: { email: null, phone: PHONE, emailOptedOut: false, smsOptedOut: false, smsConsent: true, timeZone: zone },
    alreadySent: new Set(),
    smsSentForShipment: 0,
    now: new Date(now),
  });
  return { sms: decisions.find((d) => d.channel === 'sms')!, settings };
}

describe('no SMS outside the window, in any zone, across five years of clock changes', () => {
  const zones = Intl.supportedValuesOf('timeZone');

  it('covers every zone Intl knows', () => expect(zones.length).toBeGreaterThan(300));

  it('sends now when the window is open, else at its first open minute; the send-time check agrees', { timeout: 180_000 }, () => {
    zones.forEach((zone, index) => {
      const clock = localClock(zone);
      fc.assert(
        fc.property(instantArbitrary(transitionsOf(zone)), windowArbitrary, (now, window) => {
          const [start, end] = [window.start, window.end].map((t) => Number(t.slice(0, 2)) * 60 + Number(t.slice(3)));
          const inside = (ms: number) => clock(ms) >= start! && clock(ms) < end!;
          const { sms, settings } = decideOutForDelivery(now, zone, window);
          if (!sms.send) return false;
          const sendAt = sms.sendAfter ? Date.parse(sms.sendAfter) : now;
          if (sendAt < now || !inside(sendAt)) return false;
          if (sms.sendAfter && inside(now)) return false; // held although the window was open
          // The send job asks again at that instant: the window is open, nothing moves it.
          if (smsQuietUntil({ now: new Date(sendAt), settings, recipientZone: zone, phone: PHONE }) !== null) return false;
          // And a job running a minute before the opening is sent back to wait for it.
          if (sms.sendAfter && sendAt - MINUTE >= now && smsQuietUntil({ now: new Date(sendAt - MINUTE), settings, recipientZone: zone, phone: PHONE }) === null) return false;
          return true;
        }),
        { numRuns: 8, seed: 20260412 + index, endOnFailure: true },
      );
    });
  });
});
