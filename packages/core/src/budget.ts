import { LongVidError } from './errors';

/** Limits for one question. */
export interface BudgetLimits {
  /** Maximum plan–observe–reflect rounds (≥ 1). */
  maxRounds: number;
  /** Maximum frames the observer may look at in all rounds together (≥ 1). */
  maxFrames: number;
}

/**
 * Tracks what a question has spent against its {@link BudgetLimits}.
 * @throws LongVidError `BAD_INPUT` from the constructor when a limit is not a positive integer.
 */
export class Budget {
  readonly limits: BudgetLimits;
  private roundsUsed = 0;
  private framesUsed = 0;

  constructor(limits: BudgetLimits) {
    for (const [key, value] of Object.entries(limits)) {
      if (!Number.isInteger(value) || value < 1) {
        throw new LongVidError('BAD_INPUT', `budget ${key} must be a positive integer, got ${value}`, { details: { [key]: value } });
      }
    }
    this.limits = { ...limits };
  }

  /** Rounds started so far. */
  get rounds(): number {
    return this.roundsUsed;
  }

  /** Frames spent so far. */
  get frames(): number {
    return this.framesUsed;
  }

  /** Frames still available. */
  get framesLeft(): number {
    return Math.max(0, this.limits.maxFrames - this.framesUsed);
  }

  /** Rounds still available. */
  get roundsLeft(): number {
    return Math.max(0, this.limits.maxRounds - this.roundsUsed);
  }

  /** Whether the current round is the last one allowed. */
  get isLastRound(): boolean {
    return this.roundsUsed >= this.limits.maxRounds || this.framesLeft === 0;
  }

  /** Starts a round; returns its number (from 1). */
  startRound(): number {
    this.roundsUsed += 1;
    return this.roundsUsed;
  }

  /** Records frames spent (clamped at the limit by callers that ask {@link framesLeft} first). */
  spendFrames(count: number): void {
    this.framesUsed += count;
  }
}
