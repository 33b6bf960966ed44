// Waybill's own eyes between carrier scans: late and stalled parcels, the daily in-transit digest,
// revised delivery windows, and the lane figures that say what "too long without a scan" means.
export { ESTIMATE_CHANGED_JOB } from '../../shipments/ingest.js';
export { notifyEstimateChanged, watchStatusChanged, type EstimateChangedPayload } from './estimates.js';
export { ensureWatchSchedule, holdWatch, runWatch, WATCH_JOB, WATCH_SCHEDULE } from './sweep.js';
