import { mapWithConcurrency } from './concurrency';

const sleep = (milliseconds: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, milliseconds));

describe('mapWithConcurrency', () => {
  it('maps with a concurrency limit, keeping the order of results', async () => {
    let running = 0;
    let most = 0;
    const results = await mapWithConcurrency([30, 5, 20, 1, 10], 3, async (delay, index) => {
      running += 1;
      most = Math.max(most, running);
      await sleep(delay);
      running -= 1;
      return index * 10;
    });
    expect(results).toEqual([0, 10, 20, 30, 40]);
    expect(most).toBe(3);
  });

  it('after a failure starts no other item and rejects only once the running ones have settled', async () => {
    const started: number[] = [];
    const finished: number[] = [];
    const mapped = mapWithConcurrency([0, 1, 2, 3, 4, 5], 2, async (item) => {
      started.push(item);
      await sleep(item === 0 ? 5 : 40);
      if (item === 0) throw new Error('item 0 failed');
      finished.push(item);
      return item;
    });
    await expect(mapped).rejects.toThrow('item 0 failed');
    expect(started).toEqual([0, 1]);
    expect(finished).toEqual([1]);
  });
});
