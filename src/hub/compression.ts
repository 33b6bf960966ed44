// The tracking page goes out gzipped to browsers that take gzip (every phone browser does): a page
// of ten parcels is ~17 KB of HTML and ~3.5 KB gzipped, one round trip instead of two on a new
// connection, with no reverse proxy needed to get there. Only pages whose every word comes from
// Waybill, the brand and the carrier are compressed this way: a page that echoes what a visitor
// typed beside a secret (the lookup form's answers) could give the secret away through its
// compressed length (the BREACH attack), so those stay as they are.
import Negotiator from 'negotiator';
import { gzipSync } from 'node:zlib';

/** Below this a page fits in one packet either way, and compressing it only costs time. */
const WORTH_COMPRESSING = 1_400;

/** zlib's fastest level: every view of a page is compressed anew, so CPU counts more than the last few percent of bytes. */
const GZIP_LEVEL = 1;

/** Whether an Accept-Encoding header takes gzip (q=0 refuses it; `*` takes it). */
export function acceptsGzip(acceptEncoding: string | undefined): boolean {
  if (!acceptEncoding) return false;
  return new Negotiator({ headers: { 'accept-encoding': acceptEncoding } }).encodings(['gzip']).length > 0;
}

/** A page's body and the headers that go with it: gzipped when the browser takes it and it is worth it; Vary either way, as the answer depends on it. */
export function pageBody(html: string, acceptEncoding: string | undefined): { body: string | Uint8Array<ArrayBuffer>; headers: Record<string, string> } {
  if (html.length < WORTH_COMPRESSING || !acceptsGzip(acceptEncoding)) return { body: html, headers: { vary: 'accept-encoding' } };
  // zlib's Buffer is a Uint8Array view; the answer sends the view's bytes, so no copy is needed.
  return { body: gzipSync(html, { level: GZIP_LEVEL }) as Uint8Array<ArrayBuffer>, headers: { vary: 'accept-encoding', 'content-encoding': 'gzip' } };
}
