// The returns portal and the merchant's returns API: the policy's refusals (undelivered, outside
// the window, excluded items, asked twice), an RMA and a label with a new tracking number, the
// return parcel tracked to the warehouse, received by scan or by a person, the refund, a message
// at each step, and a label that survives a crash between approval and purchase.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { updateBrandSettings } from '../../src/brands/repo.js';
import { ensureReturnLabel } from '../../src/returns/service.js';
import { createTestContext, orderBody, type TestContext } from '../harness/harness.js';

let t: TestContext;
const DAY = 86_400_000;
const POLICY = { enabled: true, windowDays: 30, excludedSkus: ['FINAL-SALE'], excludedTags: ['gift-card'], labelPaidBy: 'customer', labelFee: 5, approval: 'automatic' };

beforeAll(async () => {
  t = await createTestContext();
  await t.request('PUT', '/v1/catalogue/products', { products: [{ id: 'CARD', title: 'Gift card', url: 'https://shop.example.com/card', tags: ['gift-card'] }] });
  expect((await t.request('PUT', '/v1/returns/policy', POLICY)).status).toBe(200);
});
afterAll(async () => t.close());

const ITEMS = [
  { sku: 'BOOTS', name: 'Hiking boots', quantity: 1, price: 120 },
  { sku: 'SOCKS', name: 'Wool socks', quantity: 3, price: 10 },
  { sku: 'FINAL-SALE', name: 'Clearance hat', quantity: 1, price: 5 },
  { sku: 'CARD', name: 'Gift card', quantity: 1, price: 25 },
];

async function deliveredOrder(email = 'ret@example.com', items: ReadonlyArray<{ sku: string; name: string; quantity: number; price?: number }> = ITEMS, currency?: string) {
  const body = orderBody({ placedAt: t.clock.now().toISOString(), customer: { email, locale: 'en' }, items, ...(currency ? { currency } : {}) });
  const order = (await t.request('POST', '/v1/orders', body)).json;
  const shipment = (await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' })).json;
  t.clock.advance(12 * DAY);
  await t.worker.drain();
  expect((await t.request('GET', `/v1/shipments/${shipment.id}`)).json.status).toBe('delivered');
  return { body, order, path: new URL(order.trackingPageUrl).pathname };
}

async function postForm(path: string, fields: Record<string, string>) {
  const res = await t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });
  return { status: res.status, location: res.headers.get('location'), html: await res.text() };
}

const emailsTo = (address: string) => t.deps.messaging.captured!.email.messages.filter((m) => m.message.to === address).map((m) => m.message);

describe('the returns policy', () => {
  it('refuses a policy it cannot follow, naming the fields', async () => {
    const bad = await t.request('PUT', '/v1/returns/policy', { enabled: true, windowDays: 0, reasons: ['because'], labelPaidBy: 'nobody', approval: 'sometimes' });
    expect(bad.status).toBe(422);
    expect(bad.json.error.details.map((d: { field: string }) => d.field)).toEqual(expect.arrayContaining(['windowDays', 'reasons.0', 'labelPaidBy', 'approval']));
    // A misspelt field is refused by name, not dropped (PUT replaces the policy: the window would silently fall back to 30 days).
    const misspelt = await t.request('PUT', '/v1/returns/policy', { ...POLICY, windowDay: 60 });
    expect(misspelt.status).toBe(422);
    expect(misspelt.json.error.details).toEqual([{ field: '(body)', problem: 'has no field "windowDay"' }]);
    const cross = await t.request('PUT', '/v1/cross-sells/settings', { enabled: true, perpage: 2 });
    expect(cross.json.error.details).toEqual([{ field: '(body)', problem: 'has no field "perpage"' }]);
    const refund = await t.request('POST', '/v1/returns/ret_01m0000000000000000000none/refund', { amount: 5, ammount: 5 });
    expect(refund.json.error.details).toEqual([{ field: '(body)', problem: 'has no field "ammount"' }]);
    expect((await t.request('GET', '/v1/returns/policy')).json).toMatchObject(POLICY);
  });
});

