/** @jsxImportSource hono/jsx */
// The hub's public routes: the order page (/t/{token}) and its JSON, the lookup form (/track/{slug},
// or /track and / on the brand's own domain), and the brand's logo. The brand comes from the
// token, the slug or the Host header; a token of another brand on a brand's domain is not valid.
import type { BlockList } from 'node:net';
import { Hono, type Context } from 'hono';
import { PRIVATE_PAGE_HEADERS } from '../web/private-page-headers.js';
import { addressBucket, clientAddressOf, trustedProxyList } from '../lib/client-address.js';
import type { AppEnv } from '../api/context.js';
import type { Deps } from '../deps.js';
import type { BrandRow } from '../db/schema.js';
import { type LinkTerms, orderLinkTerms, readTrackingToken, signTrackingToken, verifyTrackingToken, type TokenVerdict } from '../orders/tracking-links.js';
import { DAY_MS } from '../lib/time.js';
import { count } from './counters.js';
import { type Destination, destinationZone } from './format.js';
import { brandForHost, brandForSlug, hostName, hubOf } from './hosts.js';
import { chooseLanguage, fill, type HubLanguage, type HubText, HUB_TEXT, keepingLanguage } from './i18n/index.js';
import {
  findOrderByDetails,
  countTry,
  forgetOldWindows,
  forgiveTry,
  LOOKUP_FLOOR_MS,
  normalizeTrackingNumber,
  throttleKeys,
  TRACKING_CARRIERS,
  waitForFloor,
} from './lookup.js';
import { loadPageOrder, loadPageShipments, loadShipmentsByNumber, type PageOrder, returnsOf, updatesOf } from './order-data.js';
import { renderLookupPage } from './pages/lookup-page.js';
import { renderOrderPage } from './pages/order-page.js';
import { loadBrandAsset } from './brand-assets.js';
import { mapAssets, type StaticAsset, withMapScripts } from './map-assets.js';
import { acceptsGzip, pageBody } from './compression.js';
import { cachedTheme, compileTheme, type CompiledTheme, themeOf } from './theme.js';
import { buildOrderView, shipmentView } from './view.js';
import { pageExtras } from './extras.js';
import { followClick } from '../catalogue/cross-sells.js';
import { registerReturnPortal } from '../returns/portal.js';

const PAGE_HEADERS = PRIVATE_PAGE_HEADERS;

/** The page with the interactive map (its brand runs a tile server). */
const MAP_PAGE_HEADERS = { ...PAGE_HEADERS, 'content-security-policy': withMapScripts(PAGE_HEADERS['content-security-policy']) };

/** A link found through the lookup form stays valid at least this long. */
const LOOKUP_LINK_DAYS = 7;

const DEFAULT_BRAND = { id: 'waybill', name: 'Waybill', settings: '{}' };

export type HubOptions = { lookupFloorMs?: number };

/** The client's address (client-address.ts): the socket's, or the one TRUSTED_PROXIES name; an IPv6 client by its /64. */
export function clientAddress(c: Context, trusted: BlockList): string {
  const socket = (c.env as { incoming?: { socket?: { remoteAddress?: string } } } | undefined)?.incoming?.socket?.remoteAddress;
  return addressBucket(clientAddressOf(socket, c.req.header('x-forwarded-for'), trusted));
}

function languageFor(c: Context, theme: CompiledTheme, orderLocale?: string | null): HubLanguage {
  return chooseLanguage({ param: c.req.query('lang'), orderLocale, acceptLanguage: c.req.header('accept-language'), brandDefault: theme.defaultLocale });
}

/** The same address without its trailing slashes, query kept; 308 keeps a form's POST a POST. */
export function redirectWithoutTrailingSlash(c: Context): Response {
  const method = c.req.method;
  return c.redirect(`${c.req.path.replace(/\/+$/, '')}${new URL(c.req.url).search}`, method === 'GET' || method === 'HEAD' ? 301 : 308);
}

