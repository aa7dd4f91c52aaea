import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { captureMetrics } from '#shared/observability/metrics.ts';
import { startTestStack, type TestStack } from '../support/local-stack.ts';

/**
 * Two policy promises on the local stack, over HTTP and the virtual clock:
 * - TechFlow: "Standard: 99.5% uptime, Professional: 99.9%, Enterprise: 99.99% — Credits available for
 *   SLA breaches": incidents → the month's availability on the status feed → the monthly credit job →
 *   GET /sla-credits for billing.
 * - RCH SpyFocus: "notification windows: 72 hours for reportable breaches": a security incident marked
 *   reportable gets warnings at 48 h and 60 h and an overdue record at 72 h from one-time schedules.
 * Fixed 2031 dates in increasing order (the virtual clock only moves forward).
 */
let t: TestStack;
const metrics: string[] = [];
let stopCapture = () => {};

beforeAll(async () => {
  t = await startTestStack();
  stopCapture = captureMetrics((line) => metrics.push(line));
});
afterAll(async () => {
  stopCapture();
  await t.stop();
});

async function at(iso: string) {
  const res = await t.call('POST', '/_local/clock', { json: { set: iso } });
  expect(res.status).toBe(200);
  await t.stack.settle();
}
async function advance(duration: string) {
  const res = await t.call('POST', '/_local/clock', { json: { advance: duration } });
  expect(res.status).toBe(200);
  await t.stack.settle();
}