describe('a return from the tracking page', () => {
  it('is refused, with a reason the customer understands, for an order not delivered yet', async () => {
    const order = (await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString(), items: ITEMS }))).json;
    const path = new URL(order.trackingPageUrl).pathname;
    expect(await (await t.app.request(path)).text()).not.toContain('Return items');
    const form = await t.app.request(`${path}/return`);
    expect(form.status).toBe(409);
    expect(await form.text()).toContain('Your order has not been delivered yet');
    const post = await postForm(`${path}/return`, { 'q.BOOTS': '1', reason: 'wrong_size' });
    expect(post.status).toBe(422);
    expect(post.html).toContain('Your order has not been delivered yet');
    expect(await t.deps.db.selectFrom('returns').selectAll().where('order_id', '=', order.id).execute()).toEqual([]);
  });

  it('goes from the form to an RMA and a label with a new tracking number, then back to the warehouse and the refund, with a message at each step', async () => {
    const { order, path } = await deliveredOrder('journey@example.com');
    const page = await (await t.app.request(path)).text();
    expect(page).toContain(`href="${path}/return"`);

    const formPage = await t.app.request(`${path}/return`);
    expect(formPage.headers.get('content-security-policy')).toContain("font-src 'self'"); // the brand's uploaded fonts, as on the order's page
    const form = await formPage.text();
    expect(form).toContain('You can return items within 30 days of delivery.');
    expect(form).toContain('The return label costs $5.00, taken from your refund.');
    expect(form).toMatch(/name="q.FINAL-SALE"[^>]*disabled/);
    expect(form).toMatch(/name="q.CARD"[^>]*disabled/);

    // Excluded items, too many, no reason, nothing chosen: each refused, nothing stored.
    expect((await postForm(`${path}/return`, { 'q.FINAL-SALE': '1', reason: 'wrong_size' })).html).toContain('This item cannot be returned: Clearance hat.');
    expect((await postForm(`${path}/return`, { 'q.CARD': '1', reason: 'wrong_size' })).html).toContain('This item cannot be returned: Gift card.');
    expect((await postForm(`${path}/return`, { 'q.SOCKS': '4', reason: 'wrong_size' })).html).toContain('You cannot return more of this item than you bought: Wool socks.');
    expect((await postForm(`${path}/return`, { 'q.SOCKS': 'two', reason: 'wrong_size' })).status).toBe(422);
    expect((await postForm(`${path}/return`, { 'q.BOOTS': '1', reason: '' })).html).toContain('Choose a reason for the return.');
    expect((await postForm(`${path}/return`, { 'q.BOOTS': '0', reason: 'wrong_size' })).html).toContain('Choose at least one item to return.');
    expect(await t.deps.db.selectFrom('returns').selectAll().where('order_id', '=', order.id).execute()).toEqual([]);

    const asked = await postForm(`${path}/return`, { 'q.BOOTS': '1', 'q.SOCKS': '2', reason: 'wrong_size', comment: 'Too small <b>sadly</b>' });
    expect(asked.status).toBe(303);
    const [ret] = (await t.request('GET', `/v1/returns?orderId=${order.id}`)).json.data;
    expect(ret).toMatchObject({ state: 'approved', reason: 'wrong_size', requestedBy: 'customer', labelPaidBy: 'customer', labelFee: 5, suggestedRefund: 135, comment: 'Too small <b>sadly</b>' });
    expect(ret.rma).toMatch(/^R-[0-9A-Z]{8}$/);
    expect(asked.location).toBe(`${path}?return=${ret.rma}#returns`);
    expect(ret.items).toEqual([{ sku: 'BOOTS', name: 'Hiking boots', quantity: 1 }, { sku: 'SOCKS', name: 'Wool socks', quantity: 2 }]);
    const parcels = (await t.request('GET', `/v1/orders/${order.id}`)).json.shipments;
    const returnParcel = parcels.find((s: { direction: string }) => s.direction === 'return');
    expect(ret.shipment).toMatchObject({ id: returnParcel.id, trackingNumber: returnParcel.trackingNumber, status: 'info_received' });
    expect(returnParcel.trackingNumber).not.toBe(parcels.find((s: { direction: string }) => s.direction === 'outbound').trackingNumber);

    const after = await (await t.app.request(asked.location!.replace('#returns', ''))).text();
    expect(after).toContain(`Your return ${ret.rma} has been requested. Your return is approved.`);
    expect(after).toContain('Your return parcel');
    expect(after).toContain(`${path}/returns/${ret.id}/label`);

    // Asked twice: refused.
    expect((await postForm(`${path}/return`, { 'q.BOOTS': '1', reason: 'wrong_size' })).html).toContain('You have already asked to return this item: Hiking boots.');

    // The label: on screen with a barcode, and as the 4×6 PDF.
    const label = await (await t.app.request(`${path}/returns/${ret.id}/label`)).text();
    expect(label).toContain(returnParcel.trackingNumber);
    expect(label).toContain(ret.rma);
    expect(label).toMatch(/<svg role="img" aria-label="SIM\d+"/);
    // The printable label names the customer and their street: only the return's email opens it,
    // not the page a postal code and an order number find.
    expect(label).toContain('The label to print, with your address on it, is in the email we sent you about this return');
    expect(label).not.toContain('label.pdf');
    for (const k of ['', '?k=', '?k=AAAAAAAAAAAAAAAAAAAAAA']) {
      const refused = await t.app.request(`${path}/returns/${ret.id}/label.pdf${k}`);
      expect(refused.status).toBe(404);
      expect(await refused.text()).toContain('is in the email we sent you about this return');
    }
    await t.worker.drain();
    const emailed = emailsTo('journey@example.com').find((m) => /return .* is approved/i.test(m.subject))!;
    const labelLink = String(emailed.html).match(new RegExp(`href="[^"]*(${path}/returns/${ret.id}/label\\?k=[\\w-]+)`))?.[1];
    expect(labelLink, 'the email links to the label with its key').toBeDefined();
    const keyed = await (await t.app.request(labelLink!)).text();
    const pdfLink = keyed.match(/href="([^"]+label\.pdf\?k=[\w-]+)"/)?.[1];
    expect(pdfLink).toBeDefined();
    const pdf = await t.app.request(pdfLink!.replace(/&amp;/g, '&'));
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
    expect(Buffer.from(await pdf.arrayBuffer()).subarray(0, 4).toString()).toBe('%PDF');
    // The key is this return's: another return of the same brand is not opened by it.
    const otherKey = new URL(pdfLink!, 'http://x').searchParams.get('k');
    expect((await t.app.request(`${path}/returns/ret_01m0000000000000000000none/label.pdf?k=${otherKey}`)).status).toBe(404);
    // A tracking number is the carrier's text: escaped in the barcode's label too.
    const hostile = 'RT1"><meta http-equiv="refresh" content="0;url=https://evil.example/">';
    await t.deps.db.updateTable('shipments').set({ tracking_number: hostile }).where('tracking_number', '=', returnParcel.trackingNumber).execute();
    const escaped = await (await t.app.request(`${path}/returns/${ret.id}/label`)).text();
    expect(escaped).not.toContain('<meta http-equiv="refresh"');
    expect(escaped).toContain('aria-label="RT1&quot;&gt;&lt;meta');
    await t.deps.db.updateTable('shipments').set({ tracking_number: returnParcel.trackingNumber }).where('tracking_number', '=', hostile).execute();

    await t.worker.drain();
    const approvedMail = emailsTo('journey@example.com').find((m) => /return .* is approved/i.test(m.subject))!;
    expect(approvedMail.html).toContain(`/returns/${ret.id}/label`);
    expect(approvedMail.text).toContain(returnParcel.trackingNumber);

    // The return parcel travels back like any other; its delivery scan means received. The
    // simulated journey may take an unhappy path (its scenario is drawn from the tracking number),
    // so the carrier's scans are relayed here as a store would: on its way, then delivered.
    t.clock.advance(2 * DAY);
    const scan = (status: string, hoursAgo: number) => ({
      carrier: 'simulated',
      trackingNumber: returnParcel.trackingNumber,
      status,
      occurredAt: new Date(t.clock.now().getTime() - hoursAgo * 3_600_000).toISOString(),
      eventId: `return-${status}`,
    });
    for (const event of [scan('in_transit', 40), scan('delivered', 1)]) {
      expect((await t.request('POST', '/v1/events/batch', { events: [event] })).json).toMatchObject({ stored: 1 });
      await t.worker.drain();
    }
    const received = (await t.request('GET', `/v1/returns/${ret.id}`)).json;
    expect(received).toMatchObject({ state: 'received', receivedBy: 'carrier' });
    const subjects = emailsTo('journey@example.com').map((m) => m.subject);
    expect(subjects.some((s) => /return .* is on its way/i.test(s))).toBe(true);
    expect(subjects.some((s) => /received your return/i.test(s))).toBe(true);

    const refunded = await t.request('POST', `/v1/returns/${ret.id}/refund`, { reference: 're_123' });
    expect(refunded.json).toMatchObject({ state: 'refunded', refund: { amount: 135, currency: 'USD', reference: 're_123' } });
    expect((await t.request('POST', `/v1/returns/${ret.id}/refund`, {})).status).toBe(409);
    await t.worker.drain();
    expect(emailsTo('journey@example.com').filter((m) => /refund/i.test(m.subject))).toHaveLength(1);
    // The refund email says how much, and for which return.
    const refundMail = emailsTo('journey@example.com').find((m) => /refund/i.test(m.subject))!;
    expect(refundMail.text).toContain('Refund: $135.00');
    expect(refundMail.text).toContain(`Return number: ${ret.rma}`);
    expect(refundMail.html).toContain('$135.00');
    // Captured messages are stamped on Waybill's clock (the demo's accelerated one), not the machine's.
    expect(t.deps.messaging.captured!.email.messages.at(-1)!.sentAt).toBe(t.clock.now().toISOString());
    const final = await (await t.app.request(path)).text();
    expect(final).toContain('Refund issued');
    expect(final).toContain('Refund of $135.00');
  });

  it('is refused once the window has closed', async () => {
    const { path } = await deliveredOrder('late@example.com');
    t.clock.advance(31 * DAY);
    const post = await postForm(`${path}/return`, { 'q.BOOTS': '1', reason: 'changed_mind' });
    expect(post.status).toBe(422);
    expect(post.html).toContain('The return window for this order has closed.');
    expect(await (await t.app.request(path)).text()).not.toContain('Return items');
  });

  it('escapes what the customer wrote wherever the brand reads it back', async () => {
    const { order, path } = await deliveredOrder('xss@example.com');
    await postForm(`${path}/return`, { 'q.BOOTS': '1', reason: 'other', comment: '<script>alert(1)</script>' });
    const form = await postForm(`${path}/return`, { 'q.BOOTS': '1', reason: 'other', comment: '<script>alert(2)</script>' });
    expect(form.html).toContain('&lt;script&gt;alert(2)&lt;/script&gt;');
    expect(form.html).not.toContain('<script>alert');
    expect((await t.request('GET', `/v1/returns?orderId=${order.id}`)).json.data[0].comment).toBe('<script>alert(1)</script>');
  });
});

