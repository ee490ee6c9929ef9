/**
 * @longvid/perception — local perception models for LongVid: PP-OCRv4 OCR of frames with
 * onnxruntime-node, and text embedders (a deterministic hashing embedder offline).
 * @packageDocumentation
 */
export type { Frame } from './frame';
export { createOcrModel, defaultOcrModelDir, OCR_MODEL_FILES } from './ocr-model';
export type { OcrLine, OcrModel, OcrCallOptions, CreateOcrModelOptions } from './ocr-model';
export { HashingEmbedder, dotProduct } from './text-embedder';
export type { TextEmbedder, EmbedCallOptions, HashingEmbedderOptions } from './text-embedder';
export { tokenize } from './tokenize';
