import type { Duration } from 'aws-cdk-lib';
import { Metric } from 'aws-cdk-lib/aws-cloudwatch';
import { type ALARMED_METRICS, publishedMetrics } from '#shared/observability/metrics.ts';
import type { DeploymentConfig } from '../config.ts';

/** The EMF metrics of the handlers (shared/observability/metrics.ts): namespace `tierdesk`. */
export const EMF_NAMESPACE = 'tierdesk';

/**
 * The custom metrics an environment publishes: the metrics its `observability.metrics` mode makes CloudWatch
 * metrics, once per desk in `per-desk` mode and once otherwise. Each bills only in hours it is emitted; the
 * count is the upper bound (the reportable-breach ones are rare).
 */
export function customMetricCount(config: Pick<DeploymentConfig, 'observability' | 'desks'>): number {
  const perDesk = config.observability.metrics === 'per-desk';
  return publishedMetrics(config.observability.metrics).length * (perDesk ? config.desks.length : 1);
}

/**
 * What an alarm on an EMF metric reads: the desk's metric in `per-desk` mode, the deployment's otherwise
 * (`desk` undefined). Alarmed metrics are published in every mode (ALARMED_METRICS).
 */
export function emfAlarmMetric(
  config: Pick<DeploymentConfig, 'observability'>,
  name: (typeof ALARMED_METRICS)[number],
  desk: string,
  period: Duration,
): Metric {
  return new Metric({
    namespace: EMF_NAMESPACE,
    metricName: name,
    ...(config.observability.metrics === 'per-desk' ? { dimensionsMap: { desk } } : {}),
    statistic: 'Sum',
    period,
  });
}

/** The desks an EMF alarm needs one alarm for: each desk in `per-desk` mode, one (the first) otherwise. */
export function emfAlarmDesks(
  config: Pick<DeploymentConfig, 'observability'>,
  desks: readonly string[],
): readonly string[] {
  return config.observability.metrics === 'per-desk' ? desks : desks.slice(0, 1);
}
