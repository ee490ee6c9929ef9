/**
 * Class names of object detectors: the 80 COCO classes (Lin et al., "Microsoft COCO: Common Objects
 * in Context", ECCV 2014, in the order of Ultralytics' `coco.yaml`) and a reader of label files.
 */
import { readFile } from 'node:fs/promises';
import { LongVidError } from '@longvid/core';
import { z } from 'zod';

/** The 80 COCO class names, indexed by the class ids of YOLOv8/YOLO11 COCO models. */
export const COCO_LABELS: readonly string[] = Object.freeze([
  'person', 'bicycle', 'car', 'motorcycle', 'airplane', 'bus', 'train', 'truck', 'boat', 'traffic light',
  'fire hydrant', 'stop sign', 'parking meter', 'bench', 'bird', 'cat', 'dog', 'horse', 'sheep', 'cow',
  'elephant', 'bear', 'zebra', 'giraffe', 'backpack', 'umbrella', 'handbag', 'tie', 'suitcase', 'frisbee',
  'skis', 'snowboard', 'sports ball', 'kite', 'baseball bat', 'baseball glove', 'skateboard', 'surfboard', 'tennis racket', 'bottle',
  'wine glass', 'cup', 'fork', 'knife', 'spoon', 'bowl', 'banana', 'apple', 'sandwich', 'orange',
  'broccoli', 'carrot', 'hot dog', 'pizza', 'donut', 'cake', 'chair', 'couch', 'potted plant', 'bed',
  'dining table', 'toilet', 'tv', 'laptop', 'mouse', 'remote', 'keyboard', 'cell phone', 'microwave', 'oven',
  'toaster', 'sink', 'refrigerator', 'book', 'clock', 'vase', 'scissors', 'teddy bear', 'hair drier', 'toothbrush',
]);

const labelName = z.string().trim().min(1);
/** A JSON label file: an array of names, or an object from class id to name (Ultralytics `names`). */
const labelFileSchema = z.union([z.array(labelName).min(1), z.record(z.string().regex(/^\d+$/), labelName)]);

/**
 * Reads a detector's class names from `path`: a JSON array (`["person", "bicycle", ...]`), a JSON
 * object from class id to name (`{"0": "person", ...}`, ids 0..n-1 without gaps), or plain text with
 * one name per line (blank lines ignored).
 * @param setting The setting that names the file, for the hint (default `detectorLabelsPath` /
 *   `LONGVID_DETECTOR_LABELS`).
 * @throws LongVidError `MODEL_NOT_FOUND` when the file does not exist; `BAD_INPUT` when it holds no
 *   names, or JSON of another shape (the zod issue in the message), with the path in `details`.
 */
export async function readLabelFile(path: string, setting: { name: string; env: string } = { name: 'detectorLabelsPath', env: 'LONGVID_DETECTOR_LABELS' }): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new LongVidError('MODEL_NOT_FOUND', `detector label file not found: ${path}`, {
      details: { path, setting: setting.name },
      hint: `set the setting \`${setting.name}\` (env ${setting.env}) to a JSON array of class names or a file with one name per line`,
      cause: error,
    });
  }
  const bad = (reason: string): LongVidError =>
    new LongVidError('BAD_INPUT', `detector label file ${path} is invalid: ${reason}`, {
      details: { path, setting: setting.name },
      hint: 'write the class names as a JSON array in class-id order, or one name per line',
    });
  const trimmed = text.trim();
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    let json: unknown;
    try {
      json = JSON.parse(trimmed);
    } catch (error) {
      throw bad(`not valid JSON (${(error as Error).message})`);
    }
    const parsed = labelFileSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw bad(`${issue?.path.join('.') || 'root'}: ${issue?.message ?? 'invalid'}`);
    }
    if (Array.isArray(parsed.data)) return parsed.data;
    const names: string[] = [];
    for (const [id, name] of Object.entries(parsed.data)) names[Number(id)] = name;
    const missing = names.findIndex((name) => name === undefined);
    if (missing >= 0 || names.length === 0) throw bad(`class id ${missing} has no name`);
    return names;
  }
  const names = text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  if (names.length === 0) throw bad('it holds no class names');
  return names;
}
