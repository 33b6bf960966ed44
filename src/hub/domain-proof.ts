// Proof that a brand owns the custom domain it sets: a TXT record at _waybill.<domain> whose value
// is waybill-verify=<token>. The token is an HMAC of the brand and the domain under a key derived
// from SECRET_KEY: nobody else can compute it, so no other brand (and no one who merely reads this
// brand's DNS) can use it for another pairing, and the same brand setting the same domain again
// gets the same record. A record under its own label leaves the domain itself free for its CNAME.
import { promises as dns } from 'node:dns';
import type { Config } from '../config.js';
import { hmacBase64Url } from '../lib/crypto.js';

export const PROOF_LABEL = '_waybill';
export const PROOF_PREFIX = 'waybill-verify=';

export type ProofRecord = { type: 'TXT'; name: string; value: string };

export function proofRecord(key: Buffer, brandId: string, domain: string): ProofRecord {
  return { type: 'TXT', name: `${PROOF_LABEL}.${domain}`, value: `${PROOF_PREFIX}${hmacBase64Url(key, `${brandId}|${domain}`)}` };
}

/** What one lookup of the record found; `problem` says it in words the brand can act on. */
export type ProofOutcome =
  | { proven: true }
  | { proven: false; kind: 'no_name' | 'no_record' | 'wrong_value'; problem: string; found: string[] }
  | { proven: false; kind: 'timeout' | 'dns_error'; problem: string };

const MAX_FOUND_SHOWN = 5;

/** PURE: the TXT records found at the name (each as its character-strings) against the one expected. */
export function judgeProof(records: string[][], record: ProofRecord): ProofOutcome {
  // A long TXT value comes as several strings of at most 255 bytes: one record, joined.
  const values = records.map((strings) => strings.join('').trim());
  if (values.includes(record.value)) return { proven: true };
  const found = values.slice(0, MAX_FOUND_SHOWN);
  if (values.length === 0) return { proven: false, kind: 'no_record', problem: `${record.name} has no TXT record`, found };
  const ours = values.filter((v) => v.startsWith(PROOF_PREFIX));
  const why = ours.length > 0 ? 'a waybill-verify value for another brand or domain' : 'no waybill-verify value';
  return { proven: false, kind: 'wrong_value', problem: `the TXT record at ${record.name} holds ${why} (found ${found.map((v) => JSON.stringify(v)).join(', ')})`, found };
}

/** PURE: a resolver's error code as an outcome. NXDOMAIN and "no TXT there" are answers, not failures. */
export function outcomeOfDnsError(code: string | undefined, record: ProofRecord, timeoutMs: number): ProofOutcome {
  if (code === 'ENOTFOUND') return { proven: false, kind: 'no_name', problem: `${record.name} does not exist (NXDOMAIN)`, found: [] };
  if (code === 'ENODATA') return judgeProof([], record);
  if (code === 'ETIMEOUT' || code === 'ECANCELLED') return { proven: false, kind: 'timeout', problem: `no DNS server answered for ${record.name} within ${timeoutMs} ms` };
  return { proven: false, kind: 'dns_error', problem: `the DNS lookup of ${record.name} failed (${code ?? 'unknown error'})` };
}

/** Looks the record up on the configured servers (else the system's), giving up after the timeout. */
export async function lookupProof(settings: Config['domainProof'], record: ProofRecord): Promise<ProofOutcome> {
  // c-ares doubles its wait on each try and its total drifts past what is asked: a third, tried
  // twice, is about the timeout, and the timer below is the hard limit.
  const resolver = new dns.Resolver({ timeout: Math.max(50, Math.floor(settings.dnsTimeoutMs / 3)), tries: 2 });
  if (settings.dnsServers) resolver.setServers(settings.dnsServers);
  const deadline = setTimeout(() => resolver.cancel(), settings.dnsTimeoutMs);
  try {
    return judgeProof(await resolver.resolveTxt(record.name), record);
  } catch (error) {
    return outcomeOfDnsError((error as NodeJS.ErrnoException).code, record, settings.dnsTimeoutMs);
  } finally {
    clearTimeout(deadline);
  }
}