describe('an order with nothing left to return', () => {
  const returnButton = async (path: string) => (await (await t.app.request(path)).text()).includes(`href="${path}/return"`);
  const formPage = async (path: string, query = '') => {
    const res = await t.app.request(`${path}/return${query}`);
    return { status: res.status, html: await res.text() };
  };

  it('counts what is in returns beside what was bought, and offers no return once everything returnable is in one', async () => {
    const { path } = await deliveredOrder('counted@example.com');
    expect((await postForm(`${path}/return`, { 'q.BOOTS': '1', 'q.SOCKS': '1', reason: 'wrong_size' })).status).toBe(303);
    const form = await formPage(path);
    expect(form.status).toBe(200);
    expect(form.html).toContain('How many Hiking boots <span class="hint">(1 bought · 1 already in a return)</span>');
    expect(form.html).toMatch(/name="q.BOOTS"[^>]*disabled/);
    expect(form.html).toContain('How many Wool socks <span class="hint">(3 bought · 1 already in a return)</span>');
    expect(form.html).toMatch(/name="q.SOCKS" min="0" max="2"/);
    expect(form.html).not.toContain('0 bought');
    expect(await returnButton(path)).toBe(true);

    // The rest of the socks: what is left (a final-sale hat, a gift card) cannot be returned.
    expect((await postForm(`${path}/return`, { 'q.SOCKS': '2', reason: 'wrong_size' })).status).toBe(303);
    expect(await returnButton(path)).toBe(false);
    const none = await formPage(path);
    expect(none.status).toBe(409);
    expect(none.html).toContain('Everything in this order that can be returned is already in a return.');
    expect(none.html).not.toContain('name="q.');
    expect((await formPage(path, '?lang=de')).html).toContain('Alles aus dieser Bestellung, was zurückgesendet werden kann, ist bereits in einer Rücksendung.');
    // Asking again is refused, and the answer is the same page, not a form of disabled fields.
    const again = await postForm(`${path}/return`, { 'q.SOCKS': '1', reason: 'wrong_size' });
    expect(again.status).toBe(422);
    expect(again.html).toContain('You have already asked to return this item: Wool socks.');
    expect(again.html).not.toContain('name="q.');
  });

  it('keeps the language the link picked from the page to the form, the label and back (the order itself is in German)', async () => {
    const body = orderBody({ placedAt: t.clock.now().toISOString(), customer: { email: 'sprache@example.com', locale: 'de' }, items: ITEMS });
    const order = (await t.request('POST', '/v1/orders', body)).json;
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' });
    t.clock.advance(12 * DAY);
    await t.worker.drain();
    const path = new URL(order.trackingPageUrl).pathname;
    expect(await (await t.app.request(path)).text()).toContain('lang="de"'); // the order's own language

    const page = await (await t.app.request(`${path}?lang=en`)).text();
    expect(page).toContain(`href="${path}/return?lang=en"`);
    const form = await (await t.app.request(`${path}/return?lang=en`)).text();
    expect(form).toContain('<html lang="en"');
    expect(form).toContain(`href="${path}?lang=en"`); // back to the order, still in English
    const asked = await postForm(`${path}/return?lang=en`, { 'q.BOOTS': '1', reason: 'wrong_size' });
    expect(asked.status).toBe(303);
    expect(asked.location).toMatch(new RegExp(`^${path}\\?return=[\\w-]+&lang=en#returns$`));
    const after = await (await t.app.request(asked.location!)).text();
    expect(after).toContain('<html lang="en"');
    const label = after.match(new RegExp(`href="(${path}/returns/[\\w]+/label\\?lang=en)"`));
    expect(label, 'the label link keeps the language').not.toBeNull();
    const labelPage = await (await t.app.request(label![1]!)).text();
    expect(labelPage).toContain('<html lang="en"');
    expect(labelPage).toContain(`href="${path}?lang=en"`);
    expect(labelPage).toContain('The label to print, with your address on it, is in the email'); // the PDF is opened from the email
    // Without a picked language the links carry none, and the order's language applies again.
    expect(await (await t.app.request(path)).text()).toContain(`href="${path}/return"`);
  });

  it('writes an order’s money in its own currency: the receipt, the default refund and the refund email', async () => {
    for (const [currency, problem] of [
      ['XYZ', 'is not an ISO 4217 currency code'],
      ['eur', 'must be an ISO 4217 currency code in capitals, such as EUR'],
    ]) {
      const refused = await t.request('POST', '/v1/orders', orderBody({ currency }));
      expect(refused.status).toBe(422);
      expect(refused.json.error.details).toEqual([{ field: 'currency', problem }]);
    }
    const body = orderBody({ placedAt: t.clock.now().toISOString(), customer: { email: 'euro@example.com', locale: 'de' }, items: [{ sku: 'BOOTS', name: 'Wanderschuhe', quantity: 1, price: 120 }], currency: 'EUR' });
    const order = (await t.request('POST', '/v1/orders', body)).json;
    expect(order.currency).toBe('EUR');
    await t.worker.drain();
    const receipt = emailsTo('euro@example.com').find((m) => m.text.includes('Wanderschuhe'))!;
    expect(receipt.text).toMatch(/Gesamt: 120,00\s€/); // Intl puts a no-break space before the sign
    expect(receipt.text).not.toContain('$');
    await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, scenario: 'happy' });
    t.clock.advance(12 * DAY);
    await t.worker.drain();
    const path = new URL(order.trackingPageUrl).pathname;
    // The policy's fee is in dollars: a euro order is never charged it, its label is free…
    expect((await formPage(path)).html).toContain('Das Rücksendeetikett ist kostenlos.');
    // …until the brand names a fee in euros, which the form shows and the refund takes.
    expect((await t.request('PUT', '/v1/returns/policy', { ...POLICY, labelFees: { EUR: 4.5 } })).status).toBe(200);
    expect((await t.request('PUT', '/v1/returns/policy', { ...POLICY, labelFees: { eur: 4.5 } })).json.error.details[0]).toMatchObject({ field: 'labelFees.eur' });
    expect((await formPage(path)).html).toMatch(/Das Rücksendeetikett kostet 4,50\s€;/);
    expect((await postForm(`${path}/return`, { 'q.BOOTS': '1', reason: 'wrong_size' })).status).toBe(303);
    await t.request('PUT', '/v1/returns/policy', POLICY);
    const [ret] = (await t.request('GET', `/v1/returns?orderId=${order.id}`)).json.data;
    expect(ret).toMatchObject({ labelFee: 4.5, suggestedRefund: 115.5 });
    if (ret.state === 'requested') await t.request('POST', `/v1/returns/${ret.id}/approve`, {});
    const refunded = await t.request('POST', `/v1/returns/${ret.id}/refund`, {});
    expect(refunded.json.refund).toMatchObject({ amount: 115.5, currency: 'EUR' }); // less the label fee in euros
    expect((await t.request('POST', `/v1/orders`, { ...body, number: `${body.number}-b`, currency: 'GBP' })).json.currency).toBe('GBP');
    await t.worker.drain();
    const refundMail = emailsTo('euro@example.com').find((m) => /Erstattung: 115,50\s€/.test(m.text));
    expect(refundMail, 'the refund email in euros').toBeDefined();
  });

  it('takes an order created without a currency to be in the policy’s: its fee is shown, stored and taken from the refund', async () => {
    await t.request('PUT', '/v1/returns/policy', { ...POLICY, currency: 'EUR', labelFee: 5 });
    try {
      const { order, path } = await deliveredOrder('no-currency@example.com', [{ sku: 'BOOTS', name: 'Hiking boots', quantity: 1, price: 100 }]);
      expect((await formPage(path)).html).toMatch(/The return label costs €5\.00/);
      expect((await postForm(`${path}/return`, { 'q.BOOTS': '1', reason: 'wrong_size' })).status).toBe(303);
      const [ret] = (await t.request('GET', `/v1/returns?orderId=${order.id}`)).json.data;
      expect(ret).toMatchObject({ labelFee: 5, suggestedRefund: 95 });
      expect((await t.request('POST', `/v1/returns/${ret.id}/refund`, {})).json.refund).toMatchObject({ amount: 95, currency: 'EUR' });
    } finally {
      await t.request('PUT', '/v1/returns/policy', POLICY);
    }
  });

  it('offers the items of a rejected return again', async () => {
    await t.request('PUT', '/v1/returns/policy', { ...POLICY, approval: 'manual' });
    const { order, path } = await deliveredOrder('jacket@example.com', [{ sku: 'NW-JKT-04', name: 'Packable rain jacket', quantity: 1, price: 148 }]);
    expect((await postForm(`${path}/return`, { 'q.NW-JKT-04': '1', reason: 'wrong_size' })).status).toBe(303);
    expect(await returnButton(path)).toBe(false);
    expect((await formPage(path)).html).toContain('Everything in this order that can be returned is already in a return.');
    const [ret] = (await t.request('GET', `/v1/returns?orderId=${order.id}`)).json.data;
    expect((await t.request('POST', `/v1/returns/${ret.id}/reject`, { reason: 'Worn' })).status).toBe(200);
    expect(await returnButton(path)).toBe(true);
    const form = await formPage(path);
    expect(form.status).toBe(200);
    expect(form.html).toContain('How many Packable rain jacket <span class="hint">(1 bought)</span>');
    expect(form.html).toMatch(/name="q.NW-JKT-04" min="0" max="1"/);
    await t.request('PUT', '/v1/returns/policy', POLICY);
  });

  it('says so when every item is excluded, or the window has closed', async () => {
    const { path } = await deliveredOrder('excluded@example.com', ITEMS.filter((i) => i.sku === 'FINAL-SALE' || i.sku === 'CARD'));
    expect(await returnButton(path)).toBe(false);
    const form = await formPage(path);
    expect(form.status).toBe(409);
    expect(form.html).toContain('None of the items in this order can be returned.');
    expect(form.html).not.toContain('name="q.');

    const late = await deliveredOrder('closed@example.com');
    t.clock.advance(31 * DAY);
    expect(await returnButton(late.path)).toBe(false);
    expect((await formPage(late.path)).html).toContain('The return window for this order has closed.');
  });
});

