/**
 * The public status feeds of a desk: `status.json` (current status and incident history) and
 * `status.rss` (RSS 2.0, one item per public update, so a feed reader notifies on each). Pure.
 * Only public fields are published: never linked ticket ids, authors or review details.
 */
import * as z from '#shared/validation/zod.ts';
import { type AvailabilityPolicy, deskAvailability, monthOf, monthWindow } from './availability.ts';
import { Impact, type Incident, IncidentCategory, IncidentStatus, MaintenanceWindow } from './model.ts';

/** Resolved incidents stay in the published history this long. */
export const HISTORY_DAYS = 90;
/** Most incidents in status.json and most items in status.rss. */
export const MAX_FEED_INCIDENTS = 50;
export const MAX_FEED_ITEMS = 100;

const IMPACT_RANK: Record<Impact, number> = { none: 0, minor: 1, major: 2, critical: 3 };
const DESCRIPTIONS: Record<Impact, string> = {
  none: 'All systems operational',
  minor: 'Minor service disruption',
  major: 'Partial outage',
  critical: 'Major outage',
};
const STATUS_WORDS: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export interface FeedContext {
  desk: string;
  /** The desk's display name (the pack's name). */
  name: string;
  /** Absolute base URL the feeds are served from, without a trailing slash. */
  baseUrl: string;
  now: Date;
  /** The desk's availability policy: status.json then shows the month's availability so far. */
  availability?: AvailabilityPolicy | undefined;
}

export const feedPaths = (desk: string) => ({
  json: `/desks/${encodeURIComponent(desk)}/status.json`,
  rss: `/desks/${encodeURIComponent(desk)}/status.rss`,
});

/** Open incidents, and resolved ones from the last HISTORY_DAYS, newest first; never security incidents. */
export function publishedIncidents(incidents: readonly Incident[], now: Date): Incident[] {
  const since = new Date(now.getTime() - HISTORY_DAYS * 86_400_000).toISOString();
  return incidents
    .filter((i) => i.category !== 'security')
    .filter((i) => i.status !== 'resolved' || (i.resolvedAt ?? i.updatedAt) >= since)
    .filter((i) => i.createdAt <= now.toISOString())
    .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0))
    .slice(0, MAX_FEED_INCIDENTS);
}

/** What `statusJson` publishes, as the API contract states it (GET /desks/{desk}/status.json). */
export const StatusFeed = z.strictObject({
  desk: z.string(),
  name: z.string(),
  links: z.strictObject({ self: z.string(), rss: z.string() }),
  generatedAt: z.iso.datetime(),
  status: z.strictObject({
    indicator: Impact,
    description: z.string(),
    openIncidents: z.number().check(z.int()),
  }),
  incidents: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      status: IncidentStatus,
      impact: Impact,
      createdAt: z.iso.datetime(),
      updatedAt: z.iso.datetime(),
      resolvedAt: z.nullable(z.iso.datetime()),
      category: IncidentCategory,
      /** Affected components; empty = every component. */
      components: z.array(z.string()),
      window: z.nullable(MaintenanceWindow),
      updates: z.array(z.strictObject({ at: z.iso.datetime(), status: IncidentStatus, message: z.string() })),
    }),
  ),
  /** The UTC month so far, per plan and component (desks with an availability policy). */
  availability: z.exactOptional(
    z.strictObject({
      month: z.string(),
      from: z.iso.datetime(),
      to: z.iso.datetime(),
      plans: z.array(
        z.strictObject({
          plan: z.string(),
          targetPercent: z.number(),
          availabilityPercent: z.number(),
          met: z.boolean(),
        }),
      ),
      components: z.array(
        z.strictObject({ component: z.string(), name: z.string(), availabilityPercent: z.number() }),
      ),
    }),
  ),
}) satisfies z.ZodMiniType<ReturnType<typeof statusJson>>;

