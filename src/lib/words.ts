// Small rules of English used in the API's messages.

/** "a requested", "an approved", "an outbound": the article a word takes (the words it is used with start as they sound). */
export const withArticle = (word: string): string => `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