describe('the merchant’s returns API', () => {
  it('queues requests for approval, approves and rejects them, and receives a parcel by hand', async () => {
    await t.request('PUT', '/v1/returns/policy', { ...POLICY, approval: 'manual' });
    const { order, path } = await deliveredOrder('manual@example.com');
    await postForm(`${path}/return`, { 'q.SOCKS': '1', reason: 'damaged' });
    await postForm(`${path}/return`, { 'q.BOOTS': '1', reason: 'changed_mind' });
    const queue = (await t.request('GET', '/v1/returns?state=requested')).json.data.filter((r: { orderId: string }) => r.orderId === order.id);
    expect(queue).toHaveLength(2);
    const [boots, socks] = queue; // newest first
    expect(await (await t.app.request(path)).text()).toContain('Waiting for approval');
    await t.worker.drain();
    const requestEmails = emailsTo('manual@example.com').filter((m) => /have your return request/i.test(String(m.subject)));
    expect(requestEmails).toHaveLength(2); // one per request, before anyone decides
    expect(requestEmails.map((m) => String(m.text)).join('\n')).toContain(boots.rma);

    const rejected = await t.request('POST', `/v1/returns/${boots.id}/reject`, { reason: 'Worn outdoors <b>mud</b>' });
    expect(rejected.json.state).toBe('rejected');
    expect((await t.request('POST', `/v1/returns/${boots.id}/approve`)).status).toBe(409);
    const page = await (await t.app.request(path)).text();
    expect(page).toContain('Not approved');
    expect(page).toContain('Why: Worn outdoors &lt;b&gt;mud&lt;/b&gt;');
    await t.worker.drain();
    const rejections = emailsTo('manual@example.com').filter((m) => /about your return request/i.test(String(m.subject)));
    expect(rejections).toHaveLength(1);
    expect(String(rejections[0]!.text)).toContain('The reason given: Worn outdoors <b>mud</b>');
    expect(String(rejections[0]!.text)).toContain(boots.rma);
    expect(String(rejections[0]!.html)).toContain('Worn outdoors &lt;b&gt;mud&lt;/b&gt;');
    expect(String(rejections[0]!.html)).not.toContain('<b>mud');
    expect(String(rejections[0]!.html)).not.toContain('/label'); // no return label for a refused return
    // Its PDF, or that of a return that is not there: the customer's page saying so, in their language.
    for (const id of [boots.id, 'ret_01m0000000000000000000none']) {
      const pdf = await t.app.request(`${path}/returns/${id}/label.pdf?lang=de`);
      expect(pdf.status).toBe(404);
      expect(pdf.headers.get('content-type')).toContain('text/html');
      const html = await pdf.text();
      expect(html).toContain('<html lang="de"');
      expect(html).toContain('Das Etikett ist bereit, sobald Ihre Rücksendung freigegeben ist.');
    }

    const approved = await t.request('POST', `/v1/returns/${socks.id}/approve`);
    expect(approved.json).toMatchObject({ state: 'approved', shipment: { status: 'info_received' } });
    const received = await t.request('POST', `/v1/returns/${socks.id}/receive`);
    expect(received.json).toMatchObject({ state: 'received', receivedBy: 'person' });
    await t.worker.drain();
    expect((await t.request('GET', `/v1/shipments/${approved.json.shipment.id}`)).json.status).toBe('delivered');
    expect(emailsTo('manual@example.com').filter((m) => /received your return/i.test(m.subject))).toHaveLength(1);
    expect(emailsTo('manual@example.com').filter((m) => /return .* is approved/i.test(String(m.subject)))).toHaveLength(1);
    expect(emailsTo('manual@example.com').filter((m) => /have your return request/i.test(String(m.subject)))).toHaveLength(2); // nothing sent twice
    expect((await t.request('POST', `/v1/returns/${socks.id}/receive`)).status).toBe(409);
    await t.request('PUT', '/v1/returns/policy', POLICY);
  });

  it('lets support start a return outside the policy, and refuses one for an unknown item', async () => {
    const order = (await t.request('POST', '/v1/orders', orderBody({ placedAt: t.clock.now().toISOString(), items: ITEMS }))).json;
    const refused = await t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku: 'BOOTS', quantity: 1 }], reason: 'damaged' });
    expect(refused.status).toBe(409);
    expect(refused.json.error.message).toContain('has not been delivered yet');
    const unknown = await t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku: 'NOPE', quantity: 1 }], reason: 'damaged', override: true });
    expect(unknown.status).toBe(422);
    const made = await t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku: 'FINAL-SALE', quantity: 1 }], reason: 'damaged', override: true });
    expect(made.status).toBe(201);
    expect(made.json).toMatchObject({ state: 'approved', requestedBy: 'merchant', items: [{ sku: 'FINAL-SALE', quantity: 1 }] });
    expect((await t.request('GET', '/v1/returns/ret_01aaaaaaaaaaaaaaaaaaaaaaaa')).status).toBe(404);
  });
});

