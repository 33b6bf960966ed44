// What the CSV readers (the catalogue's and the tracking numbers') agree a row must be.

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