export function statusJson(incidents: readonly Incident[], ctx: FeedContext) {
  const published = publishedIncidents(incidents, ctx.now);
  const open = published.filter((i) => i.status !== 'resolved');
  const worst = open.reduce<Impact>(
    (w, i) => (IMPACT_RANK[i.impact] > IMPACT_RANK[w] ? i.impact : w),
    'none',
  );
  const paths = feedPaths(ctx.desk);
  return {
    desk: ctx.desk,
    name: `${ctx.name} status`,
    links: { self: `${ctx.baseUrl}${paths.json}`, rss: `${ctx.baseUrl}${paths.rss}` },
    generatedAt: ctx.now.toISOString(),
    status: {
      indicator: worst,
      description: open.length ? DESCRIPTIONS[worst] : DESCRIPTIONS.none,
      openIncidents: open.length,
    },
    incidents: published.map((i) => ({
      id: i.id,
      title: i.title,
      status: i.status,
      impact: i.impact,
      createdAt: i.createdAt,
      updatedAt: i.updatedAt,
      resolvedAt: i.resolvedAt,
      category: i.category ?? 'incident',
      components: i.components ?? [],
      window: i.window ?? null,
      updates: [...i.updates].reverse().map((u) => ({ at: u.at, status: u.status, message: u.message })),
    })),
    ...(ctx.availability ? { availability: monthToDate(incidents, ctx.availability, ctx.now) } : {}),
  };
}

/** The month's availability so far (its first instant to now), as the public page shows it. */
export function monthToDate(incidents: readonly Incident[], policy: AvailabilityPolicy, now: Date) {
  const month = monthOf(now);
  const window = { start: monthWindow(month).start, end: now.getTime() };
  const figures = deskAvailability(incidents, policy, window, now);
  return {
    month,
    from: new Date(window.start).toISOString(),
    to: now.toISOString(),
    plans: figures.plans.map((p) => ({
      plan: p.plan,
      targetPercent: p.targetPercent,
      availabilityPercent: p.availabilityPercent,
      met: p.met,
    })),
    components: figures.components.map((c) => ({
      component: c.component,
      name: c.name,
      availabilityPercent: c.availabilityPercent,
    })),
  };
}

export function escapeXml(text: string): string {
  return (
    text
      .replace(/&/g, '&amp;')
      .replace(/</g, '&lt;')
      .replace(/>/g, '&gt;')
      .replace(/"/g, '&quot;')
      .replace(/'/g, '&apos;')
      // Characters XML 1.0 forbids (control characters other than tab, newline, carriage return).
      // biome-ignore lint/suspicious/noControlCharactersInRegex: removing them is the point
      .replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '')
  );
}

/** RFC 822 date-time as RSS 2.0 wants it ("Mon, 03 Mar 2031 09:00:00 GMT"). */
export const rfc822 = (iso: string) => new Date(iso).toUTCString();

export function statusRss(incidents: readonly Incident[], ctx: FeedContext): string {
  const published = publishedIncidents(incidents, ctx.now);
  const paths = feedPaths(ctx.desk);
  const items = published
    .flatMap((incident) =>
      incident.updates
        .map((update, n) => ({ incident, update, n }))
        .filter((x) => x.update.at <= ctx.now.toISOString()),
    )
    .sort((a, b) => (a.update.at < b.update.at ? 1 : a.update.at > b.update.at ? -1 : 0))
    .slice(0, MAX_FEED_ITEMS);
  const lastBuild = items[0]?.update.at ?? ctx.now.toISOString();
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<rss version="2.0" xmlns:atom="http://www.w3.org/2005/Atom">',
    '<channel>',
    `<title>${escapeXml(`${ctx.name} status`)}</title>`,
    `<link>${escapeXml(`${ctx.baseUrl}${paths.json}`)}</link>`,
    `<description>${escapeXml(`Incidents affecting ${ctx.name} support services, with every public update.`)}</description>`,
    '<language>en</language>',
    `<lastBuildDate>${rfc822(lastBuild)}</lastBuildDate>`,
    '<ttl>5</ttl>',
    `<atom:link href="${escapeXml(`${ctx.baseUrl}${paths.rss}`)}" rel="self" type="application/rss+xml"/>`,
    ...items.map(({ incident, update, n }) =>
      [
        '<item>',
        `<title>${escapeXml(`${STATUS_WORDS[update.status]}: ${incident.title}`)}</title>`,
        `<link>${escapeXml(`${ctx.baseUrl}${paths.json}#incident-${incident.id}`)}</link>`,
        `<description>${escapeXml(`${update.message} (impact: ${incident.impact})`)}</description>`,
        `<guid isPermaLink="false">${escapeXml(`urn:tierdesk:${ctx.desk}:incident:${incident.id}:update:${n + 1}`)}</guid>`,
        `<pubDate>${rfc822(update.at)}</pubDate>`,
        `<category>${escapeXml(incident.impact)}</category>`,
        '</item>',
      ].join('\n'),
    ),
    '</channel>',
    '</rss>',
    '',
  ];
  return lines.join('\n');
}
