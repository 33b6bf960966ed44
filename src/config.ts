// Configuration: environment variables validated once at start-up. A wrong value stops
// start-up with a message naming the variable. main.ts is the only caller of loadConfig(process.env).
import { isIP } from 'node:net';
import { z } from 'zod';
import { type CarrierLimitsOverrides, parseCarrierLimitsEnv } from './polling/limits.js';
import { DEFAULT_TRUSTED_PROXIES, parseTrustedProxies } from './lib/client-address.js';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** An absolute http:// or https:// URL: customers' links and API bases are nothing else. */
const httpUrl = () =>
  z.url({ protocol: /^https?$/, hostname: z.regexes.hostname, message: 'must be an absolute http(s) URL such as https://track.example.com' });

/**
 * A SQLite file path or a postgres:// URL. Any other scheme (mysql://, https://, file:) would
 * otherwise be taken as a file name and quietly become a SQLite database in a folder named after it.
 * A one-letter "scheme" is a Windows drive (C:\data\waybill.db).
 */
export const databaseLocation = () =>
  z
    .string()
    .min(1)
    .refine((value) => !/^[a-z][a-z0-9+.-]+:/i.test(value) || /^(postgres(ql)?:\/\/|sqlite:)/i.test(value), {
      message: 'must be a SQLite file path such as ./data/waybill.db or a postgres:// URL (Waybill runs on no other database)',
    });

/**
 * DNS_SERVERS: comma-separated IP addresses, each with an optional port (1.1.1.1, 10.0.0.2:5353,
 * [2001:db8::1]:53 or 2001:db8::1), the form node:dns's setServers takes. Host names are refused:
 * resolving the resolver would need a resolver.
 */
export function parseDnsServers(value: string): { ok: true; servers: string[] } | { ok: false; error: string } {
  const servers = value.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const bad = servers.find((server) => !isDnsServer(server));
  if (servers.length === 0 || bad !== undefined) {
    return { ok: false, error: `${bad === undefined ? 'names no server' : `"${bad}" is not an IP address with an optional port`}: use comma-separated addresses such as 1.1.1.1,9.9.9.9:53 or [2001:db8::1]:53` };
  }
  return { ok: true, servers };
}

function isDnsServer(server: string): boolean {
  if (isIP(server) !== 0) return true; // a bare IPv4 or IPv6 address
  const withPort = /^(?:\[([^\]]+)\]|([^:\[\]]+)):(\d{1,5})$/.exec(server);
  if (!withPort) return false;
  const [, v6, v4, port] = withPort;
  return (v6 ? isIP(v6) === 6 : isIP(v4 ?? '') === 4) && Number(port) >= 1 && Number(port) <= 65535;
}

