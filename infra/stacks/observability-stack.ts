import {
  Aspects,
  CfnOutput,
  CrossStackReferences,
  Duration,
  type IAspect,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
} from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  CfnAlarm,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IAlarmAction,
  type IMetric,
  MathExpression,
  Metric,
  PeriodOverride,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { Table } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct, IConstruct } from 'constructs';
import { type MetricName, publishedMetrics } from '#shared/observability/metrics.ts';
import type { DeploymentConfig } from '../config.ts';
import { AppFunction } from '../constructs/app-function.ts';
import { EMF_NAMESPACE, emfAlarmDesks, emfAlarmMetric } from '../constructs/emf-metrics.ts';
import { webAclName } from '../constructs/web-acl.ts';
import { EDGE_REGION } from './edge-stack.ts';

/** The alarm topic's name: fixed, so every stack can name it in alarm actions without a reference. */
export function alarmTopicName(config: Pick<DeploymentConfig, 'envName'>): string {
  return `tierdesk-${config.envName}-alarms`;
}

/** The alarm topic's ARN as seen from `scope`'s stack (account, Region and partition pseudo parameters only). */
export function alarmTopicArn(scope: IConstruct, config: Pick<DeploymentConfig, 'envName'>): string {
  return Stack.of(scope).formatArn({ service: 'sns', resource: alarmTopicName(config) });
}

/** True when two stacks deploy to the same Region (two environment-agnostic stacks count as the same). */
function sameRegion(a: Stack, b: Stack): boolean {
  if (Token.isUnresolved(a.region) || Token.isUnresolved(b.region)) {
    return Token.isUnresolved(a.region) && Token.isUnresolved(b.region);
  }
  return a.region === b.region;
}

/**
 * Sends every alarm of the app to the alarm topic: ALARM and OK transitions both notify. An aspect, so alarms
 * that other stacks add later (mail, compliance, ops…) are wired without anyone remembering to; the topic is
 * named by its fixed ARN, so no stack depends on the observability stack. An alarm in another Region (where
 * the topic is not) fails synth rather than staying silent.
 */
class AlarmRouting implements IAspect {
  constructor(
    private readonly home: Stack,
    private readonly config: Pick<DeploymentConfig, 'envName'>,
  ) {}

  private readonly wired = new Set<IConstruct>();

  visit(node: IConstruct): void {
    const alarm = node instanceof Alarm ? node : undefined;
    const cfnAlarm = node instanceof CfnAlarm && !(node.node.scope instanceof Alarm) ? node : undefined;
    if ((!alarm && !cfnAlarm) || this.wired.has(node)) return;
    this.wired.add(node);
    const stack = Stack.of(node);
    if (!sameRegion(stack, this.home)) {
      const message =
        `Alarm in ${stack.stackName} (${stack.region}) cannot notify ${alarmTopicName(this.config)}, which is in ` +
        'the environment’s own Region: create the alarm there.';
      node.node.addValidation({ validate: () => [message] });
      return;
    }
    const topic = alarmTopicArn(node, this.config);
    if (alarm) {
      const action: IAlarmAction = { bind: () => ({ alarmActionArn: topic }) };
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
      return;
    }
    const withTopic = (actions: unknown) => {
      const list = Array.isArray(actions) ? (actions as string[]) : [];
      return list.includes(topic) ? list : [...list, topic];
    };
    cfnAlarm!.alarmActions = withTopic(cfnAlarm!.alarmActions);
    cfnAlarm!.okActions = withTopic(cfnAlarm!.okActions);
  }
}

/** Makes every alarm in `app` notify the environment's alarm topic. */
export function routeAlarmsToTopic(app: Construct, home: Stack, config: Pick<DeploymentConfig, 'envName'>) {
  Aspects.of(app).add(new AlarmRouting(home, config));
}

export interface ObservabilityStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** The HTTP API (4xx, 5xx, latency). */
  readonly api: HttpApi;
  /** The app whose functions, state machines, tables and queues the dashboard shows (found when synthesized). */
  readonly app: Construct;
}

