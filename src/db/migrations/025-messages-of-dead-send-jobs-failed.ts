// Before this release a send job died after 8 attempts (a few minutes of a provider's outage) and
// left its message `pending` for good: missing from the dead-letter list, refused by POST
// /v1/messages/{id}/retry, never sent. Such a message — pending, or left in `sending` by a worker
// that died on the job's last attempt, with a dead send job and no send job still to run — becomes
// `failed` with the job's last error, as a send job's death now does, so it can be seen and sent
// again. One left in `sending` may have gone out: it says so and keeps when that attempt began,
// so a retried text is looked up at Twilio before it is sent.
import type { Kysely } from 'kysely';

/** Fixed here as migrations are: src/notifications/send-jobs.ts says the same for a send job dying now. */
const MAY_HAVE_BEEN_DELIVERED = 'it may have been delivered, so it was not sent again';

type JobRow = { payload: string; state: string; attempts: number; last_error: string | null; updated_at: string };
type MessageRow = { id: string; state: string; updated_at: string; uncertain_since: string | null };

export async function up(db: Kysely<any>): Promise<void> {
  const jobs: JobRow[] = await db
    .selectFrom('jobs')
    .select(['payload', 'state', 'attempts', 'last_error', 'updated_at'])
    .where('kind', '=', 'message.send')
    .where('state', 'in', ['dead', 'queued', 'running'])
    .execute();
  const toRun = new Set<string>();
  const lastDead = new Map<string, JobRow>();
  for (const job of jobs) {
    const id = messageIdOf(job.payload);
    if (!id) continue;
    if (job.state !== 'dead') toRun.add(id);
    else if (!lastDead.has(id) || lastDead.get(id)!.updated_at < job.updated_at) lastDead.set(id, job);
  }
  const given = [...lastDead.keys()].filter((id) => !toRun.has(id));
  const now = new Date().toISOString();
  for (let i = 0; i < given.length; i += 500) {
    const messages: MessageRow[] = await db
      .selectFrom('messages')
      .select(['id', 'state', 'updated_at', 'uncertain_since'])
      .where('id', 'in', given.slice(i, i + 500))
      .where('state', 'in', ['pending', 'sending'])
      .execute();
    for (const message of messages) {
      const job = lastDead.get(message.id)!;
      const uncertainSince = message.uncertain_since ?? (message.state === 'sending' ? message.updated_at : null);
      const why = `gave up after ${job.attempts} attempts: ${job.last_error ?? 'no error recorded'}`;
      await db
        .updateTable('messages')
        .set({ state: 'failed', held_reason: null, uncertain_since: uncertainSince, last_error: (uncertainSince ? `${why}; ${MAY_HAVE_BEEN_DELIVERED}` : why).slice(0, 2000), updated_at: now })
        .where('id', '=', message.id)
        .where('state', '=', message.state)
        .execute();
    }
  }
}

export async function down(): Promise<void> {
  // Nothing to undo: a failed message is one the older code can retry.
}

function messageIdOf(payload: string): string | null {
  try {
    const id = (JSON.parse(payload) as { messageId?: unknown } | null)?.messageId;
    return typeof id === 'string' ? id : null;
  } catch {
    return null;
  }
}
