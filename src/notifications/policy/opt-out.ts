// Inbound SMS keywords. A reply that is exactly a keyword (give or take spaces, case and a full
// stop) changes the customer's consent at once; a sentence that merely contains one ("don't
// stop") does not. The lists follow the carriers' and Twilio's standard keywords (REVOKE and
// OPTOUT added for the 2025 FCC revocation rules).

export const OPT_OUT_KEYWORDS = ['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT', 'REVOKE', 'OPTOUT'] as const;
export const OPT_IN_KEYWORDS = ['START', 'UNSTOP', 'YES'] as const;
export const HELP_KEYWORDS = ['HELP', 'INFO'] as const;

export type SmsKeywordClass = 'opt_out' | 'opt_in' | 'help' | 'other';

/** Twilio refuses to send to a number that replied STOP: error 21610. Treat it as an opt-out. */
export const TWILIO_OPTED_OUT_ERROR = 21610;

const KEYWORD_CLASSES: ReadonlyMap<string, SmsKeywordClass> = new Map([
  ...OPT_OUT_KEYWORDS.map((word) => [word, 'opt_out'] as const),
  ...OPT_IN_KEYWORDS.map((word) => [word, 'opt_in'] as const),
  ...HELP_KEYWORDS.map((word) => [word, 'help'] as const),
]);

export function classifySmsKeyword(body: string): SmsKeywordClass {
  // Punctuation and spaces around the word ("Stop.", " STOP! ") are noise; anything inside is not.
  const word = body.replace(/^[\s\p{P}]+|[\s\p{P}]+$/gu, '').toUpperCase();
  return KEYWORD_CLASSES.get(word) ?? 'other';
}
