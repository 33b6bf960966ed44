// Prometheus metrics, one registry per app instance (tests build many apps in one process).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    httpRequests: new Counter({ name: 'waybill_http_requests_total', help: 'HTTP requests answered', labelNames: ['method', 'status'], registers: [registry] }),
    httpDuration: new Histogram({
      name: 'waybill_http_request_duration_seconds',
      help: 'Time to answer HTTP requests',
      labelNames: ['method'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
      registers: [registry],
    }),
    eventsStored: new Counter({ name: 'waybill_tracking_events_stored_total', help: 'Tracking events stored', labelNames: ['source'], registers: [registry] }),
    eventsDuplicate: new Counter({ name: 'waybill_tracking_events_duplicate_total', help: 'Tracking events already known', labelNames: ['source'], registers: [registry] }),
    statusChanges: new Counter({ name: 'waybill_shipment_status_changes_total', help: 'Shipment status changes', labelNames: ['status'], registers: [registry] }),
    inboundWebhooks: new Counter({ name: 'waybill_inbound_webhooks_total', help: 'Carrier and aggregator webhook deliveries by outcome', labelNames: ['source', 'outcome'], registers: [registry] }),
    carrierRequests: new Counter({ name: 'waybill_carrier_poll_requests_total', help: 'Tracking requests sent to carriers by the poller, by outcome', labelNames: ['carrier', 'outcome'], registers: [registry] }),
    quotaCoverage: new Gauge({
      name: 'waybill_carrier_quota_coverage_ratio',
      help: 'Share of the polls a brand needs per day that its carrier quota and rate allow (below 1: the quota is too small)',
      labelNames: ['brand', 'carrier'],
      registers: [registry],
    }),
    jobsFinished: new Counter({ name: 'waybill_jobs_finished_total', help: 'Jobs finished by outcome', labelNames: ['kind', 'outcome'], registers: [registry] }),
  };
}
