import { logger } from '../observability/logger.ts';
import { emitMetric } from '../observability/metrics.ts';
import type { BreachEvent } from './model.ts';

/**
 * Says out loud that a reportable breach passed a threshold with no authority notified: a log line for
 * whoever reads the logs, and an EMF metric per desk (`ReportableBreachOverdue` has a CloudWatch alarm).
 * Called once per recorded threshold, by whichever of the one-time schedule and the sweep recorded it.
 */
export function reportBreachThresholds(
  desk: string,
  incidentId: string,
  events: readonly BreachEvent[],
  via: 'schedule' | 'sweep',
): void {
  for (const event of events) {
    const detail = { desk, incidentId, hours: event.hours, thresholdAt: event.at, via };
    if (event.type === 'overdue') {
      logger.error('reportable breach notification overdue', detail);
      emitMetric('ReportableBreachOverdue', 1, desk);
    } else {
      logger.warn('reportable breach notification due soon', detail);
      emitMetric('ReportableBreachWarnings', 1, desk);
    }
  }
}