const envSchema = z.object({
  DATABASE_URL: databaseLocation().default('./data/waybill.db'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().min(1).default('127.0.0.1'),
  PUBLIC_URL: httpUrl().optional(),
  SECRET_KEY: z.string().min(32, { message: 'must be at least 32 characters long' }).optional(),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  /** Seconds a page link stays valid after the order is placed. */
  TRACKING_LINK_TTL_DAYS: z.coerce.number().int().min(1).max(3650).default(180),
  /** Largest request body the API accepts, in bytes. */
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(5 * 1024 * 1024),
  /** How many processes `waybill serve` runs on one HOST:PORT (node:cluster), to use more than one core. */
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  /** How many job-worker loops run in this process (0 disables the worker, e.g. for API-only nodes). */
  WORKER_CONCURRENCY: z.coerce.number().int().min(0).max(64).default(2),
  /** Where email goes: smtp://host:587 or smtps://user:pass@host:465. Unset: emails are captured, not sent. */
  SMTP_URL: z.string().regex(/^smtps?:\/\//, { message: 'must start with smtp:// or smtps://' }).optional(),
  /** The sender when a brand has not set its own. */
  EMAIL_FROM: z.email({ message: 'must be an email address' }).default('no-reply@waybill.localhost'),
  TWILIO_API_BASE: httpUrl().default('https://api.twilio.com'),
  /** How long a carrier API call (tracking, labels) may take before Waybill gives up on it. */
  CARRIER_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(15_000),
  /** Send email through Resend's HTTP API (it honours idempotency keys) instead of SMTP. */
  RESEND_API_KEY: z.string().regex(/^re_\S{8,}$/, { message: 'must be a Resend API key (re_…)' }).optional(),
  RESEND_API_BASE: httpUrl().default('https://api.resend.com'),
  /** How long a worker owns a job it claimed; a crashed worker's jobs are taken over after this. */
  JOB_LEASE_SECONDS: z.coerce.number().int().min(1).max(3600).default(60),
  /** Largest carrier/aggregator webhook body accepted, in bytes. */
  INBOUND_WEBHOOK_MAX_BYTES: z.coerce.number().int().min(1024).default(256 * 1024),
  /** Webhook deliveries accepted per second per endpoint (then 429 with Retry-After); 0 for no limit. */
  INBOUND_WEBHOOK_RATE: z.coerce.number().min(0).default(50),
  /** How many deliveries an endpoint may send at once before the rate applies. */
  INBOUND_WEBHOOK_BURST: z.coerce.number().int().min(1).default(500),
  /** Deliveries stored but not yet processed above which new ones get 429 until the worker catches up. */
  INBOUND_MAX_BACKLOG: z.coerce.number().int().min(1).default(50_000),
  /** Days webhook deliveries (and their ids, which make repeats harmless) are kept. */
  INBOUND_RETENTION_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** How often the poll scheduler looks for parcels due; 0 turns carrier polling off. */
  POLL_TICK_SECONDS: z.coerce.number().int().min(0).max(3600).default(60),
  /** A parcel with no carrier data for this many days becomes `expired` and is no longer polled. */
  POLL_EXPIRE_AFTER_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  /** Parcels with a live push source (Track Alert, an aggregator) are polled this often as a safety net. */
  POLL_SAFETY_NET_HOURS: z.coerce.number().min(1).max(168).default(12),
  /** JSON: per-carrier request rates and daily quotas replacing the published defaults (see README). */
  CARRIER_LIMITS: z.string().optional(),
  /** How a brand proves it owns the custom domain it sets: a DNS TXT record, or not at all (one brand's own instance). */
  HUB_DOMAIN_PROOF: z.enum(['dns', 'none']).default('dns'),
  /** The DNS servers that domain proofs are looked up on; unset, the system's resolver (/etc/resolv.conf). */
  DNS_SERVERS: z.string().optional(),
  TRUSTED_PROXIES: z.string().optional(),
  /** How long one domain proof lookup may take before Waybill answers that DNS did not respond. */
  DNS_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5_000),
});

export type Config = {
  databaseUrl: string;
  dialect: 'sqlite' | 'postgres';
  port: number;
  host: string;
  publicUrl: string;
  secretKey: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  trackingLinkTtlDays: number;
  maxBodyBytes: number;
  workerConcurrency: number;
  webConcurrency: number;
  smtpUrl: string | undefined;
  emailFrom: string;
  twilioApiBase: string;
  carrierTimeoutMs: number;
  resendApiKey: string | undefined;
  resendApiBase: string;
  jobLeaseSeconds: number;
  inbound: { maxBytes: number; ratePerSecond: number; burst: number; maxBacklog: number; retentionDays: number };
  polling: { tickSeconds: number; expireAfterDays: number; safetyNetHours: number; carrierLimits: CarrierLimitsOverrides };
  /** Custom domains: proven by a TXT record looked up on `dnsServers` (null: the system's), or trusted (`none`). */
  domainProof: { mode: 'dns' | 'none'; dnsServers: string[] | null; dnsTimeoutMs: number };
  /** The reverse proxies whose X-Forwarded-For names the client (addresses and CIDR ranges). */
  trustedProxies: string[];
};

export class ConfigError extends Error {}

/**
 * The variables that are set, without surrounding spaces. Blank ones (`PORT=` or `PORT=" "` in
 * an .env file) count as unset: a number read from spaces would be 0 (a random port, no worker).
 * SECRET_KEY is kept exactly as given: every character of it goes into the derived keys.
 */
export function presentValues(env: Record<string, string | undefined>): Record<string, string> {
  const present: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.trim() === '') continue;
    present[name] = name === 'SECRET_KEY' ? value : value.trim();
  }
  return present;
}

/** zod's words, except for a number that is not one ("expected number, received NaN"): say so with the value (numbers are never secrets). */
function readableIssue(issue: z.core.$ZodIssue, value: string | undefined): string {
  const notANumber = issue.code === 'invalid_type' && issue.expected === 'number' && value !== undefined;
  return notANumber ? `must be a number, not "${value}"` : issue.message;
}