export function createHubPages(deps: Deps, options: HubOptions = {}) {
  const pages = new Hono<AppEnv>();
  const floorMs = options.lookupFloorMs ?? LOOKUP_FLOOR_MS;
  const trustedProxies = trustedProxyList(deps.config.trustedProxies);

  /**
   * A file of the hub's pages (gzipped when the browser takes it and it has a gzipped copy), with
   * headers that keep an SVG from running anything; cached for good unless told otherwise, as its
   * address changes with its content.
   */
  const servedFile = (c: Context<AppEnv>, asset: StaticAsset | undefined, cacheControl = 'public, max-age=31536000, immutable') => {
    if (!asset) return c.text('not found', 404);
    const gzip = asset.gzipped && acceptsGzip(c.req.header('accept-encoding')) ? asset.gzipped() : undefined;
    return c.body(new Uint8Array(gzip ?? asset.bytes), 200, {
      'content-type': asset.type,
      'cache-control': cacheControl,
      'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'",
      'x-content-type-options': 'nosniff',
      ...(asset.gzipped ? { vary: 'accept-encoding' } : {}),
      ...(gzip ? { 'content-encoding': 'gzip' } : {}),
    });
  };
  // The interactive map's files (Leaflet under its version, our script under its digest), read now.
  for (const [path, asset] of mapAssets().files) pages.get(path, (c) => servedFile(c, asset));
  // The brand's uploaded files, addressed by digest: the same address always means the same bytes.
  const byDigest = async (c: Context<AppEnv>) => servedFile(c, await loadBrandAsset(deps.db, c.req.param('brandId')!, c.req.param('digest')!));
  pages.get('/hub-assets/:brandId/logo/:digest', byDigest);
  pages.get('/hub-assets/:brandId/font/:digest', byDigest);
  // The brand's logo in force, at an address that does not change with it (links made before the
  // logo was addressed by digest), so kept only briefly.
  pages.get('/hub-assets/:brandId/logo', async (c) => {
    const brand = await deps.db.selectFrom('brands').select('settings').where('id', '=', c.req.param('brandId')).executeTakeFirst();
    const digest = brand && themeOf(brand).logo?.asset;
    return servedFile(c, digest ? await loadBrandAsset(deps.db, c.req.param('brandId'), digest) : undefined, 'public, max-age=300');
  });

  const linkProblem = (c: Context<AppEnv>, resolved: Extract<Resolved, { hostBrand: BrandRow | null }>) => problemPage(deps, c, resolved, resolved.verdict === 'expired' ? 'link_expired' : 'link_invalid');

  // "/track/northwind/", "/t/{token}/return/": the page without the slash (a link copied with one).
  const withoutTrailingSlash = async (c: Context<AppEnv>, next: () => Promise<void>) => (/^\/(t|track|r)\/.*\/$/.test(c.req.path) ? redirectWithoutTrailingSlash(c) : next());
  for (const prefix of ['/t/*', '/track/*', '/r/*']) pages.use(prefix, withoutTrailingSlash);

  pages.get('/t/:token', async (c) => {
    const resolved = await resolveToken(deps, c, c.req.param('token'));
    if (resolved.verdict !== 'valid') return linkProblem(c, resolved);
    const { order } = resolved;
    const theme = cachedTheme({ id: order.brand_id, name: order.brand_name, settings: order.settings });
    const language = languageFor(c, theme, order.customer_locale);
    const shipments = await loadPageShipments(deps, order.id);
    const view = buildOrderView({ order, shipments, updates: updatesOf(order), returns: returnsOf(order), language, theme, now: deps.clock.now() });
    const base = `/t/${c.req.param('token')}`;
    // The products' click links count only while this page's link would still open.
    const extras = await pageExtras(deps, { order, shipments, language, link: resolved.link });
    count(deps, order.brand_id, 'page_view');
    const justAsked = c.req.query('return') ? view.returns.find((r) => r.rma === c.req.query('return')) : undefined;
    const notice = justAsked ? `${fill(view.text.returnCreated, { rma: justAsked.rma })} ${justAsked.state === 'requested' ? view.text.awaitingApproval : justAsked.hasLabel ? view.text.labelReady : justAsked.state === 'approved' ? view.text.labelComing : ''}`.trim() : undefined;
    const languageQuery = keepingLanguage('', c.req.query('lang'));
    const html = renderOrderPage({ frame: { theme, language, title: `${fill(view.text.orderTitle, { number: view.number })} · ${theme.brandName}`, path: base }, view, base, languageQuery, notice, ...extras });
    const { body, headers } = pageBody(html, c.req.header('accept-encoding'));
    return c.body(body, 200, { 'content-type': 'text/html; charset=UTF-8', ...(view.map?.live ? MAP_PAGE_HEADERS : PAGE_HEADERS), ...headers });
  });

  pages.get('/t/:token/data.json', async (c) => {
    const resolved = await resolveToken(deps, c, c.req.param('token'));
    if (resolved.verdict !== 'valid') return c.json({ error: { code: resolved.verdict === 'expired' ? 'link_expired' : 'not_found', message: 'this tracking link is not valid', requestId: c.get('requestId') } }, resolved.verdict === 'expired' ? 410 : 404, PAGE_HEADERS);
    const { order } = resolved;
    const theme = cachedTheme({ id: order.brand_id, name: order.brand_name, settings: order.settings });
    const language = languageFor(c, theme, order.customer_locale);
    const shipments = await loadPageShipments(deps, order.id);
    const view = buildOrderView({ order, shipments, updates: updatesOf(order), returns: returnsOf(order), language, theme, now: deps.clock.now() });
    return c.json(publicJson(view, order), 200, { ...PAGE_HEADERS, 'access-control-allow-origin': '*' });
  });

  // The lookup form: /track/{slug} anywhere but on another brand's domain, /track and / on the
  // brand's own domain. Not found, the host's brand (if any) is given for the page that says so.
  const lookupBrand = async (c: Context<AppEnv>): Promise<{ brand: BrandRow; action: string } | { brand: null; hostBrand: BrandRow | null }> => {
    const slug = c.req.param('slug');
    const hostBrand = await brandForHost(deps, hostName(c.req.header('host')));
    if (slug) {
      const brand = await brandForSlug(deps, slug);
      // A brand's own domain answers for that brand alone.
      if (!brand || (hostBrand && hostBrand.id !== brand.id)) return { brand: null, hostBrand };
      return { brand, action: `/track/${slug}` };
    }
    return hostBrand ? { brand: hostBrand, action: '/track' } : { brand: null, hostBrand };
  };

  /**
   * No hub here (a slug nobody has, perhaps one a brand has since changed, or another brand's on a
   * brand's domain): the page saying so, with the form of the Host's brand if any. "/" on Waybill's
   * own address is its start page.
   */
  const noSuchHub = (c: Context<AppEnv>, hostBrand: BrandRow | null, next: () => Promise<void>) =>
    !hostBrand && c.req.path === '/' ? next() : problemPage(deps, c, { order: null, hostBrand }, 'not_found');

  const showLookup = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const found = await lookupBrand(c);
    if (!found.brand) return noSuchHub(c, found.hostBrand, next);
    const theme = cachedTheme(found.brand);
    const language = languageFor(c, theme);
    const html = renderLookupPage({ frame: { theme, language, title: `${HUB_TEXT[language].lookupTitle} · ${theme.brandName}`, path: found.action }, text: HUB_TEXT[language], action: keepingLanguage(found.action, c.req.query('lang')) });
    return c.html(html, 200, PAGE_HEADERS);
  };

  const submitLookup = async (c: Context<AppEnv>, next: () => Promise<void>) => {
    const started = performance.now();
    const found = await lookupBrand(c);
    if (!found.brand) return noSuchHub(c, found.hostBrand, next);
    const { brand } = found;
    const action = keepingLanguage(found.action, c.req.query('lang'));
    const theme = cachedTheme(brand);
    const language = languageFor(c, theme);
    const text = HUB_TEXT[language];
    const form = await c.req.parseBody().catch(() => ({}) as Record<string, unknown>);
    const field = (name: string) => (typeof form[name] === 'string' ? (form[name] as string).trim().slice(0, 254) : '');
    const values = { order: field('order'), contact: field('contact'), tracking: field('tracking') };
    const frame = { theme, language, title: `${text.lookupTitle} · ${theme.brandName}`, path: found.action };
    const answer = (status: 200 | 404 | 422 | 429, props: Partial<Parameters<typeof renderLookupPage>[0]>, headers: Record<string, string> = {}) =>
      c.html(renderLookupPage({ frame, text, action, values: { ...values, contact: '' }, ...props }), status, { ...PAGE_HEADERS, ...headers });

    const byTracking = !values.order && !values.contact && values.tracking;
    if (!byTracking && (!values.order || !values.contact)) return answer(422, { error: text.missingFields });

    // The throttle runs on real time (the demo's own clock runs fast); the link's life on Waybill's clock.
    const now = deps.wallClock.now();
    const address = clientAddress(c, trustedProxies);
    const keys = throttleKeys(brand.id, address, byTracking ? null : values.order);
    const throttle = await countTry(deps, keys, now);
    if (throttle.limited) {
      return answer(429, { error: fill(text.throttled, { minutes: Math.ceil(throttle.retryAfterSeconds / 60) }) }, { 'retry-after': String(throttle.retryAfterSeconds) });
    }

    if (byTracking) {
      const shipments = await loadShipmentsByNumber(deps, { brandId: brand.id, trackingNumber: normalizeTrackingNumber(values.tracking), carriers: TRACKING_CARRIERS });
      if (shipments.length === 0) {
        await waitForFloor(started, floorMs);
        return answer(404, { error: text.trackingNotFound });
      }
      await forgiveTry(deps, keys);
      // Carrier events only: no order number, items, destination, returns or products. Their times
      // and window on the destination's clock all the same, as its order's page and emails write them
      // (a parcel last scanned abroad would otherwise be expected a day off).
      const parcels = shipments.map((s) => ({ ...shipmentView(s, { language, zone: destinationZone(JSON.parse(s.destination) as Destination), index: 0, total: 1, now: deps.clock.now() }), heading: `${text.trackingNumber} ${s.tracking_number}` }));
      await waitForFloor(started, floorMs);
      return answer(200, { parcels });
    }

    const order = await findOrderByDetails(deps, brand.id, { order: values.order, contact: values.contact });
    if (!order) {
      if (Math.random() < 0.01) await forgetOldWindows(deps, now);
      await waitForFloor(started, floorMs);
      return answer(404, { error: text.notFound });
    }
    await forgiveTry(deps, keys);
    const fresh = (await deps.db.selectFrom('brands').select(['id', 'link_key_version']).where('id', '=', brand.id).executeTakeFirst()) ?? brand;
    // The customer proved who they are: the link lasts at least a week from now, even for an old order.
    const expiresAt = Math.max(orderLinkTerms(fresh, order, deps.config.trackingLinkTtlDays).expiresAt, deps.clock.now().getTime() + LOOKUP_LINK_DAYS * DAY_MS);
    const token = signTrackingToken(deps.keys['tracking-links'], fresh.id, { orderId: order.id, expiresAt, keyVersion: fresh.link_key_version });
    await waitForFloor(started, floorMs);
    return c.redirect(keepingLanguage(`/t/${token}`, c.req.query('lang')), 303);
  };

  const hostBrandOf = (c: Context<AppEnv>) => brandForHost(deps, hostName(c.req.header('host')));

  // A cross-sell click: recorded, then on to the shop's product page.
  pages.get('/r/:token', async (c) => {
    const target = await followClick(deps, c.req.param('token'));
    if (!target) return problemPage(deps, c, { order: null, hostBrand: await hostBrandOf(c) }, 'other_link_invalid');
    return c.redirect(target.url, 302);
  });

  registerReturnPortal(pages, deps, {
    order: async (c) => {
      const resolved = await resolveToken(deps, c, c.req.param('token') ?? '');
      if (resolved.verdict !== 'valid') return linkProblem(c, resolved);
      const { order } = resolved;
      const theme = cachedTheme({ id: order.brand_id, name: order.brand_name, settings: order.settings });
      const language = languageFor(c, theme, order.customer_locale);
      return { order, language, frame: (title: string) => ({ theme, language, title: `${title} · ${theme.brandName}`, path: c.req.path }) };
    },
  });

  pages.get('/track/:slug', showLookup);
  pages.post('/track/:slug', submitLookup);
  pages.get('/track', showLookup);
  pages.post('/track', submitLookup);
  pages.get('/', showLookup);
  // Anything else under the customer's addresses: the page saying it is not there, not the API's JSON.
  for (const prefix of ['/t/*', '/track/*', '/r/*']) pages.get(prefix, async (c) => problemPage(deps, c, { order: null, hostBrand: await hostBrandOf(c) }, 'not_found'));
  return pages;
}

