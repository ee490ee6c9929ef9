import type { SeededRandom } from './seeded-random';

/** A real clip of `../shared/data/videos` a haystack is built from, with what is in it. */
export interface SourceClip {
  /** File name in the clips directory. */
  file: string;
  /** The objects in it, as a multiple-choice option ("red plastic cups on a table"). */
  objects: string;
  /**
   * A detector (COCO) class seen in this clip and in no other source clip, when there is one: the
   * right option of a hard odd-object question, which a detector can answer.
   */
  detectorClass?: string;
}

/**
 * The short real clips of `../shared/data/videos` (see its MANIFEST.md for sources and licences),
 * with their objects as checked frame by frame. `dev_long.mp4` is not used: it already holds
 * burnt-in captions.
 */
export const SOURCE_CLIPS: readonly SourceClip[] = [
  { file: 'sam2_01_dog.mp4', objects: 'a small brown-and-white dog on a leash in a courtyard', detectorClass: 'dog' },
  { file: 'sam2_02_cups.mp4', objects: 'three red plastic cups shuffled on a white table' },
  { file: 'sam2_03_blocks.mp4', objects: 'wooden alphabet blocks on a black grid mat' },
  { file: 'sam2_04_coffee.mp4', objects: 'a silver kettle pouring coffee into a blue mug' },
  { file: 'sam2_bedroom.mp4', objects: 'two children jumping on a bed in a pink-striped bedroom', detectorClass: 'bed' },
  { file: 'intel_bottle-detection.mp4', objects: 'plastic water bottles with blue caps on a table', detectorClass: 'bottle' },
  { file: 'mmaction2_basketball_gym.mp4', objects: 'two children with basketballs in a school gym' },
  { file: 'sadtalker_WDA_AlexandriaOcasioCortez_000.mp4', objects: 'a woman speaking in front of a US flag' },
  { file: 'askanything_yoga.mp4', objects: 'a woman doing yoga on a rooftop terrace' },
  { file: 'videollava_baby_countdown_demo3.mp4', objects: 'a baby on a rug next to a blue balloon' },
];

/** A text needle: the caption burnt into the video, the question, and its answer. */
export interface TextNeedle {
  /** Template name (each is used at most once per video, so questions never share their words). */
  template: string;
  /** The caption drawn on screen. */
  caption: string;
  question: string;
  answer: string;
  /** Other accepted spellings of the answer. */
  acceptableAnswers?: string[];
}

const WORDS = ['FALCON', 'ORCHID', 'GRANITE', 'MAPLE', 'COBALT', 'SAFFRON', 'GLACIER', 'HARBOR', 'VELVET', 'TUNDRA', 'LANTERN', 'MEADOW', 'QUARTZ', 'JUNIPER', 'BISCUIT', 'COMET'];

function clock(random: SeededRandom): { text: string; acceptable: string[] } {
  const hour = random.integer(1, 12);
  const minute = random.pick([5, 10, 15, 20, 25, 35, 40, 45, 50, 55]);
  const text = `${hour}:${String(minute).padStart(2, '0')}`;
  return { text, acceptable: hour < 10 ? [`0${text}`] : [] };
}

type Template = (random: SeededRandom) => Omit<TextNeedle, 'template'>;

/**
 * Needle templates: numbers, clock times and code words, each asked about by its own words. (No
 * `ROOM`: the local OCR model reads its `OO` as `O0` far too often for a fair needle; no three-word
 * names such as `BOAT NAME X`, which it tends to split into two lines.)
 */
export const TEXT_NEEDLE_TEMPLATES: Readonly<Record<string, Template>> = {
  locker: (r) => {
    const n = String(r.integer(100, 999));
    return { caption: `LOCKER ${n}`, question: 'What is the locker number?', answer: n };
  },
  gate: (r) => {
    const n = String(r.integer(10, 89));
    return { caption: `GATE ${n}`, question: 'What is the gate number?', answer: n };
  },
  platform: (r) => {
    const n = String(r.integer(2, 19));
    return { caption: `PLATFORM ${n}`, question: 'What is the platform number?', answer: n };
  },
  flight: (r) => {
    const n = String(r.integer(1000, 9899));
    return { caption: `FLIGHT ${n}`, question: 'What is the flight number?', answer: n };
  },
  ticket: (r) => {
    const n = String(r.integer(10000, 98999));
    return { caption: `TICKET ${n}`, question: 'What is the ticket number?', answer: n };
  },
  bus: (r) => {
    const n = String(r.integer(20, 399));
    return { caption: `BUS ${n}`, question: 'What is the bus number?', answer: n };
  },
  train: (r) => {
    const time = clock(r);
    return { caption: `TRAIN LEAVES AT ${time.text}`, question: 'What time does the train leave?', answer: time.text, acceptableAnswers: time.acceptable };
  },
  shop: (r) => {
    const time = clock(r);
    return { caption: `SHOP CLOSES AT ${time.text}`, question: 'What time does the shop close?', answer: time.text, acceptableAnswers: time.acceptable };
  },
  meeting: (r) => {
    const time = clock(r);
    return { caption: `MEETING AT ${time.text}`, question: 'What time is the meeting?', answer: time.text, acceptableAnswers: time.acceptable };
  },
  password: (r) => {
    const word = r.pick(WORDS);
    return { caption: `PASSWORD ${word}`, question: 'What is the password?', answer: word };
  },
  hotel: (r) => {
    const word = r.pick(WORDS);
    return { caption: `HOTEL ${word}`, question: 'What is the name of the hotel?', answer: word };
  },
  door: (r) => {
    const n = String(r.integer(1000, 9899));
    return { caption: `DOOR CODE ${n}`, question: 'What is the door code?', answer: n };
  },
};

