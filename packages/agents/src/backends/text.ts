/**
 * Small text utilities used by the rule-based agents: tokenising, light stemming, OCR-robust
 * matching, and pulling typed answers (times, numbers, names, places) out of evidence text.
 */
import { foldCharacter, foldConfusables, isUpperCaseText, STOP_WORDS, tokenize } from '@longvid/memory';
import { valueForm } from './question-type';

/** Memory's {@link STOP_WORDS} and the words of a question about a video that are not its content. */
const STOPWORDS: ReadonlySet<string> = new Set([
  ...STOP_WORDS,
  ...'but been being done doing these those here whose many much some any video clip scene shown show shows see seen visible appear appears appearing happen happens please tell me you can could would shall should i we they he she his her them our on-screen screen written say says said text'.split(' '),
]);

/** Words that tell what kind of answer is wanted; not content to match. */
const ANSWER_TYPE_WORDS = new Set(['number', 'time', 'colour', 'color', 'name', 'place', 'count', 'word', 'words', 'caption']);

/**
 * Lower-case word and number tokens of memory's {@link tokenize}, in letter and number pieces so a
 * number glued to a word by OCR stands alone (`GATEC0DE5021` → `gatec`, `0`, `de`, `5021`); times
 * like `7:45` and decimals stay one token.
 */
export function words(text: string): string[] {
  return tokenize(text, { letterDigitPieces: true });
}

/** A light stemmer: `leaves`→`leav`, `leave`→`leav`, `numbers`→`number`, `running`→`runn`. */
export function stem(word: string): string {
  let w = word.toLowerCase();
  if (/^\d/.test(w)) return w;
  if (w.length > 4 && w.endsWith('ies')) w = `${w.slice(0, -3)}y`;
  else if (w.length > 3 && w.endsWith('s') && !w.endsWith('ss')) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith('ing')) w = w.slice(0, -3);
  else if (w.length > 4 && w.endsWith('ed')) w = w.slice(0, -2);
  if (w.length > 3 && w.endsWith('e')) w = w.slice(0, -1);
  return w;
}

/** Content keywords of a question, stemmed (stopwords and answer-type words removed). */
export function keywords(text: string): string[] {
  return [...new Set(words(text).filter((w) => !STOPWORDS.has(w) && !ANSWER_TYPE_WORDS.has(w)).map(stem))];
}

/**
 * Whether the stem `wanted` occurs in `text`: as a word stem, or (stems of 3+ characters) inside
 * the OCR-robust folded text, so `code` is found in `GATEC0DE` and `gate` in `GATECODE`.
 */
function hasStem(wanted: string, tokens: Set<string>, folded: string): boolean {
  if (tokens.has(wanted)) return true;
  return wanted.length >= 3 && folded.includes(foldConfusables(wanted));
}

/**
 * Fraction of `wanted` stems present in `text`, in `[0, 1]` (0 when nothing is wanted), read
 * through OCR confusions and missing or extra spaces ({@link foldConfusables}).
 */
export function keywordCoverage(wanted: string[], text: string): number {
  if (wanted.length === 0) return 0;
  const have = new Set(words(text).map(stem));
  const folded = foldConfusables(text);
  return wanted.filter((w) => hasStem(w, have, folded)).length / wanted.length;
}

/** The kind of answer a question asks for, from its wording (the `valueForm` of its question type, or `colour`). */
export type AnswerType = 'time' | 'number' | 'place' | 'colour' | 'text' | 'name';

/** Guesses the {@link AnswerType} of a question (see `classifyQuestion`). */
export function answerType(question: string): AnswerType {
  if (/\bcolou?r\b/i.test(question) && !/\b(?:number|code|time)\b/i.test(question)) return 'colour';
  return valueForm(question);
}

/** Letters an OCR model reads in place of digits, back to the digit. */
const AS_DIGIT: Readonly<Record<string, string>> = { O: '0', o: '0', D: '0', Q: '0', I: '1', l: '1', i: '1', '|': '1', L: '1', S: '5', s: '5', B: '8', Z: '2', z: '2', G: '6', T: '7' };
/** Digits an OCR model reads in place of letters, back to the letter. */
const AS_LETTER: Readonly<Record<string, string>> = { '0': 'O', '1': 'I', '5': 'S', '8': 'B', '2': 'Z', '6': 'G', '4': 'A', '7': 'T' };

/**
 * A value in the form the question asks for: `number` keeps digits (letters an OCR model confuses
 * with digits become them: `5S2I` → `5521`), `time` becomes `h:mm`, `name` keeps letters (`0SL0` →
 * `OSLO`). Undefined when nothing of that form is left.
 */