/** Variables read with `schema`, or a ConfigError under `title` naming each wrong one. */
export function readEnv<T extends z.ZodType>(schema: T, env: Record<string, string | undefined>, title: string): z.output<T> {
  const given = presentValues(env);
  const parsed = schema.safeParse(given);
  if (parsed.success) return parsed.data;
  const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${readableIssue(issue, given[String(issue.path[0])])}`);
  throw new ConfigError(`${title}:\n${lines.join('\n')}`);
}

export function loadConfig(env: Record<string, string | undefined>): Config {
  const e = readEnv(envSchema, env, 'Invalid configuration');
  const carrierLimits = parseCarrierLimitsEnv(e.CARRIER_LIMITS);
  if (!carrierLimits.ok) throw new ConfigError(`Invalid configuration:\n  CARRIER_LIMITS: ${carrierLimits.error}`);
  const dnsServers = e.DNS_SERVERS === undefined ? null : parseDnsServers(e.DNS_SERVERS);
  if (dnsServers && !dnsServers.ok) throw new ConfigError(`Invalid configuration:\n  DNS_SERVERS: ${dnsServers.error}`);
  const trustedProxies = e.TRUSTED_PROXIES === undefined ? { ok: true as const, ranges: DEFAULT_TRUSTED_PROXIES } : parseTrustedProxies(e.TRUSTED_PROXIES);
  if (!trustedProxies.ok) throw new ConfigError(`Invalid configuration:\n  TRUSTED_PROXIES: ${trustedProxies.error}`);
  return {
    databaseUrl: e.DATABASE_URL,
    dialect: dialectOf(e.DATABASE_URL),
    port: e.PORT,
    host: e.HOST,
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${e.PORT}`).replace(/\/$/, ''),
    secretKey: e.SECRET_KEY,
    logLevel: e.LOG_LEVEL,
    trackingLinkTtlDays: e.TRACKING_LINK_TTL_DAYS,
    maxBodyBytes: e.MAX_BODY_BYTES,
    workerConcurrency: e.WORKER_CONCURRENCY,
    webConcurrency: e.WEB_CONCURRENCY,
    smtpUrl: e.SMTP_URL,
    emailFrom: e.EMAIL_FROM,
    twilioApiBase: e.TWILIO_API_BASE.replace(/\/$/, ''),
    carrierTimeoutMs: e.CARRIER_TIMEOUT_MS,
    resendApiKey: e.RESEND_API_KEY,
    resendApiBase: e.RESEND_API_BASE.replace(/\/$/, ''),
    jobLeaseSeconds: e.JOB_LEASE_SECONDS,
    inbound: {
      maxBytes: e.INBOUND_WEBHOOK_MAX_BYTES,
      ratePerSecond: e.INBOUND_WEBHOOK_RATE,
      burst: e.INBOUND_WEBHOOK_BURST,
      maxBacklog: e.INBOUND_MAX_BACKLOG,
      retentionDays: e.INBOUND_RETENTION_DAYS,
    },
    polling: {
      tickSeconds: e.POLL_TICK_SECONDS,
      expireAfterDays: e.POLL_EXPIRE_AFTER_DAYS,
      safetyNetHours: e.POLL_SAFETY_NET_HOURS,
      carrierLimits: carrierLimits.value,
    },
    domainProof: { mode: e.HUB_DOMAIN_PROOF, dnsServers: dnsServers ? dnsServers.servers : null, dnsTimeoutMs: e.DNS_TIMEOUT_MS },
    trustedProxies: trustedProxies.ranges,
  };
}

/** A URL's scheme is read in any case, as databaseLocation accepts it (POSTGRES:// is no file name). */
export function dialectOf(databaseUrl: string): 'sqlite' | 'postgres' {
  return /^postgres(ql)?:\/\//i.test(databaseUrl) ? 'postgres' : 'sqlite';
}

/** The file of a SQLite DATABASE_URL, which may start with sqlite: or sqlite:// (in any case). */
export const sqliteFileOf = (databaseUrl: string) => databaseUrl.replace(/^sqlite:(\/\/)?/i, '');

/** `serve` and `worker` need a real secret; only the demo may make one up. */
export function requireSecretKey(config: Config): string {
  if (!config.secretKey) {
    throw new ConfigError(
      'SECRET_KEY is not set: set it to a random string of at least 32 characters (for example `openssl rand -base64 32`). ' +
        'It signs tracking links and webhooks and encrypts stored carrier credentials.',
    );
  }
  return config.secretKey;
}
