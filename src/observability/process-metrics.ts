// /metrics when `waybill serve` runs on several processes (WEB_CONCURRENCY): a scrape reaches one of
// them, which asks the primary; the primary asks every process that is serving for its registry and
// merges them with prom-client's AggregatorRegistry.aggregate (counters and histograms summed,
// gauges summed), and answers. A single process answers from its own registry, as before.
import cluster, { type Worker } from 'node:cluster';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue, type Registry } from 'prom-client';

/** How long the primary waits for every serving process's metrics. */
const GATHER_WAIT_MS = 5_000;

type Message =
  | { type: 'waybill:metrics-wanted'; id: number } // a process, to the primary: everyone's, please
  | { type: 'waybill:metrics-gathered'; id: number; text?: string; error?: string } // the primary's answer
  | { type: 'waybill:own-metrics-wanted'; id: number } // the primary, to each process
  | { type: 'waybill:own-metrics'; id: number; metrics?: Array<MetricObjectWithValues<MetricValue<string>>>; error?: string };

let shared: Registry | null = null;
let asked = 0;
const waiting = new Map<number, (message: Message) => void>();

/** Sends `message` and resolves with the answer carrying its id, or null after `ms`. */
function ask(send: (message: Message) => void, message: Message & { id: number }, ms: number): Promise<Message | null> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(message.id);
      resolve(null);
    }, ms);
    waiting.set(message.id, (answer) => {
      clearTimeout(timer);
      waiting.delete(message.id);
      resolve(answer);
    });
    send(message);
  });
}

/**
 * In a serving process of several, before it listens: `registry` is what the primary gathers from
 * it, and its /metrics answers for every serving process.
 */
export function shareMetricsWithPrimary(registry: Registry): void {
  if (!cluster.isWorker || shared) return;
  shared = registry;
  process.on('message', (message: Message) => {
    if (message?.type === 'waybill:metrics-gathered') waiting.get(message.id)?.(message);
    if (message?.type === 'waybill:own-metrics-wanted') {
      registry.getMetricsAsJSON().then(
        (metrics) => process.send!({ type: 'waybill:own-metrics', id: message.id, metrics } satisfies Message),
        (error: Error) => process.send!({ type: 'waybill:own-metrics', id: message.id, error: error.message } satisfies Message),
      );
    }
  });
}

/** The text /metrics answers: every serving process's when `registry` is shared with a primary, else its own. */
export async function metricsText(registry: Registry): Promise<string> {
  if (registry !== shared || !process.send) return registry.metrics();
  const answer = await ask((m) => process.send!(m), { type: 'waybill:metrics-wanted', id: ++asked }, GATHER_WAIT_MS + 1_000);
  if (answer?.type !== 'waybill:metrics-gathered' || answer.text === undefined) {
    throw new Error(`the metrics of the serving processes could not be gathered: ${(answer as { error?: string } | null)?.error ?? 'the primary did not answer'}`);
  }
  return answer.text;
}

/**
 * In the primary: answers a serving process's request with everyone's metrics. Only processes that
 * `serving()` lists are asked (one still starting has nothing to count yet); a partial sum would
 * look like a counter reset, so one that does not answer makes the whole answer an error.
 */
export function answerMetricsRequests(serving: () => Worker[]): void {
  cluster.on('message', (from, message: Message) => {
    if (message?.type === 'waybill:own-metrics') waiting.get(message.id)?.(message);
    if (message?.type !== 'waybill:metrics-wanted') return;
    gather(serving()).then(
      (text) => from.send({ type: 'waybill:metrics-gathered', id: message.id, text } satisfies Message),
      (error: Error) => from.send({ type: 'waybill:metrics-gathered', id: message.id, error: error.message } satisfies Message),
    );
  });
}

async function gather(workers: Worker[]): Promise<string> {
  const answers = await Promise.all(workers.map((w) => ask((m) => w.send(m), { type: 'waybill:own-metrics-wanted', id: ++asked }, GATHER_WAIT_MS)));
  const metrics = answers.map((answer, i) => {
    if (answer?.type !== 'waybill:own-metrics' || !answer.metrics) throw new Error(`serving process ${workers[i]!.process.pid} ${answer ? `failed: ${(answer as { error?: string }).error}` : `did not answer within ${GATHER_WAIT_MS / 1000} s`}`);
    return answer.metrics;
  });
  return AggregatorRegistry.aggregate(metrics).metrics();
}
