import type { Answer, Evidence, ModelCall, Plan, Reflection } from './types';

/** One typed event of a question's trace. Traces are data: the CLI writes them as JSON. */
export type TraceEvent =
  | { type: 'memory'; at: string; hits: { eventId: number; span: { start: number; end: number }; score: number; text: string }[] }
  | { type: 'plan'; at: string; plan: Plan; by: string }
  | { type: 'observation'; at: string; round: number; evidence: Evidence[]; framesUsed: number; by: string }
  | { type: 'reflection'; at: string; reflection: Reflection; by: string }
  | { type: 'answer'; at: string; answer: Answer }
  | { type: 'model-call'; at: string; call: ModelCall }
  | { type: 'error'; at: string; round: number; message: string };

/** Distributive omit of the timestamp, for {@link Trace.add}. */
export type TraceEventInput = TraceEvent extends infer E ? (E extends TraceEvent ? Omit<E, 'at'> : never) : never;

/** An append-only list of {@link TraceEvent}s with an optional listener. */
export class Trace {
  readonly events: TraceEvent[] = [];

  constructor(private readonly listener?: (event: TraceEvent) => void) {}

  /** Appends an event, stamping it with the current ISO time. */
  add(event: TraceEventInput): void {
    const stamped = { ...event, at: new Date().toISOString() } as TraceEvent;
    this.events.push(stamped);
    this.listener?.(stamped);
  }
}
