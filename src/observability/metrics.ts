// Prometheus metrics, one registry per app instance (tests build many apps in one process).
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';

export type Metrics = ReturnType<typeof createMetrics>;

export function createMetrics(options: { defaultMetrics?: boolean } = {}) {
  const registry = new Registry();
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  const httpRequests = new Counter({ name: 'waybill_http_requests_total', help: 'HTTP requests answered', labelNames: ['method', 'status'], registers: [registry] });
  const httpDuration = new Histogram({
    name: 'waybill_http_request_duration_seconds',
    help: 'Time to answer HTTP requests',
    labelNames: ['method'],
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1, 5],
    registers: [registry],
  });
  // The labelled series of each method and status, looked up once: prom-client hashes the label
  // object on every call otherwise.
  const series = new Map<string, { count: { inc(): void }; time: { observe(seconds: number): void } }>();
  return {
    registry,
    httpRequests,
    httpDuration,
    /** One answered request: its method, status and time taken. */
    recordHttp(method: string, status: number, seconds: number): void {
      const key = `${method} ${status}`;
      let entry = series.get(key);
      if (!entry) {
        entry = { count: httpRequests.labels({ method, status: String(status) }), time: httpDuration.labels({ method }) };
        series.set(key, entry);
      }
      entry.count.inc();
      entry.time.observe(seconds);
    },
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
      // With several serving processes each holds the figure it computed last: /metrics shows the lowest, so a short quota is never hidden.
      aggregator: 'min',
    }),
    jobsFinished: new Counter({ name: 'waybill_jobs_finished_total', help: 'Jobs finished by outcome', labelNames: ['kind', 'outcome'], registers: [registry] }),
  };
}
