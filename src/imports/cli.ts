// `waybill import FILE.csv --brand BRAND_ID [--json] [--progress]`: the same import as the API,
// run directly against DATABASE_URL. Exit status: 0 every row loaded (or was already there),
// 1 some rows failed, 2 the file or the arguments were refused.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { getBrand } from '../brands/repo.js';
import { loadConfig } from '../config.js';
import { exitOnUsageError, UsageError } from '../lib/cli-errors.js';
import { openDatabase } from '../db/connect.js';
import { databaseFailureMessage, whileStarting } from '../startup-errors.js';
import { migrateToLatest } from '../db/migrate.js';
import { systemClock } from '../lib/clock.js';
import { AppError } from '../lib/errors.js';
import { type DecodedCsv, decodeCsvBytes, fallbackNote } from './decode-csv.js';
import { createProgressBar } from './progress-bar.js';
import { type ImportLog, type ImportReport, importRows, prepareImport } from './run-import.js';
import { counted, wholeNumber } from '../lib/words.js';

export const IMPORT_USAGE = `Usage: waybill import FILE.csv --brand BRAND_ID [--json] [--progress]

Loads a CSV of tracking numbers for one brand straight into DATABASE_URL (no server needed).
Columns (the first line names them; case and punctuation do not matter):
  order number      required: the number of an order the brand already has
  tracking number   required
  carrier           optional: detected from the tracking number when empty
  status            optional: e.g. in_transit, "Out for delivery", delivered
Comma, semicolon and tab separated files are read; UTF-8, UTF-16 with a BOM, and a file that is
not UTF-8 as Windows-1252 (said on stderr). Bad rows are reported by line; good rows load
anyway. Loading the same file again changes nothing. See docs/csv-import.md.

Options:
  --brand BRAND_ID  the brand the orders belong to (required)
  --json            print the report as JSON: { rows, created, updated, unchanged, skipped, failed, errors, skippedRows }
  --progress        draw the progress bar on stderr even when it is not a terminal

Exit status: 0 all rows loaded, unchanged or skipped, 1 some rows failed, 2 the file or the arguments
were refused.`;

/** Files with more data rows than this get a progress bar on a terminal. */
const PROGRESS_BAR_FROM_ROWS = 1000;

export type ImportCommandIo = {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
};

export async function runImportCommand(args: string[], env: Record<string, string | undefined>, io: ImportCommandIo = process): Promise<number> {
  return exitOnUsageError(io, () => importCommand(args, env, io));
}

async function importCommand(args: string[], env: Record<string, string | undefined>, io: ImportCommandIo): Promise<number> {
  let values: { brand?: string; json?: boolean; progress?: boolean; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args,
      options: { brand: { type: 'string' }, json: { type: 'boolean' }, progress: { type: 'boolean' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}; try: waybill import --help`);
  }
  if (values.help) {
    io.stdout.write(`${IMPORT_USAGE}\n`);
    return 0;
  }
  if (positionals.length !== 1) throw new UsageError(`name one CSV file (got ${positionals.length}), e.g. waybill import tracking.csv --brand brd_…`);
  if (!values.brand) throw new UsageError('--brand is required: the id of the brand whose orders the file names (brd_…)');
  const file = positionals[0]!;
  const config = loadConfig(env);

  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (error) {
    throw new UsageError(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  let decoded: DecodedCsv;
  try {
    decoded = decodeCsvBytes(bytes);
  } catch (error) {
    if (error instanceof AppError) throw new UsageError(`${file} was refused: ${error.message}`); // a BOM the bytes do not match
    throw error;
  }
  const note = fallbackNote(decoded);
  if (note) io.stderr.write(`waybill: note: ${note}\n`);
  const prepared = prepareImport(decoded.text);
  if (!prepared.ok) throw new UsageError(`${file} was refused: ${prepared.error.message}`);
  const checks = prepared.value;

  const handle = await whileStarting(() => openDatabase(config.databaseUrl), databaseFailureMessage);
  try {
    await whileStarting(() => migrateToLatest(handle.db), databaseFailureMessage);
    const brand = await getBrand(handle.db, values.brand);
    if (!brand) throw new UsageError(`there is no brand ${values.brand} in the database (DATABASE_URL)`);

    const showBar = values.progress === true || (io.stderr.isTTY === true && checks.length > PROGRESS_BAR_FROM_ROWS);
    const bar = showBar ? createProgressBar(io.stderr, checks.length) : null;
    const log: ImportLog = {
      error: ({ err, line }, message) => io.stderr.write(`waybill: line ${line}: ${message}: ${err instanceof Error ? err.message : String(err)}\n`),
    };
    const report = await importRows({ db: handle.db, dialect: handle.dialect, clock: systemClock, log }, brand.id, checks, {
      onProgress: (processed) => bar?.update(processed),
    });
    bar?.finish();

    io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : reportText(report, file, brand.name));
    return report.failed > 0 ? 1 : 0;
  } finally {
    await handle.close();
  }
}

/** The report for people: the counts, then each failed row. */
export function reportText(report: ImportReport, file: string, brandName: string): string {
  const counts = (['created', 'updated', 'unchanged', 'skipped', 'failed'] as const).map((key) => `  ${key.padEnd(10)} ${wholeNumber(report[key]).padStart(9)}`);
  const lines = [`Imported ${file} for ${brandName}: ${counted(report.rows, 'row')}`, ...counts];
  for (const [title, rows] of [
    ['Rows skipped (their status was not applied):', report.skippedRows],
    ['Rows that failed:', report.errors],
  ] as const) {
    if (rows.length === 0) continue;
    lines.push('', title);
    for (const row of rows) lines.push(`  line ${row.line}: ${row.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
