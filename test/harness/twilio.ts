// A test context reachable over HTTP (Twilio's callbacks come over the network) with the brand's
// SMS account on the Twilio emulator.
import { serve } from '@hono/node-server';
import { expect } from 'vitest';
import { EMULATOR_ACCOUNT } from '../../src/notifications/providers/twilio-emulator.js';
import type { TestContext } from './harness.js';

/** Serves the app on `port` (its PUBLIC_URL) and connects the emulator's account, sending from `from`; returns what stops the server. */
export async function serveWithTwilioAccount(t: TestContext, port: number, from: string): Promise<() => void> {
  const server = serve({ fetch: t.app.fetch, port, hostname: '127.0.0.1' });
  const account = await t.request('PUT', '/v1/brand/sms-account', { accountSid: EMULATOR_ACCOUNT.accountSid, authToken: EMULATOR_ACCOUNT.authToken, from });
  expect(account.status).toBe(200);
  return () => server.close();
}
