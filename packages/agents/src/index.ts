/**
 * @longvid/agents — planner, observer and reflector agents, the plan–observe–reflect loop,
 * ingestion into episodic memory, and the one-call entry point {@link askVideo}.
 * @packageDocumentation
 */
export { askVideo, ingest, createLocalTools } from './ask';
export type { AskOptions, AskResult, IngestVideoOptions, LocalTools } from './ask';
export { ingestVideo, eventText, INGEST_MAX_SIDE, SHOT_THRESHOLD, PIPELINE_VERSION } from './ingest';
export type { IngestOptions, IngestResult } from './ingest';
export { runAgentLoop } from './loop';
export type { AgentLoopOptions, AgentLoopResult } from './loop';
export type { Planner, Reflector, ObserverBackbone, PlanInput, ReflectInput, ObserveRequest, ObserveResult, QuestionContext } from './interfaces';
export { RulePlanner, RuleReflector } from './rule-based';
export type { RulePlannerOptions } from './rule-based';
export { LlmPlanner, LlmReflector, createChatModel } from './llm';
export type { LlmAgentOptions } from './llm';
export { invokeStructured, extractJson, endpointError } from './structured';
export type { CallUsage, InvokeStructuredOptions } from './structured';
export { LocalObserver, RESOLUTION_MAX_SIDE } from './local-observer';
export type { LocalObserverOptions } from './local-observer';
export { groupOcrReadings, ocrTextKey } from './observations';
export type { FrameText } from './observations';
export { renderPrompt } from './prompts';
export type { PromptName } from './prompts';
export { answerType, extractAnswer, keywords, stem, words, choiceMatch, keywordCoverage } from './text';
export type { AnswerType } from './text';
