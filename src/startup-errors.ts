// Why a command could not start, in one line naming the setting to fix, instead of a Node stack
// trace: the port or host it cannot listen on, the database it cannot reach. Pure: main.ts turns
// a failure it recognises here into a StartupError (printed as `waybill: …`, exit code 2).

export class StartupError extends Error {}

/** The system error code of a failure (`ECONNREFUSED`…), also inside an AggregateError (one try per address). */
function codeOf(error: unknown): string | undefined {
  if (!error || typeof error !== 'object') return undefined;
  const { code, errors } = error as { code?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  return Array.isArray(errors) ? codeOf(errors[0]) : undefined;
}

const messageOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A failure in the system's own words, its code named once ("EEXIST: file already exists, mkdir …",
 * "SQLITE_CANTOPEN: unable to open database file"): Node's file-system messages already start with
 * their code, SQLite's do not.
 */
export function systemMessage(error: unknown): string {
  const code = codeOf(error);
  const message = messageOf(error);
  return !code || message.startsWith(`${code}:`) ? message : `${code}: ${message}`;
}

/** Listening on HOST:PORT failed. */
export function listenFailureMessage(error: unknown, where: { port: number; host: string }): string | null {
  switch (codeOf(error)) {
    case 'EADDRINUSE':
      return `PORT ${where.port} is already in use (on HOST ${where.host}): stop what holds it or choose another PORT`;
    case 'EACCES':
      return `PORT ${where.port} needs privileges this process does not have: choose a PORT above 1023`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EAI_FAIL':
      return `HOST "${where.host}" is not a name this machine can resolve (${codeOf(error)}): use an address such as 127.0.0.1 or 0.0.0.0`;
    case 'EADDRNOTAVAIL':
      return `HOST ${where.host} is not an address of this machine (EADDRNOTAVAIL): use 127.0.0.1, 0.0.0.0 or one of its own addresses`;
    default:
      return null;
  }
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);
/** PostgreSQL's refusals at connection time: no such database, no such role, a wrong password, not allowed in. */
const REFUSED_BY_POSTGRES = new Set(['3D000', '28000', '28P01']);

/** The file or its folder cannot be made there: a folder in the way, a file where a folder should be, no rights. */
const NOT_A_PLACE_FOR_A_FILE = new Set(['ENOTDIR', 'EEXIST', 'EISDIR', 'EACCES', 'EPERM', 'EROFS']);

/** The first use of DATABASE_URL failed. The URL itself is never repeated: it may hold a password. */
export function databaseFailureMessage(error: unknown): string | null {
  const code = codeOf(error);
  if (code && UNREACHABLE.has(code)) {
    const address = error as { address?: string; port?: number };
    const at = address.address ? ` ${address.address}${address.port ? `:${address.port}` : ''}` : '';
    return `cannot reach DATABASE_URL (${code}${at})`;
  }
  if (code && REFUSED_BY_POSTGRES.has(code)) return `cannot connect to DATABASE_URL: ${messageOf(error)}`;
  if (/connection timeout|timeout expired/i.test(messageOf(error))) return `cannot reach DATABASE_URL (no answer from the server: ${messageOf(error)})`;
  if (code?.startsWith('SQLITE_CANTOPEN') || NOT_A_PLACE_FOR_A_FILE.has(code ?? '')) return `cannot open DATABASE_URL (${systemMessage(error)})`;
  // db/migrate.ts's refusals, whose messages name what they found and what to do.
  if (code === 'WAYBILL_NEWER_SCHEMA' || code === 'WAYBILL_FOREIGN_DATABASE') return messageOf(error);
  if (code === 'SQLITE_NOTADB') return `DATABASE_URL names a file that is not a SQLite database (${code}): point it at a new file or at a Waybill database`;
  return null;
}

/** Runs `work`; on failure runs `cleanUp`, and a failure `describe` recognises becomes a StartupError with its line. */
export async function whileStarting<T>(work: () => T | Promise<T>, describe: (error: unknown) => string | null, cleanUp?: () => Promise<unknown>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    await cleanUp?.().catch(() => {});
    const line = describe(error);
    throw line === null ? error : new StartupError(line, { cause: error });
  }
}
