import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { API_ROUTES, routeKey } from '#functions/manifest/api-routes.ts';
import { ASYNC_FUNCTIONS } from '#functions/manifest/async-functions.ts';
import {
  nextRun,
  SCHEDULES,
  STATE_MACHINES,
  stateMachineSubstitutions,
} from '#functions/manifest/schedules.ts';

const handlerFiles = (dir: string): string[] =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? handlerFiles(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );

describe('the app manifest', () => {
  it('names every handler file once, and every named file exists and exports a handler', () => {
    const named = [...API_ROUTES.map((r) => r.handler), ...ASYNC_FUNCTIONS.map((f) => f.handler)];
    expect(new Set(named).size).toBe(named.length);
    for (const file of named) {
      expect(existsSync(file), file).toBe(true);
      expect(readFileSync(file, 'utf8'), file).toMatch(/export const handler\b/);
    }
    // Cognito's trigger is wired by the user directory construct, not reached by a route or a schedule.
    const unlisted = handlerFiles('functions')
      .filter((f) => !f.startsWith('functions/manifest/'))
      .filter((f) => !named.includes(f));
    expect(unlisted).toEqual(['functions/auth/pre-token-generation.ts']);
  });

  it('declares each route key and function id once', () => {
    const keys = API_ROUTES.map(routeKey);
    expect(new Set(keys).size).toBe(keys.length);
    const ids = [...API_ROUTES.map((r) => r.id), ...ASYNC_FUNCTIONS.map((f) => f.id)];
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('fills exactly the placeholders of each state machine definition', () => {
    for (const machine of STATE_MACHINES) {
      const placeholders = [
        ...new Set(
          [...readFileSync(machine.definitionFile, 'utf8').matchAll(/\$\{(\w+)\}/g)].map((m) => m[1]),
        ),
      ].sort();
      expect(Object.keys(stateMachineSubstitutions(machine.id)).sort(), machine.id).toEqual(placeholders);
    }
  });

  it('targets only declared functions from schedules, and every scheduled function has a schedule', () => {
    const scheduled = SCHEDULES.flatMap((s) => ('function' in s.target ? [s.target.function] : []));
    const declared = ASYNC_FUNCTIONS.filter((f) => f.trigger.kind === 'schedule').map((f) => f.id);
    expect(scheduled.sort()).toEqual(declared.sort());
  });

  it('computes the next run of minute grids and daily times after a given instant', () => {
    const at = new Date('2026-03-08T02:59:30Z');
    expect(nextRun({ everyMinutes: 1 }, at).toISOString()).toBe('2026-03-08T03:00:00.000Z');
    expect(nextRun({ everyMinutes: 15 }, at).toISOString()).toBe('2026-03-08T03:00:00.000Z');
    expect(nextRun({ dailyAtUtc: { hour: 3, minute: 0 } }, at).toISOString()).toBe(
      '2026-03-08T03:00:00.000Z',
    );
    expect(
      nextRun({ dailyAtUtc: { hour: 3, minute: 0 } }, new Date('2026-03-08T03:00:00Z')).toISOString(),
    ).toBe('2026-03-09T03:00:00.000Z');
  });
});
