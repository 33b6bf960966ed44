import { describe, expect, it } from 'vitest';
import { formatDeliveryWindow, isRevisedLater } from '../../src/estimates/index.js';

// Expected strings are ICU's (Node's built-in CLDR data), with thin spaces made plain.
const NEW_YORK = 'America/New_York';
const TUE_3_TO_THU_5_DEC = { from: '2024-12-03T08:00:00-05:00', to: '2024-12-05T20:00:00-05:00' };
const TUE_3_DEC = { from: '2024-12-03T08:00:00-05:00', to: '2024-12-03T20:00:00-05:00' };
const FRI_29_NOV_TO_MON_2_DEC = { from: '2024-11-29T08:00:00-05:00', to: '2024-12-02T20:00:00-05:00' };

describe('formatDeliveryWindow', () => {
  it.each([
    ['en', 'Tue, Dec 3 – Thu, Dec 5', 'Tue, Dec 3', 'Fri, Nov 29 – Mon, Dec 2'],
    ['en-GB', 'Tue 3 Dec – Thu 5 Dec', 'Tue 3 Dec', 'Fri 29 Nov – Mon 2 Dec'],
    ['fr', 'mar. 3 – jeu. 5 déc.', 'mar. 3 déc.', 'ven. 29 nov. – lun. 2 déc.'],
    ['es', 'mar, 3 dic – jue, 5 dic', 'mar, 3 dic', 'vie, 29 nov – lun, 2 dic'],
    ['de', 'Di., 3. – Do., 5. Dez.', 'Di., 3. Dez.', 'Fr., 29. Nov. – Mo., 2. Dez.'],
  ])('writes a window in %s', (locale, range, oneDay, acrossMonths) => {
    expect(formatDeliveryWindow(TUE_3_TO_THU_5_DEC, locale, NEW_YORK)).toBe(range);
    expect(formatDeliveryWindow(TUE_3_DEC, locale, NEW_YORK)).toBe(oneDay);
    expect(formatDeliveryWindow(FRI_29_NOV_TO_MON_2_DEC, locale, NEW_YORK)).toBe(acrossMonths);
  });

  it('names the years when the window crosses New Year', () => {
    expect(formatDeliveryWindow({ from: '2024-12-30T08:00:00-05:00', to: '2025-01-02T20:00:00-05:00' }, 'fr', NEW_YORK)).toBe('lun. 30 déc. 2024 – jeu. 2 janv. 2025');
  });

  it("reads the days on the given zone's clock", () => {
    const tokyoDay = { from: '2024-12-03T08:00:00+09:00', to: '2024-12-03T20:00:00+09:00' };
    expect(formatDeliveryWindow(tokyoDay, 'en', 'Asia/Tokyo')).toBe('Tue, Dec 3');
    expect(formatDeliveryWindow(tokyoDay, 'en', NEW_YORK)).toBe('Mon, Dec 2 – Tue, Dec 3');
  });

  it('falls back to English for a locale Intl cannot use, and refuses an unreadable window', () => {
    expect(formatDeliveryWindow(TUE_3_DEC, 'not a locale!', NEW_YORK)).toBe('Tue, Dec 3');
    expect(formatDeliveryWindow(TUE_3_DEC, 'zz', NEW_YORK)).toBe('Tue, Dec 3');
    expect(() => formatDeliveryWindow({ from: 'soon', to: 'later' }, 'en', NEW_YORK)).toThrow(RangeError);
  });
});

describe('isRevisedLater', () => {
  const previous = { from: '2026-03-04T08:00:00-05:00', to: '2026-03-04T20:00:00-05:00' };

  it('is true when the last day moved to a later day', () => {
    expect(isRevisedLater(previous, { from: '2026-03-04T08:00:00-05:00', to: '2026-03-05T20:00:00-05:00' })).toBe(true);
    expect(isRevisedLater(previous, { from: '2026-03-06T08:00:00-05:00', to: '2026-03-06T20:00:00-05:00' })).toBe(true);
  });

  it('is false for noise: other hours the same day, another offset, a narrower or earlier window', () => {
    expect(isRevisedLater(previous, { from: '2026-03-04T12:00:00-05:00', to: '2026-03-04T23:30:00-05:00' })).toBe(false);
    expect(isRevisedLater(previous, { from: '2026-03-04T13:00:00Z', to: '2026-03-05T01:00:00Z' })).toBe(false); // 20:00 in New York
    expect(isRevisedLater(previous, { from: '2026-03-03T08:00:00-05:00', to: '2026-03-03T20:00:00-05:00' })).toBe(false);
    expect(isRevisedLater(previous, previous)).toBe(false);
  });

  it("reads days on the destination's clock when given one", () => {
    const next = { from: '2026-03-04T13:00:00Z', to: '2026-03-05T04:30:00Z' }; // 23:30 in New York, 20:30 in Los Angeles
    expect(isRevisedLater(previous, next, NEW_YORK)).toBe(false);
    // 20:00 on the 4th in Tokyo, then 01:00 on the 5th: the same UTC day, a later Tokyo one.
    const tokyoEvening = { from: '2026-03-03T23:00:00Z', to: '2026-03-04T11:00:00Z' };
    const afterTokyoMidnight = { from: '2026-03-03T23:00:00Z', to: '2026-03-04T16:00:00Z' };
    expect(isRevisedLater(tokyoEvening, afterTokyoMidnight)).toBe(false);
    expect(isRevisedLater(tokyoEvening, afterTokyoMidnight, 'Asia/Tokyo')).toBe(true);
  });

  it('is false without a previous window or with an unreadable one', () => {
    expect(isRevisedLater(null, previous)).toBe(false);
    expect(isRevisedLater(undefined, previous)).toBe(false);
    expect(isRevisedLater({ from: 'x', to: 'y' }, previous)).toBe(false);
    expect(isRevisedLater(previous, { from: 'x', to: 'tomorrow' })).toBe(false);
  });
});
