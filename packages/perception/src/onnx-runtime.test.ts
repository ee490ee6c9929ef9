import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultOcrModelDir } from './ocr-model';
import { createOnnxSession } from './onnx-runtime';
import { defaultVadModelPath } from './voice-activity';

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

  it('describes the declared inputs and runs a model with several named float32 and int64 inputs', async () => {
    const session = await createOnnxSession(defaultVadModelPath(), { threads: 1 });
    expect(session.inputs).toEqual([
      { name: 'input', type: 'float32', dims: ['batch', 'sequence'] },
      { name: 'sr', type: 'int64', dims: [] },
      { name: 'h', type: 'float32', dims: [2, 'batch', 64] },
      { name: 'c', type: 'float32', dims: [2, 'batch', 64] },
    ]);
    expect(session.outputs.map((output) => output.name)).toEqual(['output', 'hn', 'cn']);
    const state = { type: 'float32' as const, data: new Float32Array(2 * 3 * 64), dims: [2, 3, 64] };
    const outputs = await session.runNamed(
      { input: { type: 'float32', data: new Float32Array(3 * 512), dims: [3, 512] }, sr: { type: 'int64', data: new BigInt64Array([16000n]), dims: [] }, h: state, c: state },
      ['output', 'hn'],
    );
    expect(Object.keys(outputs)).toEqual(['output', 'hn']);
    expect(outputs.output.dims).toEqual([3, 1]);
    expect(outputs.hn.dims).toEqual([2, 3, 64]);
    await expect(session.runNamed({ input: { type: 'float32', data: new Float32Array(512), dims: [1, 512] } })).rejects.toMatchObject({ code: 'MODEL_FAILED', details: { inputShapes: { input: [1, 512] } } });
    await session.release();
  });
});
