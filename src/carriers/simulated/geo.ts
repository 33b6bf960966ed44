// Spherical geometry on a mean-radius Earth: good to about 0.5%, plenty for a simulated carrier.

export type LatLon = { lat: number; lon: number };

const EARTH_RADIUS_KM = 6371.0088;
const toRadians = (degrees: number) => (degrees * Math.PI) / 180;
const toDegrees = (radians: number) => (radians * 180) / Math.PI;

/** Great-circle (haversine) distance in kilometres. */
export function greatCircleKm(a: LatLon, b: LatLon): number {
  const dLat = toRadians(b.lat - a.lat);
  const dLon = toRadians(b.lon - a.lon);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a.lat)) * Math.cos(toRadians(b.lat)) * Math.sin(dLon / 2) ** 2;
  return 2 * EARTH_RADIUS_KM * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The point `fraction` of the way from a to b along the great circle (0 = a, 1 = b). */
export function pointAlongGreatCircle(a: LatLon, b: LatLon, fraction: number): LatLon {
  const angle = greatCircleKm(a, b) / EARTH_RADIUS_KM;
  if (angle < 1e-9) return { lat: a.lat, lon: a.lon };
  const wa = Math.sin((1 - fraction) * angle) / Math.sin(angle);
  const wb = Math.sin(fraction * angle) / Math.sin(angle);
  const [latA, lonA, latB, lonB] = [a.lat, a.lon, b.lat, b.lon].map(toRadians);
  const x = wa * Math.cos(latA) * Math.cos(lonA) + wb * Math.cos(latB) * Math.cos(lonB);
  const y = wa * Math.cos(latA) * Math.sin(lonA) + wb * Math.cos(latB) * Math.sin(lonB);
  const z = wa * Math.sin(latA) + wb * Math.sin(latB);
  return { lat: toDegrees(Math.atan2(z, Math.hypot(x, y))), lon: toDegrees(Math.atan2(y, x)) };
}
