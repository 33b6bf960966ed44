// A brand's custom domain from pending to in force: the proof looked up when the brand asks
// (POST /v1/brand/domain/verify), and again by a recurring job for every claim still waiting, so a
// brand that has published its record need not come back. Claims older than CHECK_FOR_DAYS are
// left to the brand's own call: a domain abandoned half-way is not looked up for ever.
import { sql } from 'kysely';
import type { Deps } from '../deps.js';
import { ensureSchedule } from '../jobs/queue.js';
import { AppError } from '../lib/errors.js';
import { lookupProof, type ProofOutcome, type ProofRecord, proofRecord } from './domain-proof.js';
import { domainHeldByAnother, putDomainInForce } from './hosts.js';

export const DOMAIN_CHECK_JOB = 'hub.domain_check';
const DOMAIN_CHECK_SCHEDULE = { name: 'hub-domain-check', kind: DOMAIN_CHECK_JOB, everySeconds: 300 };
const CHECK_FOR_DAYS = 7;
/** A brand's verify call looks DNS up at most this often per claim (a script calling it in a loop would otherwise have Waybill query DNS as fast as it can). */
export const VERIFY_EVERY_MS = 10_000;
/** Claims looked up per run: at most a few minutes of DNS timeouts, well inside a renewed lease. */
const CHECKS_PER_RUN = 25;

/** As the API gives it: the domain set, whether it is in force, and while pending the record to publish and the last lookup's finding. */
export type DomainState = {
  domain: string | null;
  domainStatus: 'verified' | 'pending' | null;
  domainProof: { record: ProofRecord; checkedAt: string | null; problem: string | null } | null;
};

type HubRow = { brand_id: string; domain: string | null; pending_domain: string | null; domain_checked_at: string | null; domain_problem: string | null };

/** PURE (given the key): what the brand is told about its custom domain. */
export function domainStateOf(key: Buffer, row: HubRow | undefined): DomainState {
  if (row?.pending_domain) {
    const domainProof = { record: proofRecord(key, row.brand_id, row.pending_domain), checkedAt: row.domain_checked_at, problem: row.domain_problem };
    return { domain: row.pending_domain, domainStatus: 'pending', domainProof };
  }
  return { domain: row?.domain ?? null, domainStatus: row?.domain ? 'verified' : null, domainProof: null };
}

const hubRow = (deps: Deps, brandId: string) =>
  deps.db.selectFrom('brand_hubs').select(['brand_id', 'domain', 'pending_domain', 'domain_checked_at', 'domain_problem']).where('brand_id', '=', brandId).executeTakeFirst();

export async function domainStateOfBrand(deps: Deps, brandId: string): Promise<DomainState> {
  return domainStateOf(deps.keys['domain-proof'], await hubRow(deps, brandId));
}

type Attempt = { result: 'in_force' } | { result: 'taken' | 'moved' } | { result: 'unproven'; outcome: Exclude<ProofOutcome, { proven: true }> };

/** Looks the pending domain's record up (unless the instance trusts brands), notes what it found, and puts a proven domain in force. */
async function attemptProof(deps: Deps, brandId: string, domain: string): Promise<Attempt> {
  if (await domainHeldByAnother(deps, domain, brandId)) return notedRefusal(deps, brandId, domain, 'taken');
  const record = proofRecord(deps.keys['domain-proof'], brandId, domain);
  const outcome: ProofOutcome = deps.config.domainProof.mode === 'none' ? { proven: true } : await lookupProof(deps.config.domainProof, record);
  if (!outcome.proven) {
    await note(deps, brandId, domain, outcome.problem);
    return { result: 'unproven', outcome };
  }
  const result = await putDomainInForce(deps, brandId, domain);
  return result === 'taken' ? notedRefusal(deps, brandId, domain, 'taken') : { result };
}

const TAKEN_PROBLEM = 'another brand proved this domain first: it cannot be yours on this Waybill';

async function notedRefusal(deps: Deps, brandId: string, domain: string, result: 'taken'): Promise<Attempt> {
  await note(deps, brandId, domain, TAKEN_PROBLEM);
  return { result };
}

/** Notes the last lookup on the claim, if the brand still has that domain pending. */
async function note(deps: Deps, brandId: string, domain: string, problem: string): Promise<void> {
  await deps.db.updateTable('brand_hubs').set({ domain_checked_at: deps.clock.now().toISOString(), domain_problem: problem }).where('brand_id', '=', brandId).where('pending_domain', '=', domain).execute();
}

