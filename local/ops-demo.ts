import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Keyring } from '#shared/secrets/keyring.ts';
import { surveyPath } from '#shared/survey/link.ts';
import { localApiUrl } from './cli-env.ts';
import { localSurveyKeyring } from './survey-secret.ts';

/** The demo's survey links stay valid whatever the virtual clock says. */
const DEMO_LINK_EXPIRY = new Date('2100-01-01T00:00:00Z');

/**
 * Demo data for the ops console, made the way users make it: HTTP calls to a running local stack
 * (tickets, replies, solves, survey answers, an incident) while the virtual clock moves forward.
 * Two weeks of resolved tickets on every desk, each handled its own way (so each desk's KPIs have
 * their own numbers against its own targets); then a few open tickets per desk, one of TechFlow's
 * breaching its first-response target.
 *
 *   npx tsx local/ops-demo.ts            # against http://127.0.0.1:3000 (npm start), from its clock
 *
 * The browser test and the screenshot script call `seedOpsDemo` with fixed dates.
 */
export interface DemoOptions {
  apiUrl: string;
  /** Signs the survey links (the stack's survey keyring). */
  surveyKeys: Keyring;
  /** When the open tickets arrive; the history starts `historyDays` earlier. Default: after a history from tomorrow. */
  start?: Date;
  historyDays?: number;
  /** The desk whose queue gets the open tickets (default techflow: its Enterprise P1 target is 15 minutes). */
  desk?: string;
  /** Desks that get the resolved history and an open queue (default: every desk). */
  historyDesks?: string[];
}

/** Every desk the local stack serves (one per policy pack). */
const DESKS = ['techflow', 'acentus', 'rch-spyfocus', 'rarelogic'];

/**
 * How each desk handles its demo tickets, so each shows its own numbers: agent time per reply (a
 * factor), survey score shifts, whether urgent tickets get the fix in one reply (first contact
 * resolution) and how often a solved ticket is reopened (every n-th day, 0 never).
 */
interface DeskProfile {
  handle: number;
  csat: number;
  nps: number;
  oneReplyUrgent: boolean;
  reopenEvery: number;
}
const PROFILES: Record<string, DeskProfile> = {
  techflow: { handle: 1, csat: 0, nps: 0, oneReplyUrgent: false, reopenEvery: 4 },
  // Acentus: quick, well-liked, but reopens above its 5 % goal.
  acentus: { handle: 0.8, csat: 0, nps: 1, oneReplyUrgent: true, reopenEvery: 3 },
  // RCH SpyFocus: handle time inside its 7–12 minutes, FCR above 70 %, scores just under the NPS goal.
  'rch-spyfocus': { handle: 0.85, csat: 0, nps: -1, oneReplyUrgent: true, reopenEvery: 0 },
  rarelogic: { handle: 1.4, csat: -1, nps: -2, oneReplyUrgent: false, reopenEvery: 5 },
};
const profileOf = (desk: string): DeskProfile => PROFILES[desk] ?? PROFILES.techflow!;
const csat = (v: number) => Math.min(5, Math.max(1, v));
const nps = (v: number) => Math.min(10, Math.max(0, v));

/** Three plans per desk, cheapest first, as the packs name them. */
const PLANS: Record<string, [string, string, string]> = {
  techflow: ['standard', 'professional', 'enterprise'],
  acentus: ['basic', 'premium', 'enterprise'],
  'rch-spyfocus': ['basic', 'pro', 'enterprise'],
  rarelogic: ['standard', 'high-priority', 'standard'],
};

export interface DemoResult {
  desk: string;
  breachedTicketId: string;
  openTicketIds: string[];
  incidentId: string;
  now: string;
}

const NAMES = [
  'Ada Park',
  'Bruno Costa',
  'Chen Wei',
  'Dana Levi',
  'Emeka Obi',
  'Freya Lund',
  'Goran Ilic',
  'Hana Sato',
];
/** A requester's name, the same for the same address. */
const nameFor = (email: string) =>
  NAMES[[...email].reduce((sum, ch) => sum + ch.charCodeAt(0), 0) % NAMES.length]!;

const SUBJECTS = [
  'Cannot log in after password reset',
  'Invoice shows the wrong VAT number',
  'Export to CSV times out',
  'SSO redirect loop on Safari',
  'Webhook retries flood our endpoint',
  'Dashboard charts are empty',
  'API returns 429 under normal load',
  'Mobile app crashes on upload',
];

