/**
 * CloudWatch Embedded Metric Format: a metric is a structured log line, so no API call, no extra
 * permission and no latency. Namespace `tierdesk`.
 *
 * Every custom metric (each name × dimension value) bills per month, so which lines carry the EMF directive
 * is the environment's choice (`observability.metrics`, handed to every function as `METRICS`):
 * - `alarmed` (default): only the metrics an alarm reads ({@link ALARMED_METRICS}), without a desk dimension;
 *   every other figure is the same JSON line without the directive (Logs Insights sums it by `desk`; the
 *   KPI report has the per-desk figures).
 * - `all`: every metric, without a desk dimension.
 * - `per-desk`: every metric, one per desk (dimension `desk`).
 * The line always names the desk, whatever the mode.
 */
export type MetricName =
  | 'TicketsAccepted'
  | 'SlaWarnings'
  | 'SlaBreaches'
  | 'Escalations'
  | 'NoticesSent'
  | 'NoticesFailed'
  | 'ReconcileBacklog'
  | 'OutboundSweepBacklog'
  /** A reportable breach passed a warning of its notification window with no authority notified. */
  | 'ReportableBreachWarnings'
  /** A reportable breach passed its notification deadline with no authority notified (alarmed). */
  | 'ReportableBreachOverdue';

/** Every metric the handlers emit. */
export const METRIC_NAMES = [
  'TicketsAccepted',
  'SlaWarnings',
  'SlaBreaches',
  'Escalations',
  'NoticesSent',
  'NoticesFailed',
  'ReconcileBacklog',
  'OutboundSweepBacklog',
  'ReportableBreachWarnings',
  'ReportableBreachOverdue',
] as const satisfies readonly MetricName[];

/** The metrics an alarm reads (infra/): CloudWatch metrics in every mode. */
export const ALARMED_METRICS = [
  'NoticesFailed',
  'ReportableBreachOverdue',
] as const satisfies readonly MetricName[];

export const METRICS_MODES = ['alarmed', 'all', 'per-desk'] as const;
export type MetricsMode = (typeof METRICS_MODES)[number];
export const DEFAULT_METRICS_MODE: MetricsMode = 'alarmed';

/** The metric names that become CloudWatch metrics in a mode. */
export function publishedMetrics(mode: MetricsMode): readonly MetricName[] {
  return mode === 'alarmed' ? ALARMED_METRICS : METRIC_NAMES;
}

/** The environment's mode (`METRICS`), checked once: a typo is a start-up error, not a silent bill. */
export function metricsModeOf(value: string | undefined): MetricsMode {
  if (value === undefined || value === '') return DEFAULT_METRICS_MODE;
  if (!(METRICS_MODES as readonly string[]).includes(value))
    throw new Error(`METRICS must be one of ${METRICS_MODES.join(', ')}, not ${value}`);
  return value as MetricsMode;
}

export function metricLine(
  name: MetricName,
  value: number,
  desk: string,
  at: Date = new Date(),
  mode: MetricsMode = currentMode(),
): string {
  const published = (publishedMetrics(mode) as readonly string[]).includes(name);
  return JSON.stringify({
    ...(published
      ? {
          _aws: {
            Timestamp: at.getTime(),
            CloudWatchMetrics: [
              {
                Namespace: 'tierdesk',
                Dimensions: mode === 'per-desk' ? [['desk']] : [[]],
                Metrics: [{ Name: name, Unit: 'Count' }],
              },
            ],
          },
        }
      : { metric: name, at: at.toISOString() }),
    desk,
    [name]: value,
  });
}

let mode: MetricsMode | undefined;
function currentMode(): MetricsMode {
  mode ??= metricsModeOf(process.env.METRICS);
  return mode;
}

let write = (line: string) => {
  process.stdout.write(`${line}\n`);
};

export function emitMetric(name: MetricName, value: number, desk: string): void {
  if (value > 0) write(metricLine(name, value, desk));
}

/** A level rather than a count: written even when 0, so a drained backlog shows as 0, not as silence. */
export function emitGauge(name: MetricName, value: number, desk: string): void {
  write(metricLine(name, value, desk));
}

/** Tests capture metric lines here. */
export function captureMetrics(sink: (line: string) => void): () => void {
  const previous = write;
  write = sink;
  return () => {
    write = previous;
  };
}