describe('recording a refund', () => {
  // ITEMS cost 120 + 3 × 10 + 5 + 25 = 180.
  const refundsOf = async (orderId: string) => (await t.request('GET', `/v1/returns?orderId=${orderId}`)).json.data.map((r: { refund: unknown }) => r.refund);

  it('refuses more than the order’s total less its earlier refunds, a zero, negative or infinite amount and another currency, storing and sending nothing', async () => {
    const { order } = await deliveredOrder('refund-limit@example.com');
    const boots = (await t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku: 'BOOTS', quantity: 1 }], reason: 'damaged' })).json;
    expect(boots).toMatchObject({ state: 'approved', suggestedRefund: 115 });

    const million = await t.request('POST', `/v1/returns/${boots.id}/refund`, { amount: 1_000_000 });
    expect(million.status).toBe(422);
    expect(million.json.error.message).toContain('must be at most 180 USD');
    expect(million.json.error.details).toEqual([{ field: 'amount', problem: expect.stringContaining('at most 180 USD') }]);
    for (const body of [{ amount: 0 }, { amount: -5 }, '{"amount":1e999}', { amount: 50, currency: 'EUR' }]) {
      const refused = await t.request('POST', `/v1/returns/${boots.id}/refund`, body);
      expect(refused.status, JSON.stringify(body)).toBe(422);
    }
    expect((await t.request('POST', `/v1/returns/${boots.id}/refund`, { amount: 50, currency: 'EUR' })).json.error.message).toContain('must be USD');
    expect((await t.request('GET', `/v1/returns/${boots.id}`)).json).toMatchObject({ state: 'approved', refund: null });
    await t.worker.drain();
    expect(emailsTo('refund-limit@example.com').filter((m) => /refund/i.test(m.subject))).toHaveLength(0);

    // Above the suggested refund (shipping, goodwill) but within the total: recorded.
    expect((await t.request('POST', `/v1/returns/${boots.id}/refund`, { amount: 150 })).json).toMatchObject({ state: 'refunded', refund: { amount: 150, currency: 'USD' } });
    const socks = (await t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku: 'SOCKS', quantity: 3 }], reason: 'damaged' })).json;
    const over = await t.request('POST', `/v1/returns/${socks.id}/refund`, { amount: 30.01 });
    expect(over.status).toBe(422);
    expect(over.json.error.message).toContain('must be at most 30 USD: the order’s total of 180 less 150 refunded before');
    expect((await t.request('POST', `/v1/returns/${socks.id}/refund`, { amount: 30 })).json).toMatchObject({ state: 'refunded', refund: { amount: 30 } });
    await t.worker.drain();
    expect(emailsTo('refund-limit@example.com').filter((m) => /refund/i.test(m.subject))).toHaveLength(2);
  });

  it('counts a dinar order’s total and refunds in fils (thousandths), not rounded to the cent', async () => {
    // 2 × 1.234 + 5.555 = 8.023 KWD; the policy's label fee is in dollars, so none is taken.
    const { order } = await deliveredOrder('dinars@example.com', [{ sku: 'LAMP', name: 'Lamp', quantity: 2, price: 1.234 }, { sku: 'OIL', name: 'Lamp oil', quantity: 1, price: 5.555 }], 'KWD');
    const lamps = (await t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku: 'LAMP', quantity: 2 }], reason: 'damaged' })).json;
    expect(lamps).toMatchObject({ state: 'approved', suggestedRefund: 2.468 });
    expect((await t.request('POST', `/v1/returns/${lamps.id}/refund`, {})).json).toMatchObject({ state: 'refunded', refund: { amount: 2.468, currency: 'KWD' } });
    const oil = (await t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku: 'OIL', quantity: 1 }], reason: 'damaged' })).json;
    expect(oil).toMatchObject({ suggestedRefund: 5.555 });
    const over = await t.request('POST', `/v1/returns/${oil.id}/refund`, { amount: 5.556 });
    expect(over.status).toBe(422);
    expect(over.json.error.message).toContain('must be at most 5.555 KWD: the order’s total of 8.023 less 2.468 refunded before');
    // Exactly what is left, to the fils.
    expect((await t.request('POST', `/v1/returns/${oil.id}/refund`, { amount: 5.555 })).json).toMatchObject({ state: 'refunded', refund: { amount: 5.555, currency: 'KWD' } });
  });

  it('lets only one of two refunds at once through when together they would pass the order’s total', async () => {
    const { order } = await deliveredOrder('refund-race@example.com');
    const make = (sku: string, quantity: number) => t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku, quantity }], reason: 'damaged' });
    const [boots, socks] = [(await make('BOOTS', 1)).json, (await make('SOCKS', 3)).json];
    const answers = await Promise.all([boots, socks].map((r) => t.request('POST', `/v1/returns/${r.id}/refund`, { amount: 100 })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 422]);
    expect((await refundsOf(order.id)).filter(Boolean)).toHaveLength(1);
  });

  it('names the states an action needs, each with its article', async () => {
    const { order } = await deliveredOrder('grammar@example.com');
    const ret = (await t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku: 'BOOTS', quantity: 1 }], reason: 'damaged', approve: false })).json;
    expect((await t.request('POST', `/v1/returns/${ret.id}/refund`, { amount: 10 })).json.error.message).toContain('a requested return cannot be refunded (only an approved or received one)');
    await t.request('POST', `/v1/returns/${ret.id}/approve`);
    expect((await t.request('POST', `/v1/returns/${ret.id}/approve`)).json.error.message).toContain('an approved return cannot be approved (only a requested one)');
  });
});

