/**
 * CloudWatch Embedded Metric Format: a metric is a structured log line, so no API call, no extra
 * permission and no latency. Namespace `tierdesk`, dimension `desk`.
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

export function metricLine(name: MetricName, value: number, desk: string, at: Date = new Date()): string {
  return JSON.stringify({
    _aws: {
      Timestamp: at.getTime(),
      CloudWatchMetrics: [
        { Namespace: 'tierdesk', Dimensions: [['desk']], Metrics: [{ Name: name, Unit: 'Count' }] },
      ],
    },
    desk,
    [name]: value,
  });
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
