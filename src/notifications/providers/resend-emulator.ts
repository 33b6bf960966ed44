// A local stand-in for Resend's POST /emails, as a real HTTP server on 127.0.0.1: Bearer auth, the
// JSON body, and Idempotency-Key honoured the way Resend documents it (a repeat with the same key
// and body gets the first answer and sends nothing; the same key with another body is a 409).
// Tests and benchmarks inject failures and hold answers back (latency) to kill a worker mid-send.
import { randomUUID } from 'node:crypto';
import { type EmulatorAnswer, injectionQueue, jsonAnswer, retryAfterHeader, startEmulatorServer } from '../../carriers/emulator-kit.js';
import { sha256Hex } from '../../lib/crypto.js';

export const EMULATOR_RESEND_KEY = 're_emulator_0123456789abcdef';

export type ResendEmulatorEmail = { id: string; idempotencyKey: string | null; body: Record<string, unknown>; acceptedAt: number };

export type ResendEmulator = {
  url: string;
  /** Every email Resend would have sent, once each. */
  emails: ResendEmulatorEmail[];
  /** How many POST /emails arrived (repeats included). */
  requests(): number;
  setLatency(ms: number): void;
  failNext(answer: { status: number; name: string; retryAfter?: number }, times?: number): void;
  close(): Promise<void>;
};

export async function startResendEmulator(options: { apiKey?: string; latencyMs?: number } = {}): Promise<ResendEmulator> {
  const apiKey = options.apiKey ?? EMULATOR_RESEND_KEY;
  const emails: ResendEmulatorEmail[] = [];
  const byKey = new Map<string, { hash: string; answer: EmulatorAnswer }>();
  const failures = injectionQueue<{ status: number; name: string; retryAfter?: number }>();
  let requests = 0;
  const error = (status: number, name: string, message: string, headers?: Record<string, string>) => jsonAnswer(status, { statusCode: status, name, message }, headers);

  const server = await startEmulatorServer({ latencyMs: options.latencyMs ?? 0 }, ({ req, method, url, body }) => {
    if (method !== 'POST' || url.pathname !== '/emails') return error(404, 'not_found', 'The requested endpoint does not exist.');
    requests += 1;
    if (req.headers.authorization !== `Bearer ${apiKey}`) return error(401, 'missing_api_key', 'Missing or invalid API key in the authorization header.');
    const injected = failures.take();
    if (injected) return error(injected.status, injected.name, `injected ${injected.name}`, retryAfterHeader(injected.retryAfter));
    let email: Record<string, unknown>;
    try {
      email = JSON.parse(body) as Record<string, unknown>;
    } catch {
      return error(400, 'validation_error', 'The body is not JSON.');
    }
    const missing = ['from', 'to', 'subject'].filter((field) => !email[field]);
    if (missing.length) return error(422, 'missing_required_field', `Missing \`${missing.join('`, `')}\` field.`);
    const key = typeof req.headers['idempotency-key'] === 'string' ? req.headers['idempotency-key'] : null;
    if (key !== null && (key.length < 1 || key.length > 256)) return error(400, 'invalid_idempotency_key', 'The key must be between 1-256 chars.');
    const hash = sha256Hex(body);
    const seen = key ? byKey.get(key) : undefined;
    if (seen) return seen.hash === hash ? seen.answer : error(409, 'invalid_idempotent_request', 'Same idempotency key used with a different request payload.');
    const id = randomUUID();
    emails.push({ id, idempotencyKey: key, body: email, acceptedAt: Date.now() });
    const answer = jsonAnswer(200, { id });
    if (key) byKey.set(key, { hash, answer });
    return answer;
  });

  return {
    url: server.url,
    emails,
    requests: () => requests,
    setLatency: server.setLatency,
    failNext: (answer, times = 1) => failures.add(answer, times),
    close: server.close,
  };
}
