/**
 * Test helper: paths of the offline models in `../shared/models` beside the repository
 * (see `shared/models/README.md`). Excluded from the build.
 */
import { join } from 'node:path';
import { sharedDataDir } from '@longvid/core';

/**
 * Absolute path of a file under `shared/models`, e.g. `sharedModel('yolov8n-int8', 'labels.json')`.
 * @throws Error when the shared directory cannot be found.
 */
export function sharedModel(...parts: string[]): string {
  const dir = sharedDataDir(__dirname);
  if (!dir) throw new Error('../shared not found beside the repository');
  return join(dir, 'models', ...parts);
}

/** The YOLOv8n int8 COCO detector the tests use. */
export const YOLO_MODEL = sharedModel('yolov8n-int8', 'yolov8n_quant.onnx');
/** Its class names (a JSON array of the 80 COCO classes). */
export const YOLO_LABELS = sharedModel('yolov8n-int8', 'labels.json');
