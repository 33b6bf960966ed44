// A tracking-number CSV → its columns and its data rows, each with the line it starts on, or the
// reason the whole file is refused. Pure. csv-parse does the CSV itself; this module deals with
// what real exports look like: a BOM, CRLF, semicolons or tabs, header names spelled a dozen ways,
// blank and all-empty lines. The bytes become text first in decode-csv.ts (UTF-16, Windows-1252…).
import { CsvError, parse } from 'csv-parse/sync';
import { err, ok, type Result } from '../lib/result.js';
import { extraValues, isContentLine, startLine } from '../lib/csv-rows.js';

export const IMPORT_COLUMNS = ['order', 'tracking', 'carrier', 'status'] as const;
export type ImportColumn = (typeof IMPORT_COLUMNS)[number];
const REQUIRED_COLUMNS: readonly ImportColumn[] = ['order', 'tracking'];

/** What each column is called in messages. */
export const COLUMN_LABEL: Record<ImportColumn, string> = {
  order: 'order number',
  tracking: 'tracking number',
  carrier: 'carrier',
  status: 'status',
};

/**
 * Accepted header names. A header matches when it equals one of these once both are lower-cased
 * and stripped of everything but letters and digits ("Order Number", "order_number", "ORDER-NO.",
 * "Order #" all work). Documented in docs/csv-import.md: keep the two in step.
 */
export const HEADER_ALIASES: Record<ImportColumn, readonly string[]> = {
  order: ['order', 'order number', 'order no', 'order num', 'order id', 'order name', 'order ref', 'order reference'],
  tracking: ['tracking', 'tracking number', 'tracking no', 'tracking num', 'tracking code', 'tracking id', 'tracking ref', 'awb', 'awb number'],
  carrier: ['carrier', 'carrier code', 'carrier name', 'courier', 'shipping carrier'],
  status: ['status', 'shipment status', 'tracking status', 'delivery status'],
};

const headerKey = (header: string): string => header.toLowerCase().replace(/[^a-z0-9]/g, '');

const COLUMN_BY_KEY = new Map<string, ImportColumn>(
  IMPORT_COLUMNS.flatMap((column) => HEADER_ALIASES[column].map((alias) => [headerKey(alias), column] as const)),
);

export const columnOfHeader = (header: string): ImportColumn | undefined => COLUMN_BY_KEY.get(headerKey(header));

/** One data row, values trimmed. `carrier`/`status` are null when the file has no such column. */
export type CsvRow = {
  line: number;
  order: string;
  tracking: string;
  carrier: string | null;
  status: string | null;
  /** Why the row has values past the header's last column (an unquoted comma shifted it); absent when it has none. */
  overflow?: string;
};

export type ParsedCsv = {
  delimiter: string;
  headers: string[];
  rows: CsvRow[];
};

export type CsvFileProblem = { message: string; details?: Record<string, unknown> };

const SUPPORTED_DELIMITERS = [',', ';', '\t'] as const;
/** Separators people do use but that we do not read; recognised only to say so clearly. */
const FOREIGN_DELIMITERS = ['|', ':', '^', '~'] as const;
const MAX_RECORD_CHARACTERS = 64 * 1024;
const EMPTY_FILE: CsvFileProblem = { message: 'the CSV is empty: it needs a header line and one line per tracking number' };

export const delimiterName = (delimiter: string): string => (delimiter === '\t' ? 'tab' : `"${delimiter}"`);

export function parseImportCsv(input: string): Result<ParsedCsv, CsvFileProblem> {
  // One line ending, so csv-parse's line numbers are the file's (it counts \r\n inside quotes twice).
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const headerLine = text.split('\n').find(isContentLine);
  if (headerLine === undefined) return err(EMPTY_FILE);

  const delimiter = detectDelimiter(headerLine);
  if (!delimiter.ok) return delimiter;

  // With `info: true` csv-parse returns { record, info } per row; its typings only know arrays.
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      delimiter: delimiter.value,
      info: true,
      trim: true,
      skip_empty_lines: true,
      skip_records_with_empty_values: true, // a line of only separators (",,,") is blank too
      relax_column_count: true, // short rows fail on their own missing values, long rows are reported (extraValues)
      relax_quotes: true, // 12" box is a value, not a syntax error
      max_record_size: MAX_RECORD_CHARACTERS,
    }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof CsvError) return err(csvSyntaxProblem(error));
    throw error;
  }

  const [header, ...data] = records;
  if (header === undefined) return err(EMPTY_FILE);
  const headers = header.record.map((h) => h.replace(/^\uFEFF/, '').trim());
  const columns = mapColumns(headers);
  if (!columns.ok) return columns;

  const index = columns.value;
  const cell = (record: string[], column: ImportColumn): string | null => {
    const at = index[column];
    return at === undefined ? null : (record[at] ?? '').trim();
  };
  const rows = data.map(({ record, info }): CsvRow => {
    const overflow = extraValues(record, headers.length);
    return {
      line: startLine(record, info.lines),
      order: cell(record, 'order')!,
      tracking: cell(record, 'tracking')!,
      carrier: cell(record, 'carrier'),
      status: cell(record, 'status'),
      ...(overflow ? { overflow } : {}),
    };
  });
  return ok({ delimiter: delimiter.value, headers, rows });
}

