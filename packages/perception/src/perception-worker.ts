/**
 * Entry point of one perception worker thread (see {@link createPerceptionPool}): loads its own
 * copies of the OCR model and the object detector from the options in `workerData`, then answers
 * `run` messages one at a time. Not imported by the package index; Node runs the built
 * `dist/perception-worker.js` with `new Worker(...)`.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LongVidError } from '@longvid/core';
import type { Frame } from './frame';
import { createObjectDetector, type ObjectDetector } from './object-detector';
import { createOcrModel, type OcrModel } from './ocr-model';
import type { WorkerData, WorkerReply, WorkerRequest, WorkerError } from './perception-pool-protocol';

function serialize(error: unknown): WorkerError {
  if (LongVidError.is(error)) return { code: error.code, message: error.message, hint: error.hint, details: error.details };
  return { code: 'MODEL_FAILED', message: error instanceof Error ? error.message : String(error), details: {} };
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('perception-worker.js must run in a worker thread');
  const data = workerData as WorkerData;
  const send = (reply: WorkerReply): void => port.postMessage(reply);
  let ocr: OcrModel | undefined;
  let detector: ObjectDetector | undefined;
  try {
    if (data.ocr) ocr = await createOcrModel(data.ocr);
    if (data.detector) detector = await createObjectDetector(data.detector);
  } catch (error) {
    await Promise.all([ocr?.dispose(), detector?.dispose()]);
    send({ type: 'failed', error: serialize(error) });
    port.close();
    return;
  }
  send({ type: 'ready', ocrModelId: ocr?.modelId, detector: detector ? { modelId: detector.modelId, labels: [...detector.labels] } : undefined });

  // Requests are handled strictly one after another: the worker owns one core's worth of work.
  let queue = Promise.resolve();
  let disposing = false;
  port.on('message', (request: WorkerRequest) => {
    if (request.type === 'dispose') {
      // Requests still queued behind the running one are not started: the pool is going away
      // (a cancelled ingestion), so the thread ends after at most one request.
      disposing = true;
      // After the request in progress: release the sessions, then let the thread end on its own
      // (terminating a thread inside an onnxruntime call aborts the whole process).
      queue = queue.then(async () => {
        await Promise.all([ocr?.dispose(), detector?.dispose()]);
        port.close();
      });
      return;
    }
    queue = queue.then(async () => {
      if (disposing) {
        send({ type: 'error', id: request.id, error: { code: 'MODEL_FAILED', message: 'the perception pool was disposed', details: {} } });
        return;
      }
      try {
        const started = performance.now();
        const ms = () => performance.now() - started;
        const frames: Frame[] = request.frames;
        if (request.task === 'recognize') {
          if (!ocr) throw new LongVidError('MODEL_FAILED', 'this perception worker holds no OCR model');
          const value = await ocr.doRecognize(frames);
          send({ type: 'result', id: request.id, value, ms: ms() });
        } else {
          if (!detector) throw new LongVidError('MODEL_FAILED', 'this perception worker holds no object detector');
          const value = await detector.doDetect(frames);
          send({ type: 'result', id: request.id, value, ms: ms() });
        }
      } catch (error) {
        send({ type: 'error', id: request.id, error: serialize(error) });
      }
    });
  });
}

void main();
