// The custom-domain proof's pure rules: the record a brand publishes, what a lookup's answer
// proves, a resolver's error in words, and where a domain a brand asks for goes.
import { describe, expect, it } from 'vitest';
import { judgeProof, outcomeOfDnsError, proofRecord } from '../../src/hub/domain-proof.js';
import { placeDomain } from '../../src/hub/hosts.js';

const key = Buffer.alloc(32, 7);
const record = proofRecord(key, 'brd_1', 'track.brand.example');

describe('the proof record', () => {
  it('is a TXT record under _waybill, its value a token only the instance can compute, per brand and per domain', () => {
    expect(record).toEqual({ type: 'TXT', name: '_waybill.track.brand.example', value: expect.stringMatching(/^waybill-verify=[\w-]{43}$/) });
    expect(proofRecord(key, 'brd_1', 'track.brand.example')).toEqual(record);
    expect(proofRecord(key, 'brd_2', 'track.brand.example').value).not.toBe(record.value);
    expect(proofRecord(key, 'brd_1', 'track.other.example').value).not.toBe(record.value);
    expect(proofRecord(Buffer.alloc(32, 8), 'brd_1', 'track.brand.example').value).not.toBe(record.value);
  });
});

describe('judging what DNS answered', () => {
  it('is proven by the value among other records, a long one split in strings, with spaces around', () => {
    expect(judgeProof([['v=spf1 -all'], [` ${record.value.slice(0, 30)}`, `${record.value.slice(30)} `]], record)).toEqual({ proven: true });
  });

  it('says a name without TXT, another value (ours for someone else, or none of ours), and what was found', () => {
    expect(judgeProof([], record)).toEqual({ proven: false, kind: 'no_record', problem: '_waybill.track.brand.example has no TXT record', found: [] });
    const foreign = judgeProof([['waybill-verify=abc']], record);
    expect(foreign).toMatchObject({ kind: 'wrong_value', found: ['waybill-verify=abc'] });
    expect(foreign.proven ? '' : foreign.problem).toContain('a waybill-verify value for another brand or domain (found "waybill-verify=abc")');
    expect(judgeProof([['hello']], record)).toMatchObject({ kind: 'wrong_value', problem: expect.stringContaining('holds no waybill-verify value') });
  });

  it('takes NXDOMAIN and no data for answers, and a timeout or a failing server for failures', () => {
    expect(outcomeOfDnsError('ENOTFOUND', record, 500)).toMatchObject({ kind: 'no_name', problem: '_waybill.track.brand.example does not exist (NXDOMAIN)' });
    expect(outcomeOfDnsError('ENODATA', record, 500)).toMatchObject({ kind: 'no_record' });
    expect(outcomeOfDnsError('ETIMEOUT', record, 500)).toMatchObject({ kind: 'timeout', problem: expect.stringContaining('within 500 ms') });
    expect(outcomeOfDnsError('ECANCELLED', record, 500)).toMatchObject({ kind: 'timeout' });
    expect(outcomeOfDnsError('EREFUSED', record, 500)).toMatchObject({ kind: 'dns_error', problem: expect.stringContaining('EREFUSED') });
  });
});

describe('placing a domain the brand asks for', () => {
  it('keeps the one in force, makes a new one pending (replacing the one in force), removes it with null, and trusts at once with proofs off', () => {
    const inForce = { domain: 'a.example' };
    expect(placeDomain(inForce, 'a.example', false)).toEqual({ domain: 'a.example', pendingDomain: null });
    expect(placeDomain(inForce, 'b.example', false)).toEqual({ domain: 'a.example', pendingDomain: 'b.example' });
    expect(placeDomain({ domain: null }, 'b.example', false)).toEqual({ domain: null, pendingDomain: 'b.example' });
    expect(placeDomain(inForce, null, false)).toEqual({ domain: null, pendingDomain: null });
    expect(placeDomain(inForce, 'b.example', true)).toEqual({ domain: 'b.example', pendingDomain: null });
  });
});
