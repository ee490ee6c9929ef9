/**
 * Small text utilities used by the rule-based agents: tokenising, light stemming, and
 * pulling typed answers (times, numbers, places) out of evidence text.
 */

const STOPWORDS = new Set(
  'a an the of in on at to for with by from and or but is are was were be been being do does did done doing this that these those it its there here what which when where who whom whose why how many much some any video clip scene shown show shows see seen visible appear appears appearing happen happens please tell me you can could would will shall should i we they he she his her their them our on-screen screen written say says said text'.split(
    ' ',
  ),
);

/** Words that tell what kind of answer is wanted; not content to match. */
const ANSWER_TYPE_WORDS = new Set(['number', 'time', 'colour', 'color', 'name', 'place', 'count', 'word', 'words', 'caption']);

/** Lower-case word and number tokens; keeps times like `7:45` and decimals as one token. */
export function words(text: string): string[] {
  return text.toLowerCase().match(/\d+(?::\d+)+|\d+(?:\.\d+)?|[a-z]+(?:'[a-z]+)?/g) ?? [];
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

/** Fraction of `wanted` stems present in `text`, in `[0, 1]` (0 when nothing is wanted). */
export function keywordCoverage(wanted: string[], text: string): number {
  if (wanted.length === 0) return 0;
  const have = new Set(words(text).map(stem));
  return wanted.filter((w) => have.has(w)).length / wanted.length;
}

/** The kind of answer a question asks for, from its wording. */
export type AnswerType = 'time' | 'number' | 'place' | 'colour' | 'text';

/** Guesses the {@link AnswerType} of a question. */
export function answerType(question: string): AnswerType {
  const q = question.toLowerCase();
  if (/\bwhat time\b|\bwhen does\b.*\b(leave|depart|arrive|start|open|close)|\bat what time\b/.test(q)) return 'time';
  if (/\bnumber\b|\bhow many\b|\bcount\b|\bwhich (?:digit|code)\b/.test(q)) return 'number';
  if (/^\s*where\b|\bin which place\b/.test(q)) return 'place';
  if (/\bcolou?r\b/.test(q)) return 'colour';
  return 'text';
}

/**
 * Pulls the answer to a question out of one evidence text, or returns undefined.
 * Times (`7:45`), numbers (`318`), places (`in the blue van` → `the blue van`); otherwise the
 * evidence words that the question does not already contain.
 */
export function extractAnswer(question: string, text: string): string | undefined {
  const type = answerType(question);
  const questionWords = new Set(words(question).map(stem));
  if (type === 'time') {
    const match = text.match(/\b\d{1,2}[:.]\d{2}(?:\s?[ap]\.?m\.?)?/i);
    if (match) return match[0].replace('.', ':');
  }
  if (type === 'number' || type === 'time') {
    const numbers = (text.match(/\b\d+(?::\d+)?\b/g) ?? []).filter((n) => !questionWords.has(n));
    if (numbers.length > 0) return numbers[0];
  }
  if (type === 'place') {
    const match = text.match(/\b(?:is|are|was|were|sits|lies|stays)\s+(?:in|inside|at|on|under|behind|near|next to|beside)\s+([^.!?;,]+)/i);
    if (match) return match[1].trim();
  }
  const rest = (text.match(/[A-Za-z0-9:']+/g) ?? []).filter((w) => !questionWords.has(stem(w)) && !STOPWORDS.has(w.toLowerCase()));
  return rest.length > 0 ? rest.join(' ') : undefined;
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
