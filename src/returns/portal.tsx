/** @jsxImportSource hono/jsx */
// The customer's side of returns, beside the tracking page and behind the same token: the form
// (items, quantities, a reason), the answer (refused with a reason they understand, or an RMA),
// and the return label to print or show (a Code 128 of the tracking number on screen, the 4×6 PDF
// to download). No script: plain forms.
import type BwipJs from 'bwip-js';
import type { Context, Hono } from 'hono';
import { raw } from 'hono/html';
import type { AppEnv } from '../api/context.js';
import type { Deps } from '../deps.js';
import type { BrandRow, OrderRow } from '../db/schema.js';
import { loadShipmentLabel } from '../labels/index.js';
import { carrierName, formatMoney, placeText } from '../hub/format.js';
import { fill, type HubLanguage, type HubText, HUB_TEXT, keepingLanguage } from '../hub/i18n/index.js';
import type { PageOrder } from '../hub/order-data.js';
import { HubLayout, htmlDocument, type PageFrame } from '../hub/pages/layout.js';
import { labelFeeFor, returnableItems, type ReturnableItem, type ReturnPolicy, returnsCurrencyOf, whyNothingCanBeReturned } from './policy.js';
import { eligibilityOf, requestReturn } from './service.js';
import { opensReturnLabel } from './label-key.js';
import { lazyModule } from '../lib/lazy.js';
import { PRIVATE_PAGE_HEADERS } from '../web/private-page-headers.js';
import { escapeHtml } from '../notifications/templates/escape.js';

/** The barcode library loads with the first label page shown, not at start-up. */
const bwipjs = lazyModule<typeof BwipJs>('bwip-js');

export type PortalHelpers = {
  /** The order behind a valid token, or the response for a bad one. */
  order(c: Context<AppEnv>): Promise<{ order: PageOrder; frame: (title: string) => PageFrame; language: HubLanguage } | Response>;
};

// The brand's uploaded fonts too (font-src), as on the order's page.
const HEADERS = PRIVATE_PAGE_HEADERS;

/** A quantity field as typed: a field left empty asks for none; anything but digits is NaN. */
const quantityAsked = (typed: string): number => {
  const trimmed = typed.trim();
  if (trimmed === '') return 0;
  return /^\d{1,6}$/.test(trimmed) ? Number(trimmed) : Number.NaN;
};

/** Beside each item: how many were bought and how many are in returns already, or that it cannot be returned. */
function itemHint(text: HubText, item: ReturnableItem): string {
  if (item.excluded) return text.refusals.excluded_item.replace(/:.*$/, '').trim();
  const bought = fill(text.bought, { count: item.quantity });
  return item.inReturns > 0 ? `${bought} · ${fill(text.alreadyInReturns, { count: item.inReturns })}` : bought;
}

function ReturnForm(props: { text: HubText; policy: ReturnPolicy; currency: string; items: ReturnableItem[]; language: HubLanguage; back: string; error?: string; values?: Record<string, string> }) {
  const { text, policy, values = {} } = props;
  const fee = labelFeeFor(policy, props.currency);
  return (
    <div class="card">
      <h1>{text.returnFormTitle}</h1>
      {props.error ? <p class="err" role="alert">{props.error}</p> : null}
      <p>
        {fill(text.returnPolicyWindow, { days: policy.windowDays })} {fee > 0 ? fill(text.returnPaidLabel, { fee: formatMoney(fee, props.currency, props.language) }) : text.returnFreeLabel}
        {props.items.some((i) => i.excluded) ? ` ${text.returnPolicyExcluded}` : ''}
      </p>
      <form method="post">
        <fieldset>
          <legend>{text.chooseItems}</legend>
          {props.items.map((item, i) => (
            <>
              <label for={`q${i}`}>
                {fill(text.quantityOf, { name: item.name })} <span class="hint">({itemHint(text, item)})</span>
              </label>
              <input type="number" id={`q${i}`} name={`q.${item.sku}`} min="0" max={String(item.left)} value={values[`q.${item.sku}`] ?? '0'} disabled={item.excluded || item.left === 0} inputmode="numeric" />
            </>
          ))}
        </fieldset>
        <label for="reason">{text.reasonLabel}</label>
        <select id="reason" name="reason" required>
          <option value="">—</option>
          {policy.reasons.map((r) => (
            <option value={r} selected={values.reason === r}>{text.reasons[r]}</option>
          ))}
        </select>
        <label for="comment">{text.commentLabel}</label>
        <textarea id="comment" name="comment" rows={3} maxlength={1000}>{values.comment ?? ''}</textarea>
        <p>
          <button class="btn" type="submit">{text.submitReturn}</button>
        </p>
      </form>
      <p><a href={props.back}>{text.backToOrder}</a></p>
    </div>
  );
}

