/**
 * Jest environment for every LongVid package: Jest's node environment, plus the outer realm's typed
 * array constructors.
 *
 * Why: Jest runs each test file in its own vm context, so `Float32Array` inside a test (and inside
 * onnxruntime-common, which Jest loads into that context) is a different constructor from the one
 * of the main realm. onnxruntime-node's native binding creates output tensors' data in the main
 * realm, and onnxruntime-common's `new Tensor('float32', data, dims)` then fails its
 * `data instanceof Float32Array` check ("A float32 tensor's data must be type of function
 * Float32Array()"). Sharing the main realm's constructors makes both sides agree; outside Jest
 * there is only one realm and nothing to fix. (transformers.js works around the same Jest issue.)
 */
const { TestEnvironment } = require('jest-environment-node');

const SHARED_CONSTRUCTORS = [
  'ArrayBuffer',
  'DataView',
  'Int8Array',
  'Uint8Array',
  'Uint8ClampedArray',
  'Int16Array',
  'Uint16Array',
  'Int32Array',
  'Uint32Array',
  'Float32Array',
  'Float64Array',
  'BigInt64Array',
  'BigUint64Array',
];

class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of SHARED_CONSTRUCTORS) {
      this.global[name] = globalThis[name];
    }
  }
}

module.exports = SharedTypedArraysEnvironment;
