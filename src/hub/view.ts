// From stored rows to what a tracking page shows, in the customer's language: pure. The HTML page
// and the public JSON are both drawn from this view, so neither can show more than the other.
// Nothing personal goes in: no street, no name, no phone, no email.
import { carrierWordsShown } from './carrier-words.js';
import { type ExceptionReason, isEnRoute, isTerminal, type ShipmentStatus } from '../shipments/vocabulary.js';
import { windowEndMs } from '../lib/time.js';
import { stageIndex } from '../web/status-text.js';
import { carrierName, type Destination, destinationZone, formatDay, formatMoney, formatTime, formatWindow, placeText } from './format.js';
import { fill, type HubLanguage, type HubText, HUB_TEXT, reasonWords, statusWords } from './i18n/index.js';
import { boundsOf, dateLineCut, type Frame, FRAME, frameAroundProjected, geocode, geocodeDestination, landPath, type LatLon, latLon, latLonPastCut, type LiveMap, pastCut, type Place, project, type Tile, tilesFor, toFrame } from './map.js';
import type { PageEvent, PageOrder, PageReturn, PageShipment, PageUpdate } from './order-data.js';
import type { CompiledTheme } from './theme.js';

export type EventView = { status: string; statusText: string; carrierText: string | null; occurredAt: string | null; when: string; place: string };
export type ShipmentView = {
  id: string;
  direction: 'outbound' | 'return';
  heading: string;
  status: string;
  statusText: string;
  reasonText: string | null;
  late: boolean;
  expected: string | null;
  delivered: string | null;
  stage: number;
  carrier: string;
  trackingNumber: string;
  events: EventView[];
};
export type ReturnView = { id: string; rma: string; state: string; stateText: string; items: Array<{ name: string; quantity: number }>; reasonText: string; detail: string | null; hasLabel: boolean };
export type MapRoute = { d: string; stops: Array<[number, number]>; returning: boolean; plan: string | null };
export type MapView = {
  title: string;
  land: string;
  tiles: Tile[];
  attribution: string | null;
  routes: MapRoute[];
  labels: Array<{ x: number; y: number; text: string; here: boolean }>;
  /** With the brand's tile server: the same path for the interactive map (the SVG stays, without script or when it fails). */
  live: LiveMap | null;
};

export type OrderView = {
  language: HubLanguage;
  text: HubText;
  number: string;
  placed: string;
  goingTo: string;
  items: Array<{ sku: string; name: string; quantity: number }>;
  orderExpected: string | null;
  shipments: ShipmentView[];
  updates: Array<{ text: string; imageUrl: string | null; when: string }>;
  returns: ReturnView[];
  map: MapView | null;
};

