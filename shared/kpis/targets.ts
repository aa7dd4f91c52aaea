/**
 * KPI targets per desk, quoted from the policy documents (docs/policies/). The policy-pack
 * schema has no KPI field (packs time tickets; these are statistics over many tickets), so they
 * live here, beside the code that evaluates them. A desk whose document sets no target gets none:
 * the ops page then shows the value without a verdict rather than inventing a goal.
 */

export const KPI_NAMES = [
  'firstResponseTime',
  'averageHandleTime',
  'firstContactResolution',
  'csat',
  'nps',
  'reopenRate',
  'timeToResolve',
  'slaAttainment',
  'backlogAge',
] as const;
export type KpiName = (typeof KPI_NAMES)[number];

export type Comparator = '>=' | '>' | '<' | '<=' | 'between';

export interface KpiTarget {
  kpi: KpiName;
  comparator: Comparator;
  /** Ratios are fractions (0.7 = 70 %); times are minutes; CSAT is 1–5; NPS is −100…100. */
  value: number;
  /** Upper bound for `between`. */
  upper?: number;
  /** The sentence of the document the target comes from. */
  source: string;
}

export interface DeskKpiPolicy {
  /** The document, as docs/policy-packs.md names it. */
  document: string;
  targets: KpiTarget[];
  /** What the document says about windows and cadence (the API offers 30/90/365 days, daily/weekly). */
  cadence: string | null;
}

const RCH = '000 RCH SpyFocus — Customer Service Guide';
const RCH_METRICS =
  'Metrics to monitor weekly include: average handle time (AHT) target 7–12 minutes, first-contact resolution (FCR) target ≥70%, customer satisfaction (CSAT) target ≥4.2/5, and Net Promoter Score (NPS) target ≥30.';
const ACENTUS = '002 Acentus Customer Service — Playbook';
const ACENTUS_GOALS = 'Realistic internal goals: FCR > 70%, CSAT ≥ 4.3/5, NPS ≥ 40 for B2B';

export const KPI_POLICIES: Readonly<Record<string, DeskKpiPolicy>> = {
  'rch-spyfocus': {
    document: RCH,
    cadence:
      'Track these over rolling 30-, 90-, and 365-day windows to identify regressions and staffing needs.',
    targets: [
      { kpi: 'averageHandleTime', comparator: 'between', value: 7, upper: 12, source: RCH_METRICS },
      { kpi: 'firstContactResolution', comparator: '>=', value: 0.7, source: RCH_METRICS },
      { kpi: 'csat', comparator: '>=', value: 4.2, source: RCH_METRICS },
      { kpi: 'nps', comparator: '>=', value: 30, source: RCH_METRICS },
    ],
  },
  techflow: {
    document: '001 TechFlow Solutions — Customer Support Guide',
    // "Satisfaction survey after closure" (Resolution Commitments): surveys, but no target.
    cadence: null,
    targets: [],
  },
  acentus: {
    document: ACENTUS,
    cadence: 'Key performance indicators (KPIs) should be tracked daily and trended weekly',
    targets: [
      { kpi: 'firstContactResolution', comparator: '>', value: 0.7, source: ACENTUS_GOALS },
      // Acentus is a B2B product (account IDs, API incidents, enterprise plans): the B2B goal applies.
      { kpi: 'csat', comparator: '>=', value: 4.3, source: ACENTUS_GOALS },
      { kpi: 'nps', comparator: '>=', value: 40, source: ACENTUS_GOALS },
      {
        kpi: 'reopenRate',
        comparator: '<',
        value: 0.05,
        source:
          'Also monitor backlog age, ticket reopen rate (<5% target), and time-to-resolution percentiles',
      },
    ],
  },
  rarelogic: {
    document: '003 RareLogic Support Policies',
    // "Support does not guarantee response times": no KPI targets either.
    cadence: null,
    targets: [],
  },
};

export function kpiPolicyOf(desk: string): DeskKpiPolicy {
  return KPI_POLICIES[desk] ?? { document: '(no policy document)', targets: [], cadence: null };
}

export type Verdict = 'met' | 'missed' | 'no-data' | 'no-target';

/** Whether `value` meets `target`; `no-data` when nothing was measured. */
export function judge(value: number | null, target: KpiTarget | undefined): Verdict {
  if (!target) return 'no-target';
  if (value === null) return 'no-data';
  // Compare at display precision so 0.7 computed as 0.7000000001 is not a different verdict.
  const v = Math.round(value * 1e9) / 1e9;
  switch (target.comparator) {
    case '>=':
      return v >= target.value ? 'met' : 'missed';
    case '>':
      return v > target.value ? 'met' : 'missed';
    case '<':
      return v < target.value ? 'met' : 'missed';
    case '<=':
      return v <= target.value ? 'met' : 'missed';
    case 'between':
      return v >= target.value && v <= (target.upper ?? Number.POSITIVE_INFINITY) ? 'met' : 'missed';
  }
}

/** "≥ 70 %", "between 7 and 12 min": how the page states a target. */
export function describeTarget(target: KpiTarget, unit: '%' | 'min' | '' = ''): string {
  const fmt = (n: number) =>
    unit === '%' ? `${Math.round(n * 1000) / 10} %` : `${n}${unit ? ` ${unit}` : ''}`;
  if (target.comparator === 'between') return `between ${fmt(target.value)} and ${fmt(target.upper ?? 0)}`;
  const symbol = { '>=': '≥', '>': '>', '<': '<', '<=': '≤' }[target.comparator];
  return `${symbol} ${fmt(target.value)}`;
}
