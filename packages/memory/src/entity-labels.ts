/**
 * Words for things: the synonyms by which questions name the classes a detector reports (COCO class
 * names), plural forms, and a small parser of entity questions ("how many X", "when does X appear",
 * "what colour is X").
 */
import { tokenize } from './lexical-text';

/**
 * Every COCO class name (Lin et al., ECCV 2014; the 80 classes of YOLO COCO detectors) with the other
 * words people use for it. A word may name several classes (`glass`: cup and wine glass; `bag`:
 * handbag and backpack). Keys and words are lower case, singular.
 */
export const LABEL_SYNONYMS: Readonly<Record<string, readonly string[]>> = {
  person: ['people', 'man', 'woman', 'boy', 'girl', 'child', 'kid', 'baby', 'toddler', 'lady', 'guy', 'human', 'someone', 'player', 'adult', 'teenager'],
  dog: ['puppy', 'pup', 'doggy', 'doggie', 'hound'],
  cat: ['kitten', 'kitty'],
  cup: ['mug', 'glass', 'coffee cup', 'tea cup', 'teacup', 'plastic cup'],
  bottle: ['water bottle', 'plastic bottle', 'flask'],
  'wine glass': ['glass', 'goblet'],
  'dining table': ['table', 'desk'],
  'sports ball': ['ball', 'basketball', 'football', 'soccer ball', 'tennis ball', 'volleyball'],
  couch: ['sofa', 'settee'],
  tv: ['television', 'tv screen', 'monitor', 'screen'],
  laptop: ['computer', 'notebook computer'],
  'cell phone': ['phone', 'mobile phone', 'smartphone', 'mobile', 'cellphone'],
  car: ['automobile', 'vehicle'],
  bicycle: ['bike', 'cycle'],
  motorcycle: ['motorbike', 'scooter'],
  airplane: ['plane', 'aeroplane', 'aircraft', 'jet'],
  truck: ['lorry', 'van'],
  bus: ['coach'],
  boat: ['ship'],
  handbag: ['bag', 'purse'],
  backpack: ['bag', 'rucksack'],
  suitcase: ['luggage'],
  'potted plant': ['plant', 'houseplant'],
  'teddy bear': ['teddy', 'stuffed animal', 'plush toy'],
  remote: ['remote control'],
  bed: ['mattress'],
  chair: ['seat', 'stool'],
  bench: ['seat'],
  bird: ['pigeon', 'seagull'],
  horse: ['pony'],
  'traffic light': ['traffic signal', 'stop light'],
  'hair drier': ['hair dryer', 'hairdryer'],
  refrigerator: ['fridge'],
  donut: ['doughnut'],
  // The other COCO classes, known by their own names only.
  'fire hydrant': ['hydrant'],
  'stop sign': [],
  'parking meter': [],
  sheep: ['lamb'],
  cow: ['cattle', 'calf'],
  elephant: [],
  bear: [],
  zebra: [],
  giraffe: [],
  umbrella: ['parasol'],
  tie: ['necktie'],
  frisbee: [],
  skis: ['ski'],
  snowboard: [],
  kite: [],
  'baseball bat': ['bat'],
  'baseball glove': ['glove', 'mitt'],
  skateboard: [],
  surfboard: [],
  'tennis racket': ['racket', 'racquet'],
  fork: [],
  knife: [],
  spoon: [],
  bowl: [],
  banana: [],
  apple: [],
  sandwich: [],
  orange: [],
  broccoli: [],
  carrot: [],
  'hot dog': [],
  pizza: [],
  cake: [],
  toilet: [],
  mouse: [],
  keyboard: [],
  microwave: [],
  oven: ['stove'],
  toaster: [],
  sink: [],
  book: [],
  clock: [],
  vase: [],
  scissors: [],
  toothbrush: [],
  train: [],
};

/** Irregular plurals and plurals the suffix rules get wrong. */
const IRREGULAR_PLURALS: Readonly<Record<string, string>> = {
  people: 'person',
  persons: 'person',
  men: 'man',
  women: 'woman',
  children: 'child',
  kids: 'kid',
  mice: 'mouse',
  knives: 'knife',
  skis: 'skis',
  scissors: 'scissors',
  glasses: 'glass',
  buses: 'bus',
  couches: 'couch',
  benches: 'bench',
  sandwiches: 'sandwich',
  boxes: 'box',
  teeth: 'tooth',
  geese: 'goose',
  sheep: 'sheep',
  bus: 'bus',
};

/**
 * Singular of an English noun (lower case): irregular forms from a table, then `-ies` → `-y`,
 * `-ches/-shes/-xes/-sses` → drop `es`, `-s` (not `-ss`/`-us`/`-is`) → drop `s`.
 */
export function singular(word: string): string {
  const lower = word.toLowerCase();
  const irregular = IRREGULAR_PLURALS[lower];
  if (irregular) return irregular;
  if (/[^aeiou]ies$/.test(lower) && lower.length > 4) return `${lower.slice(0, -3)}y`;
  if (/(?:ch|sh|x|ss)es$/.test(lower)) return lower.slice(0, -2);
  if (/s$/.test(lower) && !/(?:ss|us|is)$/.test(lower) && lower.length > 3) return lower.slice(0, -1);
  return lower;
}

