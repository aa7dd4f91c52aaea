/**
 * One line about a scheduled job's result for `npm run job` (the raw result is long JSON: one entry per
 * desk and data class). It adds up the counters the jobs report, wherever they sit in the result.
 */
const COUNTERS = [
  'examined',
  'purged',
  'keptLegalHold',
  'keptRecentActivity',
  'itemsDeleted',
  'objectsDeleted',
  'due',
  'applied',
  'started',
  'woken',
  'sent',
  'swept',
  'failed',
] as const;

export function summarizeJob(name: string, ok: boolean, result: unknown): string {
  const totals = new Map<string, number>();
  const desks = new Set<string>();
  const visit = (value: unknown) => {
    if (Array.isArray(value)) {
      for (const item of value) visit(item);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, field] of Object.entries(value)) {
      if (key === 'desk' && typeof field === 'string') desks.add(field);
      const counter = COUNTERS.find((c) => c === key);
      const count =
        typeof field === 'number'
          ? field
          : Array.isArray(field) && counter === 'failed'
            ? field.length
            : undefined;
      if (counter && count !== undefined) totals.set(counter, (totals.get(counter) ?? 0) + count);
      else visit(field);
    }
  };
  visit(result);
  const status =
    result !== null && typeof result === 'object' && 'status' in result && typeof result.status === 'string'
      ? result.status
      : ok
        ? 'done'
        : 'failed';
  const counts = COUNTERS.filter((c) => totals.has(c)).map((c) => `${c} ${totals.get(c)}`);
  const scope = desks.size ? `${desks.size} desk${desks.size === 1 ? '' : 's'}` : undefined;
  return `${name}: ${status}${[scope, ...counts].filter(Boolean).length ? ` (${[scope, ...counts].filter(Boolean).join(', ')})` : ''}`;
}
