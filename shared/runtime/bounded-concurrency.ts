/**
 * Runs `work` over `items` with at most `limit` in flight, results in input order. Sweeps use it to
 * work desks in parallel without letting one busy desk hold up the others or flooding DynamoDB.
 */
export async function mapBounded<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await work(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/** Desks a sweep works at once. */
export const SWEEP_CONCURRENCY = 4;
