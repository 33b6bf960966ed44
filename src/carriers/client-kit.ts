// What every carrier client does around its requests: give the context's credentials a type, and
// serve a batch one request at a time.
import type { z } from 'zod';
import { err, ok, type Result } from '../lib/result.js';
import type { CarrierContext, CarrierError, TrackResult } from './types.js';

/**
 * The context's credentials parsed with the adapter's schema. They were validated on save, so a
 * failure here means a broken connection: `auth_failed`, worded by `incomplete`.
 */
export function readCredentials<S extends z.ZodType>(ctx: CarrierContext, schema: S, incomplete: (error: z.ZodError) => string): Result<z.output<S>, CarrierError> {
  const parsed = schema.safeParse(ctx.credentials);
  if (parsed.success) return ok(parsed.data);
  return err({ code: 'auth_failed', message: incomplete(parsed.error), retryable: false });
}

type CredentialedClient<C> = {
  track(ctx: CarrierContext, credentials: C, trackingNumbers: string[]): Promise<Result<TrackResult[], CarrierError>>;
  verify(ctx: CarrierContext, credentials: C): Promise<Result<void, CarrierError>>;
};

/** An adapter's track and verifyCredentials over client functions that take the parsed credentials. */
export function withCredentials<C>(read: (ctx: CarrierContext) => Result<C, CarrierError>, client: CredentialedClient<C>) {
  return {
    async track(ctx: CarrierContext, trackingNumbers: string[]): Promise<Result<TrackResult[], CarrierError>> {
      const credentials = read(ctx);
      return credentials.ok ? client.track(ctx, credentials.value, trackingNumbers) : credentials;
    },
    async verifyCredentials(ctx: CarrierContext): Promise<Result<void, CarrierError>> {
      const credentials = read(ctx);
      return credentials.ok ? client.verify(ctx, credentials.value) : credentials;
    },
  };
}

/** Tracks `items` (numbers, or chunks of them) one request after another; the first failure ends the batch. */
export async function trackInTurn<T>(items: readonly T[], trackOne: (item: T) => Promise<Result<TrackResult[], CarrierError>>): Promise<Result<TrackResult[], CarrierError>> {
  const results: TrackResult[] = [];
  for (const item of items) {
    const answer = await trackOne(item);
    if (!answer.ok) return answer;
    results.push(...answer.value);
  }
  return ok(results);
}
