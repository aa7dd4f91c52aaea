import { describe, expect, it } from 'vitest';
import { outboundForSlaActions } from '#shared/notices/outbound.ts';
import { renderTemplate } from '#shared/notices/render.ts';
import { type NoticeContext, noticeKind, resolveTemplate } from '#shared/notices/templates.ts';
import { loadPolicyPacks } from '#shared/policy/packs.ts';
import type { TicketActivity } from '#shared/tickets/activity.ts';
import type { Ticket } from '#shared/tickets/model.ts';
import type { SlaActionRecord } from '#shared/workflow/model.ts';
import { policyPackPlanner } from '#shared/workflow/policy-planner.ts';
import { DEFAULT_FIRST_RESPONSE_MINUTES, fixedFirstResponsePlanner } from '#shared/workflow/sla-planner.ts';

const CREATED = '2031-03-03T15:00:00.000Z';
const ticket = {
  id: '01JESC0000000000000000000',
  desk: 'techflow',
  status: 'new',
  priority: 'urgent',
  plan: 'standard',
  channel: 'email',
  tier: 1,
  createdAt: CREATED,
} as unknown as Ticket;
const activity: TicketActivity[] = [
  {
    at: CREATED,
    by: 'c',
    type: 'ticket-created',
    priority: 'urgent',
    plan: 'standard',
    channel: 'email',
    status: 'new',
  },
];

/** The escalation notices to the lead after five unanswered hours, as the lead would read them. */
function leadEscalationTexts() {
  const planner = policyPackPlanner(fixedFirstResponsePlanner(DEFAULT_FIRST_RESPONSE_MINUTES));
  const plan = planner(ticket, activity, new Date('2031-03-03T20:00:00.000Z'));
  const records: SlaActionRecord[] = plan.actions.map((a) => ({ ...a, appliedAt: a.at }) as SlaActionRecord);
  const entries = outboundForSlaActions(records, new Date()).filter(
    (m) => m.template === 'techflow-escalation' && m.audience === 'lead',
  );
  return entries.map((entry) => {
    const kind = noticeKind(entry.template, entry.audience, false);
    const { template } = resolveTemplate(entry.template, kind, 'en', 'en');
    const ctx: NoticeContext = {
      lang: 'en',
      deskName: 'TechFlow Solutions',
      queueName: 'TechFlow Support',
      ticketId: ticket.id,
      subject: 'Checkout down',
      priorityLabel: 'P1 - Critical',
      requesterName: undefined,
      promise: undefined,
      missingIntake: [],
      surveyUrl: undefined,
      replyBody: undefined,
      summary: entry.summary,
      audience: entry.audience,
      escalation: entry.escalation,
    };
    return renderTemplate(template, ctx, { replyMarker: false });
  });
}

describe('escalation notices', () => {
  it('two escalations give two texts, each naming its level and the policy’s reason', () => {
    const [l2, l3] = leadEscalationTexts();
    expect(l2 && l3).toBeTruthy();
    expect(l2!.text).not.toBe(l3!.text);
    expect(l2!.subject).not.toBe(l3!.subject);
    expect(l2!.subject).toContain('tier 2 (Level 2 - Senior Support Engineer)');
    expect(l2!.text).toContain('Escalated to tier 2: Level 2 - Senior Support Engineer');
    expect(l2!.text).toContain('Escalated after 2 hours (Priority 1)');
    expect(l2!.text).toContain('rule p1-level-2-after-2h');
    expect(l3!.text).toContain('Escalated to tier 3: Level 3 - Engineering Team');
    expect(l3!.text).toContain('Escalated after 4 hours (Priority 1)');
    expect(l3!.html).toContain('Level 3 - Engineering Team');
  });

  it('every escalation trigger of the shipped packs states its reason in the policy’s words', () => {
    for (const pack of loadPolicyPacks().values())
      for (const t of pack.escalation.triggers) expect(t.reason, `${pack.id} ${t.id}`).toMatch(/\S/);
  });
});
