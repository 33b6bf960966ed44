// Keeping a webhook flood out without losing it: each endpoint has a token bucket (a burst, then a
// steady rate), and when the worker is far behind (too many stored, unprocessed deliveries) every
// delivery is turned away. Both answer 429 with Retry-After, which senders honour by retrying
// later; nothing is accepted that is not stored. Counted per process, on the injected clock.
export type FloodVerdict = { ok: true } | { ok: false; retryAfterSeconds: number; reason: string };

export type FloodGuard = { check(key: string): Promise<FloodVerdict> };

export function floodGuard(options: { ratePerSecond: number; burst: number; maxBacklog: number; now: () => number; backlog: () => Promise<number> }): FloodGuard {
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    async check(key) {
      if (options.ratePerSecond > 0) {
        const now = options.now();
        const bucket = buckets.get(key) ?? { tokens: options.burst, at: now };
        bucket.tokens = Math.min(options.burst, bucket.tokens + ((now - bucket.at) / 1000) * options.ratePerSecond);
        bucket.at = now;
        if (buckets.size > 10_000) buckets.clear(); // endpoints are few; this only bounds memory
        buckets.set(key, bucket);
        if (bucket.tokens < 1) {
          return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / options.ratePerSecond)), reason: `more than ${options.ratePerSecond} deliveries a second` };
        }
        bucket.tokens -= 1;
      }
      const waiting = await options.backlog();
      if (waiting >= options.maxBacklog) return { ok: false, retryAfterSeconds: 30, reason: `${waiting} deliveries are still being processed` };
      return { ok: true };
    },
  };
}
