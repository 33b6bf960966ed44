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
import { recordOptIn, recordOptOut } from './send.js';
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

  /** Stores the delivery once; answers whether this process should (still) handle it. */
  async function storeInbound(source: string, eventId: string, brandId: string, headers: Record<string, string>, body: string): Promise<boolean> {
    const now = deps.clock.now().toISOString();
    const inserted = await deps.db
      .insertInto('inbound_events')
      .values({ id: newId('inbound'), source, source_event_id: eventId, brand_id: brandId, received_at: now, headers: JSON.stringify(headers), body, state: 'received', processed_at: null, error: null })
      .onConflict((oc) => oc.columns(['brand_id', 'source', 'source_event_id']).doNothing())
      .returning('id')
      .executeTakeFirst();
    if (inserted) return true;
    const existing = await deps.db.selectFrom('inbound_events').select('state').where('brand_id', '=', brandId).where('source', '=', source).where('source_event_id', '=', eventId).executeTakeFirst();
    return existing?.state !== 'processed';
  }

  const markProcessed = (brandId: string, source: string, eventId: string) =>
    deps.db
      .updateTable('inbound_events')
      .set({ state: 'processed', processed_at: deps.clock.now().toISOString() })
      .where('brand_id', '=', brandId)
      .where('source', '=', source)
      .where('source_event_id', '=', eventId)
      .execute();

  hooks.post('/webhooks/twilio/:brandId/status', async (c) => {
    const raw = await c.req.text();
    const verified = await verifiedTwilioRequest(c.req.param('brandId'), c.req.path, raw, c.req.header('x-twilio-signature'));
    if (!verified) return c.text('signature not valid', 403);
    const parsed = parseTwilioStatusCallback(verified.params);
    if (!parsed.ok) return c.text(`bad callback: ${parsed.error.field} ${parsed.error.problem}`, 400);
    const { providerMessageId, status, errorCode } = parsed.value;
    const eventId = `${providerMessageId}:${status}`;
    if (await storeInbound('twilio_status', eventId, verified.brand.id, { 'x-twilio-signature': c.req.header('x-twilio-signature') ?? '' }, raw)) {
      const finalState = status === 'delivered' ? 'delivered' : status === 'failed' || status === 'undelivered' ? 'failed' : null;
      const message = await deps.db.selectFrom('messages').selectAll().where('provider_message_id', '=', providerMessageId).where('brand_id', '=', verified.brand.id).executeTakeFirst();
      if (message) {
        await deps.db
          .updateTable('messages')
          .set({ provider_status: status, ...(finalState ? { state: finalState } : {}), ...(errorCode ? { last_error: `twilio ${errorCode}` } : {}), updated_at: deps.clock.now().toISOString() })
          .where('id', '=', message.id)
          .execute();
        if (String(errorCode) === '21610' && message.recipient) await recordOptOut(deps, verified.brand.id, 'sms', message.recipient, 'provider_error');
      }
      await markProcessed(verified.brand.id, 'twilio_status', eventId);
    }
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
    const fresh = await storeInbound('twilio_inbound', sms.messageSid, brand.id, {}, raw);
    const keyword = classifySmsKeyword(sms.body);
    // STOP takes effect for the very next message, known number or not.
    if (fresh && keyword === 'opt_out') await recordOptOut(deps, brand.id, 'sms', sms.from, 'sms_keyword');
    if (fresh && keyword === 'opt_in') await recordOptIn(deps, brand.id, 'sms', sms.from, 'sms_keyword');
    if (fresh) await markProcessed(brand.id, 'twilio_inbound', sms.messageSid);
    const reply = keyword === 'help' ? await helpReply(brand, sms.from) : undefined;
    return c.body(twiml(reply), 200, { 'content-type': 'text/xml' });
  });

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
    const target = readUnsubscribeToken(deps.keys['outgoing-webhooks'], c.req.param('token'));
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
    const target = readUnsubscribeToken(deps.keys['outgoing-webhooks'], c.req.param('token'));
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
