// Which code runs each kind of job. A status change's effects fan out from its outbox job:
// customer messages now; outgoing webhooks will be one more call here.
import { SIMULATED_SCAN_JOB, runSimulatedScan } from '../carriers/simulated/runtime.js';
import type { Deps } from '../deps.js';
import { IMPORT_JOB, runImportJob } from '../imports/jobs.js';
import { POLL_ACCOUNT_JOB, POLL_DISCOVER_JOB, POLL_TICK_JOB, runPollAccount, runPollDiscover, runPollTick } from '../polling/jobs.js';
import { INBOUND_PROCESS_JOB, INBOUND_SWEEP_JOB, processInbox, sweepInbox } from '../inbound/inbox.js';
import { notifyOrderCreated, notifyPersonalUpdate, notifyStatusChanged, PERSONAL_UPDATE_JOB, SEND_MESSAGE_JOB, type StatusChangedPayload } from '../notifications/pipeline.js';
import { sendMessage } from '../notifications/send.js';
import { ORDER_CREATED_JOB } from '../orders/service.js';
import { STATUS_CHANGED_JOB } from '../shipments/ingest.js';
import type { JobHandlers } from './worker.js';

export function jobHandlers(deps: Deps): JobHandlers {
  return {
    [SIMULATED_SCAN_JOB]: (payload) => runSimulatedScan(deps, payload),
    [STATUS_CHANGED_JOB]: (payload) => notifyStatusChanged(deps, payload as StatusChangedPayload),
    [ORDER_CREATED_JOB]: (payload) => notifyOrderCreated(deps, payload as { orderId: string }),
    [PERSONAL_UPDATE_JOB]: (payload) => notifyPersonalUpdate(deps, payload as { orderId: string; updateId: string; critical: boolean }),
    [SEND_MESSAGE_JOB]: (payload) => sendMessage(deps, payload as { messageId: string }),
    [IMPORT_JOB]: (payload, job) => runImportJob(deps, payload, job),
    [INBOUND_PROCESS_JOB]: async () => void (await processInbox(deps)),
    [INBOUND_SWEEP_JOB]: () => sweepInbox(deps),
    [POLL_TICK_JOB]: () => runPollTick(deps),
    [POLL_DISCOVER_JOB]: (payload) => runPollDiscover(deps, payload as { schedule?: string }),
    [POLL_ACCOUNT_JOB]: (payload) => runPollAccount(deps, payload as { brandId: string; carrier: string }),
  };
}
