// Control characters (other than tab, newline and carriage return) have no place in stored text.
// The API refuses them; text Waybill did not write (a carrier's words, a provider's error) is
// cleaned instead: PostgreSQL cannot store a NUL in text at all, and refusing a carrier's scan
// for it would lose the scan. Pure.

const CLASS = '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F]';
const CONTROL_CHARACTER = new RegExp(CLASS); // not global: test() keeps no position between calls
const CONTROL_CHARACTER_RUNS = new RegExp(`${CLASS}+`, 'g');
const EACH_CONTROL_CHARACTER = new RegExp(CLASS, 'g');

export const hasControlCharacters = (value: string): boolean => CONTROL_CHARACTER.test(value);

/** Each run of control characters as one space. */
export const withoutControlCharacters = (value: string): string => (hasControlCharacters(value) ? value.replace(CONTROL_CHARACTER_RUNS, ' ') : value);

/** Each control character written as its \u escape, as an error report shows a refused value. */
export const escapedControlCharacters = (value: string): string => value.replace(EACH_CONTROL_CHARACTER, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`);
