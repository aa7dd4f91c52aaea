import { Duration, Validations } from 'aws-cdk-lib';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { thresholdAlarm } from './threshold-alarm.ts';

export interface EnvelopeDeadLetterQueueProps {
  /** Whose dead-letter queue it is, for cdk-nag's record: "the sweep rule’s Lambda target". */
  readonly deadLetterOf: string;
  /** The alarm's construct id (kept stable: the alarm's logical id). */
  readonly alarmId: string;
  /** What a message here means, for whoever reads the alarm. */
  readonly alarmDescription: string;
  /** A fixed name, when other stacks spell the queue's ARN from it. */
  readonly queueName?: string;
}

/**
 * The dead-letter queue of an EventBridge rule or Scheduler target, with its alarm on the first message.
 * Such events are schedule envelopes (a desk, a record id, a time), never ticket content, so SQS-managed
 * encryption suffices and no service needs a grant in a KMS key policy (docs/decisions.md). Created in
 * `scope` with the given ids, so the queue's logical id does not move.
 */
export function envelopeDeadLetterQueue(
  scope: Construct,
  id: string,
  props: EnvelopeDeadLetterQueueProps,
): { readonly queue: Queue; readonly alarm: Alarm } {
  const queue = new Queue(scope, id, {
    // Marks it as a dead-letter queue (CT.SQS.PR.1); any source may redrive to it, as by default.
    redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
    ...(props.queueName ? { queueName: props.queueName } : {}),
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(14),
  });
  Validations.of(queue).acknowledge({
    id: 'AwsSolutions-SQS3',
    reason:
      `This queue is itself a dead-letter queue: ${props.deadLetterOf}. cdk-nag recognises DLQs of queues and ` +
      'functions only, not of EventBridge or Scheduler targets. It has an alarm.',
  });
  const alarm = thresholdAlarm(scope, props.alarmId, {
    metric: queue.metricApproximateNumberOfMessagesVisible(),
    statistic: 'Maximum',
    description: props.alarmDescription,
  });
  return { queue, alarm };
}
