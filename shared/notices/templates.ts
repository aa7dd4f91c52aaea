import type { SlaEscalation } from '../sla/engine.ts';

/**
 * The notice templates: per pack template id and language, with fallbacks. Language comes first (a
 * customer should be written to in their language): the pack's template in the customer's
 * language, else the generic template of its kind in that language; then the same in the desk's
 * language; then English. Templates write blocks; `render.ts` turns them into the plain
 * text and the HTML alternative, so both always say the same thing.
 *
 * A template never decides whether to state a time: `ctx.promise` is set only when the pack's
 * notice has `promiseToCustomer: true`, and templates print it only when it is set.
 */
export type Block =
  | string
  | { list: string[] }
  | { quote: string }
  | { link: { label: string; url: string } };

export interface NoticeContext {
  lang: string;
  deskName: string;
  queueName: string;
  ticketId: string;
  subject: string;
  priorityLabel: string;
  requesterName: string | undefined;
  /** The promised first response (its deadline, in the desk's time zone), only for notices that may state one. */
  promise: { by: string; business: boolean } | undefined;
  /** Required intake items the first message seems to lack (acknowledgements). */
  missingIntake: string[];
  surveyUrl: string | undefined;
  /** Agent reply text (replies) or the last public reply (closure summary). */
  replyBody: string | undefined;
  /** Staff notices: what the workflow applied, as it recorded it. */
  summary: string | undefined;
  /** Escalation notices: the level reached and why; every escalation text names both. */
  escalation: SlaEscalation | undefined;
  audience: string;
}

export interface Template {
  subject(ctx: NoticeContext): string;
  body(ctx: NoticeContext): Block[];
}

export type NoticeKind = 'acknowledgement' | 'closure' | 'reply' | 'customer-update' | 'staff-alert';

/** Every template id the shipped packs use, and what kind of notice it is (a test keeps this complete). */
export const TEMPLATE_KINDS: Readonly<Record<string, NoticeKind>> = {
  'techflow-acknowledgement': 'acknowledgement',
  'rch-acknowledgement': 'acknowledgement',
  'acentus-initial-acknowledgement': 'acknowledgement',
  'rarelogic-acknowledgement-no-times': 'acknowledgement',
  'techflow-satisfaction-survey': 'closure',
  'rch-resolved': 'closure',
  'acentus-closure-summary': 'closure',
  'techflow-p1-on-call': 'staff-alert',
  'techflow-sla-warning': 'staff-alert',
  'techflow-sla-breach': 'staff-alert',
  'techflow-p1-update-due': 'staff-alert',
  'techflow-escalation': 'staff-alert',
  'rch-p1-page': 'staff-alert',
  'rch-sla-warning': 'staff-alert',
  'rch-sla-breach': 'staff-alert',
  'rch-update-due': 'staff-alert',
  'rch-escalation': 'staff-alert',
  'acentus-sla-90-percent': 'staff-alert',
  'acentus-sla-breach': 'staff-alert',
  'acentus-2-hour-update': 'staff-alert',
  'acentus-24-hour-remediation-plan': 'staff-alert',
  'acentus-remediation-plan-due': 'staff-alert',
  'acentus-escalation-summary': 'staff-alert',
  'rarelogic-staff-reminder': 'staff-alert',
  'rarelogic-staff-breach': 'staff-alert',
  'rarelogic-follow-up-due': 'staff-alert',
  'rarelogic-staff-escalation': 'staff-alert',
};

const hello = (ctx: NoticeContext, en = true) =>
  en
    ? `Hello${ctx.requesterName ? ` ${ctx.requesterName}` : ''},`
    : `Bonjour${ctx.requesterName ? ` ${ctx.requesterName}` : ''},`;

const promiseLine = (ctx: NoticeContext): Block[] =>
  ctx.promise
    ? [
        `You will hear from us by ${ctx.promise.by}${ctx.promise.business ? ' (our support hours count towards this time)' : ''}.`,
      ]
    : [];

const missingBlocks = (ctx: NoticeContext): Block[] =>
  ctx.missingIntake.length
    ? [
        'To help us solve this quickly, please reply with the following if you have not already:',
        { list: ctx.missingIntake },
      ]
    : [];

