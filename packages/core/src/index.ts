/**
 * @longvid/core — shared types, errors, settings, budgets, spans, progress and trace events.
 * @packageDocumentation
 */
export type { Span, VideoInfo, Clip, Box, ObservationKind, Observation, Evidence, ObserverTool, Resolution, PlanStep, Plan, Reflection, Answer, ModelCall, ModelCallRole } from './types';
export { LongVidError, throwIfAborted } from './errors';
export type { LongVidErrorCode, LongVidErrorOptions } from './errors';
export { loadSettings, describeSource, isPostgresUrl, redactUrlPassword, SETTING_ENV_NAMES, STRUCTURED_OUTPUT_MODES } from './settings';
export type { Settings, SettingSource, LoadSettingsOptions, StructuredOutputMode } from './settings';
export { progress, PROGRESS_UNITS } from './progress';
export type { ProgressEvent, OnProgress, ProgressStage, ProgressUnit } from './progress';
export { Budget } from './budget';
export type { BudgetLimits } from './budget';
export { Trace } from './trace';
export type { TraceEvent, TraceEventInput } from './trace';
export { spanLength, spanOverlap, temporalIoU, clampSpan, formatTimestamp, formatSpan, mergeSpans } from './spans';
export { atomicWriteFile, checkWritableFile, ensureWritableDirectory, fileSystemError, sha256File, sharedDataDir } from './files';
export { terminalSafe, redactSecrets, safeLine, REDACTED } from './safe-text';
export { mapWithConcurrency, sleep } from './concurrency';
export { createRandom, seedFrom } from './random';
export type { Random } from './random';
