/**
 * The policy-pack format: one JSON document per desk, holding every machine-enforceable rule of a
 * customer's written support policy (calendars, targets, warnings, pauses, escalation ladder,
 * notices, intake, retention, DSAR, billing appeals, refunds). Data, not code.
 *
 * Every object is strict: an unknown field is an error, so a typo in a pack never silently
 * disables a rule. Cross-references (calendar names, plan ids, tiers, rule ids) are checked too.
 * `docs/policy-packs.md` explains each field and the target-rule precedence.
 */
import { enumWithout } from '#shared/validation/enum-without.ts';
import * as z from '#shared/validation/zod.ts';
import { PrivacyPolicy } from '../privacy/pack-schema.ts';
import { CHANNELS, PRIORITIES, Slug, STATUSES } from '../tickets/model.ts';
import { METRICS, PERIOD_RE, parsePeriod, WEEKDAYS } from './vocabulary.ts';

export { METRICS, packVersion, parsePeriod, WEEKDAYS } from './vocabulary.ts';
export const Metric = z.enum(METRICS);
export type Metric = z.infer<typeof Metric>;

export const ClockKind = z.enum(['business', 'calendar']);
export type ClockKind = z.infer<typeof ClockKind>;

export const AUDIENCES = ['customer', 'assignee', 'lead', 'on-call', 'manager'] as const;
export const Audience = z.enum(AUDIENCES);
export type Audience = z.infer<typeof Audience>;

export type Weekday = (typeof WEEKDAYS)[number];

const PriorityEnum = z.enum(PRIORITIES);
const ChannelEnum = z.enum(CHANNELS);
const StatusEnum = z.enum(STATUSES);

/** True when `Intl` knows the zone (IANA names such as `America/New_York`, plus `UTC`). */
export function isValidTimeZone(zone: string): boolean {
  if (!zone.includes('/') && zone !== 'UTC') return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const TimeZone = z
  .string()
  .check(
    z.minLength(1),
    z.refine(isValidTimeZone, { message: 'an IANA time zone such as America/New_York' }),
    z.describe('IANA time zone, e.g. America/New_York (never an abbreviation like EST)'),
  );

export const OpenPeriod = z.string().check(
  z.regex(PERIOD_RE, 'an open period "HH:MM-HH:MM" in local time, e.g. "09:00-17:00" (end may be 24:00)'),
  z.refine(
    (p) => {
      if (!PERIOD_RE.test(p)) return true;
      const { from, to } = parsePeriod(p);
      return from < to && from < 24 * 60 && to <= 24 * 60;
    },
    { message: 'a period must end after it starts, within one day (00:00-24:00)' },
  ),
);

const IsoDate = z
  .string()
  .check(z.regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, 'a date YYYY-MM-DD'));

const DayPeriods = z.optional(z.array(OpenPeriod).check(z.maxLength(12)));

export const WeeklyHours = z
  .strictObject({
    mon: DayPeriods,
    tue: DayPeriods,
    wed: DayPeriods,
    thu: DayPeriods,
    fri: DayPeriods,
    sat: DayPeriods,
    sun: DayPeriods,
  })
  .check(z.describe('Open periods per weekday in the calendar time zone; a missing day is closed'));