describe('TechFlow: monthly availability and SLA credits from incidents', () => {
  it('publishes the month’s availability and computes each account’s credit once the month closes', async () => {
    await at('2031-06-02T08:00:00Z');
    const ops = await t.token('ops', 'techflow');
    const app = await t.token('app', 'techflow');
    // Accounts seen in June: two Enterprise customers and one Standard customer open tickets.
    for (const [email, plan] of [
      ['ent-1@example.com', 'enterprise'],
      ['ent-2@example.com', 'enterprise'],
      ['std-1@example.com', 'standard'],
    ] as const) {
      const res = await t.call('POST', '/tickets', {
        token: app,
        json: { subject: 'Question', description: 'Details', requester: { email }, plan, priority: 'low' },
      });
      expect(res.status).toBe(201);
    }

    // Maintenance must be announced before it starts.
    const late = await t.call('POST', '/incidents', {
      token: ops,
      json: {
        title: 'Database upgrade',
        impact: 'none',
        message: 'Planned.',
        category: 'maintenance',
        window: { startsAt: '2031-06-02T07:00:00Z', endsAt: '2031-06-02T09:00:00Z' },
      },
    });
    expect(late.status).toBe(400);
    expect(late.body.errors[0].pointer).toBe('/window/startsAt');
    const maintenance = await t.call('POST', '/incidents', {
      token: ops,
      json: {
        title: 'Database upgrade',
        impact: 'none',
        status: 'identified',
        message: 'Planned maintenance, Thursday 02:00–04:00 UTC.',
        category: 'maintenance',
        window: { startsAt: '2031-06-05T02:00:00Z', endsAt: '2031-06-05T04:00:00Z' },
      },
    });
    expect(maintenance.status).toBe(201);

    // An outage inside the maintenance window is excluded…
    await at('2031-06-05T02:30:00Z');
    const during = await t.call('POST', '/incidents', {
      token: ops,
      json: { title: 'Upgrade slower than planned', impact: 'critical', message: 'Down for the upgrade.' },
    });
    expect(during.status).toBe(201);
    await at('2031-06-05T03:30:00Z');
    const resolved = await t.call('PATCH', `/incidents/${during.body.id}`, {
      token: ops,
      json: { status: 'resolved', message: 'Back.' },
      headers: { 'if-match': '"1"' },
    });
    expect(resolved.status).toBe(200);

    // …a 50-minute API outage on June 10 is not: 99.8843 % for June.
    await at('2031-06-10T10:00:00Z');
    const unknown = await t.call('POST', '/incidents', {
      token: ops,
      json: { title: 'x', impact: 'critical', message: 'x', components: ['billing'] },
    });
    expect(unknown.status).toBe(400);
    expect(unknown.body.errors[0].pointer).toBe('/components/0');
    const outage = await t.call('POST', '/incidents', {
      token: ops,
      json: {
        title: 'API unavailable',
        impact: 'critical',
        message: 'The API answers 503.',
        components: ['api'],
      },
    });
    expect(outage.status).toBe(201);
    await advance('PT50M');
    expect(
      (
        await t.call('PATCH', `/incidents/${outage.body.id}`, {
          token: ops,
          json: { status: 'resolved', message: 'Recovered.' },
          headers: { 'if-match': '"1"' },
        })
      ).status,
    ).toBe(200);

    const feed = await t.call('GET', '/desks/techflow/status.json');
    expect(feed.status).toBe(200);
    expect(feed.body.availability.month).toBe('2031-06');
    const enterprise = feed.body.availability.plans.find((p: { plan: string }) => p.plan === 'enterprise');
    // 50 minutes of the month so far (9 days 10 h 50 min, maintenance excluded).
    expect(enterprise).toMatchObject({ targetPercent: 99.99, met: false });
    expect(enterprise.availabilityPercent).toBeCloseTo(100 * (1 - 50 / (9 * 1440 + 650 - 120)), 3);
    expect(
      feed.body.availability.components.find((c: { component: string }) => c.component === 'integrations')
        .availabilityPercent,
    ).toBe(100);
    expect(feed.body.incidents.find((i: { id: string }) => i.id === maintenance.body.id)).toMatchObject({
      category: 'maintenance',
      window: { startsAt: '2031-06-05T02:00:00.000Z', endsAt: '2031-06-05T04:00:00.000Z' },
    });

    // Before the month closes, billing sees it open.
    const manager = await t.token('manager', 'techflow');
    expect((await t.call('GET', '/sla-credits?month=2031-06', { token: manager })).body.status).toBe(
      'month-open',
    );

    // The daily job runs at 00:30 UTC: the first run after June closes computes it.
    await at('2031-07-01T00:31:00Z');
    const credits = await t.call('GET', '/sla-credits?month=2031-06', { token: app });
    expect(credits.status).toBe(200);
    expect(credits.body.status).toBe('computed');
    // 50 minutes down of June's 43,200 = 99.8843 % (the virtual clock also runs in real time while the
    // test talks to the stack: a few seconds more).
    const plans = credits.body.report.plans as Array<{
      plan: string;
      availabilityPercent: number;
      creditPercent: number;
    }>;
    for (const p of plans) expect(p.availabilityPercent).toBeCloseTo(99.8843, 2);
    expect(plans.map((p) => [p.plan, p.creditPercent])).toEqual([
      ['standard', 0],
      ['professional', 10],
      ['enterprise', 25],
    ]);
    expect(
      credits.body.items.map((c: { account: string; creditPercent: number }) => [c.account, c.creditPercent]),
    ).toEqual([
      ['ent-1@example.com', 25],
      ['ent-2@example.com', 25],
    ]);

    // Running the job again writes nothing.
    const again = await t.call('POST', '/_local/jobs/compute-sla-credits');
    expect(again.status).toBe(200);
    expect(again.body.results).toContainEqual(
      expect.objectContaining({ desk: 'techflow', month: '2031-06', status: 'already-computed' }),
    );
    const reread = await t.call('GET', '/sla-credits?month=2031-06', { token: manager });
    expect(reread.body.report.computedAt).toBe(credits.body.report.computedAt);
    expect(reread.body.items).toHaveLength(2);
    expect((await t.call('GET', '/sla-credits?month=2031-13', { token: manager })).status).toBe(400);
  });
});

