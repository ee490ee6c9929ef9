/**
 * Tokenisation shared by the hashing embedder and lexical search.
 */

/** Han, Hiragana, Katakana and Hangul characters: each becomes its own token (no spaces in those scripts). */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * A word or number: letters, marks and digits; digits may be joined by `:`, `.` or `,` (`7:45`,
 * `3.5`, `1,000`), letters by an apostrophe (`don't`).
 */
const TOKEN = /[\p{L}\p{M}\p{N}]+(?:(?:(?<=\p{N})[:.,](?=\p{N})|(?<=\p{L})'(?=\p{L}))[\p{L}\p{M}\p{N}]+)*/gu;

/**
 * Splits text into lower-case word and number tokens, in order: NFKC-normalised (full-width digits
 * become ASCII), lower-cased, curly apostrophes made straight; punctuation and spaces dropped;
 * times, decimals and grouped numbers kept whole (`"TRAIN LEAVES AT 7:45."` →
 * `['train', 'leaves', 'at', '7:45']`, `"Locker #318"` → `['locker', '318']`); each Han, kana or
 * Hangul character is a token of its own.
 */
export function tokenize(text: string): string[] {
  const normalised = text.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'");
  const tokens: string[] = [];
  for (const match of normalised.matchAll(TOKEN)) {
    const token = match[0];
    if (!CJK.test(token)) {
      tokens.push(token);
      continue;
    }
    let run = '';
    for (const character of token) {
      if (CJK.test(character)) {
        if (run) tokens.push(run);
        run = '';
        tokens.push(character);
      } else {
        run += character;
      }
    }
    if (run) tokens.push(run);
  }
  return tokens;
}
