// The order's tracking page: every parcel with its progress through the five stages, the window,
// the history in plain language beside the carrier's own words, one map of where the parcels have
// been, the brand's updates, returns, and products the customer may like. No script, except on a
// page whose brand runs a tile server: there the map is also interactive (Leaflet, deferred, from
// Waybill's own host; see map-assets.ts), over the same SVG map that shows without it.
import { escapeHtml } from '../../notifications/templates/escape.js';
import { fill, type HubText } from '../i18n/index.js';
import { FRAME, liveMapAttribute } from '../map.js';
import { mapAssets } from '../map-assets.js';
import type { MapView, OrderView, ReturnView, ShipmentView } from '../view.js';
import { hubPageHtml, type PageFrame } from './layout.js';

export type ProductCard = { title: string; price: string | null; imageUrl: string | null; href: string };

export type OrderPageProps = {
  frame: PageFrame;
  view: OrderView;
  crossSells: ProductCard[];
  /** The page's own path (its token), for the return links. */
  base: string;
  /** What the return links carry after their path to keep the language the link picked ('' or ?lang=…). */
  languageQuery?: string;
  canReturn: boolean;
  /** A one-off line at the top (after a return was asked for). */
  notice?: string;
};

// The page is written as strings, every value from data, a brand or a carrier escaped on the way
// in (the parcels and the map are the bulk of a busy page: ten parcels, dozens of scans); the
// progress bar of each stage and language is made once, the frame once per theme and language.
const stagesCache = new Map<string, string>();

function stagesHtml(text: HubText, stage: number): string {
  const key = `${text.languageName}|${stage}`;
  let html = stagesCache.get(key);
  if (!html) {
    html = `<ol class="stages" aria-label="${escapeHtml(text.progress)}">${text.stages
      .map((name, i) => `<li${i <= stage ? ' class="done"' : ''}${i === stage ? ' aria-current="step"' : ''}>${escapeHtml(name)}</li>`)
      .join('')}</ol>`;
    stagesCache.set(key, html);
  }
  return html;
}

export function shipmentCardHtml(text: HubText, shipment: ShipmentView): string {
  const id = `h-${escapeHtml(shipment.id)}`;
  let html = `<section class="card" aria-labelledby="${id}"><h2 id="${id}">${escapeHtml(shipment.heading)}</h2><p class="status">${escapeHtml(shipment.statusText)}</p>`;
  if (shipment.reasonText) html += `<p class="warn">${escapeHtml(shipment.reasonText)}</p>`;
  if (shipment.late) html += `<p class="warn">${escapeHtml(text.runningLate)}</p>`;
  if (shipment.expected) html += `<p>${escapeHtml(shipment.expected)}</p>`;
  if (shipment.delivered) html += `<p>${escapeHtml(shipment.delivered)}</p>`;
  if (shipment.direction === 'outbound') html += stagesHtml(text, shipment.stage);
  html += `<p class="muted">${escapeHtml(shipment.carrier)} · <span translate="no">${escapeHtml(shipment.trackingNumber)}</span></p><h3>${escapeHtml(text.history)}</h3>`;
  if (shipment.events.length === 0) return `${html}<p class="muted">${escapeHtml(text.noEvents)}</p></section>`;
  html += '<ul class="timeline">';
  const carrierSaid = escapeHtml(text.carrierSaid);
  for (const e of shipment.events) {
    html += `<li><strong>${escapeHtml(e.statusText)}</strong>`;
    if (e.carrierText) html += `<br><span class="ct">${carrierSaid}: <q>${escapeHtml(e.carrierText)}</q></span>`;
    html += `<br><span class="muted">${escapeHtml(e.when)}${e.place ? ` · ${escapeHtml(e.place)}` : ''}</span></li>`;
  }
  return `${html}</ul></section>`;
}

export function mapFigureHtml(map: MapView, text: { mapCaption: string }): string {
  let svg = `<svg class="map" viewBox="0 0 ${FRAME.width} ${FRAME.height}" width="${FRAME.width}" height="${FRAME.height}" role="img" aria-labelledby="map-title"><title id="map-title">${escapeHtml(map.title)}</title>`;
  for (const t of map.tiles) svg += `<image href="${escapeHtml(t.href)}" x="${t.x}" y="${t.y}" width="${t.size}" height="${t.size}" preserveAspectRatio="none"/>`;
  if (map.land) svg += `<path class="land" d="${map.land}"/>`;
  for (const r of map.routes) {
    if (r.plan) svg += `<path class="plan" d="${r.plan}"/>`;
    svg += `<path class="route" d="${r.d}"${r.returning ? ' stroke-dasharray="2 6"' : ''}/>`;
    r.stops.forEach(([x, y], i) => {
      const last = i === r.stops.length - 1;
      svg += `<circle cx="${x}" cy="${y}" r="${last ? 9 : 6}"${last ? ' class="here"' : ''}/>`;
    });
  }
  for (const l of map.labels) svg += `<text x="${l.x}" y="${l.y}" text-anchor="middle"${l.here ? ' font-weight="700"' : ''}>${escapeHtml(l.text)}</text>`;
  return `<figure${map.live ? ` data-live-map="${liveMapAttribute(map.live)}"` : ''}>${svg}</svg><figcaption>${escapeHtml(text.mapCaption)}${map.attribution ? ` · ${escapeHtml(map.attribution)}` : ''}</figcaption></figure>`;
}

