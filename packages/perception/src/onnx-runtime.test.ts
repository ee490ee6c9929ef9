import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultOcrModelDir } from './ocr-model';
import { createOnnxSession } from './onnx-runtime';

describe('createOnnxSession', () => {
  const setting = { name: 'ocrModelDir', env: 'LONGVID_OCR_MODEL_DIR' };

  it('maps a missing file to MODEL_NOT_FOUND naming the path and the setting', async () => {
    await expect(createOnnxSession('/nonexistent/model.onnx', { setting })).rejects.toMatchObject({
      code: 'MODEL_NOT_FOUND',
      details: { path: '/nonexistent/model.onnx', setting: 'ocrModelDir' },
      hint: expect.stringContaining('LONGVID_OCR_MODEL_DIR'),
    });
  });

  it('maps a file that is not ONNX to MODEL_FAILED', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'longvid-onnx-')), 'model.onnx');
    writeFileSync(path, 'not a model');
    await expect(createOnnxSession(path)).rejects.toMatchObject({ code: 'MODEL_FAILED', details: { path } });
  });

  it('runs a model, maps a bad input shape to MODEL_FAILED, and fails after release', async () => {
    const session = await createOnnxSession(join(defaultOcrModelDir(), 'ch_ppocr_mobile_v2.0_cls_infer.onnx'), { threads: 1 });
    const output = await session.run(new Float32Array(3 * 48 * 192), [1, 3, 48, 192]);
    expect(output.dims).toEqual([1, 2]);
    expect(output.data[0] + output.data[1]).toBeCloseTo(1, 4);
    await expect(session.run(new Float32Array(5), [1, 5])).rejects.toMatchObject({ code: 'MODEL_FAILED', details: { inputShape: [1, 5] } });
    await session.release();
    await expect(session.run(new Float32Array(3 * 48 * 192), [1, 3, 48, 192])).rejects.toMatchObject({ code: 'MODEL_FAILED' });
  });
});
