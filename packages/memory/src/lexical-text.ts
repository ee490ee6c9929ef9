/**
 * Lexical text, owned by memory: the one tokenizer (BM25 terms, the hashing embedder's features,
 * the rule-based agents' words), the English stop words, and the OCR-robust folding under which
 * text read by an OCR model is matched (ingestion's grouping of OCR readings, the rule-based
 * agents' matching).
 */

/**
 * English function words that say nothing about an event: BM25 drops them from documents and
 * queries, the hashing embedder weighs them less, the rule-based agents add question words to them.
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  'a an and are as at be by did do does for from has have how in is it its of on or that the their there this to was were what when where which who whom why will with'.split(' '),
);

/** Han, Hiragana, Katakana and Hangul characters: each becomes its own token (no spaces in those scripts). */
const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;

/**
 * A word or number: letters, marks and digits; digits may be joined by `:`, `.` or `,` (`7:45`,
 * `3.5`, `1,000`), letters by an apostrophe (`don't`).
 */
const TOKEN = /[\p{L}\p{M}\p{N}]+(?:(?:(?<=\p{N})[:.,](?=\p{N})|(?<=\p{L})'(?=\p{L}))[\p{L}\p{M}\p{N}]+)*/gu;

/** A number (digits, with inner `:`, `.` or `,` between digits), or a run without digits. */
const NUMBER_OR_WORD = /\p{N}+(?:[:.,]\p{N}+)*|[^\p{N}]+/gu;

/** Variants of {@link tokenize}; the default is whole words and numbers, stop words kept. */
export interface TokenizeOptions {
  /**
   * Split each token into its letter and number pieces (`gatec0de5021` → `gatec`, `0`, `de`,
   * `5021`), so that a number glued to a word by OCR stands alone. Default false.
   */
  letterDigitPieces?: boolean;
  /** Follow each number with inner separators by its parts (`7:45` → `7:45`, `7`, `45`) so that `7` or `7.45` still match (a number glued to letters, `7:45am`, only with `letterDigitPieces`). Default false. */
  numberParts?: boolean;
  /** Tokens to drop (e.g. {@link STOP_WORDS}), compared after lower-casing. Default none. */
  stopWords?: ReadonlySet<string>;
}

/**
 * The one tokenizer of LongVid: splits text into lower-case word and number tokens, in order.
 * Text is NFKC-normalised (full-width digits become ASCII), lower-cased, curly apostrophes made
 * straight; punctuation and spaces are dropped; times, decimals and grouped numbers are kept whole
 * (`"TRAIN LEAVES AT 7:45."` → `['train', 'leaves', 'at', '7:45']`, `"Locker #318"` →
 * `['locker', '318']`); each Han, kana or Hangul character is a token of its own. The
 * {@link TokenizeOptions} give the variants: BM25 terms (`numberParts`, `stopWords`), the
 * rule-based agents' OCR-robust words (`letterDigitPieces`).
 */
export function tokenize(text: string, options: TokenizeOptions = {}): string[] {
  const normalised = text.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019\u02bc]/g, "'");
  const tokens: string[] = [];
  const push = (token: string): void => {
    const pieces = options.letterDigitPieces && /\p{N}/u.test(token) ? (token.match(NUMBER_OR_WORD) ?? []) : [token];
    for (const piece of pieces) {
      if (options.stopWords?.has(piece)) continue;
      tokens.push(piece);
      if (options.numberParts && /^\p{N}+(?:[:.,]\p{N}+)+$/u.test(piece)) tokens.push(...piece.split(/[:.,]/));
    }
  };
  for (const match of normalised.matchAll(TOKEN)) {
    const token = match[0];
    if (!CJK.test(token)) {
      push(token);
      continue;
    }
    let run = '';
    for (const character of token) {
      if (CJK.test(character)) {
        if (run) push(run);
        run = '';
        push(character);
      } else {
        run += character;
      }
    }
    if (run) push(run);
  }
  return tokens;
}

/**
 * Characters an OCR model confuses, folded to one letter each: `0`→`O`, `1`/`l`/`|`→`I`, `5`→`S`,
 * `8`→`B`, `2`→`Z` (PP-OCR's common substitutions on captions).
 */
const FOLD: Readonly<Record<string, string>> = { '0': 'O', '1': 'I', '|': 'I', '5': 'S', '8': 'B', '2': 'Z' };

/** Folds one character; a lower-case `l` is read as `I` only in text that is otherwise upper case (OCR of a caption). */
export function foldCharacter(character: string, upperCaseText: boolean): string {
  if (character === 'l' && upperCaseText) return 'I';
  return FOLD[character] ?? character.toUpperCase();
}

/** Whether a text has no lower-case letter but `l`. */
export function isUpperCaseText(text: string): boolean {
  return !/[a-km-z]/.test(text);
}

/**
 * How a word that OCR mixed with digits reads with its confusable digits folded (`do0r` → `door`,
 * `c0de` → `code`, `r00m` → `room`), lower case; undefined for a word without both letters and
 * digits, with more digits than letters (`b12`), or with a digit OCR does not confuse with a letter
 * (`4k`): a code, not a misread word.
 */
export function ocrWordReading(word: string): string | undefined {
  const letters = (word.match(/\p{L}/gu) ?? []).length;
  const digits = (word.match(/\p{N}/gu) ?? []).length;
  if (letters === 0 || digits === 0 || digits > letters) return undefined;
  let reading = '';
  for (const character of word) reading += foldCharacter(character, false).toLowerCase();
  return /\p{N}/u.test(reading) ? undefined : reading;
}

/**
 * OCR-robust form of a text for matching: confusable characters folded ({@link FOLD}), upper case,
 * spaces and punctuation dropped (`GATEC0DE 5521` → `GATECODESSZI`, as `gate code` → `GATECODE`).
 */
export function foldConfusables(text: string): string {
  let folded = '';
  const upper = isUpperCaseText(text);
  for (const character of text) {
    const mapped = foldCharacter(character, upper);
    if (/[A-Z0-9:]/.test(mapped)) folded += mapped;
  }
  return folded;
}

