// /demo/messages, rendered from what it was given: every message can be reached, a page at a time
// or one order's, and the page says which of them it shows.
import { describe, expect, it } from 'vitest';
import { hasOlder, messagesHref, type MessagesView, parseMessagesQuery, PER_PAGE, renderDemoMessages, shownOf } from '../../src/demo/messages-page.js';

const email = (order: string, html: string | null = '<p>hi</p>') => ({ order, to: 'ava@example.com', sentAt: '2026-12-11T10:00:00.000Z', subject: `Order ${order} is running late`, text: `Order ${order} is running late.`, html });
const text = (order: string) => ({ order, to: '+17185550101', sentAt: '2026-12-11T10:00:00.000Z', body: `Northwind Outfitters: ${order} is late` });

function view(overrides: Partial<MessagesView> & { page?: number; order?: string | null } = {}): MessagesView {
  const { page = 1, order = null, ...rest } = overrides;
  return { query: { order, page }, orderExists: order === null ? null : true, emails: { total: 203, items: [email('NW-10014')] }, texts: { total: 47, items: [text('NW-10014')] }, ...rest };
}

describe('the demo messages page', () => {
  it('reads ?order= and ?page= leniently', () => {
    expect(parseMessagesQuery({})).toEqual({ order: null, page: 1 });
    expect(parseMessagesQuery({ order: ' nw-10014 ', page: '3' })).toEqual({ order: 'NW-10014', page: 3 });
    for (const page of ['0', '-1', '1.5', 'two', '']) expect(parseMessagesQuery({ page }).page).toBe(1);
    expect(parseMessagesQuery({ order: '  ' }).order).toBeNull();
  });

  it('builds its links with only what differs from the first page of every order', () => {
    expect(messagesHref({ order: null, page: 1 })).toBe('/demo/messages');
    expect(messagesHref({ order: 'NW-10014', page: 2 })).toBe('/demo/messages?order=NW-10014&page=2');
  });

  it('says which messages a page shows', () => {
    expect(shownOf(1, 30, 203)).toBe('1–30 of 203');
    expect(shownOf(7, 30, 203)).toBe('181–203 of 203');
    expect(shownOf(9, 30, 203)).toBe('none of 203 on this page');
    expect(shownOf(1, 30, 0)).toBe('none yet');
  });

  it('links older messages while either column has more, and newer ones from page 2 on', () => {
    expect(hasOlder(view({ page: 1 }))).toBe(true);
    expect(hasOlder(view({ page: 7 }))).toBe(false); // 203 emails: the 7th page of 30 is the last; 47 texts fit on one
    expect(hasOlder(view({ page: 1, emails: { total: PER_PAGE.email, items: [] }, texts: { total: PER_PAGE.sms + 1, items: [] } }))).toBe(true);

    const first = renderDemoMessages(view());
    expect(first).toContain('(203 emails and 47 texts so far)');
    expect(first).toContain('Emails (1–30 of 203)');
    expect(first).toContain('href="/demo/messages?page=2">Older messages');
    expect(first).not.toContain('Newer messages');
    expect(first).toContain('http-equiv="refresh"');

    const second = renderDemoMessages(view({ page: 2 }));
    expect(second).toContain('Emails (31–60 of 203)');
    expect(second).toContain('href="/demo/messages">← Newer messages');
    expect(second).not.toContain('http-equiv="refresh"'); // an older page stays put while it is read
  });

  it('shows one order’s messages, each linking to its order’s, and says when there is no such order', () => {
    const one = renderDemoMessages(view({ order: 'NW-10014', page: 2 }));
    expect(one).toContain('Every email and text sent about order NW-10014');
    expect(one).toContain('href="/demo/messages?order=NW-10014&amp;page=3"');
    expect(one).toContain('order <a href="/demo/messages?order=NW-10014">NW-10014</a>');
    expect(one).toMatch(/<input name="order" value="NW-10014"/);

    const none = renderDemoMessages(view({ order: 'NW-99999', orderExists: false, emails: { total: 0, items: [] }, texts: { total: 0, items: [] } }));
    expect(none).toContain('There is no order NW-99999 in the demo.');
  });

  it('shows an email the capture no longer holds by its text version, and says so', () => {
    const html = renderDemoMessages(view({ emails: { total: 1, items: [email('NW-10002', null)] } }));
    expect(html).not.toContain('<iframe');
    expect(html).toContain('<pre>Order NW-10002 is running late.</pre>');
    expect(html).toContain('the demo keeps the rendered version of its newest emails only');
  });
});