/**
 * The separator is the supported one that makes the most header names recognisable (then the most
 * frequent). A header with none of them but clearly split by another character is refused by name.
 */
function detectDelimiter(headerLine: string): Result<string, CsvFileProblem> {
  const candidates = SUPPORTED_DELIMITERS.map((delimiter) => ({
    delimiter,
    recognised: recognisedHeaders(headerLine, delimiter),
    occurrences: headerLine.split(delimiter).length - 1,
  })).sort((a, b) => b.recognised - a.recognised || b.occurrences - a.occurrences);
  const best = candidates[0]!;
  if (best.occurrences > 0) return ok(best.delimiter);

  const foreign = FOREIGN_DELIMITERS.find((delimiter) => recognisedHeaders(headerLine, delimiter) >= 2);
  if (foreign) {
    return err({
      message: `the file separates its columns with ${delimiterName(foreign)}; Waybill reads columns separated by commas, semicolons or tabs: export the sheet as CSV (comma-separated) and upload it again`,
      details: { delimiter: foreign, supported: ['comma', 'semicolon', 'tab'] },
    });
  }
  return ok(','); // a single column: the missing-column check says what is wrong
}

function recognisedHeaders(headerLine: string, delimiter: string): number {
  return headerLine.split(delimiter).filter((h) => columnOfHeader(h.trim().replace(/^"|"$/g, '')) !== undefined).length;
}

function mapColumns(headers: string[]): Result<Partial<Record<ImportColumn, number>>, CsvFileProblem> {
  const index: Partial<Record<ImportColumn, number>> = {};
  for (const [position, header] of headers.entries()) {
    const column = columnOfHeader(header);
    if (column === undefined) continue; // other columns (customer name, notes…) are ignored
    if (index[column] !== undefined) {
      return err({
        message: `two columns hold the ${COLUMN_LABEL[column]}: "${headers[index[column]!]}" and "${header}"; keep one of them`,
        details: { column: COLUMN_LABEL[column], headers: [headers[index[column]!], header] },
      });
    }
    index[column] = position;
  }
  const missing = REQUIRED_COLUMNS.filter((column) => index[column] === undefined).map((column) => COLUMN_LABEL[column]);
  if (missing.length > 0) {
    const found = headers.filter((h) => h !== '');
    return err({
      message: `the CSV has no ${missing.join(' and no ')} column (headers found: ${found.map((h) => `"${h}"`).join(', ') || 'none'}); the first line must name the columns, e.g. order_number,tracking_number,carrier,status`,
      details: { missing, found },
    });
  }
  return ok(index);
}

function csvSyntaxProblem(error: CsvError): CsvFileProblem {
  const line = (error as CsvError & { lines?: number }).lines;
  const where = line ? `line ${line}` : 'the file';
  switch (error.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return { message: `a quoted value is never closed: the file ends inside quotes (${where}); check for a stray " character`, details: { line } };
    case 'CSV_MAX_RECORD_SIZE':
      return { message: `${where} is longer than ${MAX_RECORD_CHARACTERS} characters; is a quote left open above it?`, details: { line } };
    case 'CSV_INVALID_CLOSING_QUOTE':
    case 'CSV_NON_TRIMABLE_CHAR_AFTER_CLOSING_QUOTE':
      return { message: `${where}: a quoted value is followed by more text before the next separator; quote the whole value`, details: { line } };
    default:
      return { message: `${where} is not valid CSV: ${error.message}`, details: { line } };
  }
}