describe('RCH SpyFocus: 72-hour notification window for reportable breaches', () => {
  const breachSchedules = async (id: string) =>
    ((await t.call('GET', '/_local/scheduler')).body.schedules as Array<{ name: string; at: string }>).filter(
      (s) => s.name.startsWith(`breach-${id}-`),
    );

  it('warns at 48 h and 60 h and records the deadline overdue at 72 h; a late notification is recorded as late', async () => {
    await at('2031-08-04T09:00:00Z');
    const lead = await t.token('lead', 'rch-spyfocus');
    const created = await t.call('POST', '/incidents', {
      token: lead,
      json: {
        title: 'Credential stuffing against customer accounts',
        impact: 'major',
        message: 'Investigating unusual logins.',
        category: 'security',
      },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    // Security incidents are internal: never on the public feed.
    expect(JSON.stringify((await t.call('GET', '/desks/rch-spyfocus/status.json')).body)).not.toContain(id);

    const agent = await t.token('agent', 'rch-spyfocus');
    expect(
      (await t.call('POST', `/incidents/${id}/reportable-breach`, { token: agent, json: {} })).status,
    ).toBe(403);
    const marked = await t.call('POST', `/incidents/${id}/reportable-breach`, { token: lead, json: {} });
    expect(marked.status).toBe(200);
    const awareAt = Date.parse(marked.body.breach.awareAt);
    const hoursAfter = (h: number) => new Date(awareAt + h * 3_600_000).toISOString();
    expect(marked.body).toMatchObject({
      breachState: 'open',
      breach: { notifyBy: hoursAfter(72), warnAtHours: [48, 60] },
    });
    // One-time schedules at 48 h, 60 h and 72 h (Scheduler's at() has whole seconds: rounded up).
    const ceil = (iso: string) => new Date(Math.ceil(Date.parse(iso) / 1000) * 1000).toISOString();
    expect((await breachSchedules(id)).map((s) => s.at)).toEqual([
      ceil(hoursAfter(48)),
      ceil(hoursAfter(60)),
      ceil(hoursAfter(72)),
    ]);

    await advance('PT49H');
    let read = await t.call('GET', `/incidents/${id}`, { token: lead });
    expect(read.body.breachState).toBe('warned');
    expect(
      read.body.breach.events.map((e: { type: string; hours: number }) => `${e.type}-${e.hours}`),
    ).toEqual(['warning-48']);

    const before = metrics.filter((m) => m.includes('ReportableBreachOverdue')).length;
    await advance('PT24H');
    read = await t.call('GET', `/incidents/${id}`, { token: lead });
    expect(read.body.breachState).toBe('overdue');
    expect(
      read.body.breach.events.map((e: { type: string; hours: number }) => `${e.type}-${e.hours}`),
    ).toEqual(['warning-48', 'warning-60', 'overdue-72']);
    // The overdue alarm's metric, once per desk and breach.
    const overdue = metrics.filter((m) => m.includes('ReportableBreachOverdue')).slice(before);
    expect(overdue).toHaveLength(1);
    expect(JSON.parse(overdue[0]!)).toMatchObject({ desk: 'rch-spyfocus', ReportableBreachOverdue: 1 });
    expect(await breachSchedules(id)).toEqual([]);

    const notified = await t.call('POST', `/incidents/${id}/breach-notifications`, {
      token: lead,
      json: {
        recipient: 'authority',
        sentAt: '2031-08-07T10:00:00Z',
        reference: 'Supervisory authority case 2031-118',
      },
    });
    expect(notified.status).toBe(201);
    expect(notified.body.breachState).toBe('notified-late');
    expect(notified.body.breach.notifications).toEqual([
      expect.objectContaining({ recipient: 'authority', reference: 'Supervisory authority case 2031-118' }),
    ]);
  });

  it('a notification to the authority in time closes the window: no warning, no overdue, schedules cancelled', async () => {
    const lead = await t.token('lead', 'rch-spyfocus');
    const created = await t.call('POST', '/incidents', {
      token: lead,
      json: {
        title: 'Exposed export link',
        impact: 'minor',
        message: 'Investigating.',
        category: 'security',
      },
    });
    const id = created.body.id as string;
    const service = await t.call('POST', '/incidents', {
      token: lead,
      json: { title: 'Slow dashboards', impact: 'minor', message: 'Investigating.' },
    });
    expect(
      (await t.call('POST', `/incidents/${service.body.id}/reportable-breach`, { token: lead, json: {} }))
        .status,
    ).toBe(409);

    expect(
      (await t.call('POST', `/incidents/${id}/reportable-breach`, { token: lead, json: {} })).status,
    ).toBe(200);
    // A repeated mark changes nothing.
    const repeat = await t.call('POST', `/incidents/${id}/reportable-breach`, { token: lead, json: {} });
    expect(repeat.body.version).toBe(2);
    await advance('PT10H');
    const sentAt = (await t.call('GET', '/_local/clock')).body.now as string;
    const notified = await t.call('POST', `/incidents/${id}/breach-notifications`, {
      token: lead,
      json: { recipient: 'authority', sentAt, reference: 'Case 2031-119' },
    });
    expect(notified.status).toBe(201);
    expect(notified.body.breachState).toBe('notified');
    expect(await breachSchedules(id)).toEqual([]);

    await advance('PT80H');
    const read = await t.call('GET', `/incidents/${id}`, { token: lead });
    expect(read.body.breach.events).toEqual([]);
    expect(read.body.breachState).toBe('notified');
  });
});