type Resolved = { verdict: 'valid'; order: PageOrder; link: LinkTerms } | { verdict: Exclude<TokenVerdict, 'valid'>; order: PageOrder | null; hostBrand: BrandRow | null };

async function resolveToken(deps: Deps, c: Context<AppEnv>, token: string): Promise<Resolved> {
  const claims = readTrackingToken(token);
  const order = claims ? await loadPageOrder(deps, claims.orderId) : undefined;
  const verdict = claims && order ? verifyTrackingToken(deps.keys['tracking-links'], claims, { id: order.brand_id, linkKeyVersion: order.link_key_version }, deps.clock.now()) : 'invalid';
  const host = hostName(c.req.header('host'));
  const hostBrand = await brandForHost(deps, host);
  // On a brand's own domain, only that brand's orders.
  if (hostBrand && order && hostBrand.id !== order.brand_id) return { verdict: 'invalid', order: null, hostBrand };
  if (verdict === 'valid') return order && claims ? { verdict, order, link: claims } : { verdict: 'invalid', order: null, hostBrand };
  // The brand of an order is shown only when the token's signature was good (expired or revoked).
  return { verdict, order: verdict === 'invalid' ? null : (order ?? null), hostBrand };
}

/** Why a customer cannot go on, as the hub's page tells them. */
type Problem = 'link_expired' | 'link_invalid' | 'other_link_invalid' | 'not_found' | 'form_too_large';

