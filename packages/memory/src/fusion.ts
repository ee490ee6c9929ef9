/**
 * Reciprocal rank fusion (Cormack, Clarke & Büttcher 2009, "Reciprocal Rank Fusion outperforms
 * Condorcet and individual Rank Learning Methods"): each list gives an item `1 / (constant + rank)`,
 * rank from 1; the scores of all lists are summed.
 */

/** The constant of reciprocal rank fusion; 60 as in the paper. */
export const RECIPROCAL_RANK_CONSTANT = 60;

/** An item of a fused list with its fused score and its rank (from 1) in each input list. */
export interface FusedItem {
  /** The item. */
  id: number;
  /** Sum of `1 / (constant + rank)` over the lists it is in. */
  score: number;
  /** Rank in each input list (same order as the lists), undefined where absent. */
  ranks: (number | undefined)[];
}

/**
 * Fuses ranked lists of ids (best first) by reciprocal rank fusion.
 * @returns all ids in any list, best fused score first; ties are broken by the best single rank, then
 *   by the earlier list, then by id.
 */
export function reciprocalRankFusion(lists: readonly (readonly number[])[], constant = RECIPROCAL_RANK_CONSTANT): FusedItem[] {
  const items = new Map<number, FusedItem>();
  lists.forEach((list, listIndex) => {
    list.forEach((id, position) => {
      let item = items.get(id);
      if (!item) {
        item = { id, score: 0, ranks: lists.map(() => undefined) };
        items.set(id, item);
      }
      if (item.ranks[listIndex] !== undefined) return;
      item.ranks[listIndex] = position + 1;
      item.score += 1 / (constant + position + 1);
    });
  });
  const bestRank = (item: FusedItem): number => Math.min(...item.ranks.map((rank) => rank ?? Infinity));
  const firstList = (item: FusedItem): number => item.ranks.findIndex((rank) => rank !== undefined && rank === bestRank(item));
  return [...items.values()].sort(
    (a, b) => b.score - a.score || bestRank(a) - bestRank(b) || firstList(a) - firstList(b) || a.id - b.id,
  );
}
