import type { ObserverTool } from '@longvid/core';
import { z } from 'zod';

/** What one observer tool is: whether it costs frames, what the planner is told, what its plan step takes. */
export interface ToolSpec<Name extends ObserverTool = ObserverTool> {
  name: Name;
  /** True when the tool samples frames of the span (each frame counts against the question's `maxFrames`). */
  usesFrames: boolean;
  /** One line for the planner prompt, starting with the quoted tool name. */
  description: string;
  /**
   * zod schema of the tool's arguments in a plan step: `start`/`end` (seconds, checked against the
   * video later), and for frame tools `fps` (> 0) and `resolution`; a planner reply is validated
   * with it (never trust a model's tool arguments).
   */
  input: z.ZodObject;
}

const span = { start: z.number(), end: z.number() };
const sampling = { fps: z.number().positive(), resolution: z.enum(['low', 'medium', 'high']).default('medium') };
/** Tools that read no frames take the same fields, so one reply shape serves every tool. */
const frameless = { fps: z.number().positive().default(1), resolution: z.enum(['low', 'medium', 'high']).default('medium') };

/**
 * The one tool catalogue: every observer tool, whether it costs frames, its description for
 * planner prompts and the schema of its arguments. Read by the rule-based and LLM planners, the
 * loop (frame allotment), the observers (which requests sample frames) and the planner prompt.
 */
export const TOOL_CATALOGUE: { readonly [Name in ObserverTool]: ToolSpec<Name> } = {
  watch: {
    name: 'watch',
    usesFrames: true,
    description: '"watch": a video model looks at the frames of a region and reports what answers the question, reading on-screen text too (costs frames).',
    input: z.object({ ...span, ...sampling }),
  },
  ocr: {
    name: 'ocr',
    usesFrames: true,
    description: '"ocr": read on-screen text in sampled frames of a region (costs frames).',
    input: z.object({ ...span, ...sampling }),
  },
  subtitles: {
    name: 'subtitles',
    usesFrames: false,
    description: '"subtitles": read the subtitle lines and the transcribed speech of a region (costs no frames).',
    input: z.object({ ...span, ...frameless }),
  },
  memory: {
    name: 'memory',
    usesFrames: false,
    description: '"memory": read what memory stored for a region (costs no frames).',
    input: z.object({ ...span, ...frameless }),
  },
  detect: {
    name: 'detect',
    usesFrames: true,
    description: '"detect": find objects (80 COCO classes) in sampled frames of a region, with how many and their colour (costs frames).',
    input: z.object({ ...span, ...sampling }),
  },
};

/** Every tool name, in catalogue order. */
export const OBSERVER_TOOLS = Object.keys(TOOL_CATALOGUE) as ObserverTool[];

/** Whether a tool samples frames (from {@link TOOL_CATALOGUE}). */
export function toolUsesFrames(tool: ObserverTool): boolean {
  return TOOL_CATALOGUE[tool].usesFrames;
}

/**
 * The zod schema of one plan step as a planner model returns it: the arguments of one catalogue
 * tool (its `input` schema), the tool's name and a `reason` (schema given by the caller, e.g. with
 * a length limit). Every catalogue tool parses, so a step naming a tool the observer does not offer
 * is dropped by the planner rather than asked again.
 */
export function planStepSchema(reason: z.ZodType<string, unknown>): z.ZodType<PlannedStep, unknown> {
  const [first, ...rest] = OBSERVER_TOOLS.map((tool) => TOOL_CATALOGUE[tool].input.extend({ tool: z.literal(tool), reason }));
  return z.discriminatedUnion('tool', [first, ...rest]) as unknown as z.ZodType<PlannedStep, unknown>;
}

/** One step of a planner model's reply, after {@link planStepSchema}. */
export interface PlannedStep {
  tool: ObserverTool;
  /** Seconds. */
  start: number;
  /** Seconds. */
  end: number;
  fps: number;
  resolution: 'low' | 'medium' | 'high';
  reason: string;
}

/** The planner prompt's tool list (one `- description` line each) and its `"a"|"b"` name list, for the tools on offer. */
export function describeTools(tools: readonly ObserverTool[]): { tools: string; toolNames: string } {
  return { tools: tools.map((tool) => `- ${TOOL_CATALOGUE[tool].description}`).join('\n'), toolNames: tools.map((tool) => `"${tool}"`).join('|') };
}
