/**
 * @longvid/agents — planner, observer and reflector agents, the plan–observe–reflect loop,
 * ingestion into episodic memory, and the one-call entry point {@link askVideo}.
 * @packageDocumentation
 */
export { askVideo, ingest, createLocalTools, observerMode, releaseLocalModels } from './ask';
export type { AskOptions, AskResult, IngestVideoOptions, IngestVideoResult, LocalTools } from './ask';
export { askUniform, BASELINE_PROMPT } from './uniform';
export type { UniformAskOptions, UniformAskResult } from './uniform';
export { VideoLlmObserver, planSampling, clampReportedSpan, observerReplySchema, OBSERVER_PROMPTS } from './video-llm-observer';
export type { VideoLlmObserverOptions, SamplingPlan, SamplingChunk, ObserverReply } from './video-llm-observer';
export { VideoLlmCaptioner, captionClips, writeNarrative, CAPTION_PROMPTS } from './captions';
export type { VideoLlmCaptionerOptions, CaptionStepOptions, NarrativeEntry } from './captions';
export { CostLedger, summarizeCalls, emptyCostTotals } from './call-cost';
export type { CostTotals, CostSummary } from './call-cost';
export { ModelCallCache, MODEL_CALL_CACHE_VERSION } from './model-call-cache';
export type { OriginalCallCost } from './model-call-cache';
export { ConcurrencyLimiter, invokeWithRetries, classifyFailure, retryAfterMilliseconds, sleep } from './model-transport';
export type { TransportOptions, TransportResult, FailureKind } from './model-transport';
export { framesToParts, encodeJpegs, splitJpegStream, cutClip, clipPart, formatSeconds, FRAME_JPEG_QUALITY, FRAME_JPEG_QSCALE } from './media-parts';
export type { ContentPart, ImageDetail, ClipRequest, VideoTransport } from './media-parts';
export { ingestVideo, eventText, INGEST_MAX_SIDE, SHOT_THRESHOLD, PIPELINE_VERSION } from './ingest';
export type { IngestOptions, IngestResult } from './ingest';
export { runAgentLoop } from './loop';
export type { AgentLoopOptions, AgentLoopResult } from './loop';
export type { Planner, Reflector, ObserverBackbone, PlanInput, ReflectInput, ObserveRequest, ObserveResult, QuestionContext, ClipCaptioner, CaptionRequest, CaptionResult, NarrateRequest } from './interfaces';
export { RulePlanner, RuleReflector, DESCRIBER_HINT, DETECTOR_HINT } from './rule-based';
export { classifyQuestion, questionTypeHint, valueForm } from './question-type';
export type { QuestionKind, QuestionType, ValueForm } from './question-type';
export { RULE_CONFIDENCE, ruleConfidence } from './rule-confidence';
export type { RuleBasis } from './rule-confidence';
export type { RulePlannerOptions } from './rule-based';
export { LlmPlanner, LlmReflector, createChatModel, toolUsesFrames, PLANNER_PROMPT, REFLECTOR_PROMPT } from './llm';
export type { LlmAgentOptions, LlmPlannerOptions, LlmReflectorOptions } from './llm';
export { invokeStructured, cachedReply, extractJson, replyJsonSchema, responseFormatFor, responseFormatRejected, MAX_MODEL_ANSWER_CHARS, MAX_MODEL_TEXT_CHARS } from './structured';
export type { CallUsage, CallDescription, InvokeStructuredOptions } from './structured';
export { LocalObserver, RESOLUTION_MAX_SIDE } from './local-observer';
export type { LocalObserverOptions } from './local-observer';
export { groupOcrReadings, ocrTextKey, consensusReading } from './observations';
export type { FrameText } from './observations';
export { renderPrompt } from './prompts';
export type { PromptName } from './prompts';
export { answerType, extractAnswer, keywords, stem, words, choiceMatch, keywordCoverage, foldConfusables, normalizeValue, withoutQuestionWords } from './text';
export type { AnswerType } from './text';
export { fenceVideoText, readFencedTexts, unfenceVideoText, MAX_FENCED_CHARS } from './video-text';
export type { FencedText } from './video-text';
export { checkReflection, describeDisagreement, findDisagreements, subtitleObservation, DISAGREEMENT_FACTOR, SUBTITLE_CONFIDENCE, UNCITED_CONFIDENCE } from './source-confidence';
export type { CheckedReflection, SourceDisagreement } from './source-confidence';
export { withIngestLock } from './ingest-lock';
export type { IngestLockOptions } from './ingest-lock';
