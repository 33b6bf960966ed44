// The interactive map's files, served by Waybill from the page's own host (no third-party request):
// Leaflet (npm `leaflet`, BSD-2-Clause, its LICENSE served beside it) under its version, and the
// page's own script under its content's digest, so an address always means the same bytes and is
// cached for good. Read from disk once, when the hub's routes are made; compressed on first request.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

/** A file served as it is, or gzipped for a browser that takes it (`gzipped`, made on first use). */
export type StaticAsset = { bytes: Buffer; type: string; gzipped?: () => Buffer };

export type MapAssets = {
  /** Path → file, for the routes. */
  files: ReadonlyMap<string, StaticAsset>;
  /** What a page with the interactive map adds to its head: nothing here blocks the first render. */
  head: string;
};

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '': 'text/plain; charset=utf-8',
};

// Compressing Leaflet and its source map at level 9 takes ~40 ms: done for the first browser that
// asks for each file, not at every process's start-up.
const asset = (bytes: Buffer, name: string): StaticAsset => {
  let gzip: Buffer | undefined;
  return { bytes, type: TYPES[path.extname(name)] ?? 'application/octet-stream', gzipped: () => (gzip ??= gzipSync(bytes, { level: 9 })) };
};

/**
 * The content security policy of a page with the interactive map: scripts from the page's own host
 * (Leaflet and the map's, never inline) and Leaflet's stylesheet from there too; the tiles are
 * images from https, which the policy already allows. Every other directive stays as it is.
 */
export function withMapScripts(csp: string): string {
  if (!csp.includes("style-src 'unsafe-inline'")) throw new Error(`withMapScripts: expected style-src 'unsafe-inline' in ${csp}`);
  return csp.replace("style-src 'unsafe-inline'", "script-src 'self'; style-src 'self' 'unsafe-inline'");
}

// tsc does not copy .js files to dist/, and this path is the same from src/hub/ and dist/hub/.
const SCRIPT = new URL('../../src/hub/assets/live-map.js', import.meta.url);

let loaded: MapAssets | undefined;

export function mapAssets(): MapAssets {
  if (loaded) return loaded;
  const leaflet = path.dirname(createRequire(import.meta.url).resolve('leaflet/package.json'));
  const { version } = JSON.parse(readFileSync(path.join(leaflet, 'package.json'), 'utf8')) as { version: string };
  const lib = `/hub-assets/lib/leaflet-${version}`;
  const files = new Map<string, StaticAsset>();
  for (const name of ['leaflet.js', 'leaflet.js.map', 'leaflet.css']) files.set(`${lib}/${name}`, asset(readFileSync(path.join(leaflet, 'dist', name)), name));
  files.set(`${lib}/LICENSE`, asset(readFileSync(path.join(leaflet, 'LICENSE')), 'LICENSE'));
  const ours = readFileSync(SCRIPT);
  const script = `/hub-assets/live-map-${createHash('sha256').update(ours).digest('base64url').slice(0, 12)}.js`;
  files.set(script, asset(ours, script));
  // Leaflet's stylesheet is only preloaded: the script makes it a stylesheet once it runs, so a
  // page without JavaScript never waits for it.
  const head =
    `<link rel="preload" href="${lib}/leaflet.css" as="style"/><script defer src="${lib}/leaflet.js"></script><script defer src="${script}"></script>` +
    '<style>.map.leaflet-container{font:.8rem/1.4 var(--font)}.map.leaflet-container:focus-visible{outline:3px solid var(--link);outline-offset:2px}</style>';
  loaded = { files, head };
  return loaded;
}
