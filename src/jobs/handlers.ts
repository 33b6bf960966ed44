// Which code runs each kind of job. A status change's effects fan out from its outbox job:
// customer messages now; outgoing webhooks will be one more call here.
import { SIMULATED_SCAN_JOB, runSimulatedScan } from '../carriers/simulated/runtime.js';
import { countOrder } from '../catalogue/together.js';
import type { Deps } from '../deps.js';
import { IMPORT_JOB, runImportJob } from '../imports/jobs.js';
import { LABEL_RECONCILE_JOB } from '../labels/carrier-purchase.js';
import { reconcileLabelPurchase } from '../labels/reconcile.js';
import { notifyOrderCreated, notifyPersonalUpdate, notifyRefundIssued, notifyReturnStep, notifyStatusChangedMany, PERSONAL_UPDATE_JOB, type StatusChangedPayload } from '../notifications/pipeline.js';
import { sendMessages } from '../notifications/send.js';
import { sweepTwilioInbox } from '../notifications/status-callbacks.js';
import { SEND_MESSAGE_JOB, sendDeadLetters, sendRetryDelayMs } from '../notifications/send-jobs.js';
import { ESTIMATE_CHANGED_JOB, type EstimateChangedPayload, notifyEstimateChanged, runWatch, WATCH_JOB, watchStatusChanged } from '../notifications/watch/index.js';
import { ensureReturnLabel, REFUND_ISSUED_JOB, RETURN_APPROVED_JOB, RETURN_LABEL_JOB, RETURN_REJECTED_JOB, RETURN_REQUESTED_JOB, returnParcelChanged } from '../returns/service.js';
import { POLL_ACCOUNT_JOB, POLL_DISCOVER_JOB, POLL_TICK_JOB, runPollAccount, runPollDiscover, runPollTick } from '../polling/jobs.js';
import { INBOUND_PROCESS_JOB, INBOUND_SWEEP_JOB, processInbox, sweepInbox } from '../inbound/inbox.js';
import { ORDER_CREATED_JOB } from '../orders/service.js';
import { STATUS_CHANGED_JOB } from '../shipments/ingest.js';
import type { DeadLetterHooks, JobHandlers } from './worker.js';
import { IDEMPOTENCY_PRUNE_JOB, pruneIdempotencyKeys } from '../api/idempotency-keys.js';
import { JOBS_PRUNE_JOB, pruneFinishedJobs } from './retention.js';
import { checkPendingDomains, DOMAIN_CHECK_JOB } from '../hub/domains.js';

/** What the dead letters of a kind change besides the job (read by the worker and by `waybill jobs retry`, which has no Deps). */
export const DEAD_LETTER_HOOKS: Readonly<Record<string, DeadLetterHooks>> = { [SEND_MESSAGE_JOB]: sendDeadLetters };

export function jobHandlers(deps: Deps): JobHandlers {
  return {
    [SIMULATED_SCAN_JOB]: (payload) => runSimulatedScan(deps, payload),
    [STATUS_CHANGED_JOB]: {
      batch: async (items) => {
        const changes = items.map((item) => item.payload as StatusChangedPayload);
        const estimates: EstimateChangedPayload[] = [];
        for (const change of changes) {
          await returnParcelChanged(deps, change); // a return parcel delivered back: received
          const ours = await watchStatusChanged(deps, change);
          if (ours) estimates.push(ours);
          if (change.estimate) estimates.push({ shipmentId: change.shipmentId, ...change.estimate });
        }
        await notifyStatusChangedMany(deps, changes);
        // Windows (the carrier's, or ours at shipping) announced once the status is: never "ahead of schedule" before "shipped".
        for (const estimate of estimates) await notifyEstimateChanged(deps, estimate);
      },
    },
    [ESTIMATE_CHANGED_JOB]: (payload) => notifyEstimateChanged(deps, payload as EstimateChangedPayload),
    [WATCH_JOB]: async () => {
      await runWatch(deps);
    },
    [ORDER_CREATED_JOB]: async (payload) => {
      await notifyOrderCreated(deps, payload as { orderId: string });
      await countOrder(deps, (payload as { orderId: string }).orderId); // bought together, cross-sell attribution
    },
    [PERSONAL_UPDATE_JOB]: (payload) => notifyPersonalUpdate(deps, payload as { orderId: string; updateId: string; critical: boolean }),
    [RETURN_LABEL_JOB]: async (payload) => void (await ensureReturnLabel(deps, (payload as { returnId: string }).returnId)),
    [RETURN_REQUESTED_JOB]: (payload) => notifyReturnStep(deps, 'return_requested', payload as { orderId: string; returnId: string }),
    [RETURN_APPROVED_JOB]: (payload) => notifyReturnStep(deps, 'return_approved', payload as { orderId: string; returnId: string; shipmentId?: string }),
    [RETURN_REJECTED_JOB]: (payload) => notifyReturnStep(deps, 'return_rejected', payload as { orderId: string; returnId: string }),
    [REFUND_ISSUED_JOB]: (payload) => notifyRefundIssued(deps, payload as { orderId: string; refundId: string }),
    [SEND_MESSAGE_JOB]: {
      batch: (items) => sendMessages(deps, items.map((item) => item.payload as { messageId: string })),
      retryDelayMs: sendRetryDelayMs,
      deadLetters: DEAD_LETTER_HOOKS[SEND_MESSAGE_JOB],
    },
    [IMPORT_JOB]: (payload, job) => runImportJob(deps, payload, job),
    [LABEL_RECONCILE_JOB]: (payload, job) => reconcileLabelPurchase(deps, payload, job.attempts),
    [INBOUND_PROCESS_JOB]: async () => void (await processInbox(deps)),
    [INBOUND_SWEEP_JOB]: async () => {
      await sweepInbox(deps);
      await sweepTwilioInbox(deps); // Twilio's stored callbacks and texts left unprocessed, and the parked callbacks
    },
    [POLL_TICK_JOB]: () => runPollTick(deps),
    [POLL_DISCOVER_JOB]: (payload) => runPollDiscover(deps, payload as { schedule?: string }),
    [POLL_ACCOUNT_JOB]: (payload) => runPollAccount(deps, payload as { brandId: string; carrier: string }),
    [IDEMPOTENCY_PRUNE_JOB]: async () => void (await pruneIdempotencyKeys(deps)),
    [JOBS_PRUNE_JOB]: async () => void (await pruneFinishedJobs(deps)),
    [DOMAIN_CHECK_JOB]: async () => void (await checkPendingDomains(deps)),
  };
}
