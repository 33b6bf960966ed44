// Public result types, and the shape of the vendored tracking_number_data v2.0.0 JSON files.

export type TrackingNumberCandidate = {
  /** The data's `courier_code`: `ups`, `fedex`, `usps`, `dhl`, `s10`, … */
  courier: string;
  /** The data's format `name`, verbatim (e.g. "UPS", "FedEx Express (12)", "USPS IMpb C"). */
  format: string;
  /** The pattern matched and every check the format defines holds (check digit, required lookups). */
  valid: boolean;
  /** Name of the service from the format's ServiceType lookup, when the data has one for this number. */
  service?: string;
  /** The format's tracking page with the normalized number substituted, when the data gives one. */
  trackingUrl?: string;
};

export type Detection = {
  input: string;
  /** Upper-cased, with whitespace removed (nothing else is stripped: `-` is part of some formats). */
  normalized: string;
  /** Every format whose pattern matches the whole normalized number, most likely first. */
  candidates: TrackingNumberCandidate[];
};

// ---- Data files (only the fields detection uses are typed precisely) ----

export type RawLookupEntry = {
  matches?: string;
  matches_regex?: string;
  name?: string;
  description?: string;
  [field: string]: unknown;
};

export type RawLookupSection = {
  name: string;
  regex_group_name: string;
  lookup: RawLookupEntry[];
};

export type RawChecksum = {
  name: string;
  [option: string]: unknown;
};

export type RawFormat = {
  id?: string;
  name: string;
  description?: string;
  regex: string | string[];
  validation?: {
    checksum?: RawChecksum;
    serial_number_format?: { prepend_if?: { matches_regex: string; content: string } };
    additional?: { exists?: string[] };
  };
  additional?: RawLookupSection[];
  tracking_url?: string | null;
  test_numbers?: { valid?: string[]; invalid?: string[] };
};

export type RawCourier = {
  name: string;
  courier_code: string;
  tracking_numbers: RawFormat[];
};
