// What the CLI's commands share for bad arguments: a UsageError (or a ConfigError from the
// environment) is one line on stderr and exit status 2; anything else goes to main's handler.
import { ConfigError } from '../config.js';

export class UsageError extends Error {}

export async function exitOnUsageError(io: { stderr: { write(text: string): unknown } }, run: () => Promise<number>): Promise<number> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof UsageError || error instanceof ConfigError) {
      io.stderr.write(`waybill: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}
