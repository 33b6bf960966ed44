// The zipcodes package ships no types. Only what the notification policy reads.
declare module 'zipcodes' {
  export type ZipCodeRecord = {
    zip: string;
    latitude: number;
    longitude: number;
    city: string;
    /** A US state or territory code ("AZ", "PR", "AE" for military mail); a Canadian province's name. */
    state: string;
    /** "US" or "Canada". */
    country: string;
  };
  const zipcodes: {
    /** A US ZIP code (5 digits) or a Canadian postal code (its first three characters are used). */
    lookup(zip: string | number): ZipCodeRecord | undefined;
  };
  export default zipcodes;
}
