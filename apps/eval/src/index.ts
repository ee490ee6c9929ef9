/**
 * @longvid/eval — benchmark loaders, needle-in-a-haystack suites, the evaluation runner with
 * uniform-sampling baselines, metrics, and the static HTML report with a per-question trace viewer.
 * @packageDocumentation
 */
export { evalQuestionSchema, spanSchema, groundTruthSpans, optionLetter } from './question';
export type { EvalQuestion, LoadedQuestion } from './question';
export { BENCHMARK_FORMATS, durationGroupOf } from './loaders/load-annotations';
export type { BenchmarkFormat, LoadOptions, LoadedSuite, SkippedRow, SkipReason, AdjustedRow } from './loaders/load-annotations';
export { loadBenchmark } from './loaders/load-benchmark';
export { detectFormat } from './loaders/detect-format';
export { checkSuite } from './loaders/check-suite';
export type { CheckSuiteOptions, SuiteCheck } from './loaders/check-suite';
export type { LoadBenchmarkOptions } from './loaders/load-benchmark';
export { loadVideoMme, videoMmeRowSchema, parseLetteredOptions } from './loaders/video-mme';
export { loadEgoSchema, egoSchemaRowSchema } from './loaders/egoschema';
export { loadLongVideoBench, longVideoBenchRowSchema, longVideoBenchSubtitlesToSrt } from './loaders/longvideobench';
export { loadMlvu, mlvuRowSchema, EMPTY_CANDIDATE } from './loaders/mlvu';
export { loadLvBench, lvBenchRowSchema, splitInlineOptions, parseTimeReference } from './loaders/lvbench';
export { loadNextQa, nextQaRowSchema } from './loaders/next-qa';
export { loadGenericJsonl } from './loaders/generic-jsonl';
export { parseCsv } from './loaders/csv';
export type { CsvRecord } from './loaders/csv';
export { VideoDirectory, VIDEO_EXTENSIONS } from './loaders/video-directory';
export { generateNiahSuite, niahQuestions, minutesLabel, NIAH_SUITE_FILE, NIAH_MANIFEST_FILE, NIAH_GENERATOR_VERSION } from './niah/niah-generator';
export type { NiahOptions, NiahSuite, NiahVideo } from './niah/niah-generator';
export { planNiahVideo, OBJECT_QUESTION } from './niah/niah-plan';
export type { NiahVideoPlan, NiahPlanInput, PlannedSegment, PlannedTextNeedle, PlannedObjectNeedle, NiahDifficulty } from './niah/niah-plan';
export { SOURCE_CLIPS, TEXT_NEEDLE_TEMPLATES, HARD_TEXT_NEEDLE_TEMPLATES, ABSENT_DETECTOR_CLASSES } from './niah/niah-catalog';
export { HARD_CAPTION_FONTS, drawCaptionStyle, captionFilter } from './niah/caption-styles';
export type { CaptionStyle, CaptionLayout } from './niah/caption-styles';
export type { SourceClip, TextNeedle } from './niah/niah-catalog';
export { seededRandom } from './niah/seeded-random';
export type { SeededRandom } from './niah/seeded-random';
export { CAPTION_FONTS, NIAH_WIDTH, NIAH_HEIGHT, NIAH_FPS, encodeSegment, concatSegments, resolveCaptionFont, SEGMENT_ENCODING_VERSION } from './niah/ffmpeg-steps';
export type { CaptionRequest } from './niah/ffmpeg-steps';
export { runEvaluation, parseSystem, questionSeed, safeFileName, ingestionFrameCount, readRunManifest, readVideoStats, RUN_FILES, ReusingObserver } from './runner/runner';
export type { RunEvaluationOptions, RunSummary, RunManifest, SystemSpec, VideoStats, ChatModel } from './runner/runner';
export { resultRowSchema, readResults, rowKey, ResultsWriter, rewriteResults } from './runner/results-file';
export type { ResultRow, ReadResults } from './runner/results-file';
export { scoreAnswer, normalizeAnswer, readChoice, evidenceHit, spanSetIoU } from './runner/scoring';
export { judgeOpenEnded, lexicalScore, OPEN_ENDED_RUBRICS } from './runner/open-ended';
export type { JudgeScore, LexicalScore, OpenEndedRubric, JudgeOptions } from './runner/open-ended';
export type { Score } from './runner/scoring';
export { computeMetrics, distribution, compareLabels, compareSystems, NO_LABEL, accuracyByNeedleDepth, isNeedleRow } from './metrics';
export type { EvaluationMetrics, SystemMetrics, AccuracyCell, Distribution, CostMetrics, DurationGroupVideos, NeedleDepthAccuracy, OpenEndedMetrics } from './metrics';
export { writeReport, tracePagePath, THUMBNAIL_MAX_SIDE } from './report/write-report';
export type { WriteReportOptions, WrittenReport } from './report/write-report';
export { renderReportPage } from './report/report-page';
export type { ReportPageInput, ReportSection } from './report/report-page';
export { renderQuestionPage, questionPagePath, spanPlayer } from './report/question-page';
export type { QuestionPageInput } from './report/question-page';
export { renderTracePage, timelineSvg, thumbnailTimes, TIMELINE_COLOURS } from './report/trace-page';
export type { Thumbnail } from './report/trace-page';
export { calibrationMetrics, reliabilityDiagram, calibrationSection } from './report/calibration';
export type { CalibrationBin, SystemCalibration } from './report/calibration';
