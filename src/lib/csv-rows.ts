// What the CSV readers (the catalogue's and the tracking numbers') agree a row must be.
import { escapedControlCharacters } from './control-characters.js';

/**
 * Why a row with more values than the header has columns is refused: a value beyond the last
 * column would be dropped without a word, and it usually means an unquoted comma shifted the row
 * (a price written 1,299). Empty cells past the end, as spreadsheets leave them, are no values.
 */
export function extraValues(record: readonly string[], columns: number): string | null {
  const extra = record.slice(columns).filter((value) => value.trim() !== '');
  if (extra.length === 0) return null;
  return `the row has ${columns + extra.length} values but the header names ${columns} columns; put a value that holds a comma in double quotes`;
}

/** A line with something but separators and quotes on it: csv-parse skips the others (blank lines, lines of empty cells). */
export const isContentLine = (line: string): boolean => /[^\s,;"]/.test(line);

/** The line a record starts on: csv-parse reports the line it ends on, and a quoted value may span lines. */
export function startLine(record: readonly string[], endLine: number): number {
  let newlines = 0;
  for (const value of record) for (let i = value.indexOf('\n'); i !== -1; i = value.indexOf('\n', i + 1)) newlines += 1;
  return endLine - newlines;
}

/**
 * A value as a row error reports it: control characters written as \u escapes. A report is stored
 * (large imports) and shown, and no PostgreSQL text can hold a NUL.
 */
export const reportedValue = escapedControlCharacters;
