// Parcel journeys for the carriers-day simulation: deterministic (a seeded generator per parcel),
// each a list of scans with the status Waybill should read from them, written in each carrier's
// own codes for its emulator. Every parcel is active at the start (labelled before, delivered
// after); about 8% need a second delivery attempt.
const HOUR = 3_600_000;
export const CARRIERS = ['ups', 'fedex', 'usps', 'dhl'];

/** mulberry32: a small seeded generator, so a run can be repeated exactly. */
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const minute = (ms) => Math.round(ms / 60_000) * 60_000; // USPS prints minutes only

export function trackingNumberOf(carrier, i) {
  const digits = String(i).padStart(10, '0');
  if (carrier === 'ups') return `1ZSIM${digits.padStart(13, '0')}`;
  if (carrier === 'fedex') return `77${digits}`;
  if (carrier === 'usps') return `940011${digits.padStart(16, '0')}`;
  return `JJDSIM${digits}`;
}

/** Parcel i: its carrier, number and scans [{ at (ms), kind, status }], oldest first. */
export function journeyOf(i, startMs) {
  const rnd = random(i + 1);
  const carrier = CARRIERS[i % CARRIERS.length];
  const labelAt = minute(startMs - (0.5 + rnd() * 71.5) * HOUR);
  let deliveredAt = minute(startMs + (1 + rnd() * 95) * HOUR);
  if (deliveredAt - labelAt < 30 * HOUR) deliveredAt = labelAt + 30 * HOUR;
  const pickupAt = minute(labelAt + (2 + rnd() * 6) * HOUR);
  const lastOfd = minute(deliveredAt - (1 + rnd() * 6) * HOUR);
  // A failed first attempt the day before, when the journey is long enough to have one.
  const attempt = rnd() < 0.08 && lastOfd - 24 * HOUR > pickupAt + 2 * HOUR;
  const scans = [
    { at: labelAt, kind: 'label', status: 'info_received' },
    { at: pickupAt, kind: 'pickup', status: 'in_transit' },
  ];
  const firstOfd = attempt ? lastOfd - 24 * HOUR : lastOfd;
  for (let at = pickupAt + (5 + rnd() * 9) * HOUR, n = 0; at < firstOfd - HOUR; at += (5 + rnd() * 9) * HOUR, n++) {
    scans.push({ at: minute(at), kind: n % 2 === 0 ? 'arrived' : 'departed', status: 'in_transit' });
  }
  if (attempt) {
    scans.push({ at: firstOfd, kind: 'out_for_delivery', status: 'out_for_delivery' });
    scans.push({ at: minute(firstOfd + (1 + rnd() * 5) * HOUR), kind: 'attempt', status: 'attempt_failed' });
  }
  scans.push({ at: lastOfd, kind: 'out_for_delivery', status: 'out_for_delivery' });
  scans.push({ at: deliveredAt, kind: 'delivered', status: 'delivered' });
  return { carrier, trackingNumber: trackingNumberOf(carrier, i), scans, deliveryDay: new Date(deliveredAt).toISOString().slice(0, 10) };
}

// ---- each carrier's words for a scan ----------------------------------------------------------

const UPS = {
  label: { type: 'M', code: 'MP', statusCode: '003', description: 'Shipper created a label, UPS has not received the package yet.' },
  pickup: { type: 'I', code: 'PU', statusCode: '038', description: 'Pickup Scan' },
  arrived: { type: 'I', code: 'AR', statusCode: '005', description: 'Arrived at Facility' },
  departed: { type: 'I', code: 'DP', statusCode: '005', description: 'Departed from Facility' },
  out_for_delivery: { type: 'I', code: 'OT', statusCode: '021', description: 'Out For Delivery Today' },
  attempt: { type: 'X', code: '48', statusCode: '022', description: 'The receiver was not available for delivery.' },
  delivered: { type: 'D', code: 'FS', statusCode: '011', description: 'DELIVERED' },
};
const FEDEX = {
  label: ['OC', 'Shipment information sent to FedEx'],
  pickup: ['PU', 'Picked up'],
  arrived: ['AR', 'Arrived at FedEx location'],
  departed: ['DP', 'Departed FedEx location'],
  out_for_delivery: ['OD', 'On FedEx vehicle for delivery'],
  attempt: ['DE', 'Delivery exception: customer not available or business closed'],
  delivered: ['DL', 'Delivered'],
};
const USPS = { label: 'GX', pickup: '03', arrived: '10', departed: 'T1', out_for_delivery: 'OF', attempt: '02', delivered: '01' };
const DHL = {
  label: ['pre-transit', 'The instruction data for this shipment have been provided by the sender to DHL electronically'],
  pickup: ['transit', 'The shipment has been picked up'],
  arrived: ['transit', 'The shipment has been processed in the parcel center'],
  departed: ['transit', 'The shipment has left the parcel center'],
  out_for_delivery: ['transit', 'The shipment has been loaded onto the delivery vehicle'],
  attempt: ['failure', 'The recipient was not present. A notification card was left'],
  delivered: ['delivered', 'The shipment has been delivered'],
};

const iso = (ms) => new Date(ms).toISOString();
/** A US Eastern wall time with its offset (March: -05:00), as UPS and FedEx print them. */
const eastern = (ms) => `${new Date(ms - 5 * HOUR).toISOString().slice(0, 19)}-05:00`;

/** The emulator's representation of one scan. */
export function carrierEvent(carrier, scan) {
  if (carrier === 'ups') return { at: eastern(scan.at), ...UPS[scan.kind], location: { city: 'Atlanta', stateProvince: 'GA', countryCode: 'US' } };
  if (carrier === 'fedex') {
    const [eventType, eventDescription] = FEDEX[scan.kind];
    return { at: eastern(scan.at), eventType, eventDescription, location: { city: 'Memphis', stateOrProvinceCode: 'TN', countryCode: 'US' } };
  }
  if (carrier === 'usps') return { code: USPS[scan.kind], at: iso(scan.at), city: 'Columbus', state: 'OH', zip: '43215' };
  const [statusCode, description] = DHL[scan.kind];
  return { statusCode, at: iso(scan.at), description };
}

/** The emulator's shipment record for a journey, with only the scans up to `untilMs`. */
export function carrierShipment(journey, untilMs) {
  const events = journey.scans.filter((s) => s.at <= untilMs).map((s) => carrierEvent(journey.carrier, s));
  switch (journey.carrier) {
    case 'ups':
      return { activities: events, scheduledDelivery: journey.deliveryDay };
    case 'fedex':
      return { events, estimatedDelivery: `${journey.deliveryDay}T23:59:00-05:00`, deliveryAttempts: journey.scans.some((s) => s.kind === 'attempt' && s.at <= untilMs) ? 1 : 0 };
    case 'usps':
      return { events, expectedDeliveryDate: journey.deliveryDay };
    default:
      return { events, estimatedTimeOfDelivery: `${journey.deliveryDay}T18:00:00Z` };
  }
}