describe('a crash between the approval and the label', () => {
  it('is repaired by the safety-net job, and a label bought before the crash is adopted, never bought twice', async () => {
    const { order } = await deliveredOrder('crash@example.com');
    // The approval committed, the process died before buying: only the job is left.
    const made = await t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku: 'BOOTS', quantity: 1 }], reason: 'damaged', approve: false });
    const at = t.clock.now().toISOString();
    await t.deps.db.updateTable('returns').set({ state: 'approved', approved_at: at }).where('id', '=', made.json.id).execute();
    await t.deps.db.insertInto('jobs').values({ id: `job_crash${Date.now()}`, kind: 'return.label', payload: JSON.stringify({ returnId: made.json.id }), state: 'queued', run_at: at, attempts: 0, max_attempts: 10, locked_by: null, locked_until: null, last_error: null, idempotency_key: null, created_at: at, updated_at: at }).execute();
    await t.worker.drain();
    const repaired = (await t.request('GET', `/v1/returns/${made.json.id}`)).json;
    expect(repaired.shipment).not.toBeNull();

    // Another: the label was bought, the process died before linking it.
    const second = await t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku: 'SOCKS', quantity: 1 }], reason: 'damaged', approve: false });
    await t.deps.db.updateTable('returns').set({ state: 'approved', approved_at: t.clock.now().toISOString() }).where('id', '=', second.json.id).execute();
    const bought = (await t.request('POST', `/v1/orders/${order.id}/shipments`, { carrier: 'simulated', label: true, direction: 'return' })).json;
    const linked = await ensureReturnLabel(t.deps, second.json.id);
    expect(linked.shipment_id).toBe(bought.id);
    await ensureReturnLabel(t.deps, second.json.id);
    const returnParcels = (await t.request('GET', `/v1/orders/${order.id}`)).json.shipments.filter((s: { direction: string }) => s.direction === 'return');
    expect(returnParcels).toHaveLength(2);
  });
});

