// Builds the one plain object every part of Waybill receives. No container, no globals.
import pino, { type Logger } from 'pino';
import { memoryTokenCache, type TokenCache } from './carriers/types.js';
import type { Config } from './config.js';
import { type DbHandle, openDatabase } from './db/connect.js';
import { type Keyring, deriveKeyring } from './lib/crypto.js';
import { type Clock, systemClock } from './lib/clock.js';
import { createMetrics, type Metrics } from './observability/metrics.js';
import { createMessaging, type Messaging } from './notifications/messaging.js';

export type Deps = {
  db: DbHandle['db'];
  dialect: DbHandle['dialect'];
  /** The same database without Kysely, for the hot paths only (db/direct.ts). */
  direct: DbHandle['direct'];
  clock: Clock;
  /**
   * Real time, for what protects the service from people rather than describes parcels: the
   * lookup form's throttle and its Retry-After. The same as `clock` except in the demo, whose
   * clock runs 1,440 times fast (a 15-minute window would pass in under a second).
   */
  wallClock: Clock;
  log: Logger;
  config: Config;
  keys: Keyring;
  metrics: Metrics;
  fetch: typeof fetch;
  /** Called after this process enqueues jobs, so an idle in-process worker wakes at once. */
  notifyJobsEnqueued: () => void;
  /** Email and SMS providers. */
  messaging: Messaging;
  /** OAuth tokens of carrier accounts, shared by every call this process makes. */
  tokenCache: TokenCache;
  close(): Promise<void>;
};

export type DepsOverrides = Partial<Pick<Deps, 'clock' | 'wallClock' | 'log' | 'fetch' | 'metrics'>> & { handle?: DbHandle; captureMessages?: boolean };

export function createDeps(config: Config, secretKey: string, overrides: DepsOverrides = {}): Deps {
  const log = overrides.log ?? pino({ level: config.logLevel, redact: ['*.apiKey', '*.credentials', '*.clientSecret', 'req.headers.authorization'] });
  const handle =
    overrides.handle ??
    openDatabase(config.databaseUrl, {
      onConnectionError: (error) => log.warn({ err: error }, 'a database connection broke'),
      onCheckpointError: (message) => log.warn({ message }, 'a background WAL checkpoint failed'),
    });
  const keys = deriveKeyring(secretKey);
  const fetchImpl = overrides.fetch ?? globalThis.fetch;
  const clock = overrides.clock ?? systemClock;
  const messaging = createMessaging({ clock, smtpUrl: config.smtpUrl, resend: config.resendApiKey ? { apiKey: config.resendApiKey, apiBase: config.resendApiBase } : undefined, twilioApiBase: config.twilioApiBase, credentialsKey: keys.credentials, fetch: fetchImpl, captureAll: overrides.captureMessages });
  const deps: Deps = {
    db: handle.db,
    dialect: handle.dialect,
    direct: handle.direct,
    clock,
    wallClock: overrides.wallClock ?? clock,
    log,
    config,
    keys,
    messaging,
    metrics: overrides.metrics ?? createMetrics({ defaultMetrics: true }),
    fetch: fetchImpl,
    notifyJobsEnqueued: () => {},
    tokenCache: memoryTokenCache(),
    close: async () => {
      messaging.close();
      await handle.close();
    },
  };
  return deps;
}
