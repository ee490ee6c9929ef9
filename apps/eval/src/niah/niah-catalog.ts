import type { SeededRandom } from './seeded-random';

/** A real clip of `../shared/data/videos` a haystack is built from, with what is in it. */
export interface SourceClip {
  /** File name in the clips directory. */
  file: string;
  /** The objects in it, as a multiple-choice option ("red plastic cups on a table"). */
  objects: string;
}

/**
 * The short real clips of `../shared/data/videos` (see its MANIFEST.md for sources and licences),
 * with their objects as checked frame by frame. `dev_long.mp4` is not used: it already holds
 * burnt-in captions.
 */
export const SOURCE_CLIPS: readonly SourceClip[] = [
  { file: 'sam2_01_dog.mp4', objects: 'a small brown-and-white dog on a leash in a courtyard' },
  { file: 'sam2_02_cups.mp4', objects: 'three red plastic cups shuffled on a white table' },
  { file: 'sam2_03_blocks.mp4', objects: 'wooden alphabet blocks on a black grid mat' },
  { file: 'sam2_04_coffee.mp4', objects: 'a silver kettle pouring coffee into a blue mug' },
  { file: 'sam2_bedroom.mp4', objects: 'two children jumping on a bed in a pink-striped bedroom' },
  { file: 'intel_bottle-detection.mp4', objects: 'plastic water bottles with blue caps on a table' },
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
 * `count` text needles with distinct templates and distinct answers, drawn from the seed.
 * @throws Error when more needles are asked for than there are templates.
 */
export function drawTextNeedles(count: number, random: SeededRandom): TextNeedle[] {
  const names = Object.keys(TEXT_NEEDLE_TEMPLATES);
  if (count > names.length) throw new Error(`at most ${names.length} text needles per video`);
  const chosen = random.shuffle(names).slice(0, count);
  const answers = new Set<string>();
  return chosen.map((template) => {
    for (;;) {
      const needle = TEXT_NEEDLE_TEMPLATES[template](random);
      if (answers.has(needle.answer)) continue;
      answers.add(needle.answer);
      return { template, ...needle, ...(needle.acceptableAnswers?.length ? {} : { acceptableAnswers: undefined }) };
    }
  });
}
