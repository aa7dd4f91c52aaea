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

  it('no function has a signing key in its environment: it gets the secret’s ARN, never a value', () => {
    for (const template of [mail, workflow, built.apiTemplate]) {
      for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
        const variables = fn.Properties.Environment?.Variables ?? {};
        for (const name of ['SURVEY_SECRET', 'THREAD_TOKEN_SECRET', 'THREAD_TOKEN_PREVIOUS_SECRET']) {
          expect(variables[name], `${fn.Properties.Description}: ${name}`).toBeUndefined();
        }
        expect(JSON.stringify(variables)).not.toMatch(/resolve:secretsmanager/);
      }
    }
  });

  it('each keyring reader has GetSecretValue on exactly its secret, and the ARN in the variable it reads', () => {
    const readers = (template: Template, secretId: RegExp) =>
      Object.values(template.findResources('AWS::Lambda::Function')).filter((fn) =>
        Object.values(fn.Properties.Environment?.Variables ?? {}).some((v) =>
          secretId.test(JSON.stringify(v)),
        ),
      );
    // Mail stack: the inbound function reads the thread keys; the sweep both keyrings.
    const expectations = [
      [mail, 'SES inbound mail', ['ThreadTokenSecret']],
      [mail, 'Every minute: sends outbound mail', ['SurveySecret', 'ThreadTokenSecret']],
      [workflow, 'applies due SLA actions', ['SurveySecret', 'ThreadTokenSecret']],
    ] as const;
    for (const [template, description, secrets] of expectations) {
      const [roleFn] = Object.entries(template.findResources('AWS::Lambda::Function')).filter(([, fn]) =>
        String(fn.Properties.Description).match(description),
      );
      expect(roleFn, description).toBeDefined();
      const variables = roleFn![1].Properties.Environment.Variables;
      expect(Boolean(variables.SURVEY_SECRET_ID), description).toBe(
        secrets.includes('SurveySecret' as never),
      );
      expect(Boolean(variables.THREAD_TOKEN_SECRET_ID), description).toBe(true);
      const roleId = roleFn![1].Properties.Role['Fn::GetAtt'][0] as string;
      const statements = Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
        .filter((st) => actionsOf(st).some((a) => a.startsWith('secretsmanager:')));
      // (IAM policy minimisation may merge both secrets into one statement.)
      expect([...new Set(statements.flatMap(actionsOf))], description).toEqual([
        'secretsmanager:GetSecretValue',
      ]);
      expect(statements.flatMap((st) => [st.Resource].flat()).length, description).toBe(secrets.length);
      const resources = JSON.stringify(statements.map((st) => st.Resource));
      for (const secret of ['SurveySecret', 'ThreadTokenSecret']) {
        expect(resources.includes(secret), `${description}: ${secret}`).toBe(
          secrets.includes(secret as never),
        );
      }
    }
    expect(readers(mail, /SurveySecret/).length).toBe(1);
    // The survey and consent-link routes read the survey keyring only; no other route reads any.
    const api = built.apiTemplate;
    for (const [logicalId, fn] of Object.entries(api.findResources('AWS::Lambda::Function'))) {
      const roleId = fn.Properties.Role['Fn::GetAtt'][0] as string;
      const statements = Object.values(api.findResources('AWS::IAM::Policy'))
        .filter((p) => JSON.stringify(p.Properties.Roles).includes(roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as Statement[])
        .filter((st) => actionsOf(st).some((a) => a.startsWith('secretsmanager:')));
      // The consent links (and the consent request mailing them) are signed under the survey keyring, with a
      // purpose of their own; the request's mail carries no thread token, so it never reads that keyring.
      if (/^((Get|Submit)(Survey|ConsentPage)|RequestConsent)Function/.test(logicalId)) {
        expect(statements.flatMap(actionsOf), logicalId).toEqual(['secretsmanager:GetSecretValue']);
        expect(JSON.stringify(statements[0]?.Resource), logicalId).toMatch(/SurveySecret/);
        expect(JSON.stringify(fn.Properties.Environment.Variables.SURVEY_SECRET_ID)).toMatch(/SurveySecret/);
        expect(fn.Properties.Environment.Variables.THREAD_TOKEN_SECRET_ID, logicalId).toBeUndefined();
      } else {
        expect(statements, logicalId).toEqual([]);
      }
    }
    // Both keyrings are `{"current","previous"}` JSON, so a rotation keeps the previous key.
    for (const description of ['CSAT survey links', 'reply addresses']) {
      mail.hasResourceProperties('AWS::SecretsManager::Secret', {
        Description: Match.stringLikeRegexp(description),
        GenerateSecretString: Match.objectLike({
          SecretStringTemplate: JSON.stringify({ previous: '' }),
          GenerateStringKey: 'current',
        }),
      });
    }
  });

  it('async mail functions have encrypted dead-letter queues', () => {
    for (const id of ['ReceiveEmail', 'HandleFeedback', 'SweepOutboundMail']) {
      const fns = mail.findResources('AWS::Lambda::Function');
      const fn = Object.entries(fns).find(([k]) => k.startsWith(`${id}Function`));
      expect(fn?.[1].Properties.DeadLetterConfig, id).toBeDefined();
    }
  });
});