/**
 * `count` text needles with distinct templates and distinct answers, drawn from the seed (from
 * {@link TEXT_NEEDLE_TEMPLATES} unless other `templates` are given).
 * @throws Error when more needles are asked for than there are templates.
 */
export function drawTextNeedles(count: number, random: SeededRandom, templates: Readonly<Record<string, Template>> = TEXT_NEEDLE_TEMPLATES): TextNeedle[] {
  const names = Object.keys(templates);
  if (count > names.length) throw new Error(`at most ${names.length} text needles per video`);
  const chosen = random.shuffle(names).slice(0, count);
  const answers = new Set<string>();
  return chosen.map((template) => {
    for (;;) {
      const needle = templates[template](random);
      if (answers.has(needle.answer)) continue;
      answers.add(needle.answer);
      return { template, ...needle, ...(needle.acceptableAnswers?.length ? {} : { acceptableAnswers: undefined }) };
    }
  });
}

/**
 * Detector classes seen in none of {@link SOURCE_CLIPS}: the wrong options of hard odd-object
 * questions (animals, vehicles and street things that no shared clip shows).
 */
export const ABSENT_DETECTOR_CLASSES: readonly string[] = ['horse', 'elephant', 'giraffe', 'zebra', 'bicycle', 'motorcycle', 'airplane', 'boat', 'fire hydrant', 'stop sign', 'umbrella', 'skateboard', 'surfboard', 'kite', 'sheep', 'cow'];

/** Digits an OCR model confuses with letters (0/O, 1/I, 5/S, 8/B, 2/Z), for hard needle values. */
const CONFUSABLE_DIGITS = ['0', '1', '5', '8', '2'];

/** `length` digits drawn mostly from the OCR-confusable ones (not starting with 0). */
function confusableNumber(random: SeededRandom, length: number): string {
  let text = '';
  for (let index = 0; index < length; index += 1) {
    const digits = index === 0 ? CONFUSABLE_DIGITS.slice(1) : random.next() < 0.8 ? CONFUSABLE_DIGITS : ['3', '4', '6', '7', '9'];
    text += random.pick(digits);
  }
  return text;
}

/** Words full of letters an OCR model reads as digits (O, I, S, B, Z, L). */
const CONFUSABLE_WORDS = ['BISON', 'OSLO', 'ZEBRA', 'SOLO', 'BLISS', 'OBOE', 'LOTUS', 'IBIS', 'BOLT', 'SILO', 'ZINC', 'ORBIT', 'BASIL', 'LOBSTER', 'OASIS', 'BONZO'];
/** First words of two-word names. */
const NAME_WORDS = ['SILVER', 'GOLDEN', 'ROYAL', 'GRAND', 'BLUE', 'NORTH', 'OLD', 'LITTLE'];

/** A hard template: `caption` and a number of `digits` confusable digits, asked about by `question`. */
const numbered =
  (caption: string, digits: number, question: string): Template =>
  (r) => {
    const n = confusableNumber(r, digits);
    return { caption: `${caption} ${n}`, question, answer: n };
  };

/**
 * Hard needle templates (`longvid eval niah --difficulty hard`): values made of OCR-confusable
 * characters (a gate code `5021` OCR may read as `5O2I`, a password `OSLO` read as `0SL0`) and
 * multi-word values (`HOTEL GRAND OASIS`), each asked about by its own words. Real captions do
 * not choose their words for the OCR model; these do not either.
 */
export const HARD_TEXT_NEEDLE_TEMPLATES: Readonly<Record<string, Template>> = {
  room: numbered('ROOM', 3, 'What is the room number?'),
  gateCode: numbered('GATE CODE', 4, 'What is the gate code?'),
  locker: numbered('LOCKER', 3, 'What is the locker number?'),
  platform: numbered('PLATFORM', 2, 'What is the platform number?'),
  flight: numbered('FLIGHT', 4, 'What is the flight number?'),
  ticket: numbered('TICKET NO', 5, 'What is the ticket number?'),
  // Clock times as in the default suite (their digits are as confusable as any).
  train: TEXT_NEEDLE_TEMPLATES.train,
  shop: TEXT_NEEDLE_TEMPLATES.shop,
  password: (r) => {
    const word = r.pick(CONFUSABLE_WORDS);
    return { caption: `PASSWORD ${word}`, question: 'What is the password?', answer: word };
  },
  hotel: (r) => {
    const name = `${r.pick(NAME_WORDS)} ${r.pick(CONFUSABLE_WORDS)}`;
    return { caption: `HOTEL ${name}`, question: 'What is the name of the hotel?', answer: name };
  },
  ship: (r) => {
    const name = `${r.pick(NAME_WORDS)} ${r.pick(CONFUSABLE_WORDS)}`;
    return { caption: `SHIP NAME ${name}`, question: 'What is the name of the ship?', answer: name };
  },
  doorCode: numbered('DOOR CODE', 4, 'What is the door code?'),
};