/**
 * Lower-case words of a text ({@link tokenize}'s letter pieces; numbers dropped, a possessive's `s`
 * its own word: `dog's` → `dog`, `s`), each made singular.
 */
function singularWords(text: string): string[] {
  return tokenize(text, { letterDigitPieces: true })
    .filter((piece) => !/\p{N}/u.test(piece))
    .flatMap((word) => word.split("'"))
    .map(singular);
}

/** A class name found in a text by {@link labelsMentioned}. */
export interface LabelMention {
  /** The class name (a key of the synonym table, or a label of the known labels), e.g. `cup`. */
  label: string;
  /** The words that named it, singular, e.g. `mug`. */
  phrase: string;
  /** Index of the phrase's first word among the text's words. */
  wordIndex: number;
}

/**
 * The class names a text mentions, in text order: every phrase (up to three words, longest first,
 * singular forms) that is a class name or one of its synonyms. A phrase naming several classes
 * gives one mention per class, the class named literally first.
 * @param labels Class names to recognise besides {@link LABEL_SYNONYMS}' keys (e.g. the detector's
 *   labels or the labels stored in a memory).
 * @param synonyms Synonyms to use instead of {@link LABEL_SYNONYMS}.
 */
export function labelsMentioned(text: string, labels: readonly string[] = [], synonyms: Readonly<Record<string, readonly string[]>> = LABEL_SYNONYMS): LabelMention[] {
  const phrases = new Map<string, string[]>();
  const add = (phrase: string, label: string): void => {
    const key = singularWords(phrase).join(' ');
    if (!key) return;
    const list = phrases.get(key) ?? [];
    if (!list.includes(label)) list.push(label);
    phrases.set(key, list);
  };
  for (const label of [...Object.keys(synonyms), ...labels]) add(label, label);
  for (const [label, words] of Object.entries(synonyms)) for (const word of words) add(word, label);
  // A phrase that is a class name itself names that class first.
  for (const [key, list] of phrases) {
    const literal = list.find((label) => singularWords(label).join(' ') === key);
    if (literal) phrases.set(key, [literal, ...list.filter((label) => label !== literal)]);
  }
  const words = singularWords(text);
  const mentions: LabelMention[] = [];
  for (let index = 0; index < words.length; ) {
    let matched = 0;
    for (let length = Math.min(3, words.length - index); length >= 1; length -= 1) {
      const phrase = words.slice(index, index + length).join(' ');
      const found = phrases.get(phrase);
      if (found) {
        for (const label of found) mentions.push({ label, phrase, wordIndex: index });
        matched = length;
        break;
      }
    }
    index += matched || 1;
  }
  return mentions;
}

/** What an entity question asks, from {@link parseEntityQuestion}. */
export interface EntityQuestion {
  /** `count`: how many; `when`: when does it appear; `colour`: what colour is it; `presence`: anything else naming a class. */
  kind: 'count' | 'when' | 'colour' | 'presence';
  /** The class names the asked-about phrase may mean, best first (e.g. `mug` → `['cup']`). */
  labels: string[];
  /** The phrase that named it, singular (e.g. `mug`). */
  phrase: string;
}

/**
 * Reads an entity question: "How many bottles are on the table?" → count of `bottle`;
 * "When does a dog appear?" → when `dog`; "What colour is the mug?" → colour of `cup`; other
 * questions naming a class → presence. The thing asked about is the first class named after
 * "how many" / "colour/color ... is" (else the first named at all).
 * @param labels Extra class names to recognise (e.g. the labels stored in a memory).
 * @returns undefined when the question names no known class.
 */
export function parseEntityQuestion(question: string, labels: readonly string[] = []): EntityQuestion | undefined {
  const mentions = labelsMentioned(question, labels);
  if (mentions.length === 0) return undefined;
  const text = question.toLowerCase();
  const words = singularWords(question);
  let kind: EntityQuestion['kind'] = 'presence';
  let after = 0;
  const countAt = words.findIndex((word, index) => word === 'how' && (words[index + 1] === 'many' || words[index + 1] === 'much'));
  const colourAt = words.findIndex((word) => word === 'colour' || word === 'color');
  if (countAt >= 0 || /\bnumber of\b/.test(text)) {
    kind = 'count';
    after = Math.max(0, countAt);
  } else if (colourAt >= 0) {
    kind = 'colour';
    after = colourAt;
  } else if (/\b(?:when|what time|at what point|how long)\b/.test(text)) {
    kind = 'when';
  }
  const first = mentions.find((mention) => mention.wordIndex >= after) ?? mentions[0];
  return { kind, phrase: first.phrase, labels: mentions.filter((mention) => mention.wordIndex === first.wordIndex).map((mention) => mention.label) };
}
