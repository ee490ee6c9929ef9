import { type EntityQuestion, parseEntityQuestion } from '@longvid/memory';

/** A question across the videos of a library about an object class, from {@link parseLibraryQuestion}. */
export interface LibraryEntityQuestion {
  /** `which`: in which videos does it appear; `count`: in how many videos. */
  kind: 'which' | 'count';
  /** The class asked about (see `parseEntityQuestion` of `@longvid/memory`). */
  entity: EntityQuestion;
}

const WHICH_VIDEOS = /\b(?:which|what)\s+(?:of\s+the\s+)?(?:videos?|clips?|files?|recordings?)\b|\b(?:list|name)\s+(?:the|all)\s+(?:videos?|clips?|files?|recordings?)\b/i;
const HOW_MANY_VIDEOS = /\bhow\s+many\s+(?:of\s+the\s+)?(?:videos?|clips?|files?|recordings?)\b|\bnumber\s+of\s+(?:videos?|clips?|files?|recordings?)\b/i;

/**
 * Reads a question asked across a library about an object class: "In which videos does a dog
 * appear?" → which `dog`; "How many videos show a bus?" → count `bus`. The class is read as
 * `parseEntityQuestion` reads it (synonyms and plurals: "puppies" → dog).
 * @param labels Extra class names to recognise (e.g. the detector's labels).
 * @returns undefined for a question that asks about something else (it is then answered from the best-matching videos).
 */
export function parseLibraryQuestion(question: string, labels: readonly string[] = []): LibraryEntityQuestion | undefined {
  const kind = HOW_MANY_VIDEOS.test(question) ? 'count' : WHICH_VIDEOS.test(question) ? 'which' : undefined;
  if (!kind) return undefined;
  // "How many videos show a bus?" names the class after the videos: read it without the counting words.
  const entity = parseEntityQuestion(question.replace(HOW_MANY_VIDEOS, ' ').replace(WHICH_VIDEOS, ' '), labels);
  return entity && { kind, entity };
}