/**
 * The brand's verify call: its domain in force (at once if it already was), or an error that says
 * what DNS answered: 422 for a record missing or wrong, 409 when another brand holds the domain,
 * 503 when no DNS server answered in time, 502 when one failed.
 */
export async function verifyDomain(deps: Deps, brandId: string): Promise<DomainState> {
  const row = await hubRow(deps, brandId);
  if (!row?.pending_domain) {
    if (row?.domain) return domainStateOf(deps.keys['domain-proof'], row);
    throw new AppError('not_found', 'no custom domain is set: set one with PUT /v1/brand/theme ("domain") first');
  }
  const domain = row.pending_domain;
  const wait = verifyWaitMs(row.domain_checked_at, deps.clock.now().getTime());
  if (wait > 0) {
    const seconds = Math.ceil(wait / 1000);
    const last = row.domain_problem ? `; it found: ${row.domain_problem}` : '';
    throw new AppError('rate_limited', `DNS was asked about ${domain} less than ${VERIFY_EVERY_MS / 1000} seconds ago${last}. Ask again in ${seconds} s`, undefined, { 'retry-after': String(seconds) });
  }
  const attempt = await attemptProof(deps, brandId, domain);
  if (attempt.result === 'taken') throw new AppError('conflict', `the domain "${domain}" is used by another brand: ${TAKEN_PROBLEM}`, [{ field: 'domain', problem: 'already used by another brand' }]);
  if (attempt.result === 'unproven') throw unprovenError(domain, proofRecord(deps.keys['domain-proof'], brandId, domain), attempt.outcome);
  return domainStateOfBrand(deps, brandId); // in force, or the brand set another domain meanwhile
}

/** PURE: how long a verify call must wait after the claim's last lookup (0: it may look now). */
export function verifyWaitMs(lastCheckedAt: string | null, nowMs: number): number {
  if (lastCheckedAt === null) return 0;
  const since = nowMs - Date.parse(lastCheckedAt);
  return since >= 0 && since < VERIFY_EVERY_MS ? VERIFY_EVERY_MS - since : 0;
}

/** PURE: what the verify call answers when the record did not prove the domain. */
export function unprovenError(domain: string, record: ProofRecord, outcome: Exclude<ProofOutcome, { proven: true }>): AppError {
  const expected = { record, ...('found' in outcome ? { found: outcome.found } : {}), dns: outcome.kind };
  if (outcome.kind === 'timeout') return new AppError('unavailable', `${outcome.problem}; try again shortly`, expected, { 'retry-after': '60' });
  if (outcome.kind === 'dns_error') return new AppError('dns_error', outcome.problem, expected);
  return new AppError('domain_not_verified', `${domain} is not verified: ${outcome.problem}. Create a TXT record at ${record.name} with the value ${record.value}`, expected);
}

/** The recurring job: every recent pending claim looked up, the least recently checked first. */
export async function checkPendingDomains(deps: Deps): Promise<{ checked: number; inForce: number }> {
  if (deps.config.domainProof.mode === 'none') return { checked: 0, inForce: 0 }; // claims are put in force when set
  const since = new Date(deps.clock.now().getTime() - CHECK_FOR_DAYS * 86_400_000).toISOString();
  const claims = await deps.db
    .selectFrom('brand_hubs')
    .select(['brand_id', 'pending_domain'])
    .where('pending_domain', 'is not', null)
    .where('pending_since', '>=', since)
    .orderBy(sql`coalesce(domain_checked_at, '')`) // never looked up first, on both dialects
    .limit(CHECKS_PER_RUN)
    .execute();
  let inForce = 0;
  for (const claim of claims) {
    const attempt = await attemptProof(deps, claim.brand_id, claim.pending_domain!);
    if (attempt.result === 'in_force') inForce += 1;
  }
  if (inForce > 0) deps.log.info({ inForce }, 'custom domains proven by the recurring check');
  return { checked: claims.length, inForce };
}

export async function ensureDomainCheckSchedule(deps: Deps): Promise<void> {
  await ensureSchedule(deps.db, DOMAIN_CHECK_SCHEDULE, deps.clock.now());
}
