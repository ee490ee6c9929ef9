/**
 * Memory retrieval benchmark (issue 3, target b): builds episodic memories of 10k, 100k and 1M
 * synthetic events through the public `EpisodicMemory` API (hnswlib-node HNSW + BM25), then
 * measures vector and hybrid query latency (p50/p99) and recall@10 of the vector search against
 * exact (brute-force cosine) search.
 *
 * Usage: node tools/bench/dist/memory-retrieval.js [--sizes 10000,100000,1000000] [--queries 200] [--json FILE]
 * Event texts are drawn from a fixed vocabulary with a seeded generator and embedded with the
 * local hashing embedder (256 dimensions), so the vectors have the structure of real event text.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRandom } from '@longvid/core';
import { EpisodicMemory, HashingEmbedder } from '@longvid/memory';

const COCO = 'person bicycle car motorcycle airplane bus train truck boat traffic light fire hydrant stop sign parking meter bench bird cat dog horse sheep cow elephant bear zebra giraffe backpack umbrella handbag tie suitcase frisbee skis snowboard ball kite bat glove skateboard surfboard racket bottle glass cup fork knife spoon bowl banana apple sandwich orange broccoli carrot pizza donut cake chair couch plant bed table toilet tv laptop mouse remote keyboard phone microwave oven toaster sink refrigerator book clock vase scissors teddy drier toothbrush'.split(' ');
const COLOURS = 'red orange yellow green blue purple pink brown black white gray silver'.split(' ');
const WORDS = 'locker train leaves exit gate platform ticket package van street kitchen garden office school gym rooftop bedroom courtyard market station bridge river beach forest mountain road window door stairs corridor hall room screen sign caption countdown number time minute hour morning evening night'.split(' ');

function eventText(random: () => number): string {
  const pick = (list: string[]) => list[Math.floor(random() * list.length)];
  const parts = [`${pick(COLOURS)} ${pick(COCO)}`, pick(WORDS), `${pick(COCO)} ${pick(WORDS)}`, String(Math.floor(random() * 1000))];
  if (random() < 0.5) parts.push(`${pick(COLOURS)} ${pick(COCO)}`);
  return parts.join(' | ');
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];
}

interface SizeResult {
  events: number;
  buildSeconds: number;
  vector: { p50Ms: number; p99Ms: number; recallAt10: number };
  hybrid: { p50Ms: number; p99Ms: number };
  rssMiB: number;
}

async function measure(size: number, queries: number, embedder: HashingEmbedder): Promise<SizeResult> {
  const directory = mkdtempSync(join(tmpdir(), 'longvid-bench-memory-'));
  try {
    const memory = await EpisodicMemory.open(directory, { videoHash: `bench-${size}`, params: { size }, embedderId: embedder.embedderId, dimensions: embedder.dimensions });
    const random = createRandom(size).next;
    const all = new Float32Array(size * embedder.dimensions);
    const started = performance.now();
    const batch = 1000;
    for (let offset = 0; offset < size; offset += batch) {
      const texts = Array.from({ length: Math.min(batch, size - offset) }, () => eventText(random));
      const vectors = await embedder.doEmbed(texts);
      await memory.addEvents(
        texts.map((text, i) => {
          const id = offset + i;
          all.set(vectors[i], id * embedder.dimensions);
          return { event: { clipIndex: id, span: { start: id * 10, end: id * 10 + 10 }, observations: [{ kind: 'text', span: { start: id * 10, end: id * 10 + 5 }, text, confidence: 1, tool: 'ocr' }], text }, embedding: vectors[i] };
        }),
      );
      if ((offset / batch) % 50 === 0) process.stderr.write(`  ${size}: ${offset + texts.length} events, ${((performance.now() - started) / 1000).toFixed(0)} s\n`);
    }
    const buildSeconds = (performance.now() - started) / 1000;

    const queryRandom = createRandom(size + 1).next;
    const vectorTimes: number[] = [];
    const hybridTimes: number[] = [];
    let recall = 0;
    for (let q = 0; q < queries; q += 1) {
      const text = eventText(queryRandom).split(' | ').slice(0, 2).join(' ');
      const [vector] = await embedder.doEmbed([text]);
      let t = performance.now();
      const hits = await memory.searchVector(vector, 10);
      vectorTimes.push(performance.now() - t);
      t = performance.now();
      await memory.searchHybrid(text, vector, 10);
      hybridTimes.push(performance.now() - t);
      // Exact top-10 by brute-force cosine (vectors are unit length).
      const scores = new Float32Array(size);
      for (let i = 0; i < size; i += 1) {
        let dot = 0;
        const base = i * embedder.dimensions;
        for (let d = 0; d < embedder.dimensions; d += 1) dot += all[base + d] * vector[d];
        scores[i] = dot;
      }
      const exact = Array.from(scores.keys()).sort((a, b) => scores[b] - scores[a]).slice(0, 10);
      const tenth = scores[exact[9]];
      // Ties at the 10th score count as correct (any of them is an exact top-10 answer).
      recall += hits.filter((hit) => scores[hit.event.id] >= tenth - 1e-6).length / 10;
    }
    vectorTimes.sort((a, b) => a - b);
    hybridTimes.sort((a, b) => a - b);
    return {
      events: size,
      buildSeconds,
      vector: { p50Ms: percentile(vectorTimes, 0.5), p99Ms: percentile(vectorTimes, 0.99), recallAt10: recall / queries },
      hybrid: { p50Ms: percentile(hybridTimes, 0.5), p99Ms: percentile(hybridTimes, 0.99) },
      rssMiB: process.memoryUsage().rss / 2 ** 20,
    };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string, fallback: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : fallback;
  };
  const sizes = option('--sizes', '10000,100000,1000000').split(',').map(Number);
  const queries = Number(option('--queries', '200'));
  const embedder = new HashingEmbedder();
  const results: SizeResult[] = [];
  for (const size of sizes) {
    process.stderr.write(`building ${size} events...\n`);
    const result = await measure(size, queries, embedder);
    results.push(result);
    console.log(
      `${String(size).padStart(8)} events | build ${result.buildSeconds.toFixed(1)} s | vector p50 ${result.vector.p50Ms.toFixed(2)} ms p99 ${result.vector.p99Ms.toFixed(2)} ms recall@10 ${result.vector.recallAt10.toFixed(3)} | hybrid p50 ${result.hybrid.p50Ms.toFixed(2)} ms p99 ${result.hybrid.p99Ms.toFixed(2)} ms | rss ${result.rssMiB.toFixed(0)} MiB`,
    );
  }
  const out = option('--json', '');
  if (out) writeFileSync(out, JSON.stringify({ benchmark: 'memory-retrieval', queries, results }, null, 2));
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
