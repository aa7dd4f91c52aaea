/** Prints SLA results as JSON; run by tz-independence.test.ts in a child process with another TZ. */
import { getPolicyPack, PACK_IDS } from '#shared/policy/packs.ts';
import { computeDeadline, computeSla } from '#shared/sla/engine.ts';

export function probe(): unknown {
  const out: Record<string, unknown> = {};
  const starts = [
    '2026-03-06T21:30:00Z',
    '2026-03-08T06:59:00Z',
    '2026-10-31T23:00:00Z',
    '2026-06-30T20:00:00Z',
    '2028-02-28T23:30:00Z',
  ];
  for (const id of PACK_IDS) {
    const pack = getPolicyPack(id);
    for (const start of starts) {
      for (const priority of ['urgent', 'normal'] as const) {
        const plan = pack.plans[0]!.id;
        out[`${id}|${start}|${priority}`] = computeDeadline(
          pack,
          { priority, plan, channel: 'email' },
          'first-response',
          new Date(start),
        )?.toISOString();
        const state = computeSla(
          pack,
          [
            { at: start, type: 'ticket-created', priority, plan, channel: 'email', status: 'new' },
            {
              at: new Date(Date.parse(start) + 90 * 60_000).toISOString(),
              type: 'agent-reply',
              visibility: 'public',
            },
          ],
          new Date(Date.parse(start) + 5 * 86_400_000),
        );
        out[`${id}|${start}|${priority}|actions`] = state.actions.map((a) => `${a.id}@${a.at}`);
      }
    }
  }
  return out;
}

if (process.argv[1]?.endsWith('tz-probe.ts')) {
  const localOffset = new Date('2026-01-01T00:00:00Z').getTimezoneOffset();
  process.stdout.write(JSON.stringify({ localOffset, result: probe() }));
}
