// Heavy packages loaded on first use. mjml, zipcodes, date-holidays, libphonenumber's metadata and
// the label drawing (pdfkit, bwip-js) together hold well over 100 MB once loaded; an API-only
// process that never renders an email, works out a recipient's time zone, estimates a delivery or
// draws a label never pays for them.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `require(specifier)` the first time the returned function is called, then the same module. */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
