// `waybill jobs dead` and `waybill jobs retry`: the dead letters of the job queue (jobs that used up
// their attempts, or whose worker died on the last one), seen and sent back without SQL. Run
// directly against DATABASE_URL, beside a running server. Exit status: 0 done, 1 an id given to
// retry was not a dead job, 2 the arguments were refused.
import { parseArgs } from 'node:util';
import type { Transaction } from 'kysely';
import { loadConfig } from '../config.js';
import { exitOnUsageError, UsageError } from '../lib/cli-errors.js';
import { openDatabase } from '../db/connect.js';
import { migrateToLatest } from '../db/migrate.js';
import type { Database, JobRow } from '../db/schema.js';
import { systemClock } from '../lib/clock.js';
import { counted } from '../lib/words.js';
import { databaseFailureMessage, whileStarting } from '../startup-errors.js';
import { DEAD_LETTER_HOOKS } from './handlers.js';
import { retryDeadJob } from './queue.js';

export const JOBS_USAGE = `Usage: waybill jobs dead [--kind KIND] [--limit N] [--json]
       waybill jobs retry JOB_ID... | --all [--kind KIND]

The job queue's dead letters: jobs that failed every attempt (a message whose provider kept
refusing, a carrier check that never got an answer), or whose worker died on the last one.
  dead    lists them, newest first: id, kind, attempts, when, and the last error
  retry   puts them back in the queue to run now, with three more attempts
          (JOB_ID... the ones named; --all every dead job, or every one of --kind);
          a message.send job's failed message goes back to pending with it

Options:
  --kind KIND   only jobs of this kind (e.g. message.send, labels.reconcile)
  --limit N     list at most N (default 50)
  --json        print the list as JSON: [{ id, kind, attempts, maxAttempts, updatedAt, lastError }]

Exit status: 0 done, 1 a JOB_ID was not a dead job (the others were retried), 2 the arguments
were refused.`;

export type JobsCommandIo = { stdout: { write(text: string): unknown }; stderr: { write(text: string): unknown } };

export async function runJobsCommand(args: string[], env: Record<string, string | undefined>, io: JobsCommandIo = process): Promise<number> {
  return exitOnUsageError(io, () => jobsCommand(args, env, io));
}

type Options = { kind?: string; limit?: string; json?: boolean; all?: boolean; help?: boolean };

async function jobsCommand(args: string[], env: Record<string, string | undefined>, io: JobsCommandIo): Promise<number> {
  let values: Options;
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { kind: { type: 'string' }, limit: { type: 'string' }, json: { type: 'boolean' }, all: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; try: waybill jobs --help`);
  }
  const [verb, ...ids] = positionals;
  if (values.help || verb === undefined) {
    io.stdout.write(`${JOBS_USAGE}\n`);
    return 0;
  }
  if (verb !== 'dead' && verb !== 'retry') throw new UsageError(`unknown jobs command "${verb}"; try: waybill jobs --help`);
  const request = verb === 'dead' ? listRequest(values, ids) : retryRequest(values, ids);

  const handle = await whileStarting(() => openDatabase(loadConfig(env).databaseUrl), databaseFailureMessage);
  try {
    await whileStarting(() => migrateToLatest(handle.db), databaseFailureMessage);
    const dead = (kind: string | undefined) => {
      const query = handle.db.selectFrom('jobs').selectAll().where('state', '=', 'dead');
      return kind ? query.where('kind', '=', kind) : query;
    };
    if (request.verb === 'dead') {
      const rows = await dead(request.kind).orderBy('updated_at', 'desc').orderBy('id', 'desc').limit(request.limit).execute();
      io.stdout.write(values.json ? `${JSON.stringify(rows.map(deadJobJson))}\n` : deadJobsText(rows));
      return 0;
    }
    const now = systemClock.now();
    const named = request.all ? (await dead(request.kind).select('id').execute()).map((row) => row.id) : request.ids;
    const missed: string[] = [];
    // A kind's own records go back with the job (a customer message's, failed as its send job died, to pending).
    const sentBack = async (trx: Transaction<Database>, job: JobRow) => DEAD_LETTER_HOOKS[job.kind]?.retried(trx, job, now);
    for (const id of named) if (!(await retryDeadJob(handle.db, id, now, sentBack))) missed.push(id);
    const retried = named.length - missed.length;
    io.stdout.write(`${counted(retried, 'dead job')} back in the queue${retried > 0 ? ', to run now' : ''}\n`);
    for (const id of missed) io.stderr.write(`waybill: ${id} is not a dead job (no such job, or it is not dead): left as it is\n`);
    return missed.length > 0 ? 1 : 0;
  } finally {
    await handle.close();
  }
}

type Request = { verb: 'dead'; kind?: string; limit: number } | { verb: 'retry'; kind?: string; all: boolean; ids: string[] };

/** `jobs dead`'s options, checked before the database is opened. Pure. */
function listRequest(values: Options, extra: string[]): Request {
  if (extra.length > 0) throw new UsageError(`jobs dead takes no JOB_ID (got ${extra.join(' ')}); to retry, use: waybill jobs retry JOB_ID`);
  if (values.all) throw new UsageError('--all goes with jobs retry, not jobs dead');
  const limit = values.limit === undefined ? 50 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 10_000) throw new UsageError(`--limit must be a whole number from 1 to 10000 (got "${values.limit}")`);
  return { verb: 'dead', kind: values.kind, limit };
}

/** `jobs retry`'s options, checked before the database is opened. Pure. */
function retryRequest(values: Options, ids: string[]): Request {
  if (values.limit !== undefined || values.json) throw new UsageError('--limit and --json go with jobs dead, not jobs retry');
  if (values.all && ids.length > 0) throw new UsageError('name JOB_IDs or give --all, not both');
  if (!values.all && ids.length === 0) throw new UsageError('name the dead jobs to retry (JOB_ID...), or give --all; waybill jobs dead lists them');
  if (!values.all && values.kind) throw new UsageError('--kind goes with --all (JOB_IDs name their jobs already)');
  return { verb: 'retry', kind: values.kind, all: values.all === true, ids };
}

const deadJobJson = (row: JobRow) => ({ id: row.id, kind: row.kind, attempts: row.attempts, maxAttempts: row.max_attempts, updatedAt: row.updated_at, lastError: row.last_error });

/** The list for a person: one job a line, its last error's first line under it. Pure. */
export function deadJobsText(rows: readonly JobRow[]): string {
  if (rows.length === 0) return 'no dead jobs\n';
  const lines = rows.flatMap((row) => {
    const error = (row.last_error ?? 'no error recorded').split('\n')[0]!;
    return [`${row.id}  ${row.kind}  ${row.attempts}/${row.max_attempts} attempts  died ${row.updated_at}`, `    ${error.length > 200 ? `${error.slice(0, 199)}…` : error}`];
  });
  return `${lines.join('\n')}\n`;
}
