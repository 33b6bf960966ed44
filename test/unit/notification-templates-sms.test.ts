import { describe, expect, it } from 'vitest';
import { LANGUAGES, measureSms, renderMessage, smsHelpReply, toGsm7 } from '../../src/notifications/templates/index.js';
import { sampleInput } from '../../src/notifications/templates/preview.js';
import { MILESTONES } from '../../src/notifications/types.js';

describe('measuring an SMS', () => {
  it('counts GSM-7 characters, extended ones twice', () => {
    expect(measureSms('Hello')).toEqual({ encoding: 'gsm7', units: 5, segments: 1 });
    expect(measureSms('Total: 5€ [x]')).toEqual({ encoding: 'gsm7', units: 16, segments: 1 });
    expect(measureSms('Grüße, señor, voilà, é')).toEqual({ encoding: 'gsm7', units: 22, segments: 1 });
  });

  it('splits at 160 GSM-7 characters into 153-character segments', () => {
    expect(measureSms('a'.repeat(160))).toEqual({ encoding: 'gsm7', units: 160, segments: 1 });
    expect(measureSms('a'.repeat(161))).toEqual({ encoding: 'gsm7', units: 161, segments: 2 });
    expect(measureSms('a'.repeat(307))).toEqual({ encoding: 'gsm7', units: 307, segments: 3 });
  });

  it('falls to UCS-2 (70 per segment) for one character outside GSM-7', () => {
    expect(measureSms('envío')).toEqual({ encoding: 'ucs2', units: 5, segments: 1 });
    expect(measureSms(`${'a'.repeat(70)}🙂`)).toEqual({ encoding: 'ucs2', units: 72, segments: 2 });
  });
});

describe('keeping an SMS in GSM-7', () => {
  it('respells typography and accents GSM-7 lacks, and keeps the ones it has', () => {
    expect(toGsm7('Envío “rápido” – aujourd’hui, être, Œuvre…')).toBe('Envio "rapido" - aujourd\'hui, etre, OEuvre...');
    expect(toGsm7('Grüße, señor, voilà, café, Ça')).toBe('Grüße, señor, voilà, café, Ça');
  });

  it("respells what Twilio's Smart Encoding would rewrite (modifier letters, other dashes and spaces), so the body Twilio keeps is the body sent", () => {
    const text = 'Kaʻena Teaʼs ‐ 10\u2009kg ❝fresh❞ – 9\u202f:\u00a0AM ―';
    expect(toGsm7(text)).toBe('Ka\'ena Tea\'s - 10 kg "fresh" - 9 : AM -');
    expect(measureSms(toGsm7(text)).encoding).toBe('gsm7');
  });

  it('keeps what has no close spelling', () => {
    expect(toGsm7('Tea 🍵 Shop')).toBe('Tea 🍵 Shop');
  });
});

