// Heavy packages loaded on first use. mjml, zipcodes, date-holidays and libphonenumber's metadata
// together hold well over 100 MB once loaded; an API-only process that never renders an email,
// works out a recipient's time zone or estimates a delivery never pays for them.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** `require(specifier)` the first time the returned function is called, then the same module. */
export function lazyModule<T>(specifier: string): () => T {
  let loaded: T | undefined;
  return () => (loaded ??= require(specifier) as T);
}
