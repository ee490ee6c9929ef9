/**
 * Test doubles of @longvid/training (subpath `@longvid/training/testing`): a scripted
 * {@link RolloutPolicy} that records its calls, and a reward request in the shape OpenRLHF sends.
 * @packageDocumentation
 */
import type { PolicySampleRequest, RolloutPolicy } from './rollout';

/** A rollout policy that answers from a script and records every request. */
export class MockRolloutPolicy implements RolloutPolicy {
  readonly specificationVersion = 'v1' as const;
  readonly policyId = 'mock-policy';
  readonly calls: PolicySampleRequest[] = [];

  /** @param script the texts for request `index` (called once per request with the request). */
  constructor(private readonly script: (request: PolicySampleRequest, index: number) => string[]) {}

  async doSample(request: PolicySampleRequest): Promise<{ texts: string[]; inputTokens: number; outputTokens: number }> {
    const texts = this.script(request, this.calls.length);
    this.calls.push(request);
    return { texts: texts.slice(0, request.n), inputTokens: 0, outputTokens: texts.reduce((sum, text) => sum + Math.ceil(text.length / 4), 0) };
  }
}