describe('a return that does not reach the warehouse, or has no label yet', () => {
  it('stays approved when its parcel goes back to the customer: no "received", no receipt email, no refund by the carrier’s word', async () => {
    const { order, path } = await deliveredOrder('bounced@example.com');
    expect((await postForm(`${path}/return`, { 'q.BOOTS': '1', reason: 'damaged' })).status).toBe(303);
    const [ret] = (await t.request('GET', `/v1/returns?orderId=${order.id}`)).json.data;
    t.clock.advance(2 * DAY);
    // The simulated carrier plays its own scans of the parcel up to now: the carrier's word that it
    // goes back comes after the last of them, so none of them can be newer than "returned".
    await t.worker.drain();
    const timeline: Array<{ occurredAt: string | null }> = (await t.request('GET', `/v1/shipments/${ret.shipment.id}`)).json.events;
    const last = Math.max(t.clock.now().getTime() - 30 * 3_600_000, ...timeline.map((e) => (e.occurredAt ? Date.parse(e.occurredAt) : 0)));
    const scan = (status: string, minutesAfter: number) => ({ carrier: 'simulated', trackingNumber: ret.shipment.trackingNumber, status, occurredAt: new Date(last + minutesAfter * 60_000).toISOString(), eventId: `bounce-${status}` });
    for (const event of [scan('in_transit', 1), scan('returning_to_sender', 2), scan('returned', 3)]) {
      expect((await t.request('POST', '/v1/events/batch', { events: [event] })).json).toMatchObject({ stored: 1 });
      await t.worker.drain();
    }
    expect((await t.request('GET', `/v1/returns/${ret.id}`)).json).toMatchObject({ state: 'approved', receivedBy: null, shipment: { status: 'returned' } });
    expect(emailsTo('bounced@example.com').map((m) => m.subject).filter((s) => /received your return/i.test(s))).toEqual([]);
    const page = await (await t.app.request(path)).text();
    expect(page).not.toContain('Received at our warehouse');
    expect(page).not.toContain('On its way back to us');
    expect(page).toContain('The carrier is taking the parcel back to you');
    expect(page).not.toContain('Show the return label');
  });

  it('lets only one of two identical requests sent together through (a double click): one return, one label', async () => {
    const { order, path } = await deliveredOrder('double-click@example.com');
    const answers = await Promise.all([1, 2].map(() => postForm(`${path}/return`, { 'q.BOOTS': '1', reason: 'wrong_size' })));
    expect(answers.map((a) => a.status).sort()).toEqual([303, 422]);
    expect(answers.find((a) => a.status === 422)!.html).toContain('You have already asked to return this item: Hiking boots.');
    const returns = (await t.request('GET', `/v1/returns?orderId=${order.id}`)).json.data;
    expect(returns).toHaveLength(1);
    const labels = await t.deps.db.selectFrom('shipments').select('id').where('order_id', '=', order.id).where('direction', '=', 'return').execute();
    expect(labels).toHaveLength(1);
  });

  it('counts a SKU asked for on two lines of an API request as one: no more than was bought', async () => {
    const { order } = await deliveredOrder('two-lines@example.com');
    const twice = await t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku: 'BOOTS', quantity: 1 }, { sku: 'BOOTS', quantity: 1 }], reason: 'wrong_size' });
    expect(twice.status).toBe(422);
    expect((await t.request('GET', `/v1/returns?orderId=${order.id}`)).json.data).toEqual([]);
  });

  it('refuses a policy whose carrier cannot buy labels, naming it', async () => {
    for (const [carrier, problem] of [
      ['nonsense-carrier', 'is not one of simulated'],
      ['fedex', 'connect a FedEx account first'],
    ]) {
      const refused = await t.request('PUT', '/v1/returns/policy', { ...POLICY, carrier });
      expect(refused.status).toBe(422);
      expect(refused.json.error.details[0].field).toBe('carrier');
      expect(refused.json.error.details[0].problem).toContain(problem);
    }
    expect((await t.request('GET', '/v1/returns/policy')).json.carrier).toBe('simulated');
  });

  it('keeps an approved return whose label cannot be bought, tells the customer the label will follow, and lets the merchant buy it later', async () => {
    const { order, path } = await deliveredOrder('nolabel@example.com');
    // The carrier account went away after the policy was saved.
    await updateBrandSettings(t.deps, t.brand.id, (current: { returns: object }) => ({ ...current, returns: { ...current.returns, carrier: 'fedex' } }));
    // An empty quantity asks for none of that item (it is not a refusal of "too many").
    const asked = await postForm(`${path}/return`, { 'q.BOOTS': '1', 'q.SOCKS': '', reason: 'damaged' });
    expect(asked.status).toBe(303);
    const [ret] = (await t.request('GET', `/v1/returns?orderId=${order.id}`)).json.data;
    expect(ret).toMatchObject({ state: 'approved', shipment: null, items: [{ sku: 'BOOTS', quantity: 1 }] });
    const page = await (await t.app.request(asked.location!.replace('#returns', ''))).text();
    expect(page).toContain('We will email you the return label as soon as it is ready.');
    expect(page).not.toContain(`/returns/${ret.id}/label`);

    const still = await t.request('POST', `/v1/returns/${ret.id}/label`);
    expect(still.status).toBe(422); // the purchase's own refusal, answered as it is
    expect(still.json.error.message).toContain('cannot buy a FedEx label yet');
    await t.request('PUT', '/v1/returns/policy', POLICY);
    const labelled = await t.request('POST', `/v1/returns/${ret.id}/label`);
    expect(labelled.status).toBe(200);
    expect(labelled.json.shipment).toMatchObject({ carrier: 'simulated', status: 'info_received' });
    await t.worker.drain();
    expect(emailsTo('nolabel@example.com').find((m) => /return .* is approved/i.test(m.subject))?.html).toContain(`/returns/${ret.id}/label`);
    expect((await t.request('POST', `/v1/returns/${ret.id}/label`)).status).toBe(200); // already has one: the same answer
    const rejected = await t.request('POST', `/v1/orders/${order.id}/returns`, { items: [{ sku: 'SOCKS', quantity: 1 }], reason: 'damaged', approve: false });
    expect((await t.request('POST', `/v1/returns/${rejected.json.id}/label`)).json.error).toMatchObject({ code: 'invalid_transition' });
  });

  it('reads an empty quantity as none: with nothing else chosen, the form asks for an item', async () => {
    const { path } = await deliveredOrder('empty@example.com');
    const answer = await postForm(`${path}/return`, { 'q.BOOTS': ' ', reason: 'damaged' });
    expect(answer.status).toBe(422);
    expect(answer.html).toContain('Choose at least one item to return.');
  });
});