export const HolidaySource = z
  .strictObject({
    country: z.string().check(z.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code, e.g. CA')),
    region: z
      .optional(z.string().check(z.minLength(1), z.maxLength(10)))
      .check(z.describe('state/province code for date-holidays, e.g. ON')),
    types: z
      .optional(z.array(z.enum(['public', 'bank', 'optional', 'school', 'observance'])).check(z.minLength(1)))
      .check(z.describe('date-holidays types that close the calendar; default ["public"]')),
  })
  .check(z.describe('Public holidays from date-holidays; each holiday closes its whole local date'));

const MONTH = z.number().check(z.int(), z.minimum(1), z.maximum(12));
const WeekdayEnum = z.enum(WEEKDAYS);

/** One holiday as a rule the reader can check against the calendar on the wall; computed for any year. */
export const ClosedDayRule = z.union([
  z.strictObject({
    name: z.string().check(z.minLength(1)),
    month: MONTH,
    day: z.number().check(z.int(), z.minimum(1), z.maximum(31)),
  }),
  z.strictObject({
    name: z.string().check(z.minLength(1)),
    month: MONTH,
    weekday: WeekdayEnum,
    nth: z
      .number()
      .check(z.int(), z.minimum(1), z.maximum(4), z.describe('1 = first, 2 = second ... of the month')),
  }),
  z.strictObject({
    name: z.string().check(z.minLength(1)),
    month: MONTH,
    weekday: WeekdayEnum,
    before: z
      .number()
      .check(
        z.int(),
        z.minimum(2),
        z.maximum(31),
        z.describe('the last such weekday strictly before this day'),
      ),
  }),
  z.strictObject({
    name: z.string().check(z.minLength(1)),
    easterOffset: z
      .number()
      .check(
        z.int(),
        z.minimum(-60),
        z.maximum(60),
        z.describe('days after Easter Sunday (Good Friday: -2)'),
      ),
  }),
]);
export type ClosedDayRule = z.infer<typeof ClosedDayRule>;

export const ClosedDays = z
  .strictObject({
    days: z.array(ClosedDayRule).check(z.minLength(1)),
    weekend: z
      .enum(['next-weekday', 'not-observed'])
      .check(
        z.describe(
          'a holiday on a Saturday or Sunday closes the next weekday that is not itself closed, or nothing',
        ),
      ),
    source: z.optional(z.string()),
  })
  .check(z.describe('Holidays written out as rules in the pack (computed for every year, no table)'));
export type ClosedDays = z.infer<typeof ClosedDays>;

export const Calendar = z
  .strictObject({
    description: z.optional(z.string()),
    timeZone: z.optional(TimeZone).check(z.describe('defaults to the pack time zone')),
    alwaysOpen: z.optional(z.literal(true)).check(z.describe('24/7: open every minute of every day')),
    hours: z.optional(WeeklyHours),
    holidays: z.optional(HolidaySource),
    closedDays: z.optional(ClosedDays),
    closedDates: z
      .optional(z.array(IsoDate))
      .check(z.describe('extra whole local dates on which the calendar is closed')),
  })
  .check(
    z.superRefine((cal, ctx) => {
      if (cal.alwaysOpen && cal.hours) {
        ctx.addIssue({
          code: 'custom',
          message: 'use either alwaysOpen or hours, not both',
          path: ['hours'],
        });
      }
      if (!cal.alwaysOpen && !cal.hours) {
        ctx.addIssue({
          code: 'custom',
          message: 'a calendar needs hours or alwaysOpen: true',
          path: ['hours'],
        });
      }
      if (cal.hours) {
        for (const day of WEEKDAYS) {
          const periods = (cal.hours[day] ?? []).filter((p) => PERIOD_RE.test(p)).map(parsePeriod);
          periods.sort((a, b) => a.from - b.from);
          for (let i = 1; i < periods.length; i++) {
            const prev = periods[i - 1]!;
            if (periods[i]!.from < prev.to) {
              ctx.addIssue({
                code: 'custom',
                message: `overlapping open periods on ${day}`,
                path: ['hours', day],
              });
            }
          }
        }
      }
    }),
  );
export type Calendar = z.infer<typeof Calendar>;

export const PriorityDefinition = z.strictObject({
  label: z.string().check(z.minLength(1), z.describe("the pack's own name, e.g. P1, Severity 1, Critical")),
  description: z.optional(z.string()),
  intake: z.optional(
    z.strictObject({
      criteria: z
        .optional(z.array(z.string().check(z.minLength(1))))
        .check(z.describe('the conditions, as the document states them')),
      keywords: z
        .optional(z.array(z.string().check(z.minLength(1))))
        .check(z.describe('lower-case words that suggest this priority')),
      plans: z
        .optional(z.array(Slug))
        .check(z.describe('plans whose non-critical tickets get this priority')),
    }),
  ),
});

export const Plan = z.strictObject({
  id: Slug,
  name: z.string().check(z.minLength(1)),
  description: z.optional(z.string()),
  calendar: z
    .optional(z.string().check(z.minLength(1)))
    .check(z.describe('calendar for business-clock targets of this plan')),
  channelCalendars: z
    .optional(z.partialRecord(ChannelEnum, z.string().check(z.minLength(1))))
    .check(
      z.describe(
        'per channel, a calendar that replaces `calendar` for this plan (hours that differ by channel)',
      ),
    ),
  channels: z
    .optional(z.array(ChannelEnum))
    .check(z.describe('channels offered to this plan (default: all)')),
});

export const ChannelDefinition = z.strictObject({
  id: ChannelEnum,
  name: z.string().check(z.minLength(1)),
  description: z.optional(z.string()),
  calendar: z
    .optional(z.string().check(z.minLength(1)))
    .check(z.describe('hours during which the channel is staffed')),
  plans: z.optional(z.array(Slug)).check(z.describe('plans that may use the channel (default: all)')),
});

export const TargetRule = z
  .strictObject({
    id: z
      .optional(z.string().check(z.minLength(1), z.maxLength(120)))
      .check(z.describe('stable rule name shown in explanations')),
    metric: Metric,
    priority: z.optional(PriorityEnum),
    plan: z.optional(Slug),
    channel: z.optional(ChannelEnum),
    minutes: z.number().check(z.int(), z.positive(), z.maximum(525_600)),
    clock: ClockKind,
    calendar: z
      .optional(z.string().check(z.minLength(1)))
      .check(z.describe('business clock: calendar name; default the plan calendar, then the pack default')),
    warnAtMinutes: z
      .optional(z.array(z.number().check(z.int(), z.positive())))
      .check(z.describe('extra warnings at these elapsed minutes (e.g. the lower bound of a range)')),
    assignee: z
      .optional(z.enum(['staff', 'on-call']))
      .check(
        z.describe(
          'assignment metric: who must be assigned (default staff; on-call: a staff member on call)',
        ),
      ),
    source: z.optional(z.string()).check(z.describe('the sentence of the policy document this rule encodes')),
  })
  .check(
    z.refine((t) => t.assignee === undefined || t.metric === 'assignment', {
      message: 'assignee is only for the assignment metric',
      path: ['assignee'],
    }),
    z.describe(
      'Most specific match wins: priority (4) + plan (2) + channel (1); identical selectors are an error',
    ),
  );
export type TargetRule = z.infer<typeof TargetRule>;

export const PauseRule = z.strictObject({
  statuses: z.array(enumWithout(StatusEnum, ['solved', 'closed'])).check(z.minLength(1)),
  metrics: z.array(Metric).check(z.minLength(1)),
  source: z.optional(z.string()),
});

const Selector = {
  priority: z.optional(z.array(PriorityEnum).check(z.minLength(1))),
  plan: z.optional(z.array(Slug).check(z.minLength(1))),
  channel: z.optional(z.array(ChannelEnum).check(z.minLength(1))),
};

export const FractionTrigger = z.strictObject({
  atFractionOfTarget: z.number().check(z.positive(), z.maximum(10)),
  metric: z.optional(Metric).check(z.describe('default: any metric with a target')),
});
export const ElapsedTrigger = z.strictObject({
  afterMinutes: z.number().check(z.int(), z.nonnegative()),
  clock: ClockKind,
  calendar: z.optional(z.string().check(z.minLength(1))),
});

export const EscalationLevel = z.strictObject({
  tier: z.number().check(z.int(), z.minimum(1), z.maximum(4)),
  name: z.string().check(z.minLength(1)),
  handles: z.optional(z.array(z.string())),
});

export const EscalationTrigger = z
  .strictObject({
    id: z.string().check(z.minLength(1), z.maxLength(80)),
    when: z.union([FractionTrigger, ElapsedTrigger]),
    toTier: z.union([z.number().check(z.int(), z.minimum(1), z.maximum(4)), z.literal('next')]),
    notify: z._default(z.array(Audience), []),
    template: z.optional(z.string().check(z.minLength(1))),
    ...Selector,
    source: z.optional(z.string()),
    reason: z
      .optional(z.string().check(z.minLength(1), z.maxLength(500)))
      .check(z.describe("why the ticket moves up, in the policy's words: quoted in the escalation notice")),
  })
  .check(z.describe('afterMinutes is measured from ticket creation while the ticket is unresolved'));

export const NOTICE_EVENTS = [
  'ticket-created',
  'warning',
  'breach',
  'escalation',
  'periodic-update',
  'elapsed',
  'solved',
  'reopened',
  'closed',
] as const;

export const Notice = z
  .strictObject({
    id: z.string().check(z.minLength(1), z.maxLength(80)),
    template: z.string().check(z.minLength(1)),
    audience: Audience,
    when: z.enum(NOTICE_EVENTS),
    metric: z.optional(z.array(Metric).check(z.minLength(1))),
    threshold: z
      .optional(z.number().check(z.positive(), z.maximum(1)))
      .check(z.describe('warning: only at this fraction')),
    after: z.optional(ElapsedTrigger).check(z.describe('when = elapsed: time after ticket creation')),
    promiseToCustomer: z.boolean().check(z.describe('may the notice state a response or resolution time?')),
    ...Selector,
    source: z.optional(z.string()),
  })
  .check(
    z.superRefine((n, ctx) => {
      if (n.when === 'elapsed' && !n.after) {
        ctx.addIssue({ code: 'custom', message: 'when "elapsed" needs after', path: ['after'] });
      }
      if (n.when !== 'elapsed' && n.after) {
        ctx.addIssue({ code: 'custom', message: 'after is only for when "elapsed"', path: ['after'] });
      }
    }),
  );
export type Notice = z.infer<typeof Notice>;

export const IntakeField = z.strictObject({
  field: z.string().check(z.regex(/^[a-zA-Z][a-zA-Z0-9]*$/, 'a camelCase field name')),
  label: z.string().check(z.minLength(1)),
  required: z.boolean(),
  when: z.optional(z.string()).check(z.describe('the condition, e.g. "billing-related"')),
});

export const RetentionClass = z.strictObject({
  dataClass: Slug,
  days: z
    .nullable(z.number().check(z.int(), z.positive()))
    .check(z.describe('null keeps the data indefinitely')),
  source: z.optional(z.string()),
});

const Duration = z.strictObject({
  amount: z.number().check(z.int(), z.positive()),
  unit: z.enum(['minutes', 'hours', 'days', 'business-days', 'calendar-months']),
});

export const Dsar = z.strictObject({
  due: Duration,
  extension: z.nullable(
    z.strictObject({ by: Duration, reasonRequired: z.boolean(), source: z.optional(z.string()) }),
  ),
  reminderDaysBeforeDue: z.optional(z.array(z.number().check(z.int(), z.positive()))),
  source: z.optional(z.string()),
});

export const AppealStage = z.strictObject({
  name: z.string().check(z.minLength(1)),
  role: z.string().check(z.minLength(1)),
  duration: Duration,
  calendar: z
    .optional(z.string().check(z.minLength(1)))
    .check(z.describe('for business-days; default the pack default calendar')),
  autoAdvance: z.boolean().check(z.describe('move to the next stage when this one is missed')),
});

/** Information the desk releases only to a requester whose identity has been verified (one-time code or staff attestation). */
export const IdentityVerification = z.strictObject({
  beforeReleasing: z
    .array(z.enum(['billing-information', 'refund']))
    .check(
      z.minLength(1),
      z.describe(
        'billing-information: invoices, amounts, refunds and appeal outcomes; refund: a refund is approved only for a verified requester',
      ),
    ),
  source: z.optional(z.string()),
});

export const RefundWindow = z.strictObject({
  id: z.string().check(z.minLength(1)),
  kind: z.enum(['money-back', 'pro-rated', 'settlement']),
  description: z.string().check(z.minLength(1)),
  duration: Duration,
  plans: z.optional(z.array(Slug)),
  source: z.optional(z.string()),
});

/** Staff changes that loosen what the policy promises a customer; each needs the pack's authority. */
export const LOOSENING_CHANGES = [
  'plan-downgrade',
  'priority-downgrade',
  'tier-down',
  'close-unanswered-urgent',
] as const;
export const LooseningChange = z.enum(LOOSENING_CHANGES);
export type LooseningChange = z.infer<typeof LooseningChange>;

export const StaffAuthority = z
  .strictObject({
    loosening: z
      ._default(
        z.array(
          z.strictObject({
            change: LooseningChange,
            allowed: z
              .enum(['lead', 'agent-with-reason'])
              .check(
                z.describe(
                  'lead: leads and managers only; agent-with-reason: agents too, with a recorded reason',
                ),
              ),
            source: z.optional(z.string()),
          }),
        ),
        [],
      )
      .check(z.describe('a change not listed needs a lead or manager')),
    refundSecondApproverAbove: z
      .optional(z.number().check(z.nonnegative()))
      .check(z.describe('a refund approval above this amount needs a second, different lead or manager')),
    source: z.optional(z.string()),
  })
  .check(
    z.describe(
      'Which staff role may make changes that loosen a promise (plan, priority, tier down, closing)',
    ),
  );

export const CustomerIntake = z
  .strictObject({
    priorityEntitlement: z
      ._default(
        z.array(
          z.strictObject({
            priority: PriorityEnum,
            plans: z.array(Slug).check(z.describe('plans whose customers may open this priority directly')),
            source: z.optional(z.string()),
          }),
        ),
        [],
      )
      .check(z.describe('a priority not listed may be opened by every plan')),
    customerTags: z
      ._default(z.array(Slug), [])
      .check(z.describe('tags a customer may set; any other tag is refused')),
    source: z.optional(z.string()),
  })
  .check(
    z.describe(
      "What a customer's stated priority and tags are entitled to; above it they are requests for triage",
    ),
  );

/** A tier of the credit schedule: a month below `belowPercent` availability earns `creditPercent` of the fee. */
export const CreditTier = z.strictObject({
  belowPercent: z.number().check(z.gt(0), z.maximum(100)),
  creditPercent: z.number().check(z.gt(0), z.maximum(100)),
});

export const PlanAvailability = z.strictObject({
  plan: Slug,
  targetPercent: z
    .number()
    .check(z.gt(0), z.maximum(100), z.describe('the monthly availability the plan promises')),
  components: z
    .optional(z.array(Slug).check(z.minLength(1)))
    .check(z.describe("the components the plan's service covers (default: every component)")),
  credits: z
    .array(CreditTier)
    .check(
      z.minLength(1),
      z.describe('highest belowPercent first; the first tier is the target, so any miss earns a credit'),
    ),
  source: z.optional(z.string()),
});

export const Availability = z
  .strictObject({
    components: z
      .array(z.strictObject({ id: Slug, name: z.string().check(z.minLength(1)) }))
      .check(z.minLength(1)),
    plans: z.array(PlanAvailability).check(z.minLength(1)),
    impactWeights: z
      .strictObject({
        minor: z.number().check(z.minimum(0), z.maximum(1)),
        major: z.number().check(z.minimum(0), z.maximum(1)),
        critical: z.number().check(z.minimum(0), z.maximum(1)),
      })
      .check(z.describe('share of an affected minute counted as down, by incident impact')),
    creditsNote: z.optional(z.string()).check(z.describe('where the credit schedule comes from')),
    creditReaders: z
      ._default(z.array(z.enum(['agent', 'lead', 'manager', 'ops', 'app'])).check(z.minLength(1)), [
        'manager',
      ])
      .check(
        z.describe(
          'roles that may read the monthly credits (GET /sla-credits): billing staff, or its app client',
        ),
      ),
    source: z.optional(z.string()),
  })
  .check(
    z.describe(
      'Monthly availability per plan (UTC calendar months) from the status incidents, and the service credits for a missed target',
    ),
  );

export const ReportableBreaches = z
  .strictObject({
    notifyWithinHours: z.number().check(z.int(), z.positive(), z.describe('calendar hours from awareness')),
    warnAtHours: z
      .array(z.number().check(z.int(), z.positive()))
      .check(z.maxLength(5), z.describe('warnings before the deadline')),
    source: z.optional(z.string()),
  })
  .check(z.describe('The notification window of a security incident marked reportable'));

const SEMVER_RE = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$/;

export const PolicyPack = z
  .strictObject({
    $schema: z.optional(z.string()),
    id: Slug.check(z.describe('the desk slug')),
    version: z.union([
      z.number().check(z.int(), z.positive()),
      z.string().check(z.regex(SEMVER_RE, 'a semver string such as 1.2.0')),
    ]),
    name: z.string().check(z.minLength(1)),
    source: z.optional(z.string()).check(z.describe('the policy document this pack encodes')),
    timeZone: TimeZone,
    defaultCalendar: z.string().check(z.minLength(1)),
    calendars: z.record(z.string().check(z.regex(/^[a-z0-9][a-z0-9-]*$/)), Calendar),
    priorities: z.strictObject({
      urgent: PriorityDefinition,
      high: PriorityDefinition,
      normal: PriorityDefinition,
      low: PriorityDefinition,
    }),
    defaultPriority: PriorityEnum,
    plans: z.array(Plan).check(z.minLength(1)),
    defaultPlan: Slug,
    channels: z.array(ChannelDefinition).check(z.minLength(1)),
    targets: z.array(TargetRule),
    /** Days a closure notice's survey link stays valid (the link carries its signed expiry). */
    surveyLinkDays: z._default(z.number().check(z.int(), z.minimum(1), z.maximum(365)), 30),
    periodicUpdates: z._default(
      z.strictObject({ startAfter: z.enum(['ticket-created', 'first-response']) }),
      { startAfter: 'first-response' },
    ),
    warnings: z.strictObject({
      thresholds: z.array(z.number().check(z.gt(0), z.lt(1))).check(z.maxLength(5)),
      source: z.optional(z.string()),
    }),
    pause: z.array(PauseRule),
    escalation: z.strictObject({
      levels: z.array(EscalationLevel).check(z.minLength(1)),
      triggers: z.array(EscalationTrigger),
      capByAge: z
        ._default(z.boolean(), false)
        .check(
          z.describe(
            'true: a fraction-of-target trigger never raises a ticket above the highest tier an elapsed (age) trigger matching it allows by then',
          ),
        ),
      source: z.optional(z.string()),
    }),
    notices: z.array(Notice),
    intake: z.strictObject({ requiredFields: z.array(IntakeField) }),
    retention: z.optional(
      z.strictObject({
        classes: z.array(RetentionClass),
        legalHold: z.boolean().check(z.describe('a legal hold suspends every purge for the held records')),
      }),
    ),
    dsar: z.optional(Dsar),
    billingAppeals: z.optional(
      z.strictObject({ stages: z.array(AppealStage).check(z.minLength(1)), source: z.optional(z.string()) }),
    ),
    refunds: z.optional(
      z.strictObject({
        allowed: z.boolean(),
        windows: z.array(RefundWindow),
        source: z.optional(z.string()),
      }),
    ),
    identityVerification: z.optional(IdentityVerification),
    staffAuthority: z.optional(StaffAuthority),
    customerIntake: z.optional(CustomerIntake),
    /** Consent before staff open private data; PII redaction in what the customer is sent (shared/privacy/). */
    privacy: z.optional(PrivacyPolicy),
    availability: z.optional(Availability),
    reportableBreaches: z.optional(ReportableBreaches),
  })
  .check(
    z.superRefine((pack, ctx) => {
      const calendars = new Set(Object.keys(pack.calendars));
      const plans = new Set(pack.plans.map((p) => p.id));
      const tiers = new Set(pack.escalation.levels.map((l) => l.tier));
      const needCalendar = (name: string | undefined, path: (string | number)[]) => {
        if (name !== undefined && !calendars.has(name)) {
          ctx.addIssue({ code: 'custom', message: `unknown calendar "${name}"`, path });
        }
      };
      const needPlans = (ids: readonly string[] | undefined, path: (string | number)[]) => {
        for (const id of ids ?? []) {
          if (!plans.has(id)) ctx.addIssue({ code: 'custom', message: `unknown plan "${id}"`, path });
        }
      };
      needCalendar(pack.defaultCalendar, ['defaultCalendar']);
      if (!plans.has(pack.defaultPlan)) {
        ctx.addIssue({
          code: 'custom',
          message: `unknown plan "${pack.defaultPlan}"`,
          path: ['defaultPlan'],
        });
      }
      if (plans.size !== pack.plans.length)
        ctx.addIssue({ code: 'custom', message: 'duplicate plan id', path: ['plans'] });
      pack.plans.forEach((p, i) => {
        needCalendar(p.calendar, ['plans', i, 'calendar']);
        for (const [channel, name] of Object.entries(p.channelCalendars ?? {}))
          needCalendar(name, ['plans', i, 'channelCalendars', channel]);
      });
      pack.channels.forEach((c, i) => {
        needCalendar(c.calendar, ['channels', i, 'calendar']);
        needPlans(c.plans, ['channels', i, 'plans']);
      });
      for (const prio of PRIORITIES)
        needPlans(pack.priorities[prio].intake?.plans, ['priorities', prio, 'intake', 'plans']);
      const selectors = new Map<string, number>();
      const ruleIds = new Set<string>();
      pack.targets.forEach((t, i) => {
        needCalendar(t.calendar, ['targets', i, 'calendar']);
        needPlans(t.plan === undefined ? undefined : [t.plan], ['targets', i, 'plan']);
        const key = `${t.metric}|${t.priority ?? '*'}|${t.plan ?? '*'}|${t.channel ?? '*'}`;
        const prev = selectors.get(key);
        if (prev !== undefined) {
          ctx.addIssue({
            code: 'custom',
            message: `target rule has the same metric, priority, plan and channel as targets[${prev}]`,
            path: ['targets', i],
          });
        }
        selectors.set(key, i);
        if (t.id !== undefined) {
          if (ruleIds.has(t.id))
            ctx.addIssue({
              code: 'custom',
              message: `duplicate rule id "${t.id}"`,
              path: ['targets', i, 'id'],
            });
          ruleIds.add(t.id);
        }
        for (const w of t.warnAtMinutes ?? []) {
          if (w >= t.minutes) {
            ctx.addIssue({
              code: 'custom',
              message: 'warnAtMinutes must be below minutes',
              path: ['targets', i, 'warnAtMinutes'],
            });
          }
        }
      });
      const triggerIds = new Set<string>();
      pack.escalation.triggers.forEach((t, i) => {
        if (triggerIds.has(t.id))
          ctx.addIssue({
            code: 'custom',
            message: `duplicate trigger id "${t.id}"`,
            path: ['escalation', 'triggers', i, 'id'],
          });
        triggerIds.add(t.id);
        if (typeof t.toTier === 'number' && !tiers.has(t.toTier)) {
          ctx.addIssue({
            code: 'custom',
            message: `no escalation level with tier ${t.toTier}`,
            path: ['escalation', 'triggers', i, 'toTier'],
          });
        }
        if ('calendar' in t.when)
          needCalendar(t.when.calendar, ['escalation', 'triggers', i, 'when', 'calendar']);
        needPlans(t.plan, ['escalation', 'triggers', i, 'plan']);
      });
      const noticeIds = new Set<string>();
      pack.notices.forEach((n, i) => {
        if (noticeIds.has(n.id))
          ctx.addIssue({
            code: 'custom',
            message: `duplicate notice id "${n.id}"`,
            path: ['notices', i, 'id'],
          });
        noticeIds.add(n.id);
        needCalendar(n.after?.calendar, ['notices', i, 'after', 'calendar']);
        needPlans(n.plan, ['notices', i, 'plan']);
        if (
          n.when === 'warning' &&
          n.threshold !== undefined &&
          !pack.warnings.thresholds.includes(n.threshold)
        ) {
          ctx.addIssue({
            code: 'custom',
            message: `threshold ${n.threshold} is not one of warnings.thresholds`,
            path: ['notices', i, 'threshold'],
          });
        }
      });
      pack.customerIntake?.priorityEntitlement.forEach((e, i) => {
        needPlans(e.plans, ['customerIntake', 'priorityEntitlement', i, 'plans']);
      });
      const entitled = new Set(pack.customerIntake?.priorityEntitlement.map((e) => e.priority));
      if (entitled.size !== (pack.customerIntake?.priorityEntitlement.length ?? 0)) {
        ctx.addIssue({
          code: 'custom',
          message: 'one entry per priority',
          path: ['customerIntake', 'priorityEntitlement'],
        });
      }
      const changes = new Set(pack.staffAuthority?.loosening.map((l) => l.change));
      if (changes.size !== (pack.staffAuthority?.loosening.length ?? 0)) {
        ctx.addIssue({
          code: 'custom',
          message: 'one entry per change',
          path: ['staffAuthority', 'loosening'],
        });
      }
      pack.billingAppeals?.stages.forEach((s, i) => {
        needCalendar(s.calendar, ['billingAppeals', 'stages', i, 'calendar']);
      });
      if (pack.availability) checkAvailability(pack.availability, plans, ctx);
      const breaches = pack.reportableBreaches;
      breaches?.warnAtHours.forEach((h, i) => {
        if (h >= breaches.notifyWithinHours)
          ctx.addIssue({
            code: 'custom',
            message: 'a warning comes before notifyWithinHours',
            path: ['reportableBreaches', 'warnAtHours', i],
          });
      });
    }),
  );
export type PolicyPack = z.infer<typeof PolicyPack>;

function checkAvailability(
  availability: z.infer<typeof Availability>,
  plans: ReadonlySet<string>,
  ctx: z.core.$RefinementCtx,
): void {
  const components = new Set(availability.components.map((c) => c.id));
  const issue = (message: string, path: (string | number)[]) =>
    ctx.addIssue({ code: 'custom', message, path: ['availability', ...path] });
  if (components.size !== availability.components.length) issue('duplicate component id', ['components']);
  const seen = new Set<string>();
  availability.plans.forEach((p, i) => {
    if (!plans.has(p.plan)) issue(`unknown plan "${p.plan}"`, ['plans', i, 'plan']);
    if (seen.has(p.plan)) issue('one entry per plan', ['plans', i, 'plan']);
    seen.add(p.plan);
    p.components?.forEach((c, j) => {
      if (!components.has(c)) issue(`unknown component "${c}"`, ['plans', i, 'components', j]);
    });
    if (p.credits[0]?.belowPercent !== p.targetPercent)
      issue('the first tier is the target: belowPercent equals targetPercent', ['plans', i, 'credits', 0]);
    p.credits.forEach((tier, j) => {
      const prev = p.credits[j - 1];
      if (prev && (tier.belowPercent >= prev.belowPercent || tier.creditPercent <= prev.creditPercent))
        issue('tiers go down in availability and up in credit', ['plans', i, 'credits', j]);
    });
  });
}

export type PolicyPackInput = z.input<typeof PolicyPack>;

export class PolicyPackError extends Error {
  readonly issues: Array<{ path: string; message: string }>;
  constructor(issues: Array<{ path: string; message: string }>, label?: string) {
    const lines = issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`);
    super(`invalid policy pack${label ? ` ${label}` : ''}:\n${lines.join('\n')}`);
    this.name = 'PolicyPackError';
    this.issues = issues;
  }
}

/** Formats a zod path as `targets[3].minutes`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out ? `.${String(p)}` : String(p);
  }
  return out;
}

/** Parses and validates a pack (an object or JSON text); throws `PolicyPackError` listing every problem with its path. */
export function parsePolicyPack(json: unknown, label?: string): PolicyPack {
  let value = json;
  if (typeof json === 'string') {
    try {
      value = JSON.parse(json);
    } catch (err) {
      throw new PolicyPackError([{ path: '', message: `not JSON: ${(err as Error).message}` }], label);
    }
  }
  const result = PolicyPack.safeParse(value);
  if (!result.success) {
    throw new PolicyPackError(
      result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })),
      label,
    );
  }
  return result.data;
}
