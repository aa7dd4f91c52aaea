/**
 * What in a synthesized environment bills every month whatever the volume, counted from its CloudFormation
 * templates (the app's stacks and their nested stacks), so the cost model cannot drift from infra/.
 */
type Resource = { readonly Type: string; readonly Properties?: Record<string, unknown> };
export type TemplateJson = { readonly Resources?: Record<string, Resource> };

export interface Inventory {
  readonly kmsKeys: number;
  /** Alarm metrics: a metric-math alarm bills every metric it reads. */
  readonly alarmMetrics: number;
  readonly dashboards: number;
  readonly metricFilters: number;
  /** Client-credentials (machine-to-machine) app clients. */
  readonly machineClients: number;
  readonly userPoolPlans: readonly string[];
  readonly secrets: number;
  readonly webAcls: number;
  readonly webAclRules: number;
  readonly tablesWithPitr: number;
  readonly functions: number;
  readonly tracedFunctions: number;
  /** Log level and execution data of each state machine, e.g. `ALL+data`, `ERROR`. */
  readonly stateMachineLogging: readonly string[];
  /** Runs per 30-day month of every scheduled EventBridge rule. */
  readonly scheduledRunsPerMonth: number;
}

const MINUTES_PER_MONTH = 30 * 24 * 60;

/** Runs per month of an EventBridge schedule expression: `rate(n minute(s)|hour(s)|day(s))` or a daily cron. */
export function runsPerMonth(expression: string): number {
  const rate = /^rate\((\d+) (minute|minutes|hour|hours|day|days)\)$/.exec(expression);
  if (rate) {
    const minutes = { minute: 1, minutes: 1, hour: 60, hours: 60, day: 1440, days: 1440 }[
      rate[2] as 'minute'
    ];
    return MINUTES_PER_MONTH / (Number(rate[1]) * minutes);
  }
  const cron = /^cron\((\S+) (\S+) \S+ \S+ \S+ \S+\)$/.exec(expression);
  if (cron && /^\d+$/.test(cron[1] ?? '') && /^\d+$/.test(cron[2] ?? '')) return 30;
  throw new Error(`cost model: unknown schedule expression ${expression}`);
}

export function countInventory(templates: readonly TemplateJson[]): Inventory {
  const all = templates.flatMap((t) => Object.values(t.Resources ?? {}));
  const of = (type: string) => all.filter((r) => r.Type === type);
  const prop = <T>(r: Resource, name: string) => r.Properties?.[name] as T | undefined;
  return {
    kmsKeys: of('AWS::KMS::Key').length,
    alarmMetrics: of('AWS::CloudWatch::Alarm').reduce((sum, alarm) => {
      const metrics = prop<{ MetricStat?: unknown }[]>(alarm, 'Metrics');
      return sum + (metrics ? metrics.filter((m) => m.MetricStat).length : 1);
    }, 0),
    dashboards: of('AWS::CloudWatch::Dashboard').length,
    metricFilters: of('AWS::Logs::MetricFilter').length,
    machineClients: of('AWS::Cognito::UserPoolClient').filter((c) =>
      (prop<string[]>(c, 'AllowedOAuthFlows') ?? []).includes('client_credentials'),
    ).length,
    userPoolPlans: of('AWS::Cognito::UserPool').map((p) => prop<string>(p, 'UserPoolTier') ?? 'ESSENTIALS'),
    secrets: of('AWS::SecretsManager::Secret').length,
    webAcls: of('AWS::WAFv2::WebACL').length,
    webAclRules: of('AWS::WAFv2::WebACL').reduce(
      (s, acl) => s + (prop<unknown[]>(acl, 'Rules') ?? []).length,
      0,
    ),
    tablesWithPitr: of('AWS::DynamoDB::Table').filter(
      (t) =>
        prop<{ PointInTimeRecoveryEnabled?: boolean }>(t, 'PointInTimeRecoverySpecification')
          ?.PointInTimeRecoveryEnabled,
    ).length,
    functions: of('AWS::Lambda::Function').length,
    tracedFunctions: of('AWS::Lambda::Function').filter(
      (f) => prop<{ Mode?: string }>(f, 'TracingConfig')?.Mode === 'Active',
    ).length,
    stateMachineLogging: of('AWS::StepFunctions::StateMachine').map((m) => {
      const logging = prop<{ Level?: string; IncludeExecutionData?: boolean }>(m, 'LoggingConfiguration');
      return `${logging?.Level ?? 'OFF'}${logging?.IncludeExecutionData ? '+data' : ''}`;
    }),
    scheduledRunsPerMonth: of('AWS::Events::Rule')
      .map((r) => prop<string>(r, 'ScheduleExpression'))
      .filter((e): e is string => typeof e === 'string')
      .reduce((s, e) => s + runsPerMonth(e), 0),
  };
}
