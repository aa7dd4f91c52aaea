import { ArnFormat, CfnOutput, Duration, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { Key } from 'aws-cdk-lib/aws-kms';
import type { Bucket, IBucket } from 'aws-cdk-lib/aws-s3';
import { Secret } from 'aws-cdk-lib/aws-secretsmanager';
import {
  ConfigurationSet,
  EmailIdentity,
  EmailSendingEvent,
  EventDestination,
  Identity,
  ReceiptRuleSet,
  TlsPolicy,
} from 'aws-cdk-lib/aws-ses';
import { S3 } from 'aws-cdk-lib/aws-ses-actions';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { LambdaSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { SECRET_ENVIRONMENT } from '#functions/manifest/access.ts';
import { asyncFunction } from '#functions/manifest/async-functions.ts';
import { schedule } from '#functions/manifest/schedules.ts';
import { DESK_MAIL, inboundPrefix, rawMailRetentionDays } from '#shared/mail/desk-mail.ts';
import type { DeploymentConfig } from '../config.ts';
import { accessLogBucket } from '../constructs/access-log-bucket.ts';
import type { AppFunction, BindableStateMachine } from '../constructs/app-function.ts';
import { contentBucket } from '../constructs/content-bucket.ts';
import { envelopeDeadLetterQueue } from '../constructs/dead-letter-queue.ts';
import { rotatingKey } from '../constructs/rotating-key.ts';
import { functionSettings, removalPolicyOf } from '../environment-settings.ts';
import { buildAsyncFunction, eventSchedule } from '../manifest-functions.ts';
import { type DataResources, NONCURRENT_VERSION_DAYS } from './data-stack.ts';

export interface MailStackProps extends StackProps {
  readonly config: DeploymentConfig;
  readonly data: DataResources;
  /** The per-ticket SLA workflow: inbound mail starts (new tickets) and wakes (replies) it. */
  readonly ticketWorkflow: BindableStateMachine;
  /** Where customers open links from mail (the CSAT survey), e.g. the API's public URL. */
  readonly publicBaseUrl: string;
}

/**
 * Email through SES (docs/email.md): per desk a receipt rule that stores the raw MIME in a
 * KMS-encrypted bucket under `inbound/<desk>/` (kept as long as the desk's pack keeps tickets) and
 * notifies a topic the inbound function subscribes to; a sending identity per desk domain with a
 * configuration set whose bounces and complaints reach the feedback function; the outbound sweep.
 * Every function gets exactly what its code calls.
 */
export class MailStack extends Stack {
  readonly inboundBucket: Bucket;
  readonly mailKey: Key;
  readonly inboundTopic: Topic;
  readonly feedbackTopic: Topic;
  readonly ruleSet: ReceiptRuleSet;
  readonly configurationSet: ConfigurationSet;
  readonly surveySecret: Secret;
  /** Signs the thread tokens in reply addresses and Message-IDs: `{"current": …, "previous": …}`. */
  readonly threadTokenSecret: Secret;
  readonly functions: {
    readonly ReceiveEmail: AppFunction;
    readonly HandleFeedback: AppFunction;
    readonly SweepOutboundMail: AppFunction;
  };
  /** Environment an outbound-mail sender needs besides its bindings (MailOutboundEnv). */
  readonly outboundEnvironment: Readonly<Record<string, string>>;
  /** `ses:SendRawEmail` on the desks' identities and the configuration set, nothing else. */
  readonly sendMailStatement: PolicyStatement;

  private readonly data: DataResources;

  constructor(scope: Construct, id: string, props: MailStackProps) {
    super(scope, id, props);
    const { config, data } = props;
    this.data = data;
    const removalPolicy = removalPolicyOf(config);
    const desks = DESK_MAIL.filter((d) => config.desks.includes(d.desk));
    const ruleSetName = `tierdesk-${config.envName}-inbound`;

    // Own key: SES and SNS must be admitted in its key policy, which the data key's must never do.
    this.mailKey = rotatingKey(this, 'MailKey', {
      description: `tierdesk ${config.envName}: raw inbound mail and the mail topics`,
      alias: `alias/tierdesk/${config.envName}/mail`,
      removalPolicy,
    });
    this.mailKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('ses.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    const accessLogs = accessLogBucket(this, 'AccessLogs', {
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
      forCloudFront: false,
    });
    // Versioned like the bodies bucket. Raw MIME lives as long as the desk keeps tickets (the parsed content
    // is the ticket).
    this.inboundBucket = contentBucket(this, 'Inbound', {
      encryptionKey: this.mailKey,
      accessLogs,
      accessLogPrefix: 'inbound/',
      removalPolicy,
      noncurrentVersionDays: NONCURRENT_VERSION_DAYS,
      lifecycleRules: desks.map((d) => ({
        id: `expire-raw-mail-${d.desk}`,
        prefix: inboundPrefix(d.desk),
        expiration: Duration.days(rawMailRetentionDays(d.desk)),
      })),
    });

    const topic = (topicId: string, displayName: string) => {
      const t = new Topic(this, topicId, { displayName, masterKey: this.mailKey, enforceSSL: true });
      t.addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal('ses.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [t.topicArn],
          conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
        }),
      );
      return t;
    };
    this.inboundTopic = topic('InboundTopic', 'tierdesk inbound mail (SES S3 action notifications)');
    this.feedbackTopic = topic('FeedbackTopic', 'tierdesk mail feedback (SES bounces and complaints)');

    this.ruleSet = new ReceiptRuleSet(this, 'RuleSet', {
      receiptRuleSetName: ruleSetName,
      rules: desks.map((d) => ({
        receiptRuleName: `${d.desk}-inbound`,
        // The domain, so plus addresses (support+<ticket>@) match; the handler routes the local part.
        recipients: [d.domain],
        scanEnabled: true,
        tlsPolicy: TlsPolicy.OPTIONAL,
        actions: [
          new S3({
            bucket: this.inboundBucket as IBucket,
            objectKeyPrefix: inboundPrefix(d.desk),
            topic: this.inboundTopic,
          }),
        ],
      })),
    });

    const configurationSetName = `tierdesk-${config.envName}-mail`;
    this.configurationSet = new ConfigurationSet(this, 'ConfigurationSet', { configurationSetName });
    this.configurationSet.addEventDestination('Feedback', {
      destination: EventDestination.snsTopic(this.feedbackTopic),
      events: [EmailSendingEvent.BOUNCE, EmailSendingEvent.COMPLAINT],
    });
    for (const d of desks) {
      new EmailIdentity(this, `Identity-${d.desk}`, {
        identity: Identity.domain(d.domain),
        configurationSet: this.configurationSet,
      });
    }
    this.sendMailStatement = new PolicyStatement({
      actions: ['ses:SendRawEmail'],
      resources: [
        ...desks.map((d) => this.formatArn({ service: 'ses', resource: 'identity', resourceName: d.domain })),
        this.formatArn({
          service: 'ses',
          resource: 'configuration-set',
          resourceName: configurationSetName,
          arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
        }),
      ],
    });

    // Both keyrings are `{"current","previous"}` (shared/secrets/keyring.ts): functions get the ARN and
    // GetSecretValue on it, read the value at run time and cache it for five minutes, so a rotation needs no
    // deploy. Rotation moves current to previous (docs/deploy.md, "Rotating the signing keys").
    const keyring = (id: string, description: string) => {
      const secret = new Secret(this, id, {
        description,
        generateSecretString: {
          secretStringTemplate: JSON.stringify({ previous: '' }),
          generateStringKey: 'current',
          passwordLength: 48,
          excludePunctuation: true,
        },
        removalPolicy,
      });
      Validations.of(secret).acknowledge({
        id: 'AwsSolutions-SMG4',
        reason:
          'Rotated by the operator with an overlap window (docs/deploy.md): the old key moves to "previous" so ' +
          'links and reply addresses already in customers’ mailboxes stay valid; a managed rotation would drop it.',
      });
      return secret;
    };
    this.surveySecret = keyring(
      'SurveySecret',
      `tierdesk ${config.envName}: signs the CSAT survey links in closure notices`,
    );
    this.threadTokenSecret = keyring(
      'ThreadTokenSecret',
      `tierdesk ${config.envName}: signs the ticket tokens in reply addresses and Message-IDs`,
    );
    this.outboundEnvironment = {
      PUBLIC_BASE_URL: props.publicBaseUrl,
      DESKS: config.desks.join(','),
    };

    const build = (functionId: string) =>
      buildAsyncFunction(this, asyncFunction(functionId), {
        settings: functionSettings(config, data.keys.logs),
        deadLetterKey: data.keys.data,
        targets: {
          ...data,
          ticketWorkflow: props.ticketWorkflow,
          inboundMailBucket: this.inboundBucket,
          desks: config.desks,
          secrets: { survey: this.surveySecret, threadKeys: this.threadTokenSecret },
        },
      });
    const receiveEmail = build('ReceiveEmail');
    this.inboundTopic.addSubscription(new LambdaSubscription(receiveEmail.function));
    const handleFeedback = build('HandleFeedback');
    this.feedbackTopic.addSubscription(new LambdaSubscription(handleFeedback.function));
    const sweep = build('SweepOutboundMail');
    this.functions = { ReceiveEmail: receiveEmail, HandleFeedback: handleFeedback, SweepOutboundMail: sweep };
    for (const [functionId, fn] of Object.entries(this.functions)) {
      if (asyncFunction(functionId).access.sendMail) this.grantSendMail(fn);
    }

    const scheduleDeadLetters = envelopeDeadLetterQueue(this, 'SweepScheduleDeadLetterQueue', {
      deadLetterOf: 'the DeadLetterConfig of the sweep rule’s Lambda target',
      alarmId: 'SweepScheduleDeadLetterAlarm',
      alarmDescription:
        'EventBridge could not deliver an outbound mail sweep: notices that failed their first send wait for the next one.',
    });
    const sweepSchedule = schedule('sweep-outbound-mail');
    new Rule(this, 'SweepSchedule', {
      description: sweepSchedule.description,
      schedule: eventSchedule(sweepSchedule.cadence),
      targets: [
        new LambdaFunction(sweep.function, {
          deadLetterQueue: scheduleDeadLetters.queue,
          retryAttempts: 2,
          maxEventAge: Duration.minutes(5),
        }),
      ],
    });

    new CfnOutput(this, 'ReceiptRuleSetName', {
      value: ruleSetName,
      description:
        'Activate once per account and Region: aws ses set-active-receipt-rule-set --rule-set-name <this>',
    });
    new CfnOutput(this, 'InboundBucketName', { value: this.inboundBucket.bucketName });
  }

  /**
   * What a function that delivers outbound mail needs (shared/notices/deliver.ts): the ticket and its
   * messages (GetItem, Query of the ticket partition), its outbound entries and the outbox note
   * (UpdateItem, PutItem, DeleteItem; the note partition is queried by the sweep), long bodies,
   * suppressions, and SendRawEmail on the desks' identities only.
   */
  grantSendMail(fn: AppFunction): void {
    fn.bindTable(this.data.table, { actions: ['GetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem'] });
    fn.bindBucket(this.data.bodyBucket, { actions: ['GetObject'], prefix: 'bodies/' });
    fn.role.addToPrincipalPolicy(this.sendMailStatement);
    for (const [name, value] of Object.entries(this.outboundEnvironment)) fn.setEnvironment(name, value);
    fn.bindSecret(this.surveySecret, SECRET_ENVIRONMENT.survey);
    fn.bindSecret(this.threadTokenSecret, SECRET_ENVIRONMENT.threadKeys);
  }

  /**
   * A function that composes and sends one mail itself (the consent request): SendRawEmail on the desks'
   * identities only. Its table, keyring and public URL come from its own manifest access.
   */
  grantSendOwnMail(fn: AppFunction): void {
    fn.role.addToPrincipalPolicy(this.sendMailStatement);
  }
}