const PROBLEM_STATUS = { link_expired: 410, link_invalid: 404, other_link_invalid: 404, not_found: 404, form_too_large: 413 } as const;

const problemHeading = (text: HubText, problem: Problem): string =>
  ({ link_expired: text.linkExpired, link_invalid: text.linkInvalid, other_link_invalid: text.anyLinkInvalid, not_found: text.linkInvalid, form_too_large: text.formTooLarge })[problem];

/**
 * The hub's page for a customer who cannot go on (a link expired or not valid, a hub or page that
 * is not there, a form too large), never the API's JSON: in the brand's look when it is known (the
 * order of a token whose signature held, else the Host's brand), in the customer's language, and
 * with the brand's lookup form when there is one to offer.
 */
async function problemPage(deps: Deps, c: Context<AppEnv>, known: { order: PageOrder | null; hostBrand: BrandRow | null }, problem: Problem): Promise<Response> {
  const brand = known.order ? { id: known.order.brand_id, name: known.order.brand_name, settings: known.order.settings } : known.hostBrand;
  const theme = brand ? cachedTheme(brand) : compileTheme(DEFAULT_BRAND);
  const language = chooseLanguage({ param: c.req.query('lang'), orderLocale: known.order?.customer_locale, acceptLanguage: c.req.header('accept-language'), brandDefault: theme.defaultLocale });
  const text = HUB_TEXT[language];
  const heading = problemHeading(text, problem);
  // The form needs to know the brand: from the Host, or from a token whose signature held. A form
  // too large is sent again from the page it came from.
  const path = problem === 'form_too_large' ? '' : known.hostBrand ? '/track' : brand ? `/track/${(await hubOf(deps, brand.id)).slug}` : '';
  const action = path && keepingLanguage(path, c.req.query('lang'));
  const intro = problem === 'form_too_large' ? text.formTooLargeHelp : action ? text.linkHelp : text.linkHelpNoForm;
  const html = renderLookupPage({ frame: { theme, language, title: heading }, text, action, heading, intro, forms: action !== '' });
  return c.html(html, PROBLEM_STATUS[problem], PAGE_HEADERS);
}

