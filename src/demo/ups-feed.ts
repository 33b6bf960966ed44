// The demo's UPS: an emulated UPS on loopback plays some demo parcels' journeys on the demo clock.
// Waybill connects the demo brand's UPS account to it and issues the brand's Track Alert client, so
// each scan is pushed to the demo server as UPS would (token from Waybill's token endpoint, then the
// event with x-api-key), and the parcels are polled as a safety net: push and polling, as with a
// real UPS account. GET /v1/carriers/polling shows the account.
import { saveConnection } from '../carriers/connections.js';
import { planJourney, type JourneyEvent, type Scenario } from '../carriers/simulated/journey.js';
import { DEFAULT_ORIGIN, localIso } from '../carriers/simulated/runtime.js';
import { startUpsEmulator, type UpsEmulatorActivity } from '../carriers/ups/emulator.js';
import type { Deps } from '../deps.js';
import type { BrandRow, OrderRow } from '../db/schema.js';
import { issueEndpoint, WEBHOOK_PATHS } from '../inbound/endpoints.js';
import { createShipment } from '../shipments/service.js';

export type DemoUpsFeed = {
  /** Ships the order with UPS: its journey's scans appear at UPS as their time comes. */
  ship(order: OrderRow, labelAt: Date, scenario: Scenario): Promise<void>;
  close(): Promise<void>;
};

export async function startDemoUpsFeed(deps: Deps, brand: BrandRow, serverUrl: string): Promise<DemoUpsFeed> {
  const ups = await startUpsEmulator({ clock: deps.clock, tokenTtlSeconds: 14_399 });
  await saveConnection(deps, brand.id, 'ups', { credentials: { clientId: ups.clientId, clientSecret: ups.clientSecret }, baseUrl: ups.url });
  const { reveal } = await issueEndpoint(deps, brand.id, 'ups_track_alert');
  ups.configureTrackAlert({ url: `${serverUrl}${WEBHOOK_PATHS.upsTrackAlert}`, tokenUrl: `${serverUrl}${WEBHOOK_PATHS.upsToken}`, clientId: reveal.clientId!, clientSecret: reveal.clientSecret! });

  let upcoming: Array<{ number: string; activity: UpsEmulatorActivity; atMs: number }> = [];
  let sequence = 0;
  const timer = setInterval(() => {
    const now = deps.clock.now().getTime();
    for (const due of upcoming.filter((u) => u.atMs <= now)) ups.addActivity(due.number, due.activity);
    upcoming = upcoming.filter((u) => u.atMs > now);
    ups.flushPushes().catch((error) => deps.log.warn({ err: error }, 'demo UPS push failed'));
  }, 1000);
  timer.unref();

  return {
    async ship(order, labelAt, scenario) {
      sequence += 1;
      const number = `1ZDEMO${String(sequence).padStart(12, '0')}`;
      const destination = JSON.parse(order.destination) as { city: string; region?: string; country: string };
      await createShipment({ ...deps, clock: { now: () => labelAt } }, brand, order.id, { carrier: 'ups', trackingNumber: number, direction: 'outbound' });
      const journey = planJourney({ seed: number, trackingNumber: number, origin: DEFAULT_ORIGIN, destination: { city: destination.city, region: destination.region ?? null, country: destination.country }, labelCreatedAt: labelAt.toISOString(), scenario });
      const activities = journey.events.map((event) => ({ number, activity: upsActivityOf(event), atMs: Date.parse(event.occurredAt) }));
      const now = deps.clock.now().getTime();
      ups.addShipment(number, { activities: activities.filter((a) => a.atMs <= now).map((a) => a.activity), scheduledDelivery: journey.estimatedDelivery.to.slice(0, 10) });
      upcoming.push(...activities.filter((a) => a.atMs > now));
    },
    async close() {
      clearInterval(timer);
      await ups.close();
    },
  };
}

/** A simulated scan in UPS's words: the type letter, 2-letter code and 3-digit status number that mean it. */
function upsActivityOf(event: JourneyEvent): UpsEmulatorActivity {
  const [type, code, statusCode] = UPS_CODES[event.delayed && event.status === 'in_transit' ? 'delayed' : event.status] ?? UPS_CODES.in_transit!;
  const { city, region, country } = event.location;
  return { at: localIso(event.occurredAt, event.location), type, code, statusCode, description: event.carrierText, location: { city, stateProvince: region ?? undefined, countryCode: country } };
}

const UPS_CODES: Record<string, [string, string, string]> = {
  info_received: ['M', 'MP', '003'],
  in_transit: ['I', 'AR', '005'],
  delayed: ['X', 'DJ', '046'],
  out_for_delivery: ['I', 'OT', '021'],
  attempt_failed: ['X', '48', '022'],
  available_for_pickup: ['D', 'ZP', '161'],
  delivered: ['D', 'FS', '011'],
  exception: ['X', 'ZZ', '013'],
  returning_to_sender: ['X', 'RS', '033'],
  returned: ['D', 'B0', '034'],
  cancelled: ['MV', 'VP', '007'],
};
