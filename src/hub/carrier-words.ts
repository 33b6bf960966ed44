// A carrier's own words as the public page shows them: verbatim, except the name of whoever signed
// for the parcel, which carriers write into their text ("Delivered, signed for by: J.SMITH") and
// which must not appear on a page anyone with the link can open (nor in its JSON). The merchant's
// API keeps the text as the carrier sent it. Pure.

// The phrases that introduce a signer's name, in the page's languages and as carriers write them.
// Some only with a colon: "received by the local post office", "signature required", "firma del
// cliente" are not followed by a name.
// The name runs to the end of its clause, commas included: carriers also write "SMITH, JOHN".
const SIGNER =
  /(?<![\p{L}\p{N}])(signed\s+for\s+by|signed\s+by|signature\s*:|signature\s+obtained(?:\s+from|\s*:)|received\s+by\s*:|firmado\s+por|firma\s*:|recibido\s+por\s*:|sign[ée]\s+par|re[çc]u\s+par\s*:|unterschrieben\s+von|quittiert\s+von|unterschrift\s*:|empfangen\s+von\s*:)(\s*:?\s*)([^;()\n]+?)(?=\s*(?:[;()\n]|\s-\s|$))/giu;

/** The text with each signer's name replaced by "…" (the phrase before it kept, so the customer still reads that someone signed). */
export function withoutSignerNames(text: string): string {
  return text.replace(SIGNER, (whole, phrase: string, gap: string, name: string) => (/\p{L}/u.test(name) ? `${phrase}${gap || ' '}…` : whole));
}

// Carriers repeat the same few texts: each is looked at once (bounded, like the page's places).
const shown = new Map<string, string>();

/** withoutSignerNames, remembered per text for the page's many scans. */
export function carrierWordsShown(text: string): string {
  let words = shown.get(text);
  if (words === undefined) {
    words = withoutSignerNames(text);
    if (shown.size > 50_000) shown.clear();
    shown.set(text, words);
  }
  return words;
}
