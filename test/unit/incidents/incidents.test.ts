import { parseDocument } from 'htmlparser2';
import { describe, expect, it } from 'vitest';
import type { Principal } from '#shared/auth/principal.ts';
import { DomainError } from '#shared/errors/domain-error.ts';
import { openIncident, recordReviewThresholds, updateIncident } from '#shared/incidents/commands.ts';
import { escapeXml, statusJson, statusRss } from '#shared/incidents/feed.ts';
import { reviewStateOf } from '#shared/incidents/model.ts';
import { reviewPolicyOf } from '#shared/incidents/review-policy.ts';

const ops: Principal = {
  id: 'ops-1',
  role: 'ops',
  desk: 'acentus',
  email: undefined,
  name: undefined,
  plan: undefined,
  tier: undefined,
};
const t = (h: number) => new Date(Date.parse('2031-03-03T09:00:00Z') + h * 3_600_000);
const policy = reviewPolicyOf('acentus');

function incident() {
  return openIncident({
    principal: ops,
    body: {
      title: 'API errors & timeouts <EU>',
      impact: 'major',
      status: 'investigating',
      message: 'Looking.',
    },
    id: '01JAAAAAAAAAAAAAAAAAAAAAAA',
    now: t(0),
    policy,
  });
}

describe('incident lifecycle', () => {
  it('only ops, leads and managers publish incidents', () => {
    expect(() =>
      openIncident({
        principal: { ...ops, role: 'agent' },
        body: { title: 'x', impact: 'minor', status: 'investigating', message: 'x' },
        id: '01JAAAAAAAAAAAAAAAAAAAAAAA',
        now: t(0),
        policy,
      }),
    ).toThrow(DomainError);
  });

  it('resolving sets the review due per the desk’s policy; reopening clears it', () => {
    const resolved = updateIncident({
      principal: ops,
      incident: incident(),
      patch: { status: 'resolved', message: 'Fixed.' },
      now: t(2),
      policy,
    });
    expect(resolved.review).toMatchObject({ dueAt: t(74).toISOString(), latestAt: t(122).toISOString() });
    expect(resolved.review.policy).toMatch(/72–120 hours of resolution/);
    expect(resolved.version).toBe(2);
    expect(resolved.updates.map((u) => u.status)).toEqual(['investigating', 'resolved']);
    const reopened = updateIncident({
      principal: ops,
      incident: resolved,
      patch: { status: 'monitoring', message: 'It came back.' },
      now: t(3),
      policy,
    });
    expect(reopened).toMatchObject({ resolvedAt: null, review: { dueAt: null, latestAt: null } });
  });

  it('a desk whose document names no window gets the product default of 120 hours', () => {
    expect(reviewPolicyOf('rarelogic')).toMatchObject({ dueHours: 120, latestHours: 120, source: null });
    expect(reviewPolicyOf('techflow').source).toMatch(/Post-incident review meetings/);
  });

  it('the review thresholds are recorded once each, in order', () => {
    const resolved = updateIncident({
      principal: ops,
      incident: incident(),
      patch: { status: 'resolved', message: 'Fixed.' },
      now: t(2),
      policy,
    });
    expect(recordReviewThresholds(resolved, t(73))).toBe(resolved);
    const overdue = recordReviewThresholds(resolved, t(75));
    expect(overdue.review.events.map((e) => e.type)).toEqual(['due-passed']);
    expect(reviewStateOf(overdue, t(75))).toBe('overdue');
    expect(recordReviewThresholds(overdue, t(80))).toBe(overdue);
    // A sweep that missed both thresholds records both at once.
    const late = recordReviewThresholds(resolved, t(200));
    expect(late.review.events.map((e) => e.type)).toEqual(['due-passed', 'latest-passed']);
    expect(reviewStateOf(late, t(200))).toBe('late');
    const done = updateIncident({
      principal: ops,
      incident: late,
      patch: { review: { completed: true } },
      now: t(201),
      policy,
    });
    expect(reviewStateOf(done, t(201))).toBe('completed');
    expect(recordReviewThresholds(done, t(500))).toBe(done);
  });

  it('a status change needs a message, and the review can be completed only once resolved', () => {
    expect(() =>
      updateIncident({
        principal: ops,
        incident: incident(),
        patch: { status: 'identified' },
        now: t(1),
        policy,
      }),
    ).toThrow(/invalid fields/);
    expect(() =>
      updateIncident({
        principal: ops,
        incident: incident(),
        patch: { review: { completed: true } },
        now: t(1),
        policy,
      }),
    ).toThrow(/once the incident is resolved/);
  });
});

describe('status feeds', () => {
  const ctx = { desk: 'acentus', name: 'Acentus', baseUrl: 'https://status.example.com', now: t(5) };
  const resolved = updateIncident({
    principal: ops,
    incident: { ...incident(), ticketIds: ['01JBBBBBBBBBBBBBBBBBBBBBBB'] },
    patch: { status: 'resolved', message: 'Fixed "for good" & monitored.' },
    now: t(2),
    policy,
  });

  it('status.json: overall status from open incidents, public fields only', () => {
    const open = statusJson([incident()], ctx);
    expect(open.status).toEqual({ indicator: 'major', description: 'Partial outage', openIncidents: 1 });
    const json = statusJson([resolved], ctx);
    expect(json.status.indicator).toBe('none');
    expect(json.incidents[0]!.updates.map((u) => u.status)).toEqual(['resolved', 'investigating']);
    expect(JSON.stringify(json)).not.toMatch(/ticketIds|01JBBBB|ops-1|review/);
  });

  it('resolved incidents leave the feeds after 90 days', () => {
    expect(statusJson([resolved], { ...ctx, now: t(24 * 91) }).incidents).toEqual([]);
  });

  it('status.rss is RSS 2.0: channel title/link/description, items with guid and RFC 822 pubDate', () => {
    const xml = statusRss([resolved], ctx);
    expect(xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"')).toBe(true);
    const doc = parseDocument(xml, { xmlMode: true });
    const find = (node: any, name: string): any[] =>
      (node.children ?? []).flatMap((c: any) => [...(c.name === name ? [c] : []), ...find(c, name)]);
    const text = (node: any): string =>
      (node.children ?? []).map((c: any) => (c.type === 'text' ? c.data : text(c))).join('');
    const [rss] = find(doc, 'rss');
    expect(rss.attribs.version).toBe('2.0');
    const [channel] = find(rss, 'channel');
    const child = (node: any, name: string) => node.children.find((c: any) => c.name === name);
    expect(text(child(channel, 'title'))).toBe('Acentus status');
    expect(text(child(channel, 'link'))).toBe('https://status.example.com/desks/acentus/status.json');
    expect(text(child(channel, 'description')).length).toBeGreaterThan(10);
    const items = find(channel, 'item');
    expect(items).toHaveLength(2);
    const rfc822 =
      /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;
    for (const item of items) {
      expect(text(child(item, 'pubDate'))).toMatch(rfc822);
      expect(child(item, 'guid').attribs.isPermaLink).toBe('false');
    }
    // Newest first; the entities decode back to the original text.
    expect(text(child(items[0], 'title'))).toBe('Resolved: API errors & timeouts <EU>');
    expect(new Date(text(child(items[0], 'pubDate'))).toISOString()).toBe(t(2).toISOString());
    expect(new Set(items.map((i: any) => text(child(i, 'guid')))).size).toBe(2);
    expect(xml).toContain('Fixed &quot;for good&quot; &amp; monitored.');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">'&'</a>\u0001`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;',
    );
  });
});
