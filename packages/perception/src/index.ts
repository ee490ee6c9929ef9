/**
 * @longvid/perception — local perception models for LongVid: PP-OCRv4 OCR of frames, YOLO object
 * detection with IoU tracks and dominant colours, Silero voice-activity detection, speech
 * recognition adapters (OpenAI-compatible transcription endpoint, pocketsphinx), and the
 * `TextEmbedder` interface with its OpenAI-compatible embeddings adapter (the offline hashing
 * embedder is `@longvid/memory`'s, beside its tokenizer). ONNX models run with
 * onnxruntime-node in one module.
 * @packageDocumentation
 */
export type { Frame } from './frame';
export { createOcrModel, defaultOcrModelDir, OCR_MODEL_FILES } from './ocr-model';
export type { OcrLine, OcrModel, OcrCallOptions, CreateOcrModelOptions } from './ocr-model';
export { createObjectDetector } from './object-detector';
export { createPerceptionPool, defaultPoolSize } from './perception-pool';
export type { PerceptionPool, PerceptionPoolOptions } from './perception-pool';
export type { ObjectDetector, DetectCallOptions, CreateObjectDetectorOptions } from './object-detector';
export { letterbox, decodeYoloOutput, nonMaximumSuppression, boxIoU, LETTERBOX_PAD_VALUE } from './object-detection';
export type { Detection, LetterboxPlacement, DecodeOptions } from './object-detection';
export { COCO_LABELS, readLabelFile } from './detector-labels';
export { readOnnxMetadata, parseOnnxMetadata, parseClassNames, parseImageSize } from './onnx-metadata';
export { trackObjects, countTracks, trackObservations, keyframeDetections, distinctObjects } from './object-tracks';
export type { FrameDetections, Track, TrackedBox, TrackCount, TrackObjectsOptions, KeyframeDetectionsOptions, DistinctObjectsOptions } from './object-tracks';
export { dominantColour, colourName, rgbToHsv, COLOUR_NAMES } from './colour';
export type { ColourName, DominantColour, DominantColourOptions } from './colour';
export { createVoiceActivityDetector, defaultVadModelPath, speechSegmentsFromProbabilities } from './voice-activity';
export type { VoiceActivityDetector, SpeechSegment, SpeechSegmentRules, DetectSpeechOptions, SpeechProbabilities, CreateVoiceActivityDetectorOptions, SegmentOptions } from './voice-activity';
export { sustainedPeakRatio } from './sustained-peaks';
export type { SustainedPeakOptions } from './sustained-peaks';
export { encodeWav, decodeWav, speechObservations, MAX_TRANSCRIPT_CONFIDENCE } from './speech-recognition';
export type { SpeechRecognizer, Transcript, TranscriptSegment, TranscribeCallOptions } from './speech-recognition';
export { OpenAITranscriptionRecognizer } from './openai-transcription';
export type { OpenAITranscriptionOptions } from './openai-transcription';
export { createPocketsphinxRecognizer, findPocketsphinx, parseContinuousOutput, parseSingleOutput } from './pocketsphinx';
export type { PocketsphinxCommand, PocketsphinxOptions } from './pocketsphinx';
export { dotProduct } from './text-embedder';
export type { TextEmbedder, EmbedCallOptions } from './text-embedder';
export { createOpenAIEmbedder, OpenAIEmbedder } from './openai-embedder';
export type { OpenAIEmbedderOptions } from './openai-embedder';
export { endpointError } from './endpoint-errors';