export function normalizeValue(value: string, form: AnswerType): string | undefined {
  const trimmed = value.trim();
  if (form === 'number') {
    // The longest run of digits and digit-like letters, read as digits.
    const runs = trimmed.split(/\s+/).filter((token) => /\d/.test(token) && [...token].every((c) => /\d/.test(c) || AS_DIGIT[c] !== undefined || c === '-'));
    // A token glued to a word (`NO58262`): the stretch of digit-like characters between its first
    // and last real digit.
    const glued = trimmed.split(/\s+/).flatMap((token) => {
      const digits = [...token].map((c, index) => (/\d/.test(c) ? index : -1)).filter((index) => index >= 0);
      if (digits.length === 0) return [];
      const stretch = token.slice(digits[0], digits[digits.length - 1] + 1);
      return [...stretch].every((c) => /\d/.test(c) || AS_DIGIT[c] !== undefined) ? [stretch] : [];
    });
    const best = [...runs, ...glued].sort((a, b) => b.replace(/\D/g, '').length - a.replace(/\D/g, '').length)[0];
    if (!best) return undefined;
    return [...best].map((c) => AS_DIGIT[c] ?? c).join('').replace(/^-+|-+$/g, '');
  }
  if (form === 'time') {
    const match = trimmed.match(/([\dOoIlSBZ]{1,2})\s?[:.;]\s?([\dOoIlSBZ]{2})(\s?[ap]\.?m\.?)?/i);
    if (!match) return undefined;
    const digits = (text: string): string => [...text].map((c) => AS_DIGIT[c] ?? c).join('');
    const hour = digits(match[1]);
    const minute = digits(match[2]);
    if (!/^\d+$/.test(hour) || !/^\d+$/.test(minute)) return undefined;
    return `${hour}:${minute}${match[3] ? ` ${match[3].trim().toLowerCase()}` : ''}`;
  }
  if (form === 'name') {
    const letters = trimmed
      .split(/\s+/)
      .map((token) => (/[A-Za-z]/.test(token) ? [...token].map((c) => AS_LETTER[c] ?? c).join('').replace(/[^A-Za-z'-]/g, '') : ''))
      .filter(Boolean);
    return letters.length > 0 ? letters.join(' ') : undefined;
  }
  return trimmed || undefined;
}

/**
 * The text left after taking the question's words out of `text`, read through OCR confusions and
 * missing spaces: `GATEC0DE 5521` minus "gate code" → `5521`; `HOTEL GRAND OASIS` minus "hotel" →
 * `GRAND OASIS`. Spaces of the original text are kept between what remains; stopwords that stand
 * alone are dropped.
 */
export function withoutQuestionWords(question: string, text: string): string {
  const questionWords = [...new Set(words(question).filter((w) => !STOPWORDS.has(w)))];
  // Fold each character of the text, remembering where it came from.
  const characters = [...text];
  const folded: { character: string; index: number }[] = [];
  const upper = isUpperCaseText(text);
  characters.forEach((character, index) => {
    const mapped = foldCharacter(character, upper);
    if (/[A-Z0-9:]/.test(mapped)) folded.push({ character: mapped, index });
  });
  const foldedText = folded.map((f) => f.character).join('');
  const removed = new Set<number>();
  // Longest words first; each word, else its stem (at least 3 characters), is removed once.
  for (const word of questionWords.sort((a, b) => b.length - a.length)) {
    for (const form of [word, stem(word)]) {
      const wanted = foldConfusables(form);
      if (wanted.length < 3 && !/^\d+$/.test(wanted)) continue;
      let at = foldedText.indexOf(wanted);
      while (at >= 0 && folded.slice(at, at + wanted.length).some((f) => removed.has(f.index))) at = foldedText.indexOf(wanted, at + 1);
      if (at < 0) continue;
      for (let k = at; k < at + wanted.length; k += 1) removed.add(folded[k].index);
      // A stem match takes the rest of its word (`leav` takes `es` of `LEAVES`).
      let next = at + wanted.length;
      while (form !== word && next < folded.length && /[A-Z]/.test(characters[folded[next].index]) && folded[next].index === folded[next - 1].index + 1) {
        removed.add(folded[next].index);
        next += 1;
      }
      break;
    }
  }
  const rest = characters.map((character, index) => (removed.has(index) ? ' ' : character)).join('');
  return rest
    .split(/\s+/)
    .filter((token) => token.length > 0 && !STOPWORDS.has(token.toLowerCase()) && /[A-Za-z0-9]/.test(token))
    .join(' ');
}

/**
 * Pulls the answer to a question out of one evidence text, or returns undefined: the text minus
 * the question's words ({@link withoutQuestionWords}, OCR-robust), in the form asked
 * ({@link normalizeValue}): times (`7:45`), numbers (`318`, `5S2I` → `5521`), names (`0SL0` →
 * `OSLO`), places (`in the blue van` → `the blue van`); otherwise the words left.
 */
export function extractAnswer(question: string, text: string, type: AnswerType = answerType(question)): string | undefined {
  if (type === 'place') {
    const match = text.match(/\b(?:is|are|was|were|sits|lies|stays)\s+(?:in|inside|at|on|under|behind|near|next to|beside)\s+([^.!?;,]+)/i);
    if (match) return match[1].trim();
  }
  const rest = withoutQuestionWords(question, text);
  if (type === 'time') {
    const time = normalizeValue(rest, 'time') ?? normalizeValue(text, 'time');
    if (time) return time;
  }
  if (type === 'number' || type === 'time') {
    // A code or a time is digits: letters left over are not its value (look again instead).
    return normalizeValue(rest, 'number');
  }
  if (type === 'name') return normalizeValue(rest, 'name');
  return rest.length > 0 ? rest : undefined;
}

/**
 * How well a multiple-choice option matches an evidence text, in `[0, 1]`: exact match of any
 * number/time in the option counts most, then the share of the option's content words found.
 */
export function choiceMatch(choice: string, evidenceText: string, extracted?: string): number {
  const evidenceTokens = new Set(words(evidenceText).map(stem));
  const choiceTokens = words(choice).map(stem);
  const numeric = choiceTokens.filter((t) => /^\d/.test(t));
  if (numeric.length > 0) {
    const hits = numeric.filter((t) => evidenceTokens.has(t) || (extracted !== undefined && words(extracted).includes(t))).length;
    return hits / numeric.length;
  }
  const content = choiceTokens.filter((t) => !STOPWORDS.has(t));
  if (content.length === 0) return 0;
  const extractedTokens = new Set(words(extracted ?? '').map(stem));
  let score = 0;
  for (const token of content) {
    if (extractedTokens.has(token)) score += 1;
    else if (evidenceTokens.has(token)) score += 0.5;
  }
  return score / content.length;
}
