// Which code runs each kind of job. Effects of a status change are fanned out here; the
// notification and outgoing-webhook jobs of later work plug in as more entries.
import { SIMULATED_SCAN_JOB, runSimulatedScan } from '../carriers/simulated/runtime.js';
import type { Deps } from '../deps.js';
import { STATUS_CHANGED_JOB } from '../shipments/ingest.js';
import type { JobHandlers } from './worker.js';

export function jobHandlers(deps: Deps): JobHandlers {
  return {
    [SIMULATED_SCAN_JOB]: (payload) => runSimulatedScan(deps, payload),
    // The outbox entry for every status change. Nothing consumes it yet beyond a log line:
    // customer notifications and outgoing webhooks (later issues) will enqueue from here.
    [STATUS_CHANGED_JOB]: async (payload) => {
      deps.log.debug({ change: payload }, 'shipment status changed');
    },
  };
}
