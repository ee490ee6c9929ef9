/**
 * @longvid/agents — `spec/` (the agent interfaces, the tool catalogue, sampling and frame
 * budgets), `backends/` (rule-based and LLM planners and reflectors, the local and video-LLM
 * observers, the video-LLM captioner), `llm/` (chat model, structured output, transport, call
 * cache, media parts, cost, prompts), the plan–observe–reflect loop, and the session: the one
 * composition root, with {@link askVideo} as its one-call convenience. Ingestion is
 * `@longvid/ingest`.
 * @packageDocumentation
 */
export { releaseLocalModels } from '@longvid/ingest';
export { askVideo, ingest, askUniform } from './ask';
export { createSession, observerMode } from './session';
export type { Session, SessionOptions, SessionAskOptions, SessionIngestOptions, SessionUniformOptions, AgentContext, AgentFactory, AskResult, IngestVideoResult } from './session';
export type { AskOptions, IngestVideoOptions, UniformAskOptions } from './ask';
export { expandVideoPaths, parseLibraryQuestion, VIDEO_EXTENSIONS } from './library';
export type { EvidenceVideo, SessionLibrary, LibraryAddOptions, LibraryAddReport, LibraryAskOptions, LibraryAskResult, RankedVideo, LibraryMoment, LibraryOperations, LibraryEntityQuestion } from './library';
export { BASELINE_PROMPT } from './uniform';
export type { UniformAskResult } from './uniform';
export { UniformPlanner, ObservedEvidenceReflector } from './backends/uniform';
export type { UniformPlannerOptions } from './backends/uniform';
export { VideoLlmObserver, clampReportedSpan, observerReplySchema, OBSERVER_PROMPTS } from './backends/video-llm-observer';
export { planSampling } from './spec/sampling';
export type { VideoLlmObserverOptions, ObserverReply } from './backends/video-llm-observer';
export type { SamplingPlan, SamplingChunk } from './spec/sampling';
export { VideoLlmCaptioner, CAPTION_PROMPTS } from './backends/video-llm-captioner';
export type { VideoLlmCaptionerOptions } from './backends/video-llm-captioner';
export { CostLedger, summarizeCalls, emptyCostTotals } from './llm/call-cost';
export type { CostTotals, CostSummary } from './llm/call-cost';
export { ModelCallCache, MODEL_CALL_CACHE_VERSION } from './llm/model-call-cache';
export type { OriginalCallCost } from './llm/model-call-cache';
export { ConcurrencyLimiter, invokeWithRetries, classifyFailure, retryAfterMilliseconds } from './llm/model-transport';
export type { TransportOptions, TransportResult, FailureKind } from './llm/model-transport';
export { framesToParts, encodeJpegs, splitJpegStream, cutClip, clipPart, formatSeconds, FRAME_JPEG_QUALITY, FRAME_JPEG_QSCALE } from './llm/media-parts';
export type { ContentPart, ImageDetail, ClipRequest, VideoTransport } from './llm/media-parts';
export { runAgentLoop, entityEvidence, narrativeEvidence } from './loop';
export type { AgentLoopOptions, AgentLoopResult } from './loop';
export type { Planner, Reflector, ObserverBackbone, PlanInput, ReflectInput, ObserveRequest, ObserveResult, QuestionContext } from './spec/interfaces';
export { RulePlanner, RuleReflector, DESCRIBER_HINT, DETECTOR_HINT } from './backends/rule-based';
export type { RulePlannerOptions } from './backends/rule-based';
export { classifyQuestion, questionTypeHint, valueForm } from './backends/question-type';
export type { QuestionKind, QuestionType, ValueForm } from './backends/question-type';
export { RULE_CONFIDENCE, ruleConfidence } from './backends/rule-confidence';
export type { RuleBasis } from './backends/rule-confidence';
export { LlmPlanner, LlmReflector, PLANNER_PROMPT, REFLECTOR_PROMPT } from './backends/llm-agents';
export { createChatModel } from './llm/chat-model';
export type { VideoModelOptions } from './llm/chat-model';
export { toolUsesFrames } from './spec/tools';
export type { LlmAgentOptions, LlmPlannerOptions, LlmReflectorOptions } from './backends/llm-agents';
export { invokeStructured, cachedReply, extractJson, replyJsonSchema, responseFormatFor, responseFormatRejected, MAX_MODEL_ANSWER_CHARS, MAX_MODEL_TEXT_CHARS } from './llm/structured';
export type { CallUsage, CallDescription, InvokeStructuredOptions } from './llm/structured';
export { LocalObserver } from './backends/local-observer';
export { RESOLUTION_MAX_SIDE } from './spec/sampling';
export type { LocalObserverOptions } from './backends/local-observer';
export { renderPrompt } from './llm/prompts';
export type { PromptName } from './llm/prompts';
export { answerType, extractAnswer, keywords, stem, words, choiceMatch, keywordCoverage, normalizeValue, withoutQuestionWords } from './backends/text';
export type { AnswerType } from './backends/text';
export { fenceVideoText, readFencedTexts, unfenceVideoText, MAX_FENCED_CHARS } from './llm/video-text';
export type { FencedText } from './llm/video-text';
export { checkReflection, describeDisagreement, findDisagreements, DISAGREEMENT_FACTOR, UNCITED_CONFIDENCE } from './backends/source-confidence';
export type { CheckedReflection, SourceDisagreement } from './backends/source-confidence';
