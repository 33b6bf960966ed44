/** @jsxImportSource hono/jsx */
// The order's tracking page: every parcel with its progress through the five stages, the window,
// the history in plain language beside the carrier's own words, one map of where the parcels have
// been, the brand's updates, returns, and products the customer may like. No script.
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

function Stages({ text, shipment }: { text: HubText; shipment: ShipmentView }) {
  return (
    <ol class="stages" aria-label={text.progress}>
      {text.stages.map((stage, i) => (
        <li class={i <= shipment.stage ? 'done' : ''} aria-current={i === shipment.stage ? 'step' : undefined}>{stage}</li>
      ))}
    </ol>
  );
}

export function ShipmentCard({ text, shipment }: { text: HubText; shipment: ShipmentView }) {
  const headingId = `h-${shipment.id}`;
  return (
    <section class="card" aria-labelledby={headingId}>
      <h2 id={headingId}>{shipment.heading}</h2>
      <p class="status">{shipment.statusText}</p>
      {shipment.reasonText ? <p class="warn">{shipment.reasonText}</p> : null}
      {shipment.late ? <p class="warn">{text.runningLate}</p> : null}
      {shipment.expected ? <p>{shipment.expected}</p> : null}
      {shipment.delivered ? <p>{shipment.delivered}</p> : null}
      {shipment.direction === 'outbound' ? <Stages text={text} shipment={shipment} /> : null}
      <p class="muted">
        {shipment.carrier} · <span translate="no">{shipment.trackingNumber}</span>
      </p>
      <h3>{text.history}</h3>
      {shipment.events.length === 0 ? (
        <p class="muted">{text.noEvents}</p>
      ) : (
        <ul class="timeline">
          {shipment.events.map((e) => (
            <li>
              <strong>{e.statusText}</strong>
              {e.carrierText ? (
                <>
                  <br />
                  <span class="ct">
                    {text.carrierSaid}: <q>{e.carrierText}</q>
                  </span>
                </>
              ) : null}
              <br />
              <span class="muted">
                {e.when}
                {e.place ? ` · ${e.place}` : ''}
              </span>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

export function MapFigure({ map, text }: { map: MapView; text: { mapCaption: string } }) {
  return (
    <figure>
      <svg class="map" viewBox={`0 0 ${FRAME.width} ${FRAME.height}`} width={String(FRAME.width)} height={String(FRAME.height)} role="img" aria-labelledby="map-title">
        <title id="map-title">{map.title}</title>
        {map.tiles.map((t) => (
          <image href={t.href} x={String(t.x)} y={String(t.y)} width={String(t.size)} height={String(t.size)} preserveAspectRatio="none" />
        ))}
        {map.land ? <path class="land" d={map.land} /> : null}
        {map.routes.map((r) => (
          <>
            {r.plan ? <path class="plan" d={r.plan} /> : null}
            <path class="route" d={r.d} stroke-dasharray={r.returning ? '2 6' : undefined} />
            {r.stops.map(([x, y], i) => (
              <circle cx={String(x)} cy={String(y)} r={i === r.stops.length - 1 ? '9' : '6'} class={i === r.stops.length - 1 ? 'here' : undefined} />
            ))}
          </>
        ))}
        {map.labels.map((l) => (
          <text x={String(l.x)} y={String(l.y)} text-anchor="middle" font-weight={l.here ? '700' : undefined}>{l.text}</text>
        ))}
      </svg>
      <figcaption>
        {text.mapCaption}
        {map.attribution ? ` · ${map.attribution}` : ''}
      </figcaption>
    </figure>
  );
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
      {view.map ? (
        <div class="card">
          <MapFigure map={view.map} text={text} />
        </div>
      ) : null}
      {view.shipments.map((s) => (
        <ShipmentCard text={text} shipment={s} />
      ))}
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