/**
 * A public form's body above its limit (src/app.ts): the page saying so, in the look and language
 * of the order whose page it was sent from (/t/{token}/…), else of the Host's brand.
 */
export async function formTooLargePage(deps: Deps, c: Context<AppEnv>): Promise<Response> {
  const token = /^\/t\/([^/]+)\//.exec(c.req.path)?.[1];
  const resolved = token ? await resolveToken(deps, c, token) : null;
  const hostBrand = await brandForHost(deps, hostName(c.req.header('host')));
  return problemPage(deps, c, { order: resolved?.order ?? null, hostBrand }, 'form_too_large');
}

/** A tracking link that leads nowhere (a dead short link in a text): the hub's page saying so, in the Host's brand's look. */
export async function invalidTrackingLinkPage(deps: Deps, c: Context<AppEnv>): Promise<Response> {
  return problemPage(deps, c, { order: null, hostBrand: await brandForHost(deps, hostName(c.req.header('host'))) }, 'link_invalid');
}

/** The page's facts as JSON, for a brand's own front end: the same view, nothing more. */
function publicJson(view: ReturnType<typeof buildOrderView>, order: PageOrder) {
  return {
    order: { number: view.number, placedAt: order.placed_at, destination: destinationOf(order), items: view.items.map(({ name, quantity }) => ({ name, quantity })) },
    language: view.language,
    shipments: view.shipments.map((s) => ({
      direction: s.direction,
      carrier: s.carrier,
      trackingNumber: s.trackingNumber,
      status: s.status,
      statusText: s.statusText,
      reason: s.reasonText,
      late: s.late,
      expected: s.expected,
      events: s.events.map((e) => ({ status: e.status, statusText: e.statusText, carrierText: e.carrierText, occurredAt: e.occurredAt, place: e.place })),
    })),
    returns: view.returns.map((r) => ({ rma: r.rma, state: r.state, stateText: r.stateText, items: r.items })),
  };
}

function destinationOf(order: PageOrder) {
  const d = JSON.parse(order.destination) as { city?: string; region?: string; country: string };
  return { city: d.city ?? null, region: d.region ?? null, country: d.country };
}