describe('milestone SMS', () => {
  const longish = (milestone: (typeof MILESTONES)[number], language: string) => {
    const input = sampleInput(milestone, language, { name: 'Northwind Outfitters' });
    input.order.number = 'NW-20260312';
    input.links.shortTrackingPage = 'https://nwnd.co/t/Ab3dE9xZ';
    return input;
  };

  it('fit one GSM-7 segment in every language, with a 20-character brand and an 11-character order number', async () => {
    const tooLong: string[] = [];
    for (const language of LANGUAGES) {
      for (const milestone of MILESTONES) {
        const { sms } = await renderMessage(longish(milestone, language));
        const length = measureSms(sms);
        if (length.encoding !== 'gsm7' || length.units > 160) tooLong.push(`${language}/${milestone}: ${length.units}`);
        expect(sms.startsWith('Northwind Outfitters')).toBe(true);
        expect(sms.endsWith('https://nwnd.co/t/Ab3dE9xZ')).toBe(true);
      }
    }
    expect(tooLong).toEqual([]);
  });

  it('reads as written, respelled into GSM-7', async () => {
    expect((await renderMessage(sampleInput('shipped', 'es'))).sms).toBe('Acme Goods: ¡tu pedido #1042 ya salio! Siguelo: https://trk.example/aB3dE');
    expect((await renderMessage(sampleInput('out_for_delivery', 'fr'))).sms).toBe(
      "Acme Goods : votre commande #1042 est en cours de livraison et arrive aujourd'hui. https://trk.example/aB3dE",
    );
    expect((await renderMessage(sampleInput('attempt_failed', 'de'))).sms).toBe(
      'Acme Goods: Zustellung von Bestellung #1042 fehlgeschlagen. Bitte handeln: https://trk.example/aB3dE',
    );
  });

  it('uses the tracking page when there is no short link', async () => {
    const input = sampleInput('shipped', 'en');
    delete input.links.shortTrackingPage;
    expect((await renderMessage(input)).sms).toBe('Acme Goods: your order #1042 has shipped! Track it: https://track.example.com/t/ord_sample');
  });

  it('falls back to the shortest wording when the usual one would not fit, never cutting the link', async () => {
    const input = sampleInput('shipped_early', 'en', { name: 'The Very Long Name Of A Small Ceramics Studio' });
    input.links.shortTrackingPage = `https://example.com/${'x'.repeat(55)}`;
    const { sms } = await renderMessage(input);
    expect(sms).toBe(`The Very Long Name Of A Small Ceramics Studio: news about order #1042: https://example.com/${'x'.repeat(55)}`);
    expect(measureSms(sms)).toEqual({ encoding: 'gsm7', units: 146, segments: 1 });
  });

  it('sends a brand override as written (filled, GSM-7 respelled), even when it is long', async () => {
    const input = sampleInput('shipped', 'en');
    input.overrides = { sms: '{{brand.name}} — pedido {{order.number}} enviado: {{links.shortTrackingPage}}' };
    expect((await renderMessage(input)).sms).toBe('Acme Goods - pedido #1042 enviado: https://trk.example/aB3dE');
    input.overrides = { sms: `${'Long words. '.repeat(15)}{{links.shortTrackingPage}}` };
    expect(measureSms((await renderMessage(input)).sms).segments).toBe(2);
  });
});

describe('the answer to HELP', () => {
  const contacts = ['help@acme.example', 'https://acme.example/help'];

  it('is in the customer’s language, keeps the STOP and START keywords, and joins the contacts with that language’s “or”', () => {
    expect(smsHelpReply('en', 'Acme', contacts)).toBe('Acme: order updates by text. Reply STOP to stop, START to resume. Help: help@acme.example or https://acme.example/help');
    expect(smsHelpReply('es', 'Acme', contacts)).toBe('Acme: avisos de pedidos por SMS. Responde STOP para darte de baja, START para reanudar. Ayuda: help@acme.example o https://acme.example/help');
    expect(smsHelpReply('fr', 'Acme', contacts)).toBe('Acme : suivi de vos commandes par SMS. Répondez STOP pour arreter, START pour reprendre. Aide : help@acme.example ou https://acme.example/help');
    expect(smsHelpReply('de', 'Acme', contacts)).toBe('Acme: Bestellupdates per SMS. Antworten Sie STOP zum Beenden, START zum Fortsetzen. Hilfe: help@acme.example oder https://acme.example/help');
  });

  it('leaves out the help line when the brand gives no contact, and fits one GSM-7 segment with both', () => {
    expect(smsHelpReply('fr', 'Acme', [])).toBe('Acme : suivi de vos commandes par SMS. Répondez STOP pour arreter, START pour reprendre.');
    for (const language of LANGUAGES) {
      const reply = smsHelpReply(language, 'Acme Goods', ['help@acme.example', 'https://acme.example/help']);
      expect(reply).toMatch(/STOP[\s\S]*START/);
      expect(measureSms(reply)).toMatchObject({ encoding: 'gsm7', segments: 1 });
    }
  });
});
