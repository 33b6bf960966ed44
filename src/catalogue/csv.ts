// A catalogue CSV → products and a report of the bad rows by line. Columns: id, title, image,
// price, url, tags (and optionally currency, active), named in the first line in any order and a
// few spellings; tags separated by | or ;. A bad row never stops the good ones. The file is read
// as a stream of records that lets the server answer other requests every few thousand rows: a
// 5 MB file is ~70,000 rows, a second or more of work.
import { once } from 'node:events';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { CsvError, parse, type Parser } from 'csv-parse';
import { type Product, ProductSchema } from './schema.js';
import { extraValues, isContentLine, reportedValue, startLine } from '../lib/csv-rows.js';
import { hasControlCharacters } from '../lib/control-characters.js';
import { currencyDigits } from '../lib/money.js';

export const CATALOGUE_COLUMNS = ['id', 'title', 'image', 'price', 'url', 'tags', 'currency', 'active'] as const;
type Column = (typeof CATALOGUE_COLUMNS)[number];
const REQUIRED: readonly Column[] = ['id', 'title', 'url'];

const ALIASES: Record<Column, readonly string[]> = {
  id: ['id', 'sku', 'product id', 'productid', 'variant sku'],
  title: ['title', 'name', 'product name', 'product title'],
  image: ['image', 'image url', 'imageurl', 'image link', 'picture'],
  price: ['price', 'unit price', 'amount'],
  url: ['url', 'link', 'product url', 'product link', 'page'],
  tags: ['tags', 'tag', 'categories', 'category'],
  currency: ['currency', 'currency code'],
  active: ['active', 'available', 'in stock', 'enabled'],
};
const key = (header: string) => header.toLowerCase().replace(/[^a-z0-9]/g, '');
const COLUMN_BY_KEY = new Map<string, Column>(CATALOGUE_COLUMNS.flatMap((c) => ALIASES[c].map((a) => [key(a), c] as const)));

export type RowError = { line: number; reason: string; value?: string };
export type CatalogueCsv = { ok: true; products: Array<Product & { line: number }>; errors: RowError[]; rows: number } | { ok: false; message: string };

const MAX_ROWS = 200_000;

/** Rows read (or checked) between two turns given back to the event loop. */
const ROWS_PER_TURN = 2_000;
/** Characters handed to the parser at a time. */
const SLICE = 64 * 1024;

type CsvRecord = { record: string[]; info: { lines: number } };

export async function parseCatalogueCsv(input: string): Promise<CatalogueCsv> {
  const text = input.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n');
  const headerLine = text.split('\n', 1_000).find(isContentLine);
  if (!headerLine) return { ok: false, message: 'the CSV is empty: it needs a header line (id,title,image,price,url,tags) and one line per product' };
  const delimiter = [',', ';', '\t'].map((d) => ({ d, n: headerLine.split(d).filter((h) => COLUMN_BY_KEY.has(key(h))).length })).sort((a, b) => b.n - a.n)[0]!.d;
  const records: CsvRecord[] = [];
  try {
    for await (const record of readRecords(text, delimiter)) {
      records.push(record);
      if (records.length % ROWS_PER_TURN === 0) await nextTurn();
    }
  } catch (error) {
    if (error instanceof CsvError) return { ok: false, message: `the file is not valid CSV: ${error.message}` };
    throw error;
  }
  const [header, ...data] = records;
  if (!header) return { ok: false, message: 'the CSV is empty' };
  const index: Partial<Record<Column, number>> = {};
  header.record.forEach((h, i) => {
    const column = COLUMN_BY_KEY.get(key(h));
    if (column && index[column] === undefined) index[column] = i;
  });
  const missing = REQUIRED.filter((c) => index[c] === undefined);
  if (missing.length > 0) {
    return { ok: false, message: `the CSV has no ${missing.join(', ')} column (found: ${header.record.map((h) => `"${h}"`).join(', ')}); the first line must name the columns, e.g. id,title,image,price,url,tags` };
  }
  if (data.length > MAX_ROWS) return { ok: false, message: `the CSV has ${data.length} rows; send at most ${MAX_ROWS} per file` };

  const products: Array<Product & { line: number }> = [];
  const errors: RowError[] = [];
  const seen = new Map<string, number>();
  for (const [n, { record, info }] of data.entries()) {
    if (n > 0 && n % ROWS_PER_TURN === 0) await nextTurn();
    const line = startLine(record, info.lines);
    const overflow = extraValues(record, header.record.length);
    if (overflow) {
      errors.push({ line, reason: overflow });
      continue;
    }
    const cell = (c: Column) => (index[c] === undefined ? '' : (record[index[c]!] ?? '').trim());
    const row = rowToProduct(cell);
    if (!row.ok) {
      errors.push({ line, reason: row.reason, ...(row.value !== undefined ? { value: row.value } : {}) });
      continue;
    }
    const earlier = seen.get(row.product.id);
    if (earlier !== undefined) {
      errors.push({ line, reason: `id ${row.product.id} is already on line ${earlier}`, value: row.product.id });
      continue;
    }
    seen.set(row.product.id, line);
    products.push({ ...row.product, line });
  }
  return { ok: true, products, errors, rows: data.length };
}