/** The level an escalation reached and why: the rule that fired and, when the pack quotes it, the policy. */
const escalationBlocks = (e: SlaEscalation): Block[] => [
  `Escalated to tier ${e.toTier}: ${e.level}.`,
  `Why: ${e.why} (rule ${e.rule}).`,
  ...(e.policy ? ['The support policy says:', { quote: e.policy }] : []),
];

const replyHint = 'Reply to this email to add to your request; please keep the reference in the subject.';

const GENERIC_EN: Record<NoticeKind, Template> = {
  acknowledgement: {
    subject: (ctx) => `We received your request: ${ctx.subject}`,
    body: (ctx) => [
      hello(ctx),
      `Thank you for contacting ${ctx.deskName}. Your request has been logged with reference ${ctx.ticketId} (priority: ${ctx.priorityLabel}).`,
      ...promiseLine(ctx),
      ...missingBlocks(ctx),
      replyHint,
      ctx.queueName,
    ],
  },
  closure: {
    subject: (ctx) => `Your request has been resolved: ${ctx.subject}`,
    body: (ctx) => [
      hello(ctx),
      `We have marked your request ${ctx.ticketId} as resolved.`,
      ...(ctx.replyBody ? ['Our last update was:', { quote: ctx.replyBody }] : []),
      'If anything is still not right, reply to this email and we will pick it up again.',
      ...(ctx.surveyUrl
        ? [
            'How did we do? Rating our support takes one click:',
            { link: { label: 'Rate our support', url: ctx.surveyUrl } },
          ]
        : []),
      ctx.queueName,
    ],
  },
  reply: {
    subject: (ctx) => `Re: ${ctx.subject}`,
    body: (ctx) => [ctx.replyBody ?? '', replyHint, ctx.queueName],
  },
  'customer-update': {
    subject: (ctx) => `Update on your request: ${ctx.subject}`,
    body: (ctx) => [
      hello(ctx),
      ctx.escalation
        ? `Your request ${ctx.ticketId} has been passed to ${ctx.escalation.level} (tier ${ctx.escalation.toTier}).`
        : (ctx.summary ?? `There is an update on your request ${ctx.ticketId}.`),
      replyHint,
      ctx.queueName,
    ],
  },
  'staff-alert': {
    subject: (ctx) =>
      ctx.escalation
        ? `[${ctx.priorityLabel}] Escalated to tier ${ctx.escalation.toTier} (${ctx.escalation.level}): ${ctx.subject}`
        : `[${ctx.priorityLabel}] ${ctx.summary ?? 'SLA notice'}: ${ctx.subject}`,
    body: (ctx) => [
      `Ticket ${ctx.ticketId} (${ctx.deskName}, ${ctx.priorityLabel}): ${ctx.subject}`,
      ...(ctx.escalation ? escalationBlocks(ctx.escalation) : [ctx.summary ?? 'An SLA notice is due.']),
      `This notice goes to the ${ctx.audience} of the ticket, as the desk's support policy asks.`,
    ],
  },
};

const GENERIC_FR: Partial<Record<NoticeKind, Template>> = {
  acknowledgement: {
    subject: (ctx) => `Nous avons bien reçu votre demande : ${ctx.subject}`,
    body: (ctx) => [
      hello(ctx, false),
      `Merci d'avoir contacté ${ctx.deskName}. Votre demande porte la référence ${ctx.ticketId} (priorité : ${ctx.priorityLabel}).`,
      ...(ctx.promise
        ? [
            `Nous vous répondrons au plus tard le ${ctx.promise.by}${ctx.promise.business ? ' (seules nos heures d’ouverture comptent)' : ''}.`,
          ]
        : []),
      ...(ctx.missingIntake.length
        ? [
            'Pour nous aider à régler la situation rapidement, merci de nous indiquer, si ce n’est déjà fait :',
            { list: ctx.missingIntake },
          ]
        : []),
      'Répondez à ce courriel pour compléter votre demande ; merci de conserver la référence dans l’objet.',
      ctx.queueName,
    ],
  },
  closure: {
    subject: (ctx) => `Votre demande est résolue : ${ctx.subject}`,
    body: (ctx) => [
      hello(ctx, false),
      `Nous avons indiqué que votre demande ${ctx.ticketId} est résolue.`,
      ...(ctx.replyBody ? ['Notre dernière réponse :', { quote: ctx.replyBody }] : []),
      'Si quelque chose ne va toujours pas, répondez à ce courriel et nous reprendrons la demande.',
      ...(ctx.surveyUrl
        ? [
            'Votre avis compte : évaluez notre service en un clic.',
            { link: { label: 'Évaluer le service', url: ctx.surveyUrl } },
          ]
        : []),
      ctx.queueName,
    ],
  },
  reply: {
    subject: (ctx) => `Re : ${ctx.subject}`,
    body: (ctx) => [
      ctx.replyBody ?? '',
      'Répondez à ce courriel pour compléter votre demande ; merci de conserver la référence dans l’objet.',
      ctx.queueName,
    ],
  },
};

