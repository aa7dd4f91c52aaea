import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { DESK_MAIL } from '#shared/mail/desk-mail.ts';
import { type BuiltApp, buildApp } from './infra-app.ts';

let built: BuiltApp;
let mail: Template;
let workflow: Template;

beforeAll(() => {
  built = buildApp('prod');
  mail = Template.fromStack(built.mail);
  workflow = Template.fromStack(built.workflow);
}, 120_000);

type Statement = {
  Action: string | string[];
  Resource: unknown;
  Effect: string;
  Principal?: unknown;
  Condition?: unknown;
};
const actionsOf = (s: Statement) => (Array.isArray(s.Action) ? s.Action : [s.Action]);

/** Every IAM statement of the role of the function whose logical id starts with `id`. */
function statementsOf(template: Template, id: string): Statement[] {
  const roles = template.findResources('AWS::IAM::Role');
  const roleId = Object.keys(roles).find((k) => k.startsWith(`${id}Role`));
  expect(roleId, `role of ${id}`).toBeDefined();
  const policies = template.findResources('AWS::IAM::Policy');
  return Object.values(policies)
    .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId!))
    .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[]);
}

describe('mail stack: inbound', () => {
  it('one receipt rule per desk: its domain → S3 action under inbound/<desk>/ with a notification, spam and virus scan on', () => {
    for (const desk of DESK_MAIL) {
      mail.hasResourceProperties('AWS::SES::ReceiptRule', {
        Rule: Match.objectLike({
          Name: `${desk.desk}-inbound`,
          Recipients: [desk.domain],
          ScanEnabled: true,
          Enabled: true,
          Actions: [
            {
              S3Action: Match.objectLike({
                ObjectKeyPrefix: `inbound/${desk.desk}/`,
                TopicArn: Match.anyValue(),
                BucketName: Match.anyValue(),
              }),
            },
          ],
        }),
      });
    }
  });

  it('the raw mail bucket is KMS-encrypted with the mail key, private, TLS-only, and expires mail per the desk’s retention', () => {
    mail.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          Match.objectLike({
            ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: Match.anyValue() },
          }),
        ],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: {
        Rules: Match.arrayWith([
          Match.objectLike({
            Id: 'expire-raw-mail-techflow',
            Prefix: 'inbound/techflow/',
            ExpirationInDays: 730,
            Status: 'Enabled',
          }),
          Match.objectLike({
            Id: 'expire-raw-mail-rarelogic',
            Prefix: 'inbound/rarelogic/',
            ExpirationInDays: 365,
          }),
        ]),
      },
    });
    mail.hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Effect: 'Allow',
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 's3:PutObject',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
  });

  it('the inbound function may read raw mail under inbound/ only, never write it, and queries nothing', () => {
    const statements = statementsOf(mail, 'ReceiveEmail');
    const s3 = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('s3:')));
    const inbound = s3.filter((s) => JSON.stringify(s.Resource).includes('/inbound/*'));
    expect(inbound.flatMap(actionsOf)).toEqual(['s3:GetObject']);
    expect(statements.flatMap(actionsOf)).not.toContain('dynamodb:Query');
    expect(statements.flatMap(actionsOf)).not.toContain('ses:SendRawEmail');
    expect(statements.flatMap(actionsOf).filter((a) => a.startsWith('s3:'))).not.toContain('s3:DeleteObject');
  });

  it('topics are KMS-encrypted; SES may publish only from this account', () => {
    mail.resourceCountIs('AWS::SNS::Topic', 2);
    mail.allResourcesProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    mail.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Principal: { Service: 'ses.amazonaws.com' },
            Action: 'sns:Publish',
            Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
          }),
        ]),
      },
    });
    mail.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'lambda' });
  });
});

describe('mail stack: outbound and feedback', () => {
  it('SendRawEmail is granted on the desks’ identities and the configuration set, never on *', () => {
    for (const [template, id] of [
      [mail, 'SweepOutboundMail'],
      [workflow, 'CheckTicketSla'],
    ] as const) {
      const send = statementsOf(template, id).filter((s) => actionsOf(s).includes('ses:SendRawEmail'));
      expect(send).toHaveLength(1);
      const resources = JSON.stringify(send[0]!.Resource);
      for (const desk of DESK_MAIL) expect(resources).toContain(`identity/${desk.domain}`);
      expect(resources).toContain('configuration-set/tierdesk-prod-mail');
      expect(send[0]!.Resource).not.toContain('*');
    }
  });

  it('only the senders may send: the inbound and feedback functions cannot', () => {
    expect(statementsOf(mail, 'HandleFeedback').flatMap(actionsOf)).toEqual(
      expect.not.arrayContaining(['ses:SendRawEmail', 's3:GetObject']),
    );
  });

  it('bounces and complaints of every desk identity reach the feedback topic', () => {
    mail.resourceCountIs('AWS::SES::EmailIdentity', DESK_MAIL.length);
    mail.hasResourceProperties('AWS::SES::ConfigurationSetEventDestination', {
      EventDestination: Match.objectLike({
        MatchingEventTypes: ['bounce', 'complaint'],
        SnsDestination: Match.anyValue(),
      }),
    });
  });

  it('the Apply step gets the mail senders’ environment; the survey secret is a dynamic reference, not a value', () => {
    workflow.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('applies due SLA actions'),
      Environment: {
        Variables: Match.objectLike({
          PUBLIC_BASE_URL: Match.anyValue(),
          BODY_BUCKET: Match.anyValue(),
          SURVEY_SECRET: Match.objectLike({
            'Fn::Join': Match.arrayWith([
              Match.arrayWith([Match.stringLikeRegexp('resolve:secretsmanager')]),
            ]),
          }),
        }),
      },
    });
  });

  it('the inbound function and the senders read the thread keys (current and previous) by dynamic reference', () => {
    const reference = (field: string) =>
      Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith([Match.stringLikeRegexp(`^:SecretString:${field}::`)])]),
      });
    for (const [template, description] of [
      [mail, 'SES inbound mail'],
      [mail, 'Every minute: sends outbound mail'],
      [workflow, 'applies due SLA actions'],
    ] as const) {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Description: Match.stringLikeRegexp(description),
        Environment: {
          Variables: Match.objectLike({
            THREAD_TOKEN_SECRET: reference('current'),
            THREAD_TOKEN_PREVIOUS_SECRET: reference('previous'),
          }),
        },
      });
    }
    mail.hasResourceProperties('AWS::SecretsManager::Secret', {
      GenerateSecretString: Match.objectLike({ GenerateStringKey: 'current' }),
    });
  });

  it('async mail functions have encrypted dead-letter queues', () => {
    for (const id of ['ReceiveEmail', 'HandleFeedback', 'SweepOutboundMail']) {
      const fns = mail.findResources('AWS::Lambda::Function');
      const fn = Object.entries(fns).find(([k]) => k.startsWith(`${id}Function`));
      expect(fn?.[1].Properties.DeadLetterConfig, id).toBeDefined();
    }
  });
});
