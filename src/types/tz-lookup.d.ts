declare module 'tz-lookup' {
  /** The IANA time zone at a point (offline lookup). Throws on invalid coordinates. */
  export default function tzlookup(lat: number, lon: number): string;
}