/** The records of the text, its slices fed to csv-parse one at a time as it asks for more. */
function readRecords(text: string, delimiter: string): Parser {
  // A line of only separators (";;;", as spreadsheets export empty rows) is blank, as in the tracking-number import.
  const parser = parse({ delimiter, info: true, trim: true, skip_empty_lines: true, skip_records_with_empty_values: true, relax_column_count: true, relax_quotes: true, max_record_size: 64 * 1024 });
  const feed = async () => {
    for (let at = 0; at < text.length; ) {
      // Never between the two halves of a surrogate pair: each slice is encoded on its own.
      let end = Math.min(at + SLICE, text.length);
      if (end < text.length && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end += 1;
      if (!parser.write(text.slice(at, end))) await once(parser, 'drain');
      at = end;
    }
    parser.end();
  };
  feed().catch((error: unknown) => parser.destroy(error as Error));
  return parser;
}

/** Digits, and at most one decimal separator (a point or a comma) with digits after it. */
const PLAIN_DECIMAL = /^(\d+)(?:[.,](\d+))?$/;

/** Decimals a price may have: two, or three in a currency counted in thousandths (KWD, BHD, OMR…). */
const maxPriceDecimals = (currency: string): number => Math.max(2, currencyDigits(currency));

/**
 * A price as a spreadsheet writes it: a plain decimal (`1299`, `12.50`, `12,50`), after an optional
 * $, € or £. Anything else is refused, not guessed: `1,299` (a thousands separator, or three
 * decimals?), `1.299,00`, `1e6`, `0x10`, `-5`.
 */
export function parsePrice(text: string, currency: string): { ok: true; price?: number } | { ok: false; reason: string } {
  const bare = text.replace(/^[$€£]\s*/, '');
  if (bare === '') return { ok: true };
  const match = PLAIN_DECIMAL.exec(bare);
  if (!match) {
    if (!/\d/.test(bare)) return { ok: false, reason: 'price is not a number' };
    return { ok: false, reason: 'price must be a plain decimal such as 1299, 12.50 or 12,50: one point or comma, no thousands separator, sign or exponent' };
  }
  const [, whole, fraction = ''] = match;
  const allowed = maxPriceDecimals(currency);
  if (fraction.length > allowed) {
    return { ok: false, reason: `price has ${fraction.length} digits after its ${bare.includes(',') ? 'comma' : 'point'}, more than a ${currency} price's ${allowed} decimals: if it separates thousands, leave it out (${whole}${fraction})` };
  }
  return { ok: true, price: Number(`${whole}.${fraction || '0'}`) };
}

/** The text columns stored as they are (price, currency and active are read by rules of their own). */
const TEXT_COLUMNS: readonly Column[] = ['id', 'title', 'image', 'url', 'tags'];

function rowToProduct(cell: (c: Column) => string): { ok: true; product: Product } | { ok: false; reason: string; value?: string } {
  // As the API refuses them; PostgreSQL cannot store a NUL at all.
  const controlled = TEXT_COLUMNS.find((c) => hasControlCharacters(cell(c)));
  if (controlled) return { ok: false, reason: `${controlled} contains control characters`, value: reportedValue(cell(controlled).slice(0, 200)) };
  const parsedPrice = parsePrice(cell('price'), cell('currency').toUpperCase() || 'USD');
  if (!parsedPrice.ok) return { ok: false, reason: parsedPrice.reason, value: cell('price') };
  const { price } = parsedPrice;
  const activeText = cell('active').toLowerCase();
  if (activeText && !['true', 'false', 'yes', 'no', '1', '0'].includes(activeText)) return { ok: false, reason: 'active must be yes or no', value: cell('active') };
  const parsed = ProductSchema.safeParse({
    id: cell('id'),
    title: cell('title'),
    ...(cell('image') ? { imageUrl: cell('image') } : {}),
    ...(price !== undefined ? { price } : {}),
    ...(cell('currency') ? { currency: cell('currency').toUpperCase() } : {}),
    url: cell('url'),
    tags: cell('tags') ? cell('tags').split(/[|;]/).map((t) => t.trim()).filter(Boolean) : [],
    ...(activeText ? { active: ['true', 'yes', '1'].includes(activeText) } : {}),
  });
  if (parsed.success) return { ok: true, product: parsed.data };
  const issue = parsed.error.issues[0]!;
  const field = String(issue.path[0] ?? 'row');
  const column = field === 'imageUrl' ? 'image' : field;
  return { ok: false, reason: `${column} ${issue.message}`, value: column in { id: 1, title: 1, image: 1, url: 1, currency: 1 } ? cell(column as Column).slice(0, 200) : undefined };
}