/**
 * Where the environment reports: the alarm topic (KMS-encrypted, TLS only, email subscription from config)
 * that every alarm of every stack notifies (see {@link routeAlarmsToTopic}), a few alarms that belong to no
 * other stack, and one CloudWatch dashboard: API errors and latency, each function's errors and duration,
 * workflow executions, table throttles, queue depths (the dead-letter queues) and the EMF business metrics per
 * desk. Deployed last; it reads the other stacks' resource names through weak references (Fn::GetStackOutput),
 * so a dashboard never blocks a change elsewhere.
 */
export class ObservabilityStack extends Stack {
  readonly alarmTopic: Topic;
  /** The environment's dashboard, when `observability.dashboard` is on. */
  readonly dashboard: Dashboard | undefined;
  readonly alarms: Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);
    CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);
    const { config } = props;
    const removalPolicy = config.removeDataOnDelete ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN;

    const key = new Key(this, 'AlarmsKey', {
      description: `tierdesk ${config.envName}: alarm notifications (SNS)`,
      alias: `alias/tierdesk/${config.envName}/alarms`,
      enableKeyRotation: true,
      removalPolicy,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic, so it needs the key (this account only).
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );
    this.alarmTopic = new Topic(this, 'AlarmTopic', {
      topicName: alarmTopicName(config),
      displayName: `tierdesk ${config.envName} alarms`,
      masterKey: key,
      enforceSSL: true,
    });
    // The topic policy CDK writes for enforceSSL replaces SNS's default one: admit this account's alarms.
    this.alarmTopic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: {
          ArnLike: {
            'aws:SourceArn': `arn:${this.partition}:cloudwatch:${this.region}:${this.account}:alarm:*`,
          },
          StringEquals: { 'aws:SourceAccount': this.account },
        },
      }),
    );
    if (config.alarmEmail) this.alarmTopic.addSubscription(new EmailSubscription(config.alarmEmail));

    const found = this.resourcesOf(props.app);
    const api = props.api;
    const fiveMinutes = Duration.minutes(5);

    // Alarms that belong to no other stack.
    const alarm = (id: string, metric: IMetric, threshold: number, description: string) => {
      this.alarms.push(
        new Alarm(this, id, {
          alarmDescription: description,
          metric,
          threshold,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    };
    alarm(
      'Api5xxAlarm',
      api.metricServerError({ period: fiveMinutes, statistic: 'Sum' }),
      5,
      'The HTTP API answered 5xx at least 5 times in 5 minutes (function errors, timeouts or throttled integrations).',
    );
    for (const table of found.tables) {
      alarm(
        `${table.node.id}ThrottlesAlarm`,
        new MathExpression({
          expression: 'reads + writes',
          label: 'throttled read and write events',
          period: fiveMinutes,
          usingMetrics: {
            reads: table.metric('ReadThrottleEvents', { statistic: 'Sum', period: fiveMinutes }),
            writes: table.metric('WriteThrottleEvents', { statistic: 'Sum', period: fiveMinutes }),
          },
        }),
        1,
        `DynamoDB throttled requests on ${table.node.path}: on-demand capacity is doubling, or one partition is hot.`,
      );
    }
    // Safety net: a queue no stack watches (every queue here is a dead-letter queue) gets a depth alarm.
    for (const queue of found.queues.filter((q) => !hasDepthAlarm(props.app, q))) {
      alarm(
        `${Stack.of(queue).stackName}-${queue.node.id}-DepthAlarm`.replace(/[^A-Za-z0-9-]/g, ''),
        queue.metricApproximateNumberOfMessagesVisible({ period: fiveMinutes, statistic: 'Maximum' }),
        1,
        `${queue.node.path} holds a message: an event failed every retry (dead-letter queue). Read it, fix, redrive.`,
      );
    }
    for (const desk of emfAlarmDesks(config, config.desks)) {
      const perDesk = config.observability.metrics === 'per-desk';
      alarm(
        perDesk ? `NoticesFailed-${desk}` : 'NoticesFailed',
        emfAlarmMetric(config, 'NoticesFailed', desk, Duration.minutes(15)),
        1,
        `A notice a policy pack promises a customer could not be sent (NoticesFailed in 15 minutes${perDesk ? `, ${desk}` : ''}). ` +
          'Which desk and ticket: the handlers’ log lines with NoticesFailed (docs/ops.md, "Which function failed").',
      );
    }
    // Every function's errors, through the Region's Lambda Errors metric (one alarm metric instead of one per
    // function); the per-function graph on the dashboard or the query in docs/ops.md names the function.
    if (config.observability.functionErrorAlarms === 'region') {
      alarm(
        'LambdaErrorsAlarm',
        new Metric({ namespace: 'AWS/Lambda', metricName: 'Errors', statistic: 'Sum', period: fiveMinutes }),
        1,
        `A Lambda function in this account and Region threw or timed out (Errors ≥ 1 in 5 minutes). Which one: ` +
          `docs/ops.md, "Which function failed" (functions of this environment are named tierdesk-${config.envName}-…).`,
      );
    }

    if (config.observability.dashboard) this.dashboard = this.addDashboard(props, found);
    new CfnOutput(this, 'AlarmTopicArn', { value: this.alarmTopic.topicArn });
    if (this.dashboard) new CfnOutput(this, 'DashboardName', { value: this.dashboard.dashboardName });
  }

  /**
   * The dashboard (`observability.dashboard`): API errors and latency, each function's errors and duration,
   * workflow executions, table throttles, queue depths, WAF, and the published EMF metrics.
   */
  private addDashboard(props: ObservabilityStackProps, found: ReturnType<ObservabilityStack['resourcesOf']>) {
    const { config, api } = props;
    const fiveMinutes = Duration.minutes(5);
    const dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: `tierdesk-${config.envName}`,
      defaultInterval: Duration.hours(6),
      periodOverride: PeriodOverride.AUTO,
    });
    const wide = 24;
    const half = 12;
    dashboard.addWidgets(
      new TextWidget({
        markdown:
          `# tierdesk ${config.envName}\n` +
          `Alarms notify SNS topic \`${alarmTopicName(config)}\`; alarm names start with \`tierdesk-${config.envName}-\`. ` +
          'Runbook: docs/deploy.md, "Checking alarms".',
        width: wide,
        height: 2,
      }),
      new GraphWidget({
        title: 'API requests, 4xx and 5xx',
        width: half,
        left: [
          api.metricCount({ period: fiveMinutes, statistic: 'Sum', label: 'requests' }),
          api.metricClientError({ period: fiveMinutes, statistic: 'Sum', label: '4xx' }),
          api.metricServerError({ period: fiveMinutes, statistic: 'Sum', label: '5xx' }),
        ],
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        width: half,
        left: ['p50', 'p95', 'p99'].map((p) =>
          api.metricLatency({ period: fiveMinutes, statistic: p, label: p }),
        ),
      }),
    );
    for (const [stackName, functions] of found.functionsByStack) {
      dashboard.addWidgets(
        new GraphWidget({
          title: `${stackName}: Lambda errors per function`,
          width: half,
          left: functions.map((fn) =>
            fn.function.metricErrors({ period: fiveMinutes, statistic: 'Sum', label: fn.node.id }),
          ),
        }),
        new GraphWidget({
          title: `${stackName}: Lambda duration p95 per function (ms)`,
          width: half,
          left: functions.map((fn) =>
            fn.function.metricDuration({ period: fiveMinutes, statistic: 'p95', label: fn.node.id }),
          ),
        }),
      );
    }
    for (const machine of found.stateMachines) {
      dashboard.addWidgets(
        new GraphWidget({
          title: `${machine.node.id}: executions started, failed, timed out`,
          width: wide,
          left: [
            machine.metricStarted({ period: fiveMinutes, statistic: 'Sum', label: 'started' }),
            machine.metricFailed({ period: fiveMinutes, statistic: 'Sum', label: 'failed' }),
            machine.metricTimedOut({ period: fiveMinutes, statistic: 'Sum', label: 'timed out' }),
          ],
        }),
      );
    }
    dashboard.addWidgets(
      new GraphWidget({
        title: 'DynamoDB throttled events',
        width: half,
        left: found.tables.flatMap((table) => [
          table.metric('ReadThrottleEvents', {
            statistic: 'Sum',
            period: fiveMinutes,
            label: `${table.node.id} reads`,
          }),
          table.metric('WriteThrottleEvents', {
            statistic: 'Sum',
            period: fiveMinutes,
            label: `${table.node.id} writes`,
          }),
        ]),
      }),
      new GraphWidget({
        title: 'Queue depth (dead-letter queues: anything above 0 needs a look)',
        width: half,
        left: found.queues.map((queue) =>
          queue.metricApproximateNumberOfMessagesVisible({
            period: fiveMinutes,
            statistic: 'Maximum',
            label: queue.node.path.replace(/^[^/]+\//, ''),
          }),
        ),
      }),
    );
    if (config.waf.enabled) {
      // CloudFront web ACLs report in us-east-1 without a Region dimension; regional ones with it.
      const waf = (metricName: string, webAcl: string, region?: string) =>
        new Metric({
          namespace: 'AWS/WAFV2',
          metricName,
          dimensionsMap: { WebACL: webAcl, Rule: 'ALL', ...(region ? { Region: region } : {}) },
          statistic: 'Sum',
          period: fiveMinutes,
          label: `${webAcl} ${metricName === 'BlockedRequests' ? 'blocked' : 'allowed'}`,
          ...(region ? {} : { region: EDGE_REGION }),
        });
      const api = webAclName(config, 'api');
      const signIn = webAclName(config, 'sign-in');
      dashboard.addWidgets(
        new GraphWidget({
          title: 'WAF: API requests allowed and blocked (CloudFront, us-east-1)',
          width: half,
          left: [waf('AllowedRequests', api), waf('BlockedRequests', api)],
        }),
        new GraphWidget({
          title: 'WAF: sign-in requests allowed and blocked (user pool)',
          width: half,
          left: [waf('AllowedRequests', signIn, this.region), waf('BlockedRequests', signIn, this.region)],
        }),
      );
    }
    const perDesk = config.observability.metrics === 'per-desk';
    dashboard.addWidgets(
      ...publishedMetrics(config.observability.metrics).map(
        (name) =>
          new GraphWidget({
            title: perDesk ? `${name} per desk` : name,
            width: 8,
            left: perDesk
              ? config.desks.map((desk) => emf(name, desk, 'Sum', Duration.hours(1)))
              : [
                  new Metric({
                    namespace: EMF_NAMESPACE,
                    metricName: name,
                    statistic: 'Sum',
                    period: Duration.hours(1),
                  }),
                ],
          }),
      ),
    );
    return dashboard;
  }

  /** The functions, state machines, tables and queues of the app's stacks in this Region, in a stable order. */
  private resourcesOf(app: Construct) {
    const all = app.node
      .findAll()
      .filter((c) => c.node.scope !== undefined)
      .filter((c) => Stack.of(c) !== this && sameRegion(Stack.of(c), this));
    const functionsByStack = new Map<string, AppFunction[]>();
    for (const fn of all.filter((c): c is AppFunction => c instanceof AppFunction)) {
      const name = Stack.of(fn).stackName;
      functionsByStack.set(name, [...(functionsByStack.get(name) ?? []), fn]);
    }
    return {
      functionsByStack,
      stateMachines: all.filter((c): c is StateMachine => c instanceof StateMachine),
      tables: all.filter((c): c is Table => c instanceof Table),
      queues: all.filter((c): c is Queue => c instanceof Queue),
    };
  }
}

/** Whether some alarm in the queue's own stack watches its ApproximateNumberOfMessagesVisible. */
function hasDepthAlarm(app: Construct, queue: Queue): boolean {
  const stack = Stack.of(queue);
  const name = JSON.stringify(stack.resolve(queue.queueName));
  return app.node
    .findAll()
    .filter((c): c is CfnAlarm => c instanceof CfnAlarm && Stack.of(c) === stack)
    .some(
      (alarm) =>
        stack.resolve(alarm.metricName) === 'ApproximateNumberOfMessagesVisible' &&
        JSON.stringify(stack.resolve(alarm.dimensions)).includes(name),
    );
}

/** An EMF metric of one desk; labelled by the desk on graphs (an alarm's metric stays unlabelled). */
function emf(
  name: MetricName,
  desk: string,
  statistic: string,
  period: Duration,
  options: { labelled?: boolean } = {},
): Metric {
  return new Metric({
    namespace: EMF_NAMESPACE,
    metricName: name,
    dimensionsMap: { desk },
    statistic,
    period,
    ...(options.labelled === false ? {} : { label: desk }),
  });
}
