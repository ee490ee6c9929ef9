import type { Plan, Reflection } from '@longvid/core';
import { LongVidError } from '@longvid/core';
import type { PlanInput, Planner, ReflectInput, Reflector } from '../spec/interfaces';

/** Options of {@link UniformPlanner}. */
export interface UniformPlannerOptions {
  /** Frames to look at, spread uniformly over the whole video (≥ 1). */
  frames: number;
  /** Frame resolution; default `medium` (640 px longest side with the local observer). */
  resolution?: 'low' | 'medium' | 'high';
}

/**
 * The uniform-sampling baseline as a {@link Planner}: one round, one OCR step over the whole
 * video at `frames / duration` fps, so the observer samples exactly `frames` frames at times
 * `(k + 0.5) * duration / frames` — the fixed-budget uniform sampling that long-video benchmarks
 * report for video LLMs (e.g. Video-MME's 32/128-frame settings). Later rounds plan nothing.
 * The session runs it (`askUniform` offline) with a budget of one round and `frames` frames.
 * @throws LongVidError `BAD_INPUT` from the constructor when `frames` is not a positive integer.
 */
export class UniformPlanner implements Planner {
  readonly specificationVersion = 'v1' as const;
  readonly plannerId: string;
  readonly frames: number;
  private readonly resolution: 'low' | 'medium' | 'high';

  constructor(options: UniformPlannerOptions) {
    if (!Number.isInteger(options.frames) || options.frames < 1) {
      throw new LongVidError('BAD_INPUT', `uniform sampling needs a positive whole number of frames, got ${options.frames}`, { details: { frames: options.frames }, hint: 'use e.g. 32 or 128 frames' });
    }
    this.frames = options.frames;
    this.resolution = options.resolution ?? 'medium';
    this.plannerId = `uniform-${options.frames}`;
  }

  async doPlan(input: PlanInput): Promise<Plan> {
    if (input.round > 1 || input.duration <= 0) return { round: input.round, steps: [] };
    const frames = Math.min(this.frames, Math.max(1, input.framesLeft));
    return {
      round: input.round,
      steps: [
        {
          span: { start: 0, end: input.duration },
          fps: frames / input.duration,
          resolution: this.resolution,
          tool: 'ocr',
          reason: `uniform baseline: ${frames} frames spread evenly over ${input.duration.toFixed(1)} s`,
        },
      ],
    };
  }
}

/**
 * Wraps a reflector so that it sees only the evidence observed in agent rounds, not what the loop
 * recalled from episodic memory (round 0). With {@link UniformPlanner} this makes the baseline
 * answer from its N frames alone, as a uniform-sampling video LLM would; the wrapped reflector
 * (rule-based offline, LLM online) is the same backbone the agent uses.
 */
export class ObservedEvidenceReflector implements Reflector {
  readonly specificationVersion = 'v1' as const;
  readonly reflectorId: string;

  constructor(private readonly inner: Reflector) {
    this.reflectorId = `${inner.reflectorId} (observed evidence only)`;
  }

  doReflect(input: ReflectInput, options?: { signal?: AbortSignal }): Promise<Reflection> {
    return this.inner.doReflect({ ...input, evidence: input.evidence.filter((evidence) => evidence.round > 0) }, options);
  }
}
