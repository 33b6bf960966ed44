import { describe, expect, it } from 'vitest';
import {
  cachedSkeletonCount,
  clearSkeletonCache,
  CROSS_SELL_MILESTONES,
  LANGUAGES,
  type MessageInput,
  renderMessage,
  renderPreview,
  validateTemplateOverride,
} from '../../src/notifications/templates/index.js';
import { MILESTONES, type Milestone } from '../../src/notifications/types.js';

const TRACKING = 'https://track.acme.test/t/ord_01hx.k3.1.sig';
const SHORT = 'https://acme.link/aB3d';

function input(milestone: Milestone, extra: Partial<MessageInput> = {}): MessageInput {
  return {
    milestone,
    locale: 'en-US',
    brand: { name: 'Acme Goods', primaryColor: '#0f766e', accentColor: '#b45309', supportEmail: 'help@acme.test', supportUrl: 'https://acme.test/help' },
    order: {
      number: 'A-1001',
      items: [
        { name: 'Ceramic mug', quantity: 2, price: 14 },
        { name: 'Linen tea towel', quantity: 1, price: 18.5 },
      ],
      currency: 'USD',
      total: 46.5,
      customerFirstName: 'Sam',
    },
    shipment: { carrier: 'UPS', trackingNumber: '1Z999AA10123456784', status: 'in_transit', estimatedDelivery: 'Tue, Mar 10 – Thu, Mar 12', lastLocation: 'Columbus, Ohio' },
    links: { trackingPage: TRACKING, shortTrackingPage: SHORT },
    ...extra,
  };
}

const CROSS_SELLS = ['Saucer', 'Teapot', 'Tea', 'Gift card', 'Coaster'].map((title, i) => ({
  title,
  url: `https://acme.test/p/${i}`,
  imageUrl: `https://cdn.acme.test/${i}.jpg`,
  price: 10 + i,
}));

