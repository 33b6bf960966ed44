// The demo's orders: placed, packed for a while, shipped. The newest order is always the one being
// packed (no label yet) and ships when the next one arrives, so every order ships within one
// arrival interval and the "being packed" stage stays on screen while orders keep coming.
import type { Scenario } from '../carriers/simulated/journey.js';
import type { BrandRow, OrderRow } from '../db/schema.js';
import type { Deps } from '../deps.js';
import type { CreateOrderInput } from '../api/schemas.js';
import { getBrand } from '../brands/repo.js';
import { settingsOf } from '../brands/settings.js';
import { decideCarrier, shipmentFacts } from '../labels/decide.js';
import { createOrder } from '../orders/service.js';
import { createShipment } from '../shipments/service.js';
import { DEMO_CUSTOMERS, DEMO_ITEMS, DEMO_SCENARIOS } from './data.js';

/** A demo order and its place in the rotation of customers, items, journeys and carriers. */
export type DemoOrder = { order: OrderRow; sequence: number };

/** Ships an order with the emulated UPS instead of the simulated carrier. */
export type UpsShipper = (order: OrderRow, labelAt: Date, scenario: Scenario) => Promise<void>;

/**
 * When the seeded orders were placed, in hours before the start: over the last simulated week, so
 * every stage is on screen at once. Oldest first, so their numbers grow with time as a shop's do.
 */
export const SEEDED_HOURS_AGO = [190, 150, 120, 96, 78, 64, 52, 40, 30, 22, 14, 6, 2, 0] as const;

/** Live orders are numbered from here on (NW-11001…), after the seeded NW-10001…NW-10014 (the newest). */
const FIRST_LIVE_SEQUENCE = 1001;

const HOUR_MS = 3_600_000;

export const demoCustomer = (sequence: number) => DEMO_CUSTOMERS[sequence % DEMO_CUSTOMERS.length]!;

/** The order the demo places as its `sequence`th, at `placedAt`. */
export function demoOrderInput(sequence: number, placedAt: Date): CreateOrderInput {
  const customer = demoCustomer(sequence);
  const items = [DEMO_ITEMS[sequence % DEMO_ITEMS.length]!, ...(sequence % 3 === 0 ? [DEMO_ITEMS[(sequence + 2) % DEMO_ITEMS.length]!] : [])];
  return {
    number: `NW-${String(10000 + sequence)}`,
    // Every demo customer agreed to texts, so the SMS side of the story shows too.
    customer: { email: customer.email, name: customer.name, locale: customer.locale, phone: customer.phone, smsConsent: true },
    destination: customer.destination,
    items,
    placedAt: placedAt.toISOString(),
  };
}

/** The journey a demo parcel plays. Customs holds happen only abroad: the customer in Canada gets one. */
export const demoScenario = (sequence: number): Scenario =>
  demoCustomer(sequence).destination.country === 'US' ? DEMO_SCENARIOS[sequence % DEMO_SCENARIOS.length]! : 'customs_hold';

/** One parcel in four goes with the emulated UPS. */
export const shipsWithUps = (sequence: number, scenario: Scenario) => sequence % 4 === 2 && scenario !== 'customs_hold';

/**
 * One arrival: the order being packed ships, and the next order arrives to be packed in its place,
 * until `maxOrders` have arrived (the tick after that ships the last one, and nothing is left to do).
 */
export function arrivalTick(arrived: number, maxOrders: number, packing: DemoOrder | undefined): { ship: DemoOrder | undefined; place: number | undefined } {
  return { ship: packing, place: arrived < maxOrders ? FIRST_LIVE_SEQUENCE + arrived : undefined };
}

export async function placeDemoOrder(deps: Deps, brand: BrandRow, sequence: number, placedAt: Date): Promise<DemoOrder> {
  const { order } = await createOrder(deps, brand, demoOrderInput(sequence, placedAt));
  return { order, sequence };
}

/** Buys the label at `labelAt` (the simulated carrier's 4×6 PDF, stored with the shipment), or hands the parcel to UPS. */
export async function shipDemoOrder(deps: Deps, brand: BrandRow, { order, sequence }: DemoOrder, labelAt: Date, ups: UpsShipper): Promise<void> {
  const scenario = demoScenario(sequence);
  if (shipsWithUps(sequence, scenario)) return ups(order, labelAt, scenario);
  // No carrier named, so the brand's routing rule or its default chooses, unless that is no longer the simulated carrier.
  const carrier = await demoCarrierFor(deps, brand, order);
  await createShipment({ ...deps, clock: { now: () => labelAt } }, brand, order.id, { label: true, direction: 'outbound', scenario, ...carrier });
}

/**
 * The demo's parcels move through the simulated carrier, whatever the brand's routing now says: a
 * user trying docs/labels.md with the demo's key may have made UPS the default, and the demo's
 * journeys (and its `scenario`) exist only on the simulated carrier. Then it names the carrier.
 */
async function demoCarrierFor(deps: Deps, brand: BrandRow, order: OrderRow): Promise<{ carrier?: 'simulated' }> {
  const current = (await getBrand(deps.db, brand.id)) ?? brand;
  const facts = shipmentFacts({ destination: JSON.parse(order.destination), parcel: settingsOf(current).shipping?.defaultParcel });
  const choice = await decideCarrier(deps, current, {}, facts).catch(() => null);
  return choice?.carrier === 'simulated' ? {} : { carrier: 'simulated' };
}

/** Places the seeded orders; each shipped an hour after it was placed, but the newest, which is returned still being packed. */
export async function seedDemoOrders(deps: Deps, brand: BrandRow, ups: UpsShipper): Promise<DemoOrder> {
  const now = deps.clock.now().getTime();
  let newest: DemoOrder | undefined;
  for (const [i, hoursAgo] of SEEDED_HOURS_AGO.entries()) {
    const placedAt = now - hoursAgo * HOUR_MS;
    const placed = await placeDemoOrder(deps, brand, i + 1, new Date(placedAt));
    if (hoursAgo === 0) newest = placed;
    else await shipDemoOrder(deps, brand, placed, new Date(placedAt + HOUR_MS), ups);
  }
  return newest!;
}

/** Every `everyMs` (real time), an arrival tick (arrivalTick). Returns the stop function. */
export function startDemoArrivals(deps: Deps, brand: BrandRow, packing: DemoOrder | undefined, options: { everyMs: number; maxOrders: number; ups: UpsShipper }): () => void {
  let arrived = 0;
  let busy = false;
  const tick = async () => {
    const step = arrivalTick(arrived, options.maxOrders, packing);
    if (!step.ship && step.place === undefined) return clearInterval(timer);
    const now = deps.clock.now();
    if (step.place !== undefined) arrived += 1; // counted even when it fails, so a failing order is not retried for ever
    // The new order first, then the packed one ships: an order is always being packed.
    packing = step.place === undefined ? undefined : await placeDemoOrder(deps, brand, step.place, now);
    if (step.ship) await shipDemoOrder(deps, brand, step.ship, now, options.ups);
  };
  const timer = setInterval(() => {
    if (busy) return; // a slow tick (a label, a busy database) is not overtaken by the next one
    busy = true;
    tick()
      .catch((error) => deps.log.warn({ err: error }, 'demo order failed'))
      .finally(() => (busy = false));
  }, options.everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
