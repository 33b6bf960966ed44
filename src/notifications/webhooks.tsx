/** @jsxImportSource hono/jsx */
// Public endpoints that providers and customers reach: Twilio's delivery callbacks and inbound
// SMS (STOP, START, HELP), and the one-click email unsubscribe. Every webhook is verified on its
// exact bytes, stored in the inbox under its own id, then processed idempotently.
import { Hono } from 'hono';
import type { AppEnv } from '../api/context.js';
import { getBrand } from '../brands/repo.js';
import { settingsOf } from '../brands/settings.js';
import type { Deps } from '../deps.js';
import { decryptSecret } from '../lib/crypto.js';
import { newId } from '../lib/ids.js';
import { Layout } from '../web/pages.js';
import { PRIVATE_PAGE_HEADERS } from '../web/private-page-headers.js';
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import type { BrandRow } from '../db/schema.js';
import { chooseLanguage, keepingLanguage } from '../hub/i18n/index.js';
import { LOCALE_TEXT, type Language, languageFor } from './templates/locales/index.js';
import { smsHelpReply } from './templates/sms.js';
import { fillText } from './templates/placeholders.js';
import { classifySmsKeyword } from './policy/opt-out.js';
import { parseTwilioForm, parseTwilioInboundSms, parseTwilioStatusCallback, verifyTwilioSignature } from './providers/twilio.js';
import { recordOptOut } from './send.js';
import { processTwilioRow, TWILIO_INBOUND_SOURCE, TWILIO_STATUS_SOURCE } from './status-callbacks.js';
import { shortLinkTarget } from './short-links.js';
import { readUnsubscribeToken } from './unsubscribe.js';
import { trackingPageUrl } from '../orders/service.js';
import { invalidTrackingLinkPage } from '../hub/routes.js';

const twiml = (message?: string) =>
  `<?xml version="1.0" encoding="UTF-8"?><Response>${message ? `<Message>${message.replace(/[<>&]/g, (ch) => `&#${ch.charCodeAt(0)};`)}</Message>` : ''}</Response>`;

