/**
 * The dominant named colour of an object in a frame: pixels of the central part of its box are
 * binned by hue, saturation and value (HSV, Smith, "Color Gamut Transform Pairs", SIGGRAPH 1978) into
 * twelve colour names, after leaving out pixels that look like the background around the box.
 */
import type { Box } from '@longvid/core';
import { LongVidError } from '@longvid/core';
import type { Frame } from './frame';
import { assertRgbFrame } from './image';

/** The colour names {@link dominantColour} can return. */
export const COLOUR_NAMES = ['red', 'orange', 'yellow', 'green', 'blue', 'purple', 'pink', 'brown', 'black', 'white', 'gray', 'silver'] as const;

/** One of {@link COLOUR_NAMES}. */
export type ColourName = (typeof COLOUR_NAMES)[number];

/** What {@link dominantColour} found. */
export interface DominantColour {
  /** The colour name with the most pixels. */
  name: ColourName;
  /** Its share of the pixels counted, `(0, 1]`. */
  fraction: number;
  /** Share of the counted pixels of every colour name that has any, `[0, 1]`, summing to 1. */
  histogram: Partial<Record<ColourName, number>>;
  /** Pixels counted (sampled in the central region, not background-like). */
  pixels: number;
  /** Whether background-like pixels were left out (false when that would have left too few). */
  backgroundRemoved: boolean;
}

/** Options of {@link dominantColour}. */
export interface DominantColourOptions {
  /** Share of the box's width and height, centred, whose pixels are counted, `(0, 1]`. Default 0.6. */
  centralFraction?: number;
  /**
   * A pixel is background-like when its RGB distance (0–441) to one of the background colours is
   * below this. Default 40. 0 keeps every pixel.
   */
  backgroundDistance?: number;
  /** Width of the band around the box whose pixels give the background colours, as a share of the box's shorter side. Default 0.15 (at least 2 pixels). */
  ringFraction?: number;
  /** Pixels sampled along each axis of the central region at most (the region is subsampled beyond). Default 64. */
  samplesPerAxis?: number;
}

/**
 * The name of an RGB colour (each channel 0–255), by HSV bins: value < 0.2 is black; saturation <
 * 0.2 (or < 0.3 when value < 0.5) is white (value ≥ 0.8), silver (≥ 0.55), gray or black; else by
 * hue — red < 15° or ≥ 340°, orange < 40°, yellow < 70°, green < 165°, blue < 255°, purple < 290°,
 * pink < 340° — with dark reds, oranges and yellows (value < 0.55) brown, and pale light reds
 * (saturation < 0.45, value > 0.7) pink.
 */
export function colourName(red: number, green: number, blue: number): ColourName {
  const { hue, saturation, value } = rgbToHsv(red, green, blue);
  if (value < 0.2) return 'black';
  if (saturation < 0.2 || (value < 0.5 && saturation < 0.3)) {
    if (value >= 0.8) return 'white';
    if (value >= 0.55) return 'silver';
    return value >= 0.3 ? 'gray' : 'black';
  }
  if (hue < 15 || hue >= 340) {
    if (value < 0.45) return 'brown';
    if (saturation < 0.45 && value > 0.7) return 'pink';
    return 'red';
  }
  if (hue < 40) return value < 0.55 ? 'brown' : 'orange';
  if (hue < 70) return value < 0.45 ? 'brown' : 'yellow';
  if (hue < 165) return 'green';
  if (hue < 255) return 'blue';
  if (hue < 290) return 'purple';
  return 'pink';
}

/** HSV of an RGB colour: hue in degrees `[0, 360)`, saturation and value in `[0, 1]`. */
export function rgbToHsv(red: number, green: number, blue: number): { hue: number; saturation: number; value: number } {
  const max = Math.max(red, green, blue);
  const min = Math.min(red, green, blue);
  const delta = max - min;
  const value = max / 255;
  const saturation = max > 0 ? delta / max : 0;
  let hue = 0;
  if (delta > 0) {
    if (max === red) hue = 60 * (((green - blue) / delta) % 6);
    else if (max === green) hue = 60 * ((blue - red) / delta + 2);
    else hue = 60 * ((red - green) / delta + 4);
    if (hue < 0) hue += 360;
  }
  return { hue, saturation, value };
}

/**
 * The dominant named colour of the object in `box` of `frame`.
 *
 * Background: the pixels of a band around the box (outside it, clipped to the frame) are grouped
 * by colour name; the mean RGB of each name holding at least 20% of the band is a background colour.
 * Central pixels within `backgroundDistance` of a background colour are left out, unless that
 * would leave fewer than 10% of them (then all are counted). The rest are named with
 * {@link colourName} and the most frequent name wins.
 * @param box Pixels of the frame; clipped to it.
 * @returns The colour, or undefined when the box is empty after clipping.
 * @throws LongVidError `BAD_INPUT` for a frame whose data is not `width * height * 3` bytes or an
 *   option out of range.
 */
