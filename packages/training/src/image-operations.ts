import type { Frame } from '@longvid/video';
import type { Random } from '@longvid/core';

/**
 * Pixel operations on RGB24 frames for the VideoSSR tasks (anomaly perturbations and counting
 * shapes). Each returns a new frame; inputs are never changed.
 */

/** The perturbations of the anomaly-grounding task. */
export type Perturbation = 'grayscale' | 'invert' | 'rotate' | 'mirror' | 'blur' | 'noise' | 'shuffle' | 'swap';

/** Every perturbation, in a stable order. */
export const PERTURBATIONS: readonly Perturbation[] = ['grayscale', 'invert', 'rotate', 'mirror', 'blur', 'noise', 'shuffle', 'swap'];

function mapPixels(frame: Frame, map: (r: number, g: number, b: number, x: number, y: number) => [number, number, number]): Frame {
  const data = new Uint8Array(frame.data.length);
  for (let y = 0; y < frame.height; y += 1) {
    for (let x = 0; x < frame.width; x += 1) {
      const offset = (y * frame.width + x) * 3;
      const [r, g, b] = map(frame.data[offset], frame.data[offset + 1], frame.data[offset + 2], x, y);
      data[offset] = r;
      data[offset + 1] = g;
      data[offset + 2] = b;
    }
  }
  return { ...frame, data };
}

/** Luma grey (0.299 R + 0.587 G + 0.114 B) in all three channels. */
export function grayscale(frame: Frame): Frame {
  return mapPixels(frame, (r, g, b) => {
    const grey = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    return [grey, grey, grey];
  });
}

/** Colour negative: `255 − value` per channel. */
export function invert(frame: Frame): Frame {
  return mapPixels(frame, (r, g, b) => [255 - r, 255 - g, 255 - b]);
}

/** Rotation by 180 degrees (keeps the frame size). */
export function rotate180(frame: Frame): Frame {
  const { width, height, data } = frame;
  return mapPixels(frame, (_r, _g, _b, x, y) => {
    const offset = ((height - 1 - y) * width + (width - 1 - x)) * 3;
    return [data[offset], data[offset + 1], data[offset + 2]];
  });
}

/** Horizontal mirror (left–right flip). */
export function mirror(frame: Frame): Frame {
  const { width, data } = frame;
  return mapPixels(frame, (_r, _g, _b, x, y) => {
    const offset = (y * width + (width - 1 - x)) * 3;
    return [data[offset], data[offset + 1], data[offset + 2]];
  });
}

/** Box blur with a square window of side `2·radius + 1` pixels (separable running sums, edges clamped). */
export function boxBlur(frame: Frame, radius = 4): Frame {
  const { width, height } = frame;
  const window = 2 * radius + 1;
  const horizontal = new Float32Array(frame.data.length);
  for (let y = 0; y < height; y += 1) {
    for (let c = 0; c < 3; c += 1) {
      let sum = 0;
      for (let k = -radius; k <= radius; k += 1) sum += frame.data[(y * width + Math.min(width - 1, Math.max(0, k))) * 3 + c];
      for (let x = 0; x < width; x += 1) {
        horizontal[(y * width + x) * 3 + c] = sum / window;
        sum += frame.data[(y * width + Math.min(width - 1, x + radius + 1)) * 3 + c] - frame.data[(y * width + Math.max(0, x - radius)) * 3 + c];
      }
    }
  }
  const data = new Uint8Array(frame.data.length);
  for (let x = 0; x < width; x += 1) {
    for (let c = 0; c < 3; c += 1) {
      let sum = 0;
      for (let k = -radius; k <= radius; k += 1) sum += horizontal[(Math.min(height - 1, Math.max(0, k)) * width + x) * 3 + c];
      for (let y = 0; y < height; y += 1) {
        data[(y * width + x) * 3 + c] = Math.round(sum / window);
        sum += horizontal[(Math.min(height - 1, y + radius + 1) * width + x) * 3 + c] - horizontal[(Math.max(0, y - radius) * width + x) * 3 + c];
      }
    }
  }
  return { ...frame, data };
}

/** Adds Gaussian noise of standard deviation `sigma` (0–255 scale) from `random`, clamped to 0–255. */
export function addNoise(frame: Frame, random: Random, sigma = 40): Frame {
  const data = new Uint8Array(frame.data.length);
  for (let i = 0; i < data.length; i += 1) data[i] = Math.min(255, Math.max(0, Math.round(frame.data[i] + sigma * random.normal())));
  return { ...frame, data };
}

/** Nearest-neighbour resize to `width`×`height` pixels. */
export function resizeNearest(frame: Frame, width: number, height: number): Frame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y += 1) {
    const sourceY = Math.min(frame.height - 1, Math.floor((y * frame.height) / height));
    for (let x = 0; x < width; x += 1) {
      const sourceX = Math.min(frame.width - 1, Math.floor((x * frame.width) / width));
      const source = (sourceY * frame.width + sourceX) * 3;
      const target = (y * width + x) * 3;
      data[target] = frame.data[source];
      data[target + 1] = frame.data[source + 1];
      data[target + 2] = frame.data[source + 2];
    }
  }
  return { time: frame.time, width, height, data };
}

/** Shapes of the counting task. */
export type ShapeKind = 'circle' | 'square' | 'triangle';

/** Every shape kind, in a stable order. */
export const SHAPE_KINDS: readonly ShapeKind[] = ['circle', 'square', 'triangle'];

/** A filled shape: centre and size in pixels, RGB colour. */
export interface Shape {
  kind: ShapeKind;
  /** Centre x, pixels. */
  x: number;
  /** Centre y, pixels. */
  y: number;
  /** Half the side (square), radius (circle) or half the base (triangle), pixels. */
  size: number;
  colour: readonly [number, number, number];
}

/** Whether pixel (px, py) lies inside a shape. */
export function insideShape(shape: Shape, px: number, py: number): boolean {
  const dx = px - shape.x;
  const dy = py - shape.y;
  switch (shape.kind) {
    case 'circle':
      return dx * dx + dy * dy <= shape.size * shape.size;
    case 'square':
      return Math.abs(dx) <= shape.size && Math.abs(dy) <= shape.size;
    case 'triangle': {
      // Apex up: height 2·size, base 2·size, centred.
      if (dy < -shape.size || dy > shape.size) return false;
      const halfWidth = ((dy + shape.size) / (2 * shape.size)) * shape.size;
      return Math.abs(dx) <= halfWidth;
    }
  }
}

/** Draws filled shapes with a dark 2-pixel outline onto a copy of the frame. */
export function drawShapes(frame: Frame, shapes: readonly Shape[]): Frame {
  const data = frame.data.slice();
  for (const shape of shapes) {
    const reach = shape.size + 3;
    for (let y = Math.max(0, Math.floor(shape.y - reach)); y <= Math.min(frame.height - 1, Math.ceil(shape.y + reach)); y += 1) {
      for (let x = Math.max(0, Math.floor(shape.x - reach)); x <= Math.min(frame.width - 1, Math.ceil(shape.x + reach)); x += 1) {
        const offset = (y * frame.width + x) * 3;
        if (insideShape(shape, x, y)) {
          data[offset] = shape.colour[0];
          data[offset + 1] = shape.colour[1];
          data[offset + 2] = shape.colour[2];
        } else if (insideShape({ ...shape, size: shape.size + 2 }, x, y)) {
          data[offset] = 20;
          data[offset + 1] = 20;
          data[offset + 2] = 20;
        }
      }
    }
  }
  return { ...frame, data };
}
