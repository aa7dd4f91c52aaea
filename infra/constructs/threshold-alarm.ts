import { Duration } from 'aws-cdk-lib';
import {
  Alarm,
  ComparisonOperator,
  type IMetric,
  type Metric,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import type { Construct } from 'constructs';

export interface ThresholdAlarmProps {
  /** The metric; its period and statistic are set here. */
  readonly metric: Metric;
  /** What happened and what to look at: the text the on-call engineer reads in the notification. */
  readonly description: string;
  /** @default 'Sum' (counts); 'Maximum' for queue depths */
  readonly statistic?: string;
  /** @default 5 minutes */
  readonly period?: Duration;
}

/**
 * The app's one alarm shape: the metric reaches 1 in one period (a failure, a throttle, a message in a
 * dead-letter queue), missing data is fine. Every alarm notifies the alarm topic (observability stack).
 */
export function thresholdAlarm(scope: Construct, id: string, props: ThresholdAlarmProps): Alarm {
  return alarmAtOne(scope, id, {
    description: props.description,
    metric: props.metric.with({
      period: props.period ?? Duration.minutes(5),
      statistic: props.statistic ?? 'Sum',
    }),
  });
}

/** {@link thresholdAlarm} for a metric or expression whose period and statistic are already set. */
export function alarmAtOne(
  scope: Construct,
  id: string,
  props: { metric: IMetric; description: string },
): Alarm {
  return new Alarm(scope, id, {
    alarmDescription: props.description,
    metric: props.metric,
    threshold: 1,
    evaluationPeriods: 1,
    comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    treatMissingData: TreatMissingData.NOT_BREACHING,
  });
}
