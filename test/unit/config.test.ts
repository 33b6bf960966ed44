// Configuration from the environment: what start-up accepts, refuses (naming the variable) and
// treats as unset.
import { describe, expect, it } from 'vitest';
import { loadConfig, sqliteFileOf } from '../../src/config.js';

const refusal = (env: Record<string, string>) => {
  try {
    loadConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  return 'accepted';
};

describe('PUBLIC_URL', () => {
  it('takes an absolute http or https URL, without its trailing slash', () => {
    expect(loadConfig({ PUBLIC_URL: 'https://track.example.com/' }).publicUrl).toBe('https://track.example.com');
    expect(loadConfig({ PUBLIC_URL: 'http://127.0.0.1:3204' }).publicUrl).toBe('http://127.0.0.1:3204');
  });

  it.each(['localhost:3204', 'ftp://x', 'javascript:alert(1)', 'mailto:a@example.com', 'not a url'])('refuses %s, naming the variable', (value) => {
    expect(refusal({ PUBLIC_URL: value })).toMatch(/PUBLIC_URL: must be an absolute http\(s\) URL/);
  });
});

describe('WEB_CONCURRENCY', () => {
  it('is 1 serving process unless set, up to 64', () => {
    expect(loadConfig({}).webConcurrency).toBe(1);
    expect(loadConfig({ WEB_CONCURRENCY: '4' }).webConcurrency).toBe(4);
  });

  it.each(['0', '65', '1.5', 'two'])('refuses %s, naming the variable', (value) => {
    expect(refusal({ WEB_CONCURRENCY: value })).toMatch(/WEB_CONCURRENCY/);
  });
});

describe('DNS_SERVERS', () => {
  it('is the system resolver unless set; takes IPv4 and IPv6 addresses with optional ports', () => {
    expect(loadConfig({}).domainProof).toEqual({ mode: 'dns', dnsServers: null, dnsTimeoutMs: 5000 });
    expect(loadConfig({ DNS_SERVERS: '1.1.1.1, 127.0.0.1:5353,[2001:db8::1]:53,::1' }).domainProof.dnsServers).toEqual(['1.1.1.1', '127.0.0.1:5353', '[2001:db8::1]:53', '::1']);
  });

  it.each(['dns.google', '1.1.1.1:0', '1.1.1.1:70000', '300.1.1.1', '1.1.1.1:53:53', '[1.1.1.1]:53', ',', 'https://1.1.1.1'])('refuses %s, naming the variable and the entry', (value) => {
    expect(refusal({ DNS_SERVERS: value })).toMatch(/^Invalid configuration:\n {2}DNS_SERVERS: .*(is not an IP address with an optional port|names no server): use comma-separated addresses/);
  });
});

describe('HUB_DOMAIN_PROOF and DNS_TIMEOUT_MS', () => {
  it('take dns or none, and a timeout from 100 ms to a minute', () => {
    expect(loadConfig({ HUB_DOMAIN_PROOF: 'none', DNS_TIMEOUT_MS: '800' }).domainProof).toMatchObject({ mode: 'none', dnsTimeoutMs: 800 });
    expect(refusal({ HUB_DOMAIN_PROOF: 'txt' })).toMatch(/HUB_DOMAIN_PROOF/);
    expect(refusal({ DNS_TIMEOUT_MS: '50' })).toMatch(/DNS_TIMEOUT_MS/);
  });
});

describe('blank values', () => {
  it('count as unset: spaces are not 0', () => {
    const config = loadConfig({ PORT: ' ', WORKER_CONCURRENCY: '  ', POLL_TICK_SECONDS: '\t', PUBLIC_URL: ' ', DATABASE_URL: ' ' });
    expect(config.port).toBe(3000);
    expect(config.workerConcurrency).toBe(2);
    expect(config.polling.tickSeconds).toBe(60);
    expect(config.publicUrl).toBe('http://localhost:3000');
    expect(config.databaseUrl).toBe('./data/waybill.db');
  });

  it('surrounding spaces are ignored, except in SECRET_KEY, whose every character counts', () => {
    const secret = ' a secret of at least thirty-two characters ';
    const config = loadConfig({ PORT: ' 3205 ', WORKER_CONCURRENCY: '0 ', SECRET_KEY: secret });
    expect(config.port).toBe(3205);
    expect(config.workerConcurrency).toBe(0);
    expect(config.secretKey).toBe(secret);
  });
});

describe('DATABASE_URL', () => {
  it('reads its scheme in any case, as URLs are (not as a file in a folder named "POSTGRES:")', () => {
    expect(loadConfig({ DATABASE_URL: 'POSTGRES://waybill@db.internal/waybill' }).dialect).toBe('postgres');
    expect(loadConfig({ DATABASE_URL: 'PostgreSQL://waybill@db.internal/waybill' }).dialect).toBe('postgres');
    expect(sqliteFileOf(loadConfig({ DATABASE_URL: 'SQLite:///srv/waybill.db' }).databaseUrl)).toBe('/srv/waybill.db');
    expect(refusal({ DATABASE_URL: 'MySQL://db/waybill' })).toMatch(/DATABASE_URL: must be a SQLite file path/);
  });
});

describe('TRUSTED_PROXIES', () => {
  it('is loopback unless set; takes addresses and CIDR ranges of both families, or none', () => {
    expect(loadConfig({}).trustedProxies).toEqual(['127.0.0.0/8', '::1/128']);
    expect(loadConfig({ TRUSTED_PROXIES: '10.0.0.0/8, 192.0.2.7,fd00::/8' }).trustedProxies).toEqual(['10.0.0.0/8', '192.0.2.7', 'fd00::/8']);
    expect(loadConfig({ TRUSTED_PROXIES: 'none' }).trustedProxies).toEqual([]);
  });

  it.each(['proxy.internal', '10.0.0.0/33', 'fd00::/129', '10.0.0.0/8/8', '10.0.0.0/x', ',', '300.0.0.1'])('refuses %s, naming the variable and the entry', (value) => {
    expect(refusal({ TRUSTED_PROXIES: value })).toMatch(/^Invalid configuration:\n {2}TRUSTED_PROXIES: .*(is not an IP address or CIDR range|names no address): use comma-separated/);
  });
});