function returnsCardHtml(text: HubText, returns: ReturnView[], base: string, languageQuery: string): string {
  let html = `<section class="card" aria-labelledby="returns"><h2 id="returns">${escapeHtml(text.returnsTitle)}</h2>`;
  for (const r of returns) {
    html += `<div><h3>${escapeHtml(fill(text.returnLabel, { rma: r.rma }))}</h3><p class="status">${escapeHtml(r.stateText)}</p>`;
    if (r.detail) html += `<p>${escapeHtml(r.detail)}</p>`;
    html += `<p class="muted">${escapeHtml(r.items.map((i) => `${i.quantity} × ${i.name}`).join(', '))} · ${escapeHtml(r.reasonText)}</p>`;
    if (r.hasLabel) html += `<p><a class="btn" href="${escapeHtml(`${base}/returns/${r.id}/label${languageQuery}`)}">${escapeHtml(text.viewLabel)}</a></p>`;
    html += '</div>';
  }
  return `${html}</section>`;
}

function crossSellsHtml(title: string, products: ProductCard[]): string {
  let html = `<section class="card" aria-labelledby="xs"><h2 id="xs">${escapeHtml(title)}</h2><ul class="xs">`;
  for (const p of products) {
    html += `<li><a href="${escapeHtml(p.href)}" rel="nofollow">`;
    html += p.imageUrl ? `<img src="${escapeHtml(p.imageUrl)}" alt="" width="300" height="300" loading="lazy" decoding="async"/>` : '<span class="ph" aria-hidden="true"></span>';
    html += `<span class="t">${escapeHtml(p.title)}</span>`;
    if (p.price) html += `<span class="pr">${escapeHtml(p.price)}</span>`;
    html += '</a></li>';
  }
  return `${html}</ul></section>`;
}

function updatesHtml(heading: string, updates: OrderView['updates']): string {
  let html = `<section class="card" aria-labelledby="updates"><h2 id="updates">${escapeHtml(heading)}</h2><ul class="timeline">`;
  for (const u of updates) {
    html += `<li>${escapeHtml(u.text)}`;
    if (u.imageUrl) html += `<img src="${escapeHtml(u.imageUrl)}" alt="" width="320" height="240" style="max-width:100%;height:auto;display:block;margin-top:.5rem" loading="lazy"/>`;
    html += `<br/><span class="muted">${escapeHtml(u.when)}</span></li>`;
  }
  return `${html}</ul></section>`;
}

function itemsHtml(text: HubText, items: OrderView['items'], returnHref: string | null): string {
  let html = `<section class="card" aria-labelledby="items"><h2 id="items">${escapeHtml(text.inThisOrder)}</h2><ul class="items">`;
  for (const item of items) html += `<li>${item.quantity} × ${escapeHtml(item.name)}</li>`;
  html += '</ul>';
  if (returnHref !== null) html += `<p><a class="btn" href="${escapeHtml(returnHref)}">${escapeHtml(text.startReturn)}</a></p>`;
  return `${html}</section>`;
}

export function renderOrderPage(props: OrderPageProps): string {
  const { view, frame, base } = props;
  const { text } = view;
  let main = props.notice ? `<p class="card" role="status"><strong>${escapeHtml(props.notice)}</strong></p>` : '';
  main += `<div class="card"><h1>${escapeHtml(fill(text.orderTitle, { number: view.number }))}</h1><p class="muted">${escapeHtml(view.placed)} · ${escapeHtml(view.goingTo)}</p>`;
  if (view.shipments.length === 0) main += `<p class="status">${escapeHtml(text.preparing)}</p>`;
  if (view.orderExpected) main += `<p>${escapeHtml(view.orderExpected)}</p>`;
  main += '</div>';
  if (view.updates.length > 0) main += updatesHtml(fill(text.updatesFrom, { brand: frame.theme.brandName }), view.updates);
  if (view.map) main += `<div class="card">${mapFigureHtml(view.map, text)}</div>`;
  for (const s of view.shipments) main += shipmentCardHtml(text, s);
  const languageQuery = props.languageQuery ?? '';
  if (view.returns.length > 0) main += returnsCardHtml(text, view.returns, base, languageQuery);
  main += itemsHtml(text, view.items, props.canReturn ? `${base}/return${languageQuery}` : null);
  if (props.crossSells.length > 0) main += crossSellsHtml(text.youMightLike, props.crossSells);
  return hubPageHtml(view.map?.live ? { ...frame, head: mapAssets().head } : frame, main);
}
