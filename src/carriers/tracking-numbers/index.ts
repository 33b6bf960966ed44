// Public entry point: `import { detectTrackingNumber } from 'waybill/tracking-numbers'`.
// Detection and validation of tracking numbers for every courier and format in the vendored
// jkeen/tracking_number_data v2.0.0 (data/tracking_number_data, MIT). Pure and synchronous; the data
// is read and compiled once when this module is first imported.
export { detectTrackingNumber, normalizeTrackingInput } from './detect.js';
export type { Detection, TrackingNumberCandidate } from './types.js';
