// Which facilities a parcel passes through: a local facility, hubs roughly along the great circle,
// gateways when it crosses a border, and a delivery station. Deterministic: a lane always takes the
// same route, as it would in a real carrier's network.
import { greatCircleKm, hubCities, nearestHub, pointAlongGreatCircle, type City, type LatLon } from './cities.js';

export type FacilityRole = 'origin_facility' | 'hub' | 'export_gateway' | 'import_gateway' | 'delivery_station';
export type RouteStop = { city: City; role: FacilityRole };
export type Route = {
  origin: City;
  destination: City;
  international: boolean;
  /** In the order the parcel visits them; the first is where it is first scanned after pickup. */
  stops: RouteStop[];
  /** Great-circle distance origin to destination. */
  distanceKm: number;
  /** How the parcel crosses the border between its gateways, when it does. */
  crossing: 'road' | 'air' | null;
};

/** A town this close to its hub is served by the hub itself rather than a facility of its own. */
export const LOCAL_FACILITY_RADIUS_KM = 40;
/** One intermediate hub per this many kilometres between the first and last hub (at most 3). */
const KM_PER_INTERMEDIATE_HUB = 900;
const MAX_INTERMEDIATE_HUBS = 3;
/** An intermediate hub may lengthen the remaining distance by at most this share... */
const MAX_DETOUR = 0.15;
/** ...and lie at most this share of the spacing between waypoints away from its waypoint. */
const MAX_OFF_WAYPOINT = 0.4;
/**
 * International parcels this far apart fly, leaving and entering through hubs of a million people;
 * nearer ones go by road, through whichever hubs make the shortest path.
 */
export const AIR_CROSSING_MIN_KM = 1500;
const AIR_GATEWAY_MIN_POPULATION = 1_000_000;

export function planRoute(origin: City, destination: City): Route {
  const international = origin.country !== destination.country;
  const stops: RouteStop[] = [];
  const add = (city: City, role: FacilityRole) => {
    const last = stops[stops.length - 1];
    if (last && last.city.geonameId === city.geonameId) {
      // One building plays both parts; the border-crossing part is the one worth showing.
      if (role === 'export_gateway' || role === 'import_gateway') last.role = role;
      return;
    }
    stops.push({ city, role });
  };

  const distanceKm = greatCircleKm(origin, destination);
  const crossing = !international ? null : distanceKm >= AIR_CROSSING_MIN_KM ? 'air' : 'road';
  const exportGateway = crossing ? chooseGateway(origin.country, origin, destination, crossing) : undefined;
  const importGateway = crossing && exportGateway ? chooseGateway(destination.country, exportGateway, destination, crossing) : undefined;
  const originHub = servingHub(origin, exportGateway ?? destination);
  const destinationHub = servingHub(destination, importGateway ?? origin);

  if (greatCircleKm(origin, originHub) > LOCAL_FACILITY_RADIUS_KM) add(origin, 'origin_facility');
  add(originHub, stops.length === 0 ? 'origin_facility' : 'hub');
  if (exportGateway && importGateway) {
    for (const hub of hubsBetween(originHub, exportGateway)) add(hub, 'hub');
    add(exportGateway, 'export_gateway');
    add(importGateway, 'import_gateway');
    for (const hub of hubsBetween(importGateway, destinationHub)) add(hub, 'hub');
  } else {
    for (const hub of hubsBetween(originHub, destinationHub)) add(hub, 'hub');
  }
  add(destinationHub, 'hub');
  // A destination near its hub is delivered from the hub (which keeps its role: it may be a gateway).
  if (greatCircleKm(destination, destinationHub) > LOCAL_FACILITY_RADIUS_KM) add(destination, 'delivery_station');

  return { origin, destination, international, stops, distanceKm, crossing };
}

/**
 * Hubs near evenly spaced points of the great circle from `from` to `to` (both excluded), skipping
 * any that would send the parcel sideways or backwards.
 */
export function hubsBetween(from: City, to: City): City[] {
  const totalKm = greatCircleKm(from, to);
  const count = Math.min(MAX_INTERMEDIATE_HUBS, Math.floor(totalKm / KM_PER_INTERMEDIATE_HUB));
  const candidates = hubCities(from.country).filter((hub) => hub.geonameId !== from.geonameId && hub.geonameId !== to.geonameId);
  const chosen: City[] = [];
  let previous = from;
  const maxOffKm = (MAX_OFF_WAYPOINT * totalKm) / (count + 1);
  for (let n = 1; n <= count; n++) {
    const waypoint = pointAlongGreatCircle(from, to, n / (count + 1));
    const remainingKm = greatCircleKm(previous, to);
    const acceptable = candidates.filter(
      (hub) =>
        !chosen.includes(hub) &&
        greatCircleKm(hub, waypoint) <= maxOffKm &&
        greatCircleKm(hub, to) < remainingKm &&
        greatCircleKm(previous, hub) + greatCircleKm(hub, to) <= remainingKm * (1 + MAX_DETOUR),
    );
    const best = closestTo(waypoint, acceptable);
    if (best) {
      chosen.push(best);
      previous = best;
    }
  }
  return chosen;
}

/**
 * The hub that handles a place's parcels: among the hubs not much farther than its nearest one,
 * the one on the shortest path towards `towards` (so Thunder Bay ships east via Toronto, not
 * west via Winnipeg, when the parcel is going east).
 */
export function servingHub(place: City, towards: LatLon): City {
  const local = hubCities(place.country);
  const hubs = local.length > 0 ? local : [nearestHub(place.lat, place.lon)];
  const nearestKm = Math.min(...hubs.map((hub) => greatCircleKm(place, hub)));
  const reachKm = nearestKm * 1.6 + 100;
  return shortestVia(place, hubs.filter((hub) => greatCircleKm(place, hub) <= reachKm), towards);
}

function chooseGateway(country: string, from: City, to: LatLon, crossing: 'road' | 'air'): City {
  const hubs = hubCities(country);
  const airports = hubs.filter((hub) => hub.population >= AIR_GATEWAY_MIN_POPULATION);
  const candidates = crossing === 'road' ? hubs : airports.length > 0 ? airports : hubs.slice(0, 1);
  if (candidates.length === 0) return nearestHub(from.lat, from.lon, country);
  return shortestVia(from, candidates, to);
}

/** The candidate that makes `from` → candidate → `to` shortest. */
function shortestVia(from: LatLon, candidates: readonly City[], to: LatLon): City {
  const viaKm = (hub: City) => greatCircleKm(from, hub) + greatCircleKm(hub, to);
  return candidates.reduce((best, hub) => (viaKm(hub) < viaKm(best) ? hub : best));
}

function closestTo(point: { lat: number; lon: number }, cities: City[]): City | undefined {
  let best: City | undefined;
  let bestKm = Infinity;
  for (const city of cities) {
    const km = greatCircleKm(point, city);
    if (km < bestKm) [best, bestKm] = [city, km];
  }
  return best;
}
