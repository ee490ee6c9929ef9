import type { ModelCall, ModelCallRole } from '@longvid/core';

/**
 * Totals of a list of {@link ModelCall}s (one question, one ingestion, one role...).
 * Seconds for latency; tokens as the API's `usage` reported them.
 */
export interface CostTotals {
  /** Model calls that went to the endpoint (cache hits not included). */
  calls: number;
  /** Model calls answered from the on-disk call cache (they cost nothing). */
  cachedCalls: number;
  /** HTTP requests sent, retries included (what the endpoint bills). */
  requests: number;
  /** Images (or video frames) sent to the endpoint. */
  framesSent: number;
  /** Prompt tokens. */
  inputTokens: number;
  /** Completion tokens. */
  outputTokens: number;
  /** Sum of the calls' latencies, seconds (more than the wall time when calls overlap). */
  latencySeconds: number;
}

/** {@link CostTotals} overall and per {@link ModelCallRole}. */
export interface CostSummary extends CostTotals {
  /** Totals per role (only roles that made a call). */
  byRole: Partial<Record<ModelCallRole, CostTotals>>;
}

/** Totals that are all zero. */
export function emptyCostTotals(): CostTotals {
  return { calls: 0, cachedCalls: 0, requests: 0, framesSent: 0, inputTokens: 0, outputTokens: 0, latencySeconds: 0 };
}

function add(totals: CostTotals, call: ModelCall): void {
  if (call.cached) totals.cachedCalls += 1;
  else totals.calls += 1;
  totals.requests += call.attempts;
  totals.framesSent += call.framesSent;
  totals.inputTokens += call.inputTokens;
  totals.outputTokens += call.outputTokens;
  totals.latencySeconds += call.latencySeconds;
}

/** Sums calls into a {@link CostSummary}. */
export function summarizeCalls(calls: readonly ModelCall[]): CostSummary {
  const totals = emptyCostTotals();
  const byRole: Partial<Record<ModelCallRole, CostTotals>> = {};
  for (const call of calls) {
    add(totals, call);
    add((byRole[call.role] ??= emptyCostTotals()), call);
  }
  return { ...totals, byRole };
}

/**
 * Records every model call of a question or an ingestion (model, frames sent, tokens from the
 * API's `usage`, latency, retries, cache hits) and tells a listener, e.g. the question's trace.
 */
export class CostLedger {
  /** Every call recorded, in the order the calls finished. */
  readonly calls: ModelCall[] = [];

  constructor(private readonly listener?: (call: ModelCall) => void) {}

  /** Records one call. Bound, so it can be passed as a callback. */
  readonly record = (call: ModelCall): void => {
    this.calls.push(call);
    this.listener?.(call);
  };

  /** Totals overall and per role. */
  summary(): CostSummary {
    return summarizeCalls(this.calls);
  }
}