export async function seedOpsDemo(options: DemoOptions): Promise<DemoResult> {
  const desk = options.desk ?? 'techflow';
  const base = options.apiUrl.replace(/\/$/, '');
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`);
    return { body: text ? JSON.parse(text) : undefined, etag: res.headers.get('etag') ?? '' };
  };
  const token = async (role: string, extra: Record<string, unknown> = {}, forDesk = desk) =>
    (await call('POST', '/_local/token', { role, desk: forDesk, ...extra })).body.token as string;
  const auth = (t: string) => ({ authorization: `Bearer ${t}` });
  const clockNow = async () => new Date((await call('GET', '/_local/clock')).body.now);
  const setClock = (at: Date) => call('POST', '/_local/clock', { set: at.toISOString() });
  // Let the workflows finish their step before time moves, so each history reads as it would live.
  const advance = async (minutes: number) => {
    await call('POST', '/_local/settle');
    return call('POST', '/_local/clock', { advance: `PT${minutes}M` });
  };

  const lead = await token('lead');
  const ops = await token('ops');

  /** Calls on one desk, as its app client, one agent and its customers. */
  const deskCalls = async (forDesk: string) => {
    const app = await token('app', {}, forDesk);
    const agent = await token('agent', { sub: 'agent-ana' }, forDesk);
    const plans = PLANS[forDesk] ?? ['standard', 'standard', 'standard'];
    return {
      plans,
      open: async (subject: string, priority: string, plan: string, email: string) =>
        (
          await call(
            'POST',
            '/tickets',
            {
              subject,
              description: `${subject}. Steps and screenshots attached.`,
              priority,
              plan,
              requester: { email, name: nameFor(email) },
            },
            auth(app),
          )
        ).body as { id: string },
      reply: (id: string, body: string, timeSpentSeconds: number) =>
        call('POST', `/tickets/${id}/messages`, { body, timeSpentSeconds }, auth(agent)),
      patch: async (id: string, change: Record<string, unknown>) => {
        const current = await call('GET', `/tickets/${id}`, undefined, auth(agent));
        return call('PATCH', `/tickets/${id}`, change, { ...auth(agent), 'if-match': current.etag });
      },
      customerWrites: async (id: string, email: string) =>
        call(
          'POST',
          `/tickets/${id}/messages`,
          { body: 'Still broken, sorry.' },
          auth(await token('customer', { email }, forDesk)),
        ),
      survey: (id: string, csat: number, nps: number) =>
        call('POST', surveyPath(options.surveyKeys, forDesk, id, DEMO_LINK_EXPIRY), { csat, nps }),
    };
  };

  const days = options.historyDays ?? 14;
  // The clock only moves forward: by default the history starts tomorrow and "today" follows it.
  const startAt = options.start ?? new Date((await clockNow()).getTime() + (days + 1) * 86_400_000);
  const historyDesks = options.historyDesks ?? DESKS;
  const calls = await Promise.all(
    historyDesks.map(async (d) => ({ ...(await deskCalls(d)), profile: profileOf(d) })),
  );
  // History: each weekday at 14:00 UTC, three tickets per desk, handled as the desk's profile says.
  for (let d = days; d >= 1; d--) {
    const day = new Date(startAt.getTime() - d * 86_400_000);
    const weekday = day.getUTCDay();
    if (weekday === 0 || weekday === 6) continue;
    await setClock(new Date(Date.UTC(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), 14)));
    const n = d % SUBJECTS.length;
    const day3 = await Promise.all(
      calls.map(async (c, i) => ({
        c,
        p: c.profile,
        a: await c.open(SUBJECTS[n]!, 'normal', c.plans[1], `a${d}.${i}@example.com`),
        b: await c.open(SUBJECTS[(n + 3) % SUBJECTS.length]!, 'high', c.plans[2], `b${d}.${i}@example.com`),
        cc: await c.open(
          SUBJECTS[(n + 5) % SUBJECTS.length]!,
          'urgent',
          c.plans[2],
          `c${d}.${i}@example.com`,
        ),
        i,
      })),
    );
    const each = (f: (x: (typeof day3)[number]) => Promise<unknown>) => Promise.all(day3.map(f));
    const spent = (p: DeskProfile, seconds: number) => Math.max(60, Math.round(seconds * p.handle));
    await advance(5 + (d % 4) * 3);
    // A desk that answers urgent tickets with the fix in one reply resolves them at first contact.
    await each(({ c, cc, p }) =>
      p.oneReplyUrgent
        ? Promise.resolve()
        : c.reply(cc.id, 'We are on it; the on-call engineer is looking.', spent(p, 420)),
    );
    await advance(20 + (d % 3) * 20);
    await each(async ({ c, a, b, p }) => {
      await c.reply(
        a.id,
        'Here is how to fix it: clear the session and sign in again.',
        spent(p, 480 + d * 20),
      );
      await c.patch(a.id, { status: 'solved' });
      await c.reply(b.id, 'Could you send the request id?', spent(p, 300));
    });
    await advance(40);
    if (d % 3 === 0) {
      await each(({ c, b, i }) => c.customerWrites(b.id, `b${d}.${i}@example.com`));
      await advance(30);
      await each(({ c, b, p }) => c.reply(b.id, 'Thanks, we found it and deployed a fix.', spent(p, 600)));
    }
    await each(({ c, b }) => c.patch(b.id, { status: 'solved' }));
    await advance(90 + (d % 5) * 30);
    await each(async ({ c, cc, p }) => {
      await c.reply(cc.id, 'Fixed: the failing node was replaced.', spent(p, p.oneReplyUrgent ? 600 : 900));
      await c.patch(cc.id, { status: 'solved' });
    });
    // A reopen: the customer writes back after the solve (on the desk's reopen days).
    const reopening = day3.filter(({ p }) => p.reopenEvery > 0 && d % p.reopenEvery === 1);
    if (reopening.length) {
      await Promise.all(reopening.map(({ c, a, i }) => c.customerWrites(a.id, `a${d}.${i}@example.com`)));
      await advance(20);
      await Promise.all(reopening.map(({ c, a }) => c.patch(a.id, { status: 'solved' })));
    }
    await advance(60);
    await each(async ({ c, a, b, cc, p }) => {
      await c.survey(a.id, csat(4 + (d % 2) + p.csat), nps(7 + (d % 4) + p.nps));
      await c.survey(b.id, csat(3 + (d % 3) + p.csat), nps(5 + (d % 6) + p.nps));
      await c.survey(cc.id, csat(5 + p.csat), nps(9 + (d % 2) + p.nps));
    });
  }

  // Today: the open queue of every desk. TechFlow's urgent Enterprise ticket breaches its 15-minute first response.
  await setClock(startAt);
  const { open, reply, patch } = await deskCalls(desk);
  const breached = await open(
    'Checkout fails with HTTP 500 for all EU customers',
    'urgent',
    'enterprise',
    'eu@example.com',
  );
  const openIds = [breached.id];
  openIds.push((await open('Reports show yesterday’s numbers', 'normal', 'standard', 'r@example.com')).id);
  openIds.push((await open('Add a second admin to our account', 'low', 'standard', 'l@example.com')).id);
  const pending = await open('Single sign-on fails for one user', 'high', 'professional', 'p@example.com');
  openIds.push(pending.id);
  await patch(pending.id, { assignee: `${desk}-agent` });
  // The other desks' queues: a few open tickets each, on their own plans, one assigned.
  const others = DESKS.filter((d) => d !== desk && historyDesks.includes(d));
  await Promise.all(
    others.map(async (other, i) => {
      const c = await deskCalls(other);
      const [cheap, middle, top] = c.plans;
      const first = await c.open(
        SUBJECTS[(i + 1) % SUBJECTS.length]!,
        'high',
        top,
        `q1.${other}@example.com`,
      );
      await c.open(SUBJECTS[(i + 2) % SUBJECTS.length]!, 'normal', middle, `q2.${other}@example.com`);
      await c.open(SUBJECTS[(i + 4) % SUBJECTS.length]!, 'low', cheap, `q3.${other}@example.com`);
      await c.patch(first.id, { assignee: `${other}-agent` });
    }),
  );
  await advance(10);
  await reply(pending.id, 'Which identity provider do you use?', 240);
  await patch(pending.id, { status: 'pending' });
  openIds.push((await open('Billing portal shows an error', 'high', 'enterprise', 'h@example.com')).id);
  // Past the 75 % warning (11:15) and the 15-minute target, in steps, as a quiet morning would pass.
  await advance(2);
  await advance(4);
  await advance(6);
  const incident = (
    await call(
      'POST',
      '/incidents',
      {
        title: 'Checkout errors in the EU region',
        impact: 'major',
        message: 'We are investigating failed checkouts for customers in the EU region.',
        ticketIds: [breached.id],
      },
      auth(ops),
    )
  ).body as { id: string };
  await call('GET', '/queue', undefined, auth(lead));
  return {
    desk,
    breachedTicketId: breached.id,
    openTicketIds: openIds,
    incidentId: incident.id,
    now: (await clockNow()).toISOString(),
  };
}

// CLI: seed a running `npm start` stack.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const apiUrl = localApiUrl();
  const dataDir = resolve(process.env.DATA_DIR ?? '.data');
  const result = await seedOpsDemo({ apiUrl, surveyKeys: localSurveyKeyring(dataDir) });
  console.log(
    [
      `Seeded every desk (${DESKS.join(', ')}). Open ${apiUrl}/ops/ and get a demo token:`,
      `  the queue: any staff role on ${result.desk} (the breached ticket is ${result.breachedTicketId});`,
      '  KPIs against the policy targets: lead, manager or ops on acentus or rch-spyfocus.',
    ].join('\n'),
  );
}
