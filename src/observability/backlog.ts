// What is waiting, read from the database when /metrics is scraped, so an operator's alert sees it
// whichever process ran the work: jobs due and not taken (by kind, with how long the oldest has
// waited), dead letters, and webhook deliveries not processed. A stopped worker, or a job of a kind
// that no running version of Waybill handles (a rolling upgrade left half done), shows here as a
// wait that only grows; the counters of finished jobs cannot show what never starts.
import { Gauge, type Registry } from 'prom-client';
import type { Deps } from '../deps.js';

export type Backlog = {
  jobsDue: Array<{ kind: string; count: number; oldestRunAt: string }>;
  jobsDead: Array<{ kind: string; count: number }>;
  inbound: Array<{ state: string; count: number }>;
};

const INBOUND_WAITING_STATES = ['received', 'parked', 'failed'];

export async function readBacklog(deps: Pick<Deps, 'db' | 'clock'>): Promise<Backlog> {
  const now = deps.clock.now().toISOString();
  const [due, dead, inbound] = await Promise.all([
    deps.db
      .selectFrom('jobs')
      .select((eb) => ['kind', eb.fn.countAll<number>().as('count'), eb.fn.min('run_at').as('oldest')])
      .where('state', '=', 'queued')
      .where('run_at', '<=', now)
      .groupBy('kind')
      .execute(),
    deps.db.selectFrom('jobs').select((eb) => ['kind', eb.fn.countAll<number>().as('count')]).where('state', '=', 'dead').groupBy('kind').execute(),
    deps.db.selectFrom('inbound_events').select((eb) => ['state', eb.fn.countAll<number>().as('count')]).where('state', 'in', INBOUND_WAITING_STATES).groupBy('state').execute(),
  ]);
  return {
    jobsDue: due.map((row) => ({ kind: row.kind, count: Number(row.count), oldestRunAt: String(row.oldest) })),
    jobsDead: dead.map((row) => ({ kind: row.kind, count: Number(row.count) })),
    inbound: inbound.map((row) => ({ state: row.state, count: Number(row.count) })),
  };
}

/**
 * Adds the backlog gauges to the registry (once: tests build several apps over one registry). With
 * several serving processes each reads the same figures, so their merge takes the largest, not the sum.
 */
export function registerBacklogGauges(registry: Registry, deps: Pick<Deps, 'db' | 'clock' | 'log'>): void {
  if (registry.getSingleMetric('waybill_jobs_due')) return;
  // prom-client asks every gauge of a scrape at once: they share the one read in flight.
  let inFlight: Promise<Backlog | null> | null = null;
  const backlog = (): Promise<Backlog | null> => {
    inFlight ??= readBacklog(deps)
      .catch((error: unknown) => {
        deps.log.warn({ err: error }, 'the backlog metrics could not be read');
        return null; // the other metrics are still answered; these gauges are left out
      })
      .finally(() => {
        inFlight = null;
      });
    return inFlight;
  };
  const gauge = (name: string, help: string, labelNames: string[], fill: (gauge: Gauge, read: Backlog) => void) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      aggregator: 'max',
      async collect() {
        this.reset();
        const read = await backlog();
        if (read) fill(this, read);
      },
    });
  gauge('waybill_jobs_due', 'Jobs whose time has come and that no worker has taken yet, by kind', ['kind'], (g, read) => {
    for (const job of read.jobsDue) g.set({ kind: job.kind }, job.count);
  });
  gauge('waybill_jobs_oldest_due_seconds', 'How long the oldest job of each kind due and not taken has waited', ['kind'], (g, read) => {
    const now = deps.clock.now().getTime();
    for (const job of read.jobsDue) g.set({ kind: job.kind }, Math.max(0, (now - Date.parse(job.oldestRunAt)) / 1000));
  });
  gauge('waybill_jobs_dead', 'Dead letters: jobs that used up their attempts (waybill jobs dead lists them)', ['kind'], (g, read) => {
    for (const job of read.jobsDead) g.set({ kind: job.kind }, job.count);
  });
  gauge('waybill_inbound_deliveries_waiting', 'Webhook deliveries not processed: received (queued), parked (no shipment with their number yet), failed', ['state'], (g, read) => {
    for (const state of INBOUND_WAITING_STATES) g.set({ state }, read.inbound.find((row) => row.state === state)?.count ?? 0);
  });
}
