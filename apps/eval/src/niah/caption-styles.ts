import type { SeededRandom } from './seeded-random';

/** Where and how a hard caption moves: see {@link CaptionStyle.layout}. */
export type CaptionLayout = 'centre-box' | 'lower-third' | 'ticker' | 'top-left-edge' | 'bottom-right-edge' | 'upper-centre';

/**
 * How one caption of the hard needle suite is drawn (ffmpeg `drawtext`), chosen per caption from
 * the seed by {@link drawCaptionStyle}. Pixels are on the 640x360 generated frames.
 */
export interface CaptionStyle {
  /** Font file name (a file of {@link HARD_CAPTION_FONTS} that exists on this machine). */
  font: string;
  /** Font size, pixels (18–48; a ticker uses at most 28). */
  fontSize: number;
  /** Text colour, ffmpeg colour syntax (`white`, `#c8c8c8`). */
  fontColour: string;
  /** Box colour behind the text with its opacity (`black@0.4`), or undefined for no box. */
  boxColour?: string;
  /**
   * `centre-box`: centred near the bottom; `lower-third`: a full-width banner over the lower third,
   * text at the left; `ticker`: a bottom band whose text crawls right to left; `top-left-edge` /
   * `bottom-right-edge`: 4–8 px from the frame's edge; `upper-centre`: centred in the upper third.
   */
  layout: CaptionLayout;
}

/**
 * Font files of the hard suite, tried in this order: DejaVu Sans, Serif and Mono with bold and
 * italic faces (Debian `fonts-dejavu-core` / `fonts-dejavu-extra`) and Liberation (`fonts-liberation`,
 * installed by `.ci/run`). Those that exist on the machine are used.
 */
export const HARD_CAPTION_FONTS = [
  '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSans-Oblique.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSerif-Italic.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf',
  '/usr/share/fonts/truetype/dejavu/DejaVuSansCondensed.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationSerif-Italic.ttf',
  '/usr/share/fonts/truetype/liberation/LiberationMono-Bold.ttf',
];

/**
 * Text and box colours: plain white on black, then low-contrast pairs (grey on grey, pale yellow on
 * a thin box), semi-transparent boxes, dark text on a light box, and text with no box at all.
 */
const COLOURS: ReadonlyArray<{ fontColour: string; boxColour?: string }> = [
  { fontColour: 'white', boxColour: 'black@0.85' },
  { fontColour: '#d0d0d0', boxColour: '#606060@0.7' },
  { fontColour: '#f0e68c', boxColour: 'black@0.35' },
  { fontColour: '#202020', boxColour: '#e0e0e0@0.6' },
  { fontColour: 'white', boxColour: '#1e3c78@0.5' },
  { fontColour: '#ffffff' },
  { fontColour: '#e8e8e8', boxColour: '#808080@0.4' },
];

const LAYOUTS: readonly CaptionLayout[] = ['centre-box', 'lower-third', 'ticker', 'top-left-edge', 'bottom-right-edge', 'upper-centre'];

/**
 * Draws a caption style from the seed: a font of `fonts` (file names), a size of 18–48 px (at most
 * what keeps `text` inside the 640 px frame, 28 for a ticker), a colour pair and a layout, each uniformly.
 * @param fonts Font file names available (at least one).
 */
export function drawCaptionStyle(random: SeededRandom, fonts: readonly string[], text: string): CaptionStyle {
  const font = random.pick(fonts);
  const layout = random.pick(LAYOUTS);
  // Capital letters are at most about 0.75 em wide: keep the text within 600 px (480 for a ticker, which crawls).
  const fitting = Math.floor((layout === 'ticker' ? 480 : 600) / (0.75 * Math.max(1, text.length)));
  const fontSize = random.integer(18, Math.max(18, Math.min(layout === 'ticker' ? 28 : 48, fitting)));
  const colours = random.pick(COLOURS);
  return { font, fontSize, layout, ...colours };
}

/**
 * The ffmpeg filter chain (`drawbox` and `drawtext`, comma separated) that draws `style`'s caption
 * from `textFile` between `start` and `end` seconds of the segment.
 * @param fontPath Absolute path of `style.font`.
 */
export function captionFilter(style: CaptionStyle, fontPath: string, textFile: string, start: number, end: number): string {
  const enable = `enable='between(t,${start.toFixed(3)},${end.toFixed(3)})'`;
  const box = style.boxColour ? `:box=1:boxcolor=${style.boxColour}:boxborderw=${Math.round(style.fontSize / 4)}` : ':borderw=1:bordercolor=black@0.6';
  const text = `drawtext=fontfile=${fontPath}:textfile=${textFile}:fontsize=${style.fontSize}:fontcolor=${style.fontColour}`;
  const band = Math.round(style.fontSize * 1.8);
  switch (style.layout) {
    case 'lower-third':
      return `drawbox=x=0:y=${240 - Math.round(band / 4)}:w=iw:h=${band}:color=${style.boxColour ?? 'black@0.5'}:t=fill:${enable},${text}:x=24:y=240:${enable}`;
    case 'ticker': {
      // Crawls 30 px a second, centred at the middle of its time on screen.
      const middle = ((start + end) / 2).toFixed(3);
      return `drawbox=x=0:y=ih-${band}:w=iw:h=${band}:color=${style.boxColour ?? 'black@0.6'}:t=fill:${enable},${text}:x=(w-text_w)/2-(t-${middle})*30:y=h-${band}+(${band}-text_h)/2:${enable}`;
    }
    case 'top-left-edge':
      return `${text}${box}:x=${4 + Math.round(style.fontSize / 4)}:y=${4 + Math.round(style.fontSize / 4)}:${enable}`;
    case 'bottom-right-edge':
      return `${text}${box}:x=w-text_w-${4 + Math.round(style.fontSize / 4)}:y=h-text_h-${4 + Math.round(style.fontSize / 4)}:${enable}`;
    case 'upper-centre':
      return `${text}${box}:x=(w-text_w)/2:y=h/5:${enable}`;
    default:
      return `${text}${box}:x=(w-text_w)/2:y=h-text_h-48:${enable}`;
  }
}
