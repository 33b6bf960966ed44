/** @jsxImportSource hono/jsx */
// The order's tracking page: every parcel with its progress through the five stages, the window,
// the history in plain language beside the carrier's own words, one map of where the parcels have
// been, the brand's updates, returns, and products the customer may like. No script.
import { raw } from 'hono/html';
import { escapeHtml } from '../../notifications/templates/escape.js';
import { fill, type HubText } from '../i18n/index.js';
import { FRAME } from '../map.js';
import type { MapView, OrderView, ReturnView, ShipmentView } from '../view.js';
import { HubLayout, htmlDocument, type PageFrame } from './layout.js';

export type ProductCard = { title: string; price: string | null; imageUrl: string | null; href: string };

export type OrderPageProps = {
  frame: PageFrame;
  view: OrderView;
  crossSells: ProductCard[];
  /** The page's own path (its token), for the return links. */
  base: string;
  canReturn: boolean;
  /** A one-off line at the top (after a return was asked for). */
  notice?: string;
};

// The parcels and the map are the bulk of a busy page (ten parcels, dozens of scans): they are
// written as strings with every value escaped, and the progress bar of each stage and language is
// made once. The rest of the page is JSX.
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
  return `<figure>${svg}</svg><figcaption>${escapeHtml(text.mapCaption)}${map.attribution ? ` · ${escapeHtml(map.attribution)}` : ''}</figcaption></figure>`;
}

function ReturnsCard({ view, returns, base }: { view: OrderView; returns: ReturnView[]; base: string }) {
  return (
    <section class="card" aria-labelledby="returns">
      <h2 id="returns">{view.text.returnsTitle}</h2>
      {returns.map((r) => (
        <div>
          <h3>{fill(view.text.returnLabel, { rma: r.rma })}</h3>
          <p class="status">{r.stateText}</p>
          {r.detail ? <p>{r.detail}</p> : null}
          <p class="muted">
            {r.items.map((i) => `${i.quantity} × ${i.name}`).join(', ')} · {r.reasonText}
          </p>
          {r.hasLabel ? <p><a class="btn" href={`${base}/returns/${r.id}/label`}>{view.text.viewLabel}</a></p> : null}
        </div>
      ))}
    </section>
  );
}

function CrossSells({ title, products }: { title: string; products: ProductCard[] }) {
  return (
    <section class="card" aria-labelledby="xs">
      <h2 id="xs">{title}</h2>
      <ul class="xs">
        {products.map((p) => (
          <li>
            <a href={p.href} rel="nofollow">
              {p.imageUrl ? <img src={p.imageUrl} alt="" width="300" height="300" loading="lazy" decoding="async" /> : <span class="ph" aria-hidden="true"></span>}
              <span class="t">{p.title}</span>
              {p.price ? <span class="pr">{p.price}</span> : null}
            </a>
          </li>
        ))}
      </ul>
    </section>
  );
}

export function renderOrderPage(props: OrderPageProps): string {
  const { view, frame, base } = props;
  const { text } = view;
  return htmlDocument(
    <HubLayout frame={frame}>
      {props.notice ? (
        <p class="card" role="status">
          <strong>{props.notice}</strong>
        </p>
      ) : null}
      <div class="card">
        <h1>{fill(text.orderTitle, { number: view.number })}</h1>
        <p class="muted">
          {view.placed} · {view.goingTo}
        </p>
        {view.shipments.length === 0 ? <p class="status">{text.preparing}</p> : null}
        {view.orderExpected ? <p>{view.orderExpected}</p> : null}
      </div>
      {view.updates.length > 0 ? (
        <section class="card" aria-labelledby="updates">
          <h2 id="updates">{fill(text.updatesFrom, { brand: frame.theme.brandName })}</h2>
          <ul class="timeline">
            {view.updates.map((u) => (
              <li>
                {u.text}
                {u.imageUrl ? <img src={u.imageUrl} alt="" width="320" height="240" style="max-width:100%;height:auto;display:block;margin-top:.5rem" loading="lazy" /> : null}
                <br />
                <span class="muted">{u.when}</span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}
      {view.map ? <div class="card">{raw(mapFigureHtml(view.map, text))}</div> : null}
      {raw(view.shipments.map((s) => shipmentCardHtml(text, s)).join(''))}
      {view.returns.length > 0 ? <ReturnsCard view={view} returns={view.returns} base={base} /> : null}
      <section class="card" aria-labelledby="items">
        <h2 id="items">{text.inThisOrder}</h2>
        <ul class="items">
          {view.items.map((item) => (
            <li>
              {item.quantity} × {item.name}
            </li>
          ))}
        </ul>
        {props.canReturn ? <p><a class="btn" href={`${base}/return`}>{text.startReturn}</a></p> : null}
      </section>
      {props.crossSells.length > 0 ? <CrossSells title={text.youMightLike} products={props.crossSells} /> : null}
    </HubLayout>,
  );
}