/** Pack-specific wording, where a pack's document asks for it. */
const PACK_TEMPLATES: Record<string, Partial<Record<string, Template>>> = {
  'acentus-closure-summary': {
    en: {
      subject: (ctx) => `Closure summary: ${ctx.subject}`,
      body: (ctx) => [
        hello(ctx),
        `Your request ${ctx.ticketId} is resolved. Here is the closure summary.`,
        'Resolution steps:',
        { quote: ctx.replyBody ?? 'See the last update on your request.' },
        'Preventive actions are tracked by our team; if the problem comes back, reply to this email and the request reopens with its history.',
        ...(ctx.surveyUrl
          ? [
              'Please tell us how we did (CSAT):',
              { link: { label: 'Rate this resolution', url: ctx.surveyUrl } },
            ]
          : []),
        ctx.queueName,
      ],
    },
  },
  'techflow-satisfaction-survey': {
    en: {
      subject: (ctx) => `Resolved: ${ctx.subject} — how did we do?`,
      body: (ctx) => GENERIC_EN.closure.body(ctx),
    },
  },
  'rarelogic-acknowledgement-no-times': {
    en: {
      subject: (ctx) => `We received your request: ${ctx.subject}`,
      body: (ctx) => [
        hello(ctx),
        `Thank you for contacting ${ctx.deskName}. Your request has been logged with reference ${ctx.ticketId}.`,
        'A member of our support team will follow up with you during our support hours (Monday to Friday, 9:00–17:00 Eastern, excluding major Canadian holidays).',
        ...missingBlocks(ctx),
        replyHint,
        ctx.queueName,
      ],
    },
  },
};

const base = (lang: string) => lang.toLowerCase().split('-')[0] ?? 'en';

/** The acknowledgement's subject when the sender was not authenticated: none of the mail's own words. */
export function neutralAcknowledgementSubject(lang: string): string {
  return lang === 'fr' ? 'Nous avons bien reçu votre message' : 'We received your message';
}

/** The template for a notice: pack template → generic by kind, each in the customer's language, then the desk's, then English. */
export function resolveTemplate(
  templateId: string | undefined,
  kind: NoticeKind,
  lang: string,
  deskLanguage: string,
): { template: Template; lang: string } {
  const langs = [...new Set([base(lang), base(deskLanguage), 'en'])];
  const pack = templateId ? PACK_TEMPLATES[templateId] : undefined;
  for (const l of langs) {
    const t = pack?.[l];
    if (t) return { template: t, lang: l };
    const g = l === 'fr' ? GENERIC_FR[kind] : l === 'en' ? GENERIC_EN[kind] : undefined;
    if (g) return { template: g, lang: l };
  }
  return { template: GENERIC_EN[kind], lang: 'en' };
}

/** The kind of a notice: from the template id when known, else from its audience. */
export function noticeKind(templateId: string | undefined, audience: string, reply: boolean): NoticeKind {
  if (reply) return 'reply';
  const known = templateId ? TEMPLATE_KINDS[templateId] : undefined;
  if (known) return audience === 'customer' || known === 'staff-alert' ? known : 'staff-alert';
  return audience === 'customer' ? 'customer-update' : 'staff-alert';
}
