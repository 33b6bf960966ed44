// "Capture" providers for the demo and tests: nothing leaves the process. Every email and SMS is
// kept in memory (the latest `limit` of them) so the demo can show the rendered emails and SMS
// bubbles in the browser. Every send is recorded, duplicates included, so a test can assert that
// a message went out exactly once.
import { randomBytes } from 'node:crypto';
import { systemClock, type Clock } from '../../lib/clock.js';
import { err, ok } from '../../lib/result.js';
import type { EmailProvider, OutgoingEmail, OutgoingSms, ProviderError, SmsProvider } from './types.js';

export type CapturedEmail = { providerMessageId: string; sentAt: string; message: OutgoingEmail };
export type CapturedSms = { providerMessageId: string; sentAt: string; status: string; message: OutgoingSms };

export type CaptureOptions = {
  limit?: number; // messages kept, oldest dropped first; default 500
  clock?: Clock;
  name?: string; // default 'capture'
};

export type Capture<T> = {
  /** Oldest first. */
  readonly messages: readonly T[];
  last(): T | undefined;
  clear(): void;
  /** Makes the next sends fail with this error instead of being captured (queued). */
  failNext(error: ProviderError, times?: number): void;
  /** Called after each captured message (the demo pushes it to the browser). Returns an unsubscribe. */
  subscribe(listener: (captured: T) => void): () => void;
};

export type CaptureEmailProvider = EmailProvider & Capture<CapturedEmail>;
export type CaptureSmsProvider = SmsProvider & Capture<CapturedSms>;

export function createCaptureEmailProvider(options: CaptureOptions = {}): CaptureEmailProvider {
  const store = captureStore<CapturedEmail>(options);
  return {
    name: options.name ?? 'capture',
    ...store.api,
    async send(message) {
      const failure = store.takeFailure();
      if (failure) return err(failure);
      const captured = { providerMessageId: `capture-email-${randomId()}`, sentAt: store.now(), message: structuredClone(message) };
      store.add(captured);
      return ok({ providerMessageId: captured.providerMessageId });
    },
  };
}

export function createCaptureSmsProvider(options: CaptureOptions = {}): CaptureSmsProvider {
  const store = captureStore<CapturedSms>(options);
  return {
    name: options.name ?? 'capture',
    ...store.api,
    async send(message) {
      const failure = store.takeFailure();
      if (failure) return err(failure);
      const captured = { providerMessageId: `capture-sms-${randomId()}`, sentAt: store.now(), status: 'delivered', message: { ...message } };
      store.add(captured);
      return ok({ providerMessageId: captured.providerMessageId, status: captured.status });
    },
  };
}

function captureStore<T>(options: CaptureOptions) {
  const limit = Math.max(1, options.limit ?? 500);
  const clock = options.clock ?? systemClock;
  const messages: T[] = [];
  const failures: { error: ProviderError; times: number }[] = [];
  const listeners = new Set<(captured: T) => void>();

  const api: Capture<T> = {
    messages,
    last: () => messages.at(-1),
    clear: () => void (messages.length = 0),
    failNext: (error, times = 1) => void failures.push({ error, times }),
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };

  return {
    api,
    now: () => clock.now().toISOString(),
    takeFailure(): ProviderError | undefined {
      const failure = failures[0];
      if (failure && --failure.times <= 0) failures.shift();
      return failure?.error;
    },
    add(captured: T) {
      if (messages.length >= limit) messages.splice(0, messages.length - limit + 1);
      messages.push(captured);
      for (const listener of listeners) {
        try {
          listener(captured);
        } catch {
          // A broken listener (a closed browser stream) must not fail the send.
        }
      }
    },
  };
}

function randomId(): string {
  return randomBytes(8).toString('hex');
}
