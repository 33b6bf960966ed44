// Small rules of English used in the API's messages.

/** "a requested", "an approved", "an outbound": the article a word takes (the words it is used with start as they sound). */
export const withArticle = (word: string): string => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;

/** "2,500": a whole number with its thousands separated, as the API's messages and the CLI write them. */
export const wholeNumber = (count: number): string => Math.round(count).toLocaleString('en-US');

/** "1 request", "2,500 requests": a count with its noun, the noun plural unless the count is one. */
export const counted = (count: number, noun: string): string => `${wholeNumber(count)} ${noun}${Math.round(count) === 1 ? '' : 's'}`;