export function createNotificationWebhooks(deps: Deps) {
  const hooks = new Hono<AppEnv>();

  /** The brand, its Twilio auth token, and the request's params once its signature holds. */
  async function verifiedTwilioRequest(brandId: string, path: string, rawBody: string, signature: string | undefined) {
    const brand = await getBrand(deps.db, brandId);
    const account = brand ? settingsOf(brand).sms : undefined;
    if (!brand || !account) return null;
    const params = parseTwilioForm(rawBody);
    const valid = verifyTwilioSignature({ url: `${deps.config.publicUrl}${path}`, params, signature, authToken: decryptSecret(deps.keys.credentials, account.authToken) });
    return valid ? { brand, params } : null;
  }

  /** Stores the delivery once; answers the stored row while it is still to be handled (not processed nor set aside). */
  async function storeInbound(source: string, eventId: string, brandId: string, headers: Record<string, string>, body: string) {
    const now = deps.clock.now().toISOString();
    await deps.db
      .insertInto('inbound_events')
      .values({ id: newId('inbound'), source, source_event_id: eventId, brand_id: brandId, received_at: now, headers: JSON.stringify(headers), body, state: 'received', processed_at: null, error: null })
      .onConflict((oc) => oc.columns(['brand_id', 'source', 'source_event_id']).doNothing())
      .execute();
    const row = await deps.db
      .selectFrom('inbound_events')
      .select(['id', 'source', 'brand_id', 'body', 'received_at', 'attempts', 'state'])
      .where('brand_id', '=', brandId)
      .where('source', '=', source)
      .where('source_event_id', '=', eventId)
      .executeTakeFirst();
    return row && (row.state === 'received' || row.state === 'parked') ? row : null;
  }

  // Stored first, then processed (status-callbacks.ts): a callback for a sid no send has recorded
  // yet is parked until one does; whatever fails after storing is taken up by the sweep.
  hooks.post('/webhooks/twilio/:brandId/status', async (c) => {
    const raw = await c.req.text();
    const verified = await verifiedTwilioRequest(c.req.param('brandId'), c.req.path, raw, c.req.header('x-twilio-signature'));
    if (!verified) return c.text('signature not valid', 403);
    const parsed = parseTwilioStatusCallback(verified.params);
    if (!parsed.ok) return c.text(`bad callback: ${parsed.error.field} ${parsed.error.problem}`, 400);
    const { providerMessageId, status } = parsed.value;
    const row = await storeInbound(TWILIO_STATUS_SOURCE, `${providerMessageId}:${status}`, verified.brand.id, { 'x-twilio-signature': c.req.header('x-twilio-signature') ?? '' }, raw);
    if (row) await processStored(row);
    return c.body(null, 204);
  });

  hooks.post('/webhooks/twilio/:brandId/inbound', async (c) => {
    const raw = await c.req.text();
    const verified = await verifiedTwilioRequest(c.req.param('brandId'), c.req.path, raw, c.req.header('x-twilio-signature'));
    if (!verified) return c.text('signature not valid', 403);
    const parsed = parseTwilioInboundSms(verified.params);
    if (!parsed.ok) return c.text(`bad message: ${parsed.error.field} ${parsed.error.problem}`, 400);
    const sms = parsed.value;
    const brand = verified.brand;
    // STOP takes effect for the very next message, known number or not.
    const row = await storeInbound(TWILIO_INBOUND_SOURCE, sms.messageSid, brand.id, {}, raw);
    if (row) await processStored(row);
    const reply = classifySmsKeyword(sms.body) === 'help' ? await helpReply(brand, sms.from) : undefined;
    return c.body(twiml(reply), 200, { 'content-type': 'text/xml' });
  });

  /** Processed now; stored, so an error here (the sweep takes the row up) still answers Twilio 2xx rather than have it retry. */
  const processStored = async (row: Parameters<typeof processTwilioRow>[1]) => {
    try {
      await processTwilioRow(deps, row);
    } catch (error) {
      deps.log.warn({ err: error, deliveryId: row.id }, 'a stored Twilio webhook could not be processed now: the sweep will');
    }
  };

  /** In the language of the order behind the last text to this number, else the brand's default. */
  const helpReply = async (brand: BrandRow, from: string): Promise<string> => {
    const settings = settingsOf(brand);
    const last = await deps.db
      .selectFrom('messages')
      .innerJoin('orders', 'orders.id', 'messages.order_id')
      .select('orders.customer_locale')
      .where('messages.brand_id', '=', brand.id)
      .where('messages.recipient', '=', from)
      .orderBy('messages.created_at', 'desc')
      .limit(1)
      .executeTakeFirst();
    const language = languageFor(last?.customer_locale ?? settings.notifications?.defaultLocale);
    const contacts = [settings.look?.supportEmail, settings.look?.supportUrl].filter((value): value is string => Boolean(value));
    return smsHelpReply(language, brand.name, contacts);
  };

  // The short link in texts: to the order's tracking page, signed now under the version the code
  // was issued under (still the brand's, or the code leads nowhere: revoked reads as unknown).
  hooks.get('/s/:code', async (c) => {
    const target = await shortLinkTarget(deps, c.req.param('code'));
    if (!target) return invalidTrackingLinkPage(deps, c);
    return c.redirect(trackingPageUrl(deps, target.brand, target.order), 302);
  });

  /** The language of these pages: the link's ?lang= (the email's own), else the browser's, else the brand's default. */
  const pageLanguage = (c: Context, brand?: BrandRow): Language =>
    chooseLanguage({ param: c.req.query('lang'), acceptLanguage: c.req.header('accept-language'), brandDefault: brand ? settingsOf(brand).notifications?.defaultLocale : null });

  const page = (language: Language, title: string, body: Child) =>
    `<!doctype html>${(
      <Layout title={title} lang={language}>
        <main>
          <div class="card">
            <h1>{title}</h1>
            {body}
          </div>
        </main>
      </Layout>
    )}`;

  const invalidLinkPage = (c: Context) => {
    const language = pageLanguage(c);
    const words = LOCALE_TEXT[language].unsubscribePage;
    return page(language, words.invalidTitle, <p>{words.invalidText}</p>);
  };

  hooks.get('/u/:token', async (c) => {
    const target = readUnsubscribeToken(deps.keys, c.req.param('token'));
    const brand = target ? await getBrand(deps.db, target.brandId) : undefined;
    if (!target || !brand) return c.html(invalidLinkPage(c), 404, PRIVATE_PAGE_HEADERS);
    const language = pageLanguage(c, brand);
    const words = LOCALE_TEXT[language].unsubscribePage;
    const values = { 'brand.name': brand.name };
    const body = (
      <>
        <p>
          {words.stopsTo} <strong>{maskEmail(target.address)}</strong>. {words.stillArrive}
        </p>
        <form method="post" action={keepingLanguage(c.req.path, c.req.query('lang'))}>
          <button type="submit">{words.button}</button>
        </form>
      </>
    );
    return c.html(page(language, fillText(words.question, values), body), 200, PRIVATE_PAGE_HEADERS);
  });

  // RFC 8058: mail clients POST "List-Unsubscribe=One-Click" here; the page's button posts too.
  hooks.post('/u/:token', async (c) => {
    const target = readUnsubscribeToken(deps.keys, c.req.param('token'));
    const brand = target ? await getBrand(deps.db, target.brandId) : undefined;
    if (!target || !brand) return c.html(invalidLinkPage(c), 404, PRIVATE_PAGE_HEADERS);
    await recordOptOut(deps, brand.id, 'email', target.address, 'unsubscribe_link');
    const language = pageLanguage(c, brand);
    const words = LOCALE_TEXT[language].unsubscribePage;
    return c.html(page(language, words.doneTitle, <p>{fillText(words.doneText, { 'brand.name': brand.name })}</p>), 200, PRIVATE_PAGE_HEADERS);
  });

  return hooks;
}

/** a***@example.com: enough for the customer to recognise, not enough to learn the address. */
export function maskEmail(address: string): string {
  const [local = '', domain = ''] = address.split('@');
  return `${local.slice(0, 1)}***@${domain}`;
}