/** `now` on Waybill's clock: a window already over is said to be late, as the "running late" email says. */
export function buildOrderView(input: { order: PageOrder; shipments: PageShipment[]; updates: PageUpdate[]; returns: PageReturn[]; language: HubLanguage; theme: CompiledTheme; now: Date }): OrderView {
  const { order, language } = input;
  const text = HUB_TEXT[language];
  const destination = JSON.parse(order.destination) as Destination;
  const zone = destinationZone(destination);
  const outbound = input.shipments.filter((s) => s.direction !== 'return');
  const items = (JSON.parse(order.items) as Array<{ sku: string; name: string; quantity: number }>).map(({ sku, name, quantity }) => ({ sku, name, quantity }));
  return {
    language,
    text,
    number: order.number,
    placed: fill(text.placedOn, { date: formatDay(order.placed_at, language, zone) }),
    goingTo: fill(text.goingTo, { place: placeText(destination) }),
    items,
    orderExpected:
      outbound.length === 0 && order.estimated_from && order.estimated_to
        ? fill(windowPassed(order.estimated_to, input.now) ? text.wasExpected : text.expected, { window: formatWindow(order.estimated_from, order.estimated_to, language, zone) })
        : null,
    shipments: input.shipments.map((s) => shipmentView(s, { language, zone, index: outbound.indexOf(s), total: outbound.length, now: input.now })),
    updates: input.updates.map((u) => ({ text: u.text, imageUrl: u.imageUrl && /^https?:\/\//i.test(u.imageUrl) ? u.imageUrl : null, when: formatTime(u.createdAt, language, zone) })),
    returns: input.returns.map((r) => returnView(r, input.shipments, language)),
    map: mapView(input.shipments, destination, text, input.theme),
  };
}

/** The window has ended with the parcel not there yet (read as the "late" and "ahead of schedule" messages read it). */
export function windowPassed(to: string, now: Date): boolean {
  const end = windowEndMs(to);
  return Number.isFinite(end) && end < now.getTime();
}

export function shipmentView(s: PageShipment, options: { language: HubLanguage; zone: string; index: number; total: number; now: Date }): ShipmentView {
  const { language, zone } = options;
  const text = HUB_TEXT[language];
  const statuses = statusWords(language);
  const status = s.status as ShipmentStatus;
  const reason = s.reason as ExceptionReason | null;
  const returning = s.direction === 'return';
  const overdue = s.estimated_to !== null && isEnRoute(status) && windowPassed(s.estimated_to, options.now);
  return {
    id: s.id,
    direction: returning ? 'return' : 'outbound',
    heading: returning ? text.returnParcel : options.total > 1 ? fill(text.parcelOf, { index: options.index + 1, total: options.total }) : text.yourParcel,
    status,
    statusText: statuses[status] ?? status,
    reasonText: reason ? fill(text.because, { reason: reasonWords(language)[reason] ?? reason }) : null,
    // Late by the carrier's flag, or by a window that has ended with the parcel still on its way (Waybill's own watch emails it).
    late: !reason && !isTerminal(status) && (s.delayed === 1 || overdue),
    expected: s.estimated_from && s.estimated_to && !isTerminal(status) ? fill(overdue ? text.wasExpected : text.expected, { window: formatWindow(s.estimated_from, s.estimated_to, language, zone) }) : null,
    delivered: status === 'delivered' && s.status_changed_at ? fill(text.deliveredOn, { date: formatDay(deliveredAt(s) ?? s.status_changed_at, language, zone) }) : null,
    stage: stageIndex(status),
    carrier: carrierName(s.carrier),
    trackingNumber: s.tracking_number,
    events: [...s.events].reverse().map((e) => eventView(e, language, zone)),
  };
}

const deliveredAt = (s: PageShipment) => [...s.events].reverse().find((e) => e.status === 'delivered')?.occurredAt ?? null;

/** A place on a page: its words, its label on the map, its point projected onto the world and as latitude and longitude (or null). */
type Located = { text: string; label: string; xy: [number, number] | null; at: LatLon | null };
const locations = new Map<string, Located>();

/** A scan's place as stored (JSON): its words and its point, worked out once per distinct place. */
function located(raw: string): Located {
  let hit = locations.get(raw);
  if (!hit) {
    const place = JSON.parse(raw) as Place;
    const point = geocode(place);
    hit = { text: placeText(place), label: place.city ?? placeText(place), xy: point ? project(point.lat, point.lon) : null, at: point ? latLon(point) : null };
    if (locations.size > 50_000) locations.clear();
    locations.set(raw, hit);
  }
  return hit;
}

function eventView(e: PageEvent, language: HubLanguage, zone: string): EventView {
  return {
    status: e.status,
    statusText: statusWords(language)[e.status as ShipmentStatus] ?? e.status,
    carrierText: e.carrierText === null ? null : carrierWordsShown(e.carrierText),
    occurredAt: e.occurredAt,
    when: e.occurredAt ? formatTime(e.occurredAt, language, zone) : HUB_TEXT[language].timeUnknown,
    place: e.location ? located(e.location).text : '',
  };
}

/**
 * What an approved return's parcel says to the customer: not scanned yet (null: the return's own
 * state), carried towards the brand, or carried back to its sender, the customer. Pure.
 */
export function returnParcelState(status: string): 'in_transit' | 'sent_back' | null {
  if (['pending', 'info_received', 'cancelled'].includes(status)) return null;
  return ['returning_to_sender', 'returned'].includes(status) ? 'sent_back' : 'in_transit';
}

function returnView(r: PageReturn, shipments: PageShipment[], language: HubLanguage): ReturnView {
  const text = HUB_TEXT[language];
  const shipment = r.shipmentId ? shipments.find((s) => s.id === r.shipmentId) : undefined;
  const state = r.state === 'approved' && shipment ? (returnParcelState(shipment.status) ?? r.state) : r.state;
  const detail =
    r.state === 'rejected' && r.rejectionReason
      ? fill(text.rejectedBecause, { reason: r.rejectionReason })
      : r.state === 'refunded' && r.refundAmount !== null
        ? fill(text.refundOf, { amount: formatMoney(r.refundAmount, r.refundCurrency ?? 'USD', language) })
        : r.state === 'approved' && !r.shipmentId
          ? text.labelComing
          : null;
  return {
    id: r.id,
    rma: r.rma,
    state,
    stateText: text.returnStates[state as keyof HubText['returnStates']] ?? state,
    items: r.items.map(({ name, quantity }) => ({ name, quantity })),
    reasonText: text.reasons[r.reason] ?? r.reason,
    detail,
    // A label whose parcel came back has been used: the brand sends what comes next.
    hasLabel: r.shipmentId !== null && r.state === 'approved' && state !== 'sent_back',
  };
}

type Stop = Located & { xy: [number, number]; at: LatLon };

/** The scans of a parcel that have a place on the map, oldest first. */
function stopsOf(s: PageShipment): Stop[] {
  const stops: Stop[] = [];
  for (const e of s.events) {
    if (!e.location) continue;
    const place = located(e.location);
    if (place.xy) stops.push(place as Stop);
  }
  return stops;
}

/** One map for the whole order: each parcel's scans joined in time order, the rest of the way dashed. */
function mapView(shipments: PageShipment[], destination: Destination, text: HubText, theme: CompiledTheme): MapView | null {
  const located = shipments.map((s) => ({ s, points: stopsOf(s) })).filter((x) => x.points.length > 0);
  if (located.length === 0) return null;
  const geocodedHome = geocodeDestination(destination);
  const geocodedXY = geocodedHome ? project(geocodedHome.lat, geocodedHome.lon) : null;
  const scanXs = located.flatMap((x) => x.points.map((p) => p.xy[0]));
  const cut = dateLineCut(geocodedXY ? [...scanXs, geocodedXY[0]] : scanXs);
  if (cut !== null) {
    for (const parcel of located) parcel.points = parcel.points.map((p) => ({ ...p, xy: pastCut(cut, p.xy), at: latLonPastCut(cut, p.xy, p.at) }));
  }
  const homeXY = geocodedXY && pastCut(cut, geocodedXY);
  const home = geocodedHome && geocodedXY ? latLonPastCut(cut, geocodedXY, latLon(geocodedHome)) : null;
  const all = located.flatMap((x) => x.points);
  const allXY = all.map((p) => p.xy);
  const frame: Frame = frameAroundProjected(homeXY ? [...allXY, homeXY] : allXY);
  const target = homeXY ? toFrame(frame, homeXY[0], homeXY[1]) : null;
  const routes: MapRoute[] = located.map(({ s, points }) => {
    const xy = dedupe(points.map((p) => toFrame(frame, p.xy[0], p.xy[1])));
    const last = xy[xy.length - 1]!;
    const done = s.status === 'delivered' || s.status === 'returned';
    const goal = s.direction === 'return' ? null : target;
    return {
      d: xy.map(([x, y], i) => `${i ? 'L' : 'M'}${x} ${y}`).join(''),
      stops: xy,
      returning: s.direction === 'return',
      plan: !done && goal ? `M${last[0]} ${last[1]}L${round(goal[0])} ${round(goal[1])}` : null,
    };
  });
  const first = all[0]!;
  const latest = located[0]!.points[located[0]!.points.length - 1]!;
  const named = [{ stop: first, here: false }, ...(latest.label !== first.label ? [{ stop: latest, here: true }] : [])];
  const labels = named.map(({ stop, here }) => ({ ...at(frame, stop), text: stop.label, here }));
  return {
    title: fill(text.mapTitle, { from: first.label, to: placeText(destination) }),
    land: theme.map ? '' : landPath(frame),
    tiles: theme.map ? tilesFor(frame, theme.map.tileUrl) : [],
    attribution: theme.map?.attribution ?? null,
    routes,
    labels,
    live: theme.map ? liveMap(located, home, named, text, theme.map) : null,
  };
}

/** The interactive map's data: each parcel's scans as latitudes and longitudes (repeats in a row dropped), the rest of the way to the destination while it travels. */
function liveMap(
  parcels: Array<{ s: PageShipment; points: Stop[] }>,
  home: LatLon | null,
  named: Array<{ stop: Stop; here: boolean }>,
  text: HubText,
  tiles: { tileUrl: string; attribution: string },
): LiveMap {
  const routes = parcels.map(({ s, points }) => {
    const path = points.map((p) => p.at).filter((p, i, all) => i === 0 || p[0] !== all[i - 1]![0] || p[1] !== all[i - 1]![1]);
    const done = s.status === 'delivered' || s.status === 'returned';
    const returning = s.direction === 'return';
    return { points: path, returning, goal: !done && !returning ? home : null };
  });
  const everything = routes.flatMap((r) => r.points);
  return {
    tileUrl: tiles.tileUrl,
    attribution: tiles.attribution,
    bounds: boundsOf(home ? [...everything, home] : everything),
    routes,
    labels: named.map(({ stop, here }) => ({ at: stop.at, text: stop.label, here })),
    zoomIn: text.mapZoomIn,
    zoomOut: text.mapZoomOut,
    keys: text.mapKeys,
  };
}

const round = (n: number) => Math.round(n);

function at(frame: Frame, p: Stop) {
  const [x, y] = toFrame(frame, p.xy[0], p.xy[1]);
  return { x: Math.max(60, Math.min(FRAME.width - 60, round(x))), y: Math.max(22, Math.min(FRAME.height - 8, round(y) - 14)) };
}

function dedupe(points: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [x, y] of points) {
    const p: [number, number] = [round(x), round(y)];
    const last = out[out.length - 1];
    if (!last || last[0] !== p[0] || last[1] !== p[1]) out.push(p);
  }
  return out;
}
