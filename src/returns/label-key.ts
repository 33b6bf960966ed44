// The printable return label carries the customer's name and street (a carrier's label must, to
// bring an undeliverable parcel back), so it is not served to everyone who can open the order's
// page: a postal code and an order number find the page through the lookup form. The PDF's link
// holds a key of its own, sent only in the return's email (proof of the mailbox). The on-screen
// label, with the town alone, stays on the page for a drop-off point to scan. The key names the
// brand's link key version, so revoking the brand's links revokes these too.
import { constantTimeEqual, hmacBase64Url } from '../lib/crypto.js';

type Brand = { id: string; link_key_version: number };

/** The key a return's printable label is opened with. */
export const returnLabelKey = (linkKey: Buffer, brand: Brand, returnId: string): string =>
  hmacBase64Url(linkKey, `return-label|${brand.id}|${returnId}|${brand.link_key_version}`).slice(0, 22);

/** Whether `given` opens that return's printable label (compared in constant time). */
export const opensReturnLabel = (linkKey: Buffer, brand: Brand, returnId: string, given: string | undefined): boolean =>
  constantTimeEqual(returnLabelKey(linkKey, brand, returnId), given ?? '');
