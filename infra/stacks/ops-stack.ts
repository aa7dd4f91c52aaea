import { CfnOutput, Duration, type RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  type AddBehaviorOptions,
  AllowedMethods,
  CachePolicy,
  Distribution,
  Function as EdgeFunction,
  FunctionCode,
  FunctionEventType,
  FunctionRuntime,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  HttpVersion,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  ResponseHeadersPolicy,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin, S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, LogGroup, MetricFilter, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket, CfnBucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { BucketDeployment, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { asyncFunction } from '#functions/manifest/async-functions.ts';
import { schedule } from '#functions/manifest/schedules.ts';
import { OPS_CONSOLE_CSP, OPS_CONSOLE_DIR, OPS_CONSOLE_HEADERS } from '#shared/ops/console-site.ts';
import { findPolicyPack } from '#shared/policy/packs.ts';
import type { DeploymentConfig } from '../config.ts';
import { accessLogBucket } from '../constructs/access-log-bucket.ts';
import { apiOriginHost } from '../constructs/api-origin.ts';
import type { AppFunction } from '../constructs/app-function.ts';
import { contentBucket } from '../constructs/content-bucket.ts';
import { envelopeDeadLetterQueue } from '../constructs/dead-letter-queue.ts';
import { emfAlarmDesks, emfAlarmMetric } from '../constructs/emf-metrics.ts';
import { thresholdAlarm } from '../constructs/threshold-alarm.ts';
import { acknowledgeDefaultCloudFrontCertificate, acknowledgeGuardRule } from '../control-tower.ts';
import { functionSettings, removalPolicyOf } from '../environment-settings.ts';
import { buildAsyncFunction, eventSchedule } from '../manifest-functions.ts';
import type { DataResources } from './data-stack.ts';

export interface OpsStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly data: DataResources;
  /** The HTTP API the console calls; CloudFront forwards the console's API paths to it. */
  readonly api: HttpApi;
}

/**
 * API paths the console calls, forwarded to the HTTP API so the page and the API share one origin
 * (no CORS, and the page's CSP can say `connect-src 'self'`). Everything else is the static site.
 */
export const OPS_CONSOLE_API_PATHS = ['/queue', '/tickets*', '/kpis', '/incidents*', '/desks/*'] as const;

/** Viewer-request function of the static site: `/` and `/ops` go to `/ops/`, a folder to its index.html. */
const SITE_ROUTING = `function handler(event) {
  var uri = event.request.uri;
  if (uri === '/' || uri === '/ops') {
    return { statusCode: 301, statusDescription: 'Moved Permanently', headers: { location: { value: '/ops/' } } };
  }
  if (uri.endsWith('/')) event.request.uri = uri + 'index.html';
  return event.request;
}`;

// `Bucket` is an `IBucket`, but `exactOptionalPropertyTypes` rejects its optional `isWebsite`: the casts
// below say the same thing the edge stack's `logBucket` cast does.

/**
 * The ops console on AWS: the static files of console/ in a private S3 bucket,
 * served by CloudFront through origin access control (HTTPS only, the console's security headers),
 * with the console's API paths forwarded to the HTTP API on the same distribution; and the
 * post-incident review sweep on a 15-minute schedule.
 */
export class OpsStack extends Stack {
  readonly bucket: Bucket;
  readonly distribution: Distribution;
  readonly sweepIncidentReviews: AppFunction;
  readonly alarms: Alarm[] = [];
  /** `https://<distribution>/ops/`. */
  readonly consoleUrl: string;
  private readonly logsKey: IKey;

  constructor(scope: Construct, id: string, props: OpsStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    const removalPolicy = removalPolicyOf(config);
    this.logsKey = data.keys.logs;

    // CloudFront standard logs need object ACLs on their bucket and cannot write SSE-KMS objects.
    const accessLogs = accessLogBucket(this, 'AccessLogs', {
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
      forCloudFront: true,
    });

    // SSE-S3, no key of its own: the bucket holds the console's static files, which CloudFront serves to
    // anyone who opens the console URL; a customer-managed key ($1 a month) would guard nothing secret, and its
    // policy would have to admit CloudFront. Ticket content never lands here (the console reads the API).
    this.bucket = contentBucket(this, 'Console', {
      encryptionKey: 'S3_MANAGED',
      accessLogs,
      accessLogPrefix: 'console-bucket/',
      removalPolicy,
      noncurrentVersionDays: 30,
    });
    acknowledgeGuardRule(
      this.bucket,
      's3_bucket_default_encryption_kms_check',
      'The ops console’s static files (HTML, JS, CSS), served by CloudFront to anyone who opens the console ' +
        'URL: public by design and holding no data, so SSE-S3 encrypts them at rest and a customer-managed key ' +
        'would protect nothing. The bucket stays private (OAC only), TLS-only, versioned and access-logged.',
    );

    const consoleHeaders = new ResponseHeadersPolicy(this, 'ConsoleHeaders', {
      comment: 'tierdesk ops console: the same headers the local stack sends (shared/ops/console-site.ts)',
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: OPS_CONSOLE_CSP, override: true },
        strictTransportSecurity: {
          accessControlMaxAge: Duration.days(730),
          includeSubdomains: true,
          override: true,
        },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: OPS_CONSOLE_HEADERS['permissions-policy']!, override: true },
        ],
      },
    });

    // The API's custom origin domain when configured (its default endpoint is then off).
    const apiHost = apiOriginHost(props.api, config);
    const apiBehavior: AddBehaviorOptions = {
      allowedMethods: AllowedMethods.ALLOW_ALL,
      // API clients must not be redirected (a PATCH would be replayed as GET).
      viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
      cachePolicy: CachePolicy.CACHING_DISABLED,
      // Everything the viewer sent except Host (API Gateway routes on its own name), Authorization included.
      originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: ResponseHeadersPolicy.SECURITY_HEADERS,
    };
    const apiOrigin = new HttpOrigin(apiHost, {
      originSslProtocols: [OriginSslPolicy.TLS_V1_2],
      readTimeout: Duration.seconds(30),
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `tierdesk ${config.envName} ops console`,
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(this.bucket as unknown as IBucket),
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: consoleHeaders,
        functionAssociations: [
          {
            eventType: FunctionEventType.VIEWER_REQUEST,
            function: new EdgeFunction(this, 'SiteRouting', {
              comment: 'ops console: / and /ops to /ops/, folders to index.html',
              code: FunctionCode.fromInline(SITE_ROUTING),
              runtime: FunctionRuntime.JS_2_0,
            }),
          },
        ],
      },
      additionalBehaviors: Object.fromEntries(
        OPS_CONSOLE_API_PATHS.map((path) => [path, { origin: apiOrigin, ...apiBehavior }]),
      ),
      enableLogging: true,
      logBucket: accessLogs as unknown as IBucket,
      logFilePrefix: 'cloudfront/',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_100,
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: ops and leads work from anywhere the desks do; the console is a static page and every ' +
        'API path it forwards requires a staff JWT.',
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR2',
      reason:
        'No WAF on the console distribution: it serves static files and forwards only the staff API paths, which ' +
        'the HTTP API authenticates (Cognito JWT) and throttles. A deployment that enables waf puts its web ACL ' +
        'in front of the public API (edge stack); putting the console behind it too is noted in docs/ops.md.',
    });
    acknowledgeDefaultCloudFrontCertificate(
      this.distribution,
      'The ops console is an internal tool whose every API path requires a staff JWT; its own domain is not configurable yet.',
    );
    acknowledgeGuardRule(
      this.distribution,
      'cloudfront_default_root_object_configured_check',
      'The viewer-request function answers / with a redirect to /ops/, so that the page’s relative links ' +
        '(styles.css, app.js) resolve under /ops/; a default root object would serve the page at / and break them.',
    );
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR4',
      reason:
        'The distribution uses the default *.cloudfront.net certificate, whose security policy CloudFront fixes ' +
        'at TLSv1; a custom domain with an ACM certificate gets TLSv1.2_2021. Origin connections are TLS 1.2 only.',
    });

    this.deployConsoleFiles(config, removalPolicy);

    this.consoleUrl = `https://${this.distribution.distributionDomainName}/ops/`;
    new CfnOutput(this, 'OpsConsoleUrl', {
      description: 'The ops console (paste a staff access token to sign in).',
      value: this.consoleUrl,
    });

    // The post-incident review sweep: the recurring-sweep pattern of the workflow reconciler.
    this.sweepIncidentReviews = buildAsyncFunction(this, asyncFunction('SweepIncidentReviews'), {
      settings: functionSettings(config, data.keys.logs),
      deadLetterKey: data.keys.data,
      targets: { ...data, desks: config.desks },
    });
    const scheduleDeadLetters = envelopeDeadLetterQueue(this, 'ReviewSweepScheduleDeadLetterQueue', {
      deadLetterOf: 'the DeadLetterConfig of the review sweep rule’s Lambda target',
      alarmId: 'ReviewSweepScheduleDeadLetterAlarm',
      alarmDescription:
        'EventBridge could not deliver a post-incident review sweep: overdue reviews go unreported.',
    });
    this.alarms.push(scheduleDeadLetters.alarm);
    const reviewSchedule = schedule('sweep-incident-reviews');
    new Rule(this, 'ReviewSweepSchedule', {
      description: reviewSchedule.description,
      schedule: eventSchedule(reviewSchedule.cadence),
      targets: [
        new LambdaFunction(this.sweepIncidentReviews.function, {
          deadLetterQueue: scheduleDeadLetters.queue,
          retryAttempts: 2,
          maxEventAge: Duration.hours(1),
        }),
      ],
    });
    // The monthly SLA credits (docs/ops.md): daily, computing the last closed month once.
    const computeCredits = buildAsyncFunction(this, asyncFunction('ComputeSlaCredits'), {
      settings: functionSettings(config, data.keys.logs),
      deadLetterKey: data.keys.data,
      targets: { ...data, desks: config.desks },
    });
    const creditSchedule = schedule('compute-sla-credits');
    new Rule(this, 'SlaCreditSchedule', {
      description: creditSchedule.description,
      schedule: eventSchedule(creditSchedule.cadence),
      targets: [
        new LambdaFunction(computeCredits.function, {
          deadLetterQueue: scheduleDeadLetters.queue,
          retryAttempts: 2,
          maxEventAge: Duration.hours(6),
        }),
      ],
    });
    // A reportable breach past its notification deadline (EMF metric of the deadline handler and sweep).
    const reportableDesks = config.desks.filter((d) => findPolicyPack(d)?.reportableBreaches);
    for (const desk of emfAlarmDesks(config, reportableDesks)) {
      const perDesk = config.observability.metrics === 'per-desk';
      this.alarms.push(
        new Alarm(this, perDesk ? `ReportableBreachOverdueAlarm-${desk}` : 'ReportableBreachOverdueAlarm', {
          alarmDescription: `A reportable breach${perDesk ? ` at ${desk}` : ''} passed its notification deadline with no authority notification recorded (docs/incident-playbook.md).`,
          metric: emfAlarmMetric(config, 'ReportableBreachOverdue', desk, Duration.minutes(15)),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    // The sweep logs one line per review that passed a threshold; leads hear of it through the alarm topic.
    const overdue = new MetricFilter(this, 'ReviewOverdueMetric', {
      logGroup: this.sweepIncidentReviews.logGroup,
      filterPattern: FilterPattern.stringValue('$.message', '=', 'post-incident review overdue'),
      metricNamespace: 'tierdesk',
      metricName: 'PostIncidentReviewsOverdue',
      metricValue: '1',
    });
    this.alarms.push(
      thresholdAlarm(this, 'ReviewOverdueAlarm', {
        description:
          'A post-incident review passed its due time (Acentus: 72 h after resolution) or its outer bound.',
        metric: overdue.metric(),
        period: Duration.minutes(15),
      }),
    );
  }

  /**
   * Copies console/ to `ops/` in the bucket and invalidates CloudFront (CDK's BucketDeployment).
   * Its provider gets a role of our own with exactly the actions it uses: CDK's default grants
   * (s3:GetObject*, s3:List*, cloudfront:* on "*") would put wildcard actions in the account.
   */
  private deployConsoleFiles(config: DeploymentConfig, removalPolicy: RemovalPolicy): void {
    const asset = new Asset(this, 'ConsoleAsset', { path: OPS_CONSOLE_DIR });
    const logGroup = new LogGroup(this, 'ConsoleDeploymentLogs', {
      retention: config.logRetentionDays as RetentionDays,
      encryptionKey: this.logsKey,
      removalPolicy,
    });
    const role = new Role(this, 'ConsoleDeploymentRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: 'Copies the ops console files to their bucket and invalidates the CloudFront cache',
    });
    const consoleObjects = this.bucket.arnForObjects('ops/*');
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [logGroup.logGroupArn],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['s3:GetObject'],
        resources: [asset.bucket.arnForObjects(asset.s3ObjectKey)],
      }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['s3:PutObject', 's3:DeleteObject'], resources: [consoleObjects] }),
    );
    role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['cloudfront:CreateInvalidation', 'cloudfront:GetInvalidation'],
        resources: [this.distribution.distributionArn],
      }),
    );
    Validations.of(role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::<${Stack.of(this).getLogicalId(this.bucket.node.defaultChild as CfnBucket)}.Arn>/ops/*]`,
      reason:
        'Copying a folder needs object actions on an ARN pattern; this one is the ops/ prefix of the console ' +
        'bucket, which holds nothing but the console’s static files.',
    });
    new BucketDeployment(this, 'ConsoleFiles', {
      sources: [Source.bucket(asset.bucket, asset.s3ObjectKey)],
      destinationBucket: this.bucket as unknown as IBucket,
      destinationKeyPrefix: 'ops/',
      distribution: this.distribution,
      distributionPaths: ['/ops/*'],
      // CDK's own grants would add wildcard actions; the role above already has exactly what the copy uses.
      role: role.withoutPolicyUpdates(),
      logGroup,
      memoryLimit: 256,
    });
    for (const child of this.node.children) {
      if (!child.node.id.startsWith('Custom::CDKBucketDeployment')) continue;
      Validations.of(child).acknowledge({
        id: 'AwsSolutions-L1',
        reason:
          'The runtime of CDK’s BucketDeployment provider (Python with the AWS CLI layer) is chosen by aws-cdk-lib, ' +
          'not by this project; it runs only during deployments and moves with aws-cdk-lib upgrades.',
      });
    }
  }
}
