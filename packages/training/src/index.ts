/**
 * @longvid/training — MVP (Masked Video Prediction, arXiv 2601.03781) and VideoSSR (arXiv 2511.06281)
 * task synthesis from any folder of videos, verifiable rewards, GRPO (objective, local CPU trainer,
 * rollouts against a served policy), exports to verl / EasyR1, and an OpenRLHF remote reward service.
 * Times are seconds; sizes pixels.
 * @packageDocumentation
 */
export { frameFeatures, histogramDistance, thumbnailDistance, featureDistance, frameSimilarity, roundFeatures, HISTOGRAM_BINS, THUMBNAIL_SIDE } from './frame-features';
export type { FrameFeatures } from './frame-features';
export { readKeyFrames, DEFAULT_DUPLICATE_SIMILARITY } from './key-frames';
export type { KeyFrame, KeyFrameVideo, ReadKeyFramesOptions } from './key-frames';
export { TASK_NAMES, rewardTargetSchema, mediaItemSchema, trainingSampleSchema, countPlaceholders, ANSWER_INSTRUCTION } from './samples';
export type { TaskName, RewardTarget, MediaItem, TrainingSample } from './samples';
export {
  extractAnswerText,
  MAX_ANSWER_CHARS,
  stripSpecialTokens,
  parseChoiceLetter,
  parseIntegerList,
  parseSpan,
  parseCounts,
  framePoolReward,
  segmentChoiceReward,
  jigsawReward,
  groundingReward,
  countingReward,
  scoreResponse,
  canonicalAnswer,
  formatSeconds,
} from './rewards';
export type { FormatOptions, ScoredResponse } from './rewards';
export { buildMvpSamples, resolveMvpOptions, DISTRACTOR_TYPES } from './mvp';
export type { DistractorType, MvpFormat, MvpOptions, ResolvedMvpOptions, MvpBuildResult } from './mvp';
export { buildSsrSamples, resolveSsrOptions, SSR_TASKS } from './ssr';
export type { SsrTask, SsrOptions, ResolvedSsrOptions, SsrBuildResult } from './ssr';
export { PERTURBATIONS, SHAPE_KINDS, grayscale, invert, rotate180, mirror, boxBlur, addNoise, resizeNearest, drawShapes, insideShape } from './image-operations';
export type { Perturbation, ShapeKind, Shape } from './image-operations';
export { keyFramePath } from './synthesis-common';
export type { SampleDraft } from './synthesis-common';
export { DatasetWriter, readSamples, readFeatureSidecars, featureFileSchema, DATASET_FILES } from './dataset';
export type { FeatureFile } from './dataset';
export { synthesizeMvp, synthesizeSsr } from './synthesize';
export type { SynthesizeOptions, SynthesisReadOptions, SynthesisReport } from './synthesize';
export { useCpuBackend, groupStatistics, groupAdvantages, hasZeroVariance, grpoLoss, grpoLossTensor } from './grpo';
export type { AdvantageOptions, LossAggregation, GrpoLossOptions, GrpoBatch, GrpoLossValue, GrpoTensorBatch } from './grpo';
export { CANDIDATE_FEATURE_NAMES, segmentChoiceFeatures, SegmentChoicePolicy, evaluatePolicy, trainLocalGrpo } from './local-trainer';
export type { SegmentChoiceExample, SegmentChoicePolicyWeights, PolicyEvaluation, LocalGrpoOptions, LearningCurvePoint, LocalGrpoResult } from './local-trainer';
export { OpenAICompatiblePolicy, sampleMessages, runRollouts, writeRollouts } from './rollout';
export type { ChatContentPart, ChatMessage, PolicySampleRequest, RolloutPolicy, RolloutResponse, RolloutGroup, RolloutOptions } from './rollout';
export { rewardRequestSchema, responseOfQuery, parseRewardLabel, scoreRewardRequest, startRewardServer, openRlhfRewardFlags } from './reward-service';
export type { RewardReply, RewardServerOptions, RewardServer } from './reward-service';
export { verlRowSchema, easyR1RowSchema, frameListSampleFps, groundTruthText, toVerlRows, toEasyR1Rows, exportVerl, exportEasyR1, readParquetRows, validateVerlFile, validateEasyR1File } from './export';
export type { ExportOptions, VerlRow, EasyR1Row, ValidateOptions } from './export';
export { loadSegmentChoiceExamples } from './examples';
