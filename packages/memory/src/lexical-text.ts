/**
 * OCR-robust lexical text, owned by memory with its tokenizer: the folding under which text read
 * by an OCR model is matched (ingestion's grouping of OCR readings, the rule-based agents' matching).
 */

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

