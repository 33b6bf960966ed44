// The UPS emulator's Track Alert sender: what UPS does with the webhook credentials a shipper
// enters in its portal. It gets a token from the receiver's OAuth token URL (client credentials,
// HTTP Basic), then POSTs each TrackingEventRequest with `Authorization: Bearer`, `x-api-key` (the
// client id) and UPS's user agent. A 401 fetches a new token once; a 429 waits for Retry-After; a
// 5xx or a refused connection is tried again with back-off. Nothing is dropped except what the
// receiver refuses outright (other 4xx), which is counted.
// For tests, the demo and benchmarks: no test-framework imports. Deliveries go out when `flush()`
// is called (tests and the simulation drive it, on the emulator's clock).
import type { Clock } from '../../lib/clock.js';

export type TrackAlertWebhook = { url: string; tokenUrl: string; clientId: string; clientSecret: string };

export type PushStats = { delivered: number; throttled: number; failedAttempts: number; refused: number; tokens: number };

type Pending = { body: unknown; dueAt: number; attempts: number };

export function trackAlertPusher(clock: Clock, options: { concurrency?: number; timeoutMs?: number } = {}) {
  let webhook: TrackAlertWebhook | null = null;
  let token: { value: string; expiresAt: number } | null = null;
  let queue: Pending[] = [];
  const stats: PushStats = { delivered: 0, throttled: 0, failedAttempts: 0, refused: 0, tokens: 0 };
  const timeoutMs = options.timeoutMs ?? 10_000;

  let tokenRequest: Promise<string | null> | null = null;

  /** The current token, or one new token shared by every delivery waiting for it. */
  function fetchToken(): Promise<string | null> {
    if (token && token.expiresAt > clock.now().getTime()) return Promise.resolve(token.value);
    tokenRequest ??= requestToken().finally(() => (tokenRequest = null));
    return tokenRequest;
  }

  async function requestToken(): Promise<string | null> {
    if (!webhook) return null;
    const basic = Buffer.from(`${encodeURIComponent(webhook.clientId)}:${encodeURIComponent(webhook.clientSecret)}`).toString('base64');
    const response = await fetch(webhook.tokenUrl, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'grant_type=client_credentials',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const body = (await response.json().catch(() => null)) as { access_token?: string; expires_in?: number } | null;
    if (!response.ok || !body?.access_token) return null;
    stats.tokens++;
    token = { value: body.access_token, expiresAt: clock.now().getTime() + Math.max(60, (body.expires_in ?? 3600) - 60) * 1000 };
    return token.value;
  }

  /** One attempt; returns when to try again (ms from now), or null when the delivery is settled. */
  async function attempt(item: Pending): Promise<number | null> {
    for (let renewals = 0; renewals < 2; renewals++) {
      const bearer = await fetchToken();
      if (!bearer) return backoff(item);
      const response = await fetch(webhook!.url, {
        method: 'POST',
        headers: { authorization: `Bearer ${bearer}`, 'x-api-key': webhook!.clientId, 'content-type': 'application/json', 'user-agent': 'UPSPubSubTrackingService' },
        body: JSON.stringify(item.body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      await response.arrayBuffer();
      if (response.status === 401) {
        token = null; // expired or revoked: one new token, then give up on this round
        continue;
      }
      if (response.ok) {
        stats.delivered++;
        return null;
      }
      if (response.status === 429) {
        stats.throttled++;
        return Math.max(1, Number(response.headers.get('retry-after')) || 30) * 1000;
      }
      if (response.status >= 500) return backoff(item);
      stats.refused++;
      return null;
    }
    return backoff(item);
  }

  function backoff(item: Pending): number {
    stats.failedAttempts++;
    return Math.min(3_600_000, 30_000 * 2 ** Math.min(7, item.attempts));
  }

  return {
    stats,
    configure(value: TrackAlertWebhook | null) {
      webhook = value;
      token = null;
    },
    get configured() {
      return webhook !== null;
    },
    /** Deliveries not yet accepted by the receiver. */
    get pending() {
      return queue.length;
    },
    enqueue(body: unknown) {
      queue.push({ body, dueAt: clock.now().getTime(), attempts: 0 });
    },
    /** Sends every delivery that is due, a few at a time; resolves when they are settled or rescheduled. */
    async flush(): Promise<void> {
      if (!webhook) return;
      const now = clock.now().getTime();
      const due = queue.filter((item) => item.dueAt <= now);
      queue = queue.filter((item) => item.dueAt > now);
      const workers = Array.from({ length: Math.min(due.length, options.concurrency ?? 8) }, async () => {
        for (let item = due.shift(); item; item = due.shift()) {
          let retryInMs: number | null;
          try {
            retryInMs = await attempt(item);
          } catch {
            retryInMs = backoff(item); // connection refused, timeout
          }
          if (retryInMs !== null) queue.push({ ...item, attempts: item.attempts + 1, dueAt: clock.now().getTime() + retryInMs });
        }
      });
      await Promise.all(workers);
    },
  };
}

export type TrackAlertPusher = ReturnType<typeof trackAlertPusher>;