export function dominantColour(frame: Frame, box: Box, options: DominantColourOptions = {}): DominantColour | undefined {
  assertRgbFrame(frame);
  const centralFraction = options.centralFraction ?? 0.6;
  const backgroundDistance = options.backgroundDistance ?? 40;
  const ringFraction = options.ringFraction ?? 0.15;
  const samplesPerAxis = options.samplesPerAxis ?? 64;
  if (!(centralFraction > 0 && centralFraction <= 1)) badOption('centralFraction', centralFraction, 'in (0, 1]');
  if (!(backgroundDistance >= 0)) badOption('backgroundDistance', backgroundDistance, 'at least 0');
  if (!(ringFraction >= 0)) badOption('ringFraction', ringFraction, 'at least 0');
  if (!Number.isInteger(samplesPerAxis) || samplesPerAxis < 1) badOption('samplesPerAxis', samplesPerAxis, 'a positive integer');

  const x0 = Math.max(0, Math.floor(box.x));
  const y0 = Math.max(0, Math.floor(box.y));
  const x1 = Math.min(frame.width, Math.ceil(box.x + box.width));
  const y1 = Math.min(frame.height, Math.ceil(box.y + box.height));
  if (x1 <= x0 || y1 <= y0) return undefined;

  const centreWidth = Math.max(1, Math.round((x1 - x0) * centralFraction));
  const centreHeight = Math.max(1, Math.round((y1 - y0) * centralFraction));
  const centreX = x0 + Math.floor((x1 - x0 - centreWidth) / 2);
  const centreY = y0 + Math.floor((y1 - y0 - centreHeight) / 2);
  const central: number[] = [];
  const stepX = Math.max(1, centreWidth / samplesPerAxis);
  const stepY = Math.max(1, centreHeight / samplesPerAxis);
  for (let y = centreY; y < centreY + centreHeight; y += stepY) {
    for (let x = centreX; x < centreX + centreWidth; x += stepX) central.push(pixelOffset(frame, Math.floor(x), Math.floor(y)));
  }

  const backgrounds = backgroundDistance > 0 ? backgroundColours(frame, x0, y0, x1, y1, ringFraction) : [];
  const limit = backgroundDistance * backgroundDistance;
  const foreground = central.filter((offset) => {
    const { data } = frame;
    return !backgrounds.some(([r, g, b]) => {
      const dr = data[offset] - r;
      const dg = data[offset + 1] - g;
      const db = data[offset + 2] - b;
      return dr * dr + dg * dg + db * db < limit;
    });
  });
  const backgroundRemoved = foreground.length >= Math.max(1, central.length * 0.1);
  const counted = backgroundRemoved ? foreground : central;
  const counts = new Map<ColourName, number>();
  for (const offset of counted) {
    const name = colourName(frame.data[offset], frame.data[offset + 1], frame.data[offset + 2]);
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  let name: ColourName = 'black';
  let best = 0;
  for (const candidate of COLOUR_NAMES) {
    const count = counts.get(candidate) ?? 0;
    if (count > best) {
      best = count;
      name = candidate;
    }
  }
  const histogram: Partial<Record<ColourName, number>> = {};
  for (const candidate of COLOUR_NAMES) {
    const count = counts.get(candidate);
    if (count) histogram[candidate] = count / counted.length;
  }
  return { name, fraction: best / counted.length, histogram, pixels: counted.length, backgroundRemoved: backgroundRemoved && backgrounds.length > 0 };
}

function pixelOffset(frame: Frame, x: number, y: number): number {
  return (Math.min(frame.height - 1, y) * frame.width + Math.min(frame.width - 1, x)) * 3;
}

/** Mean RGB of each colour name holding at least 20% of the band around the box. */
function backgroundColours(frame: Frame, x0: number, y0: number, x1: number, y1: number, ringFraction: number): Array<[number, number, number]> {
  const band = Math.max(2, Math.round(Math.min(x1 - x0, y1 - y0) * ringFraction));
  const outerX0 = Math.max(0, x0 - band);
  const outerY0 = Math.max(0, y0 - band);
  const outerX1 = Math.min(frame.width, x1 + band);
  const outerY1 = Math.min(frame.height, y1 + band);
  const step = Math.max(1, Math.floor(Math.max(outerX1 - outerX0, outerY1 - outerY0) / 128));
  const sums = new Map<ColourName, [number, number, number, number]>();
  let total = 0;
  for (let y = outerY0; y < outerY1; y += step) {
    for (let x = outerX0; x < outerX1; x += step) {
      if (x >= x0 && x < x1 && y >= y0 && y < y1) continue;
      const offset = pixelOffset(frame, x, y);
      const r = frame.data[offset];
      const g = frame.data[offset + 1];
      const b = frame.data[offset + 2];
      const name = colourName(r, g, b);
      const sum = sums.get(name) ?? [0, 0, 0, 0];
      sum[0] += r;
      sum[1] += g;
      sum[2] += b;
      sum[3] += 1;
      sums.set(name, sum);
      total += 1;
    }
  }
  return [...sums.values()].filter((sum) => sum[3] >= total * 0.2).map((sum) => [sum[0] / sum[3], sum[1] / sum[3], sum[2] / sum[3]]);
}

function badOption(name: string, value: number, expected: string): never {
  throw new LongVidError('BAD_INPUT', `${name} must be ${expected}, got ${value}`, { details: { [name]: value } });
}