/** The order page's path, and the link back to it keeping the language the link picked. */
function orderLinks(c: Context<AppEnv>): { orderPath: string; back: string } {
  const orderPath = `/t/${c.req.param('token')}`;
  return { orderPath, back: keepingLanguage(orderPath, c.req.query('lang')) };
}

function Refused({ text, message, back }: { text: HubText; message: string; back: string }) {
  return (
    <div class="card">
      <h1>{text.returnFormTitle}</h1>
      <p class="err" role="alert">{message}</p>
      <p><a href={back}>{text.backToOrder}</a></p>
    </div>
  );
}

/** The tracking number as Code 128 bars, drawn by bwip-js into SVG (scannable from a phone screen). */
function barcodeSvg(text: string): string {
  return bwipjs().toSVG({ bcid: 'code128', text, height: 14, includetext: false }).replace('<svg ', `<svg role="img" aria-label="${escapeHtml(text)}" width="100%" style="max-width:26rem;height:auto;display:block" `);
}

export function registerReturnPortal(pages: Hono<AppEnv>, deps: Deps, helpers: PortalHelpers): void {
  const rows = async (order: PageOrder) => {
    const [brand, orderRow] = await Promise.all([
      deps.db.selectFrom('brands').selectAll().where('id', '=', order.brand_id).executeTakeFirstOrThrow(),
      deps.db.selectFrom('orders').selectAll().where('id', '=', order.id).executeTakeFirstOrThrow(),
    ]);
    return { brand: brand as BrandRow, orderRow: orderRow as OrderRow };
  };

  const formItems = async (brand: BrandRow, orderRow: OrderRow) => {
    const eligibility = await eligibilityOf(deps, brand, orderRow);
    return { eligibility, items: returnableItems(eligibility) };
  };

  pages.get('/t/:token/return', async (c) => {
    const found = await helpers.order(c);
    if (found instanceof Response) return found;
    const { order, frame, language } = found;
    const text = HUB_TEXT[language];
    const { back } = orderLinks(c);
    const { brand, orderRow } = await rows(order);
    const { eligibility, items } = await formItems(brand, orderRow);
    // Nothing left to return (or no return at all): say why, rather than show a form of disabled fields.
    const refused = whyNothingCanBeReturned(eligibility);
    const body = refused ? <Refused text={text} message={fill(text.refusals[refused.refusal], { item: '' })} back={back} /> : <ReturnForm text={text} policy={eligibility.policy} currency={returnsCurrencyOf(orderRow, eligibility.policy)} items={items} language={language} back={back} />;
    return c.html(htmlDocument(<HubLayout frame={frame(text.returnFormTitle)}>{body}</HubLayout>), refused ? 409 : 200, HEADERS);
  });

  pages.post('/t/:token/return', async (c) => {
    const found = await helpers.order(c);
    if (found instanceof Response) return found;
    const { order, frame, language } = found;
    const text = HUB_TEXT[language];
    const { orderPath, back } = orderLinks(c);
    const form = (await c.req.parseBody().catch(() => ({}))) as Record<string, unknown>;
    const values = Object.fromEntries(Object.entries(form).filter(([, v]) => typeof v === 'string').map(([k, v]) => [k, (v as string).slice(0, 1000)]));
    const requested = Object.entries(values)
      .filter(([k]) => k.startsWith('q.'))
      .map(([k, v]) => ({ sku: k.slice(2), quantity: quantityAsked(v) }));
    const { brand, orderRow } = await rows(order);
    const bad = requested.find((r) => Number.isNaN(r.quantity));
    const result = bad
      ? ({ ok: false, refusal: 'too_many', item: bad.sku } as const)
      : await requestReturn(deps, brand, orderRow, { items: requested, reason: values.reason ?? '', comment: values.comment }, { by: 'customer' });
    if (result.ok) return c.redirect(keepingLanguage(`${orderPath}?return=${encodeURIComponent(result.ret.rma)}#returns`, c.req.query('lang')), 303);
    const itemName = (JSON.parse(orderRow.items) as Array<{ sku: string; name: string }>).find((i) => i.sku === result.item)?.name ?? result.item ?? '';
    const message = fill(text.refusals[result.refusal], { item: itemName });
    const { eligibility, items } = await formItems(brand, orderRow);
    const body = whyNothingCanBeReturned(eligibility) ? <Refused text={text} message={message} back={back} /> : <ReturnForm text={text} policy={eligibility.policy} currency={returnsCurrencyOf(orderRow, eligibility.policy)} items={items} language={language} back={back} error={message} values={values} />;
    return c.html(htmlDocument(<HubLayout frame={frame(text.returnFormTitle)}>{body}</HubLayout>), 422, HEADERS);
  });

  /** The request's key to the return's printable label (label-key.ts) when it is the right one, else undefined. */
  const printableLabelKeyOf = (c: Context<AppEnv>, order: PageOrder, returnId: string): string | undefined => {
    const given = c.req.query('k');
    return opensReturnLabel(deps.keys['tracking-links'], { id: order.brand_id, link_key_version: order.link_key_version }, returnId, given) ? given : undefined;
  };

  const labelOf = async (c: Context<AppEnv>) => {
    const found = await helpers.order(c);
    if (found instanceof Response) return found;
    const ret = await deps.db.selectFrom('returns').selectAll().where('id', '=', c.req.param('returnId') ?? '').where('order_id', '=', found.order.id).executeTakeFirst();
    const shipment = ret?.shipment_id ? await deps.db.selectFrom('shipments').selectAll().where('id', '=', ret.shipment_id).executeTakeFirst() : undefined;
    return { ...found, ret, shipment };
  };

  pages.get('/t/:token/returns/:returnId/label', async (c) => {
    const found = await labelOf(c);
    if (found instanceof Response) return found;
    const { ret, shipment, order, frame, language } = found;
    const text = HUB_TEXT[language];
    const { orderPath, back } = orderLinks(c);
    if (!ret) return c.html(htmlDocument(<HubLayout frame={frame(text.labelTitle)}><Refused text={text} message={text.labelNotYet} back={back} /></HubLayout>), 404, HEADERS);
    if (!shipment || ret.state === 'rejected' || ret.state === 'requested') {
      return c.html(htmlDocument(<HubLayout frame={frame(text.labelTitle)}><Refused text={text} message={text.labelNotYet} back={back} /></HubLayout>), 409, HEADERS);
    }
    const settings = JSON.parse(order.settings) as { returnTo?: { name: string; line1: string; city: string; region?: string; postalCode: string; country: string }; shipFrom?: { name: string; line1: string; city: string; region?: string; postalCode: string; country: string }; origin?: { city: string; region?: string; country: string } };
    const to = settings.returnTo ?? settings.shipFrom;
    const destination = JSON.parse(order.destination) as { city: string; region?: string; country: string };
    const hasPdf = (await loadShipmentLabel(deps, order.brand_id, shipment.id, 'pdf')) !== null;
    const labelKey = printableLabelKeyOf(c, order, ret.id);
    const body = (
      <div class="card">
        <h1>{text.labelTitle}</h1>
        <p class="noprint">{text.labelInstructions}</p>
        <div class="label">
          <p>
            <strong>{text.rmaLabel}:</strong> {ret.rma}
          </p>
          <p class="muted">{carrierName(shipment.carrier)}</p>
          {raw(barcodeSvg(shipment.tracking_number))}
          <p class="tn" translate="no">{shipment.tracking_number}</p>
          <p>
            <strong>{text.labelShipTo}:</strong> {to ? `${to.name}, ${to.line1}, ${placeText(to)} ${to.postalCode}` : `${order.brand_name}, ${placeText(settings.origin ?? { city: 'Columbus', region: 'OH', country: 'US' })}`}
            <br />
            <strong>{text.labelFrom}:</strong> {placeText(destination)}
          </p>
        </div>
        {hasPdf && labelKey ? (
          <p class="noprint">
            <a class="btn" href={`${orderPath}/returns/${ret.id}/label.pdf?k=${labelKey}`}>{text.labelDownload}</a>
          </p>
        ) : hasPdf ? (
          <p class="noprint">{text.labelPdfInEmail}</p>
        ) : null}
        <p class="noprint muted">{text.labelPrint}</p>
        <p class="noprint"><a href={back}>{text.backToOrder}</a></p>
      </div>
    );
    return c.html(htmlDocument(<HubLayout frame={frame(text.labelTitle)}>{body}</HubLayout>), 200, HEADERS);
  });

  pages.get('/t/:token/returns/:returnId/label.pdf', async (c) => {
    const found = await labelOf(c);
    if (found instanceof Response) return found;
    const text = HUB_TEXT[found.language];
    const label = found.shipment && found.ret && found.ret.state !== 'rejected' ? await loadShipmentLabel(deps, found.order.brand_id, found.shipment.id, 'pdf') : null;
    const refuse = (message: string) => c.html(htmlDocument(<HubLayout frame={found.frame(text.labelTitle)}><Refused text={text} message={message} back={orderLinks(c).back} /></HubLayout>), 404, HEADERS);
    if (!label) return refuse(text.labelNotYet);
    // A label, but this request does not hold the key from the return's email.
    if (!printableLabelKeyOf(c, found.order, found.ret!.id)) return refuse(text.labelPdfInEmail);
    return c.body(new Uint8Array(label.body), 200, { 'content-type': label.contentType, 'content-disposition': `attachment; filename="${label.filename}"`, 'cache-control': 'private, no-store' });
  });
}