describe('every milestone in every language', () => {
  it.each(LANGUAGES.flatMap((language) => MILESTONES.map((milestone) => [language, milestone] as const)))('%s %s renders', async (language, milestone) => {
    const message = await renderMessage(input(milestone, { locale: language }));
    expect(message.email.subject.trim()).not.toBe('');
    expect(message.email.preheader.trim()).not.toBe('');
    expect(message.email.text.trim()).not.toBe('');
    expect(message.sms.trim()).not.toBe('');
    expect(message.email.html).toContain(`<html lang="${language}"`);
    expect(message.email.html).toContain(`href="${TRACKING}"`);
    expect(message.email.text).toContain(TRACKING);
    expect(message.sms).toContain(SHORT);
    // no script, no unfilled slot or placeholder, nothing left of MJML
    expect(message.email.html).not.toMatch(/<script|__wb_|\{\{|<mj-/i);
    expect(message.email.text).not.toMatch(/\{\{|undefined|null/);
  });
});

describe('order confirmation', () => {
  it('carries the receipt, the delivery window and the status-page link', async () => {
    const { email } = await renderMessage(input('order_confirmed'));
    expect(email.subject).toBe('Order A-1001 confirmed');
    expect(email.text).toContain(
      ['Your receipt', '2 × Ceramic mug  $28.00', '1 × Linen tea towel  $18.50', 'Total: $46.50'].join('\n'),
    );
    expect(email.text).toContain('Estimated delivery: Tue, Mar 10 – Thu, Mar 12');
    expect(email.text).toContain(`View your order: ${TRACKING}`);
    for (const cell of ['Ceramic mug', 'Linen tea towel', '$28.00', '$18.50', '$46.50', '>2</td>', '>1</td>', 'Tue, Mar 10 – Thu, Mar 12']) {
      expect(email.html).toContain(cell);
    }
  });

  it('never names a tracking number or carrier details, even when the shipment is known or an override asks', async () => {
    const message = await renderMessage(input('order_confirmed', { overrides: { body: 'Tracking: {{shipment.trackingNumber}}.' } }));
    for (const part of [message.email.html, message.email.text, message.sms, message.email.subject]) {
      expect(part).not.toContain('1Z999AA10123456784');
      expect(part).not.toContain('Tracking number');
    }
    expect(message.email.text).toContain('Tracking: .');
  });

  it('shows items without prices and no total when none are given', async () => {
    const order = { number: 'A-2', items: [{ name: 'Sample', quantity: 3 }] };
    const { email } = await renderMessage(input('order_confirmed', { order }));
    expect(email.text).toContain('Your receipt\n3 × Sample\n\n');
    expect(email.text).not.toContain('Total');
    expect(email.text).toContain('Hello,');
  });
});

describe('shipped', () => {
  it('has a one-click tracking link in HTML (button) and text', async () => {
    const { email } = await renderMessage(input('shipped'));
    expect(email.subject).toBe('Your order A-1001 is on its way');
    expect(email.html).toMatch(new RegExp(`<a\\s+href="${TRACKING.replace(/\./g, '\\.')}"[^>]*>\\s*Track your parcel\\s*</a>`));
    expect(email.text).toContain(`Track your parcel: ${TRACKING}`);
    expect(email.text).toContain('Carrier: UPS\nTracking number: 1Z999AA10123456784\nEstimated delivery: Tue, Mar 10 – Thu, Mar 12');
  });
});

describe('problems', () => {
  it('exception: the reason in plain words and what to do about it', async () => {
    const { email, sms } = await renderMessage(input('exception', { shipment: { carrier: 'UPS', trackingNumber: '1Z', status: 'exception', reason: 'customs_hold' } }));
    expect(email.text).toContain('Order A-1001 has hit a snag: it is held at customs.');
    expect(email.text).toContain(
      'What to do next:\nCustoms may need documents or a payment from you. Watch for a message from the carrier, or contact us for help.',
    );
    expect(email.html).toContain('Order A-1001 has hit a snag: it is held at customs.');
    expect(sms).toBe(`Acme Goods: there is a problem with order A-1001. Details: ${SHORT}`);
  });

  it('exception without a reason says it is unexpected, in the customer’s language', async () => {
    const { email } = await renderMessage(input('exception', { locale: 'de', shipment: { carrier: 'DHL', trackingNumber: '1', status: 'exception' } }));
    expect(email.text).toContain('Bei Ihrer Bestellung A-1001 ist ein Problem aufgetreten: ein unerwartetes Problem.');
  });

  it('attempt failed: why, which attempt, and what to do next', async () => {
    const shipment = { carrier: 'FedEx', trackingNumber: '7', status: 'attempt_failed' as const, reason: 'recipient_unavailable' as const, attemptNumber: 2 };
    const { email } = await renderMessage(input('attempt_failed', { locale: 'es', shipment }));
    expect(email.subject).toBe('Acción necesaria: no se pudo entregar tu pedido A-1001');
    expect(email.text).toContain('Motivo: No había nadie para recibirlo\nIntento de entrega: 2\nTransportista: FedEx');
    expect(email.text).toContain('Qué hacer ahora:\nNormalmente el transportista lo vuelve a intentar el siguiente día hábil.');
  });

  it('attempt failed without a reason still says what to do', async () => {
    const { email } = await renderMessage(input('attempt_failed', { locale: 'fr' }));
    expect(email.text).toContain('Que faire maintenant\u00a0:\nLe transporteur repasse généralement le jour ouvré suivant.');
  });
});

describe('returns', () => {
  it('return approved with a label: a label button and the steps', async () => {
    const links = { trackingPage: TRACKING, returnLabel: 'https://acme.test/label.pdf' };
    const { email } = await renderMessage(input('return_approved', { links }));
    expect(email.html).toMatch(/<a\s+href="https:\/\/acme\.test\/label\.pdf"[^>]*>\s*Print your return label\s*<\/a>/);
    expect(email.text).toContain('Print the return label, stick it on the parcel and drop it off with the carrier.');
    expect(email.text).toContain('Print your return label: https://acme.test/label.pdf');
  });

  it('return approved without a label says the label will follow', async () => {
    const { email } = await renderMessage(input('return_approved'));
    expect(email.html).not.toContain('Print your return label');
    expect(email.text).toContain('Pack the items securely. We will send you the return label shortly.');
  });

  it.each([
    ['return_in_transit', 'Your return for order A-1001 is on its way'],
    ['return_received', 'We received your return for order A-1001'],
    ['refund_issued', 'Your refund for order A-1001 is on its way'],
    ['all_delivered', 'Everything from order A-1001 has arrived'],
  ] as const)('%s: %s', async (milestone, subject) => {
    expect((await renderMessage(input(milestone))).email.subject).toBe(subject);
  });
});

describe('personal update', () => {
  it('shows the person’s words as text, line breaks kept, with the image', async () => {
    const personalUpdate = { text: 'Packed it myself <3\nEnjoy & see you soon', imageUrl: 'https://cdn.acme.test/packing.jpg' };
    const { email } = await renderMessage(input('personal_update', { personalUpdate }));
    expect(email.subject).toBe('A message about your order A-1001');
    expect(email.html).toContain('Packed it myself &lt;3<br>Enjoy &amp; see you soon');
    expect(email.html).toContain('src="https://cdn.acme.test/packing.jpg"');
    expect(email.text).toContain('Packed it myself <3\nEnjoy & see you soon\nhttps://cdn.acme.test/packing.jpg');
  });
});

describe('brand look', () => {
  it('uses the logo, the colours, and a footer with support contact and unsubscribe link', async () => {
    const brand = { name: 'Acme Goods', logoUrl: 'https://cdn.acme.test/logo.png', primaryColor: '#FFCC00', supportEmail: 'help@acme.test' };
    const { email } = await renderMessage(input('shipped', { brand, links: { trackingPage: TRACKING, unsubscribe: 'https://acme.test/unsub?u=1&t=2' } }));
    expect(email.html).toContain('src="https://cdn.acme.test/logo.png"');
    expect(email.html).toContain('alt="Acme Goods"');
    expect(email.html).toContain('background:#ffcc00'); // the button, in the brand colour
    expect(email.html).toMatch(/<a\s+href="https:\/\/track\.acme\.test[^"]*"[^>]*style="[^"]*color:#111827;/); // dark text on a light button
    expect(email.html).toContain('<a href="mailto:help@acme.test" style="color:#111827;text-decoration:underline;">'); // yellow links would not read
    expect(email.html).toMatch(/<a href="https:\/\/acme\.test\/unsub\?u=1&amp;t=2"[^>]*>Unsubscribe<\/a>/);
    expect(email.text).toContain('Questions? Email us at help@acme.test.');
    expect(email.text).toContain('Unsubscribe: https://acme.test/unsub?u=1&t=2');
  });

  it('has no unsubscribe link unless one is given', async () => {
    const { email } = await renderMessage(input('shipped'));
    expect(email.html).not.toContain('Unsubscribe');
    expect(email.text).not.toContain('Unsubscribe');
  });

  it('refuses unsafe colours and URLs instead of passing them on', async () => {
    const brand = { name: 'Acme', logoUrl: 'javascript:alert(1)', primaryColor: 'red;background:url(x)', supportUrl: 'javascript:alert(2)' };
    const crossSells = [{ title: 'Bad', url: 'javascript:alert(3)' }, { title: 'Good', url: 'https://acme.test/good', imageUrl: 'data:image/png;base64,AAAA' }];
    const { email } = await renderMessage(input('shipped', { brand, crossSells }));
    expect(email.html).not.toMatch(/javascript:|data:image|url\(x\)/);
    expect(email.html).toContain('Good');
    expect(email.html).not.toContain('>Bad<');
    expect(email.html).toContain('background:#1f2937'); // the default colour
  });

  it('gives the sender name and reply-to for the envelope', async () => {
    const brand = { name: 'Acme Goods', senderName: 'Priya at Acme', replyTo: 'priya@acme.test' };
    const { email } = await renderMessage(input('shipped', { brand }));
    expect(email.fromName).toBe('Priya at Acme');
    expect(email.replyTo).toBe('priya@acme.test');
    expect(email.text).toContain('Questions? Just reply to this email.');
  });
});

describe('cross-sells', () => {
  it.each(CROSS_SELL_MILESTONES)('%s shows at most three', async (milestone) => {
    const { email } = await renderMessage(input(milestone, { crossSells: CROSS_SELLS }));
    expect(email.text).toContain(
      ['You might also like:', '- Saucer ($10.00): https://acme.test/p/0', '- Teapot ($11.00): https://acme.test/p/1', '- Tea ($12.00): https://acme.test/p/2'].join('\n'),
    );
    expect(email.html.match(/https:\/\/cdn\.acme\.test\/\d\.jpg/g)).toEqual(['https://cdn.acme.test/0.jpg', 'https://cdn.acme.test/1.jpg', 'https://cdn.acme.test/2.jpg']);
    expect(email.html).not.toContain('Gift card');
  });

  it.each(MILESTONES.filter((m) => !CROSS_SELL_MILESTONES.includes(m)))('%s shows none', async (milestone) => {
    const { email } = await renderMessage(input(milestone, { crossSells: CROSS_SELLS }));
    expect(email.html).not.toMatch(/Saucer|You might also like/);
    expect(email.text).not.toMatch(/Saucer|You might also like/);
  });

  it('is exactly shipped, shipped early, delivered and all delivered', () => {
    expect(CROSS_SELL_MILESTONES).toEqual(['shipped', 'shipped_early', 'delivered', 'all_delivered']);
  });
});

describe('brand overrides', () => {
  it('accepts known placeholders', () => {
    expect(validateTemplateOverride('Hi {{customer.firstName}}, {{ order.number }} is with {{shipment.carrier}}: {{links.trackingPage}}')).toEqual({ ok: true });
    expect(validateTemplateOverride('No placeholders, just {braces} and {single} ones')).toEqual({ ok: true });
  });

  it('refuses braces that open or close no placeholder: they would be sent as typed', () => {
    expect(validateTemplateOverride('Order {{order.number} is on its way')).toEqual({ ok: false, unknownPlaceholders: [], unbalanced: '{{order.number} is on it' });
    expect(validateTemplateOverride('Hi {{customer.firstName}}, {{ unclosed')).toMatchObject({ ok: false, unbalanced: '{{ unclosed' });
    expect(validateTemplateOverride('closed twice }} here')).toMatchObject({ ok: false, unbalanced: '}} here' });
  });

  it('refuses anything of a shipment in a message sent with no parcel', () => {
    for (const milestone of ['order_confirmed', 'personal_update', 'return_requested', 'return_rejected', 'refund_issued'] as const) {
      expect(validateTemplateOverride('with {{shipment.carrier}}, last seen {{shipment.lastLocation}}', milestone)).toEqual({ ok: false, unknownPlaceholders: ['shipment.carrier', 'shipment.lastLocation'] });
    }
    for (const milestone of ['shipped', 'return_approved', 'return_received', 'all_delivered'] as const) {
      expect(validateTemplateOverride('with {{shipment.carrier}}', milestone)).toEqual({ ok: true });
    }
  });

  it('refuses unknown placeholders, naming each once', () => {
    expect(validateTemplateOverride('{{order.numbr}} for {{customer.name}} ({{order.numbr}}) {{brand.name}}')).toEqual({
      ok: false,
      unknownPlaceholders: ['order.numbr', 'customer.name'],
    });
    expect(validateTemplateOverride('{{}}')).toEqual({ ok: false, unknownPlaceholders: [''] });
  });

  it('refuses a tracking number in an order confirmation', () => {
    expect(validateTemplateOverride('{{shipment.trackingNumber}}', 'order_confirmed')).toEqual({ ok: false, unknownPlaceholders: ['shipment.trackingNumber'] });
    expect(validateTemplateOverride('{{shipment.trackingNumber}}', 'shipped')).toEqual({ ok: true });
  });

  it('keeps a return’s number and refusal to that return’s messages', async () => {
    expect(validateTemplateOverride('{{return.rma}}: {{return.rejectionReason}}', 'return_rejected')).toEqual({ ok: true });
    expect(validateTemplateOverride('{{return.rma}}', 'return_requested')).toEqual({ ok: true });
    expect(validateTemplateOverride('{{return.rma}} {{return.rejectionReason}}', 'return_approved')).toEqual({ ok: false, unknownPlaceholders: ['return.rejectionReason'] });
    expect(validateTemplateOverride('{{return.rma}}', 'shipped')).toEqual({ ok: false, unknownPlaceholders: ['return.rma'] });
    const rejected = await renderPreview('return_rejected', 'de');
    expect(rejected.email.text).toContain('R-7K3M9Q2D');
    expect(rejected.email.text).toContain('Angegebener Grund: Der Becher wurde benutzt');
    expect(rejected.email.html).not.toContain('returns/sample/label'); // a refused return has no label to print
  });

  it('replaces subject, heading, body and SMS, filling placeholders', async () => {
    const overrides = {
      subject: '{{customer.firstName}}, {{order.number}} is out!\r\nBcc: x@evil.test',
      heading: 'On its way, {{customer.firstName}}',
      body: 'It left today with {{shipment.carrier}} ({{shipment.trackingNumber}}).\nArrives {{estimatedDelivery}}.\nFollow it: {{links.trackingPage}}',
      sms: '{{brand.name}}: {{order.number}} shipped {{links.shortTrackingPage}}',
    };
    const message = await renderMessage(input('shipped', { overrides }));
    expect(message.email.subject).toBe('Sam, A-1001 is out! Bcc: x@evil.test');
    expect(message.email.html).toContain('On its way, Sam');
    expect(message.email.html).toContain(
      `It left today with UPS (1Z999AA10123456784).<br>Arrives Tue, Mar 10 – Thu, Mar 12.<br>Follow it: <a href="${TRACKING}" style="color:#b45309;text-decoration:underline;">${TRACKING}</a>`,
    );
    expect(message.email.text).toContain(`It left today with UPS (1Z999AA10123456784).\nArrives Tue, Mar 10 – Thu, Mar 12.\nFollow it: ${TRACKING}`);
    expect(message.sms).toBe(`Acme Goods: A-1001 shipped ${SHORT}`);
  });

  it('leaves an unknown placeholder visible rather than silently blank', async () => {
    const { email } = await renderMessage(input('shipped', { overrides: { heading: 'Hi {{nope}}' } }));
    expect(email.text.startsWith('Hi {{nope}}\n')).toBe(true);
  });
});

describe('HTML injection', () => {
  const SCRIPT = '<script>alert(1)</script>';
  const BREAKOUT = '"><img src=x onerror=alert(1)>';

  it('in a product name, a customer name and a brand name is shown as text', async () => {
    const order = { number: `A-1${BREAKOUT}`, items: [{ name: SCRIPT, quantity: 1, price: 5 }, { name: BREAKOUT, quantity: 1 }], customerFirstName: SCRIPT };
    const brand = { name: `Acme ${BREAKOUT}`, logoUrl: 'https://cdn.acme.test/logo.png' };
    const { email } = await renderMessage(input('order_confirmed', { order, brand }));
    expect(email.html).not.toContain('<script>alert');
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(email.html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
    expect(email.html).toContain('alt="Acme &quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
    expect(email.text).toContain(`1 × ${SCRIPT}`); // the text part is text
  });

  it('in an override is shown as text', async () => {
    const overrides = { subject: SCRIPT, heading: BREAKOUT, body: `Hello ${SCRIPT}\n${BREAKOUT}` };
    const { email } = await renderMessage(input('shipped', { overrides }));
    expect(email.html).not.toContain('<script>alert');
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('<title>&lt;script&gt;alert(1)&lt;/script&gt;</title>');
    expect(email.html).toContain('Hello &lt;script&gt;alert(1)&lt;/script&gt;<br>&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
  });

  it('in shipment details is shown as text', async () => {
    const shipment = { carrier: SCRIPT, trackingNumber: BREAKOUT, status: 'in_transit' as const, estimatedDelivery: SCRIPT, lastLocation: BREAKOUT };
    const { email } = await renderMessage(input('shipped', { shipment }));
    expect(email.html).not.toContain('<script>alert');
    expect(email.html).not.toContain('<img src=x');
    expect(email.html).toContain('now with &lt;script&gt;alert(1)&lt;/script&gt;.');
  });

  it('in a value that looks like a placeholder stays that text', async () => {
    const order = { number: '{{links.trackingPage}}', items: [{ name: 'x', quantity: 1 }] };
    const { email } = await renderMessage(input('shipped', { order }));
    expect(email.subject).toBe('Your order {{links.trackingPage}} is on its way');
  });
});

describe('previews', () => {
  it.each(MILESTONES)('%s renders with sample data', async (milestone) => {
    const message = await renderPreview(milestone, 'de-CH');
    expect(message.email.html).toContain('<html lang="de"');
    expect(message.email.text).toContain('Lena');
  });

  it('use the brand and its overrides', async () => {
    const message = await renderPreview('shipped', 'en', { name: 'Blue Fern', primaryColor: '#123456' }, { heading: 'Off it goes, {{customer.firstName}}!' });
    expect(message.email.html).toContain('Blue Fern');
    expect(message.email.html).toContain('Off it goes, Sam!');
    expect(message.email.html).toContain('background:#123456');
  });
});

describe('render speed', () => {
  it('compiles each layout once, then renders from the cache (speed is logged)', async () => {
    clearSkeletonCache();
    const started = performance.now();
    await renderMessage(input('shipped', { crossSells: CROSS_SELLS }));
    const coldMs = performance.now() - started;
    expect(cachedSkeletonCount()).toBe(1);

    const renderOne = (i: number) => {
      const order = { number: `A-${i}`, items: [{ name: `Mug ${i}`, quantity: 1 + (i % 3), price: 9.5 }], currency: 'USD', customerFirstName: `C${i}` };
      return renderMessage(input('shipped', { order, crossSells: CROSS_SELLS }));
    };
    for (let i = 0; i < 200; i++) await renderOne(i); // let the JIT settle before timing
    const renders = 3000;
    const warmStarted = performance.now();
    for (let i = 0; i < renders; i++) await renderOne(i);
    const warmMs = performance.now() - warmStarted;
    expect(cachedSkeletonCount()).toBe(1);

    const perSecond = Math.round((renders / warmMs) * 1000);
    console.log(`notification templates: first render (MJML compile) ${coldMs.toFixed(1)} ms; cached: ${renders} renders in ${warmMs.toFixed(0)} ms = ${perSecond} renders/s`);
  });
});
