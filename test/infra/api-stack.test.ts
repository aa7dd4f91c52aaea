import { readFileSync } from 'node:fs';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { API_ROUTES, routeKey } from '#functions/manifest/api-routes.ts';
import { actionsOfFunction, buildApp } from './infra-app.ts';

const { apiTemplate: template, api, workflow, workflowTemplate } = buildApp('dev');
const { apiTemplate: prodTemplate } = buildApp('prod');

/**
 * What each handler may do, beyond writing its own logs and traces: what shared/tickets/service.ts and
 * shared/store/ticket-store.ts call for the route (commitChange is an UpdateItem returning the task token).
 */
const EXPECTED_ACTIONS: Record<string, string[]> = {
  CreateTicket: [
    'dynamodb:BatchGetItem',
    'dynamodb:BatchWriteItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    's3:PutObject',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'states:StartExecution',
  ],
  // Staff views also read the ticket's consents and record each opening of private data under one.
  GetTicket: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    's3:GetObject',
    'kms:Decrypt',
    'kms:GenerateDataKey',
  ],
  ListTickets: ['dynamodb:BatchGetItem', 'dynamodb:Query', 'kms:Decrypt'],
  AddMessage: [
    'dynamodb:BatchGetItem',
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    's3:PutObject',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'states:SendTaskSuccess',
  ],
  // The staff directory (an assignee must be a staff member of the desk) is the user pool.
  UpdateTicket: [
    'cognito-idp:AdminGetUser',
    'cognito-idp:AdminListGroupsForUser',
    'dynamodb:GetItem',
    'dynamodb:UpdateItem',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'states:SendTaskFailure',
    'states:SendTaskSuccess',
  ],
  GetTicketSla: ['dynamodb:GetItem', 'kms:Decrypt'],
  PreviewSla: [],
  ListBans: ['dynamodb:Query', 'kms:Decrypt'],
  AddBan: ['dynamodb:PutItem', 'kms:Decrypt', 'kms:GenerateDataKey'],
  RemoveBan: ['dynamodb:DeleteItem', 'kms:Decrypt', 'kms:GenerateDataKey'],
  ListSuspendedMail: ['dynamodb:Query', 'kms:Decrypt'],
  GetSuspendedMail: ['dynamodb:GetItem', 'kms:Decrypt'],
  // The raw mail (mail key, through S3), bodies and attachments, the ticket writes and the workflow.
  ReleaseSuspendedMail: [
    'dynamodb:GetItem',
    // The ban check: released mail is intake like any other.
    'dynamodb:BatchGetItem',
    'dynamodb:PutItem',
    'dynamodb:UpdateItem',
    's3:GetObject',
    's3:PutObject',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'states:StartExecution',
    'states:SendTaskSuccess',
  ],
  RejectSuspendedMail: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'kms:Decrypt', 'kms:GenerateDataKey'],
  // The document is bundled with the handler: no table, bucket or workflow.
  GetOpenApi: [],
  // A consent request mails its signed links itself: SendRawEmail and the survey keyring, none of the
  // outbox's grants (no Query, UpdateItem, DeleteItem, bodies or thread keyring).
  RequestConsent: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'secretsmanager:GetSecretValue',
    'ses:SendRawEmail',
  ],
  ListConsents: ['dynamodb:GetItem', 'dynamodb:Query', 'kms:Decrypt'],
  DecideConsent: ['dynamodb:GetItem', 'dynamodb:PutItem', 'kms:Decrypt', 'kms:GenerateDataKey'],
  RecordPrivateAccess: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'dynamodb:Query',
    'kms:Decrypt',
    'kms:GenerateDataKey',
  ],
  ListPrivateAccess: ['dynamodb:GetItem', 'dynamodb:Query', 'kms:Decrypt'],
  GetConsentPage: ['dynamodb:GetItem', 'kms:Decrypt', 'secretsmanager:GetSecretValue'],
  SubmitConsentPage: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'secretsmanager:GetSecretValue',
  ],
  // A reportable breach's deadline schedules: created when marked, cancelled once the authority is notified.
  MarkReportableBreach: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'scheduler:CreateSchedule',
    'scheduler:DeleteSchedule',
    'iam:PassRole',
  ],
  RecordBreachNotification: [
    'dynamodb:GetItem',
    'dynamodb:PutItem',
    'kms:Decrypt',
    'kms:GenerateDataKey',
    'scheduler:CreateSchedule',
    'scheduler:DeleteSchedule',
    'iam:PassRole',
  ],
  ListSlaCredits: ['dynamodb:GetItem', 'dynamodb:Query', 'kms:Decrypt'],
};
/** Every token route counts its caller's desk quota (shared/quota/desk-quota.ts). */
const QUOTA_COUNTER = ['dynamodb:UpdateItem', 'kms:Decrypt', 'kms:GenerateDataKey'];
/** Added by the app once the mail stack exists (it owns the inbound bucket). */
const EVERY_FUNCTION = ['logs:CreateLogStream', 'logs:PutLogEvents'];

describe('ApiStack', () => {
  it('is an HTTP API with its routes, each behind the Cognito JWT authorizer', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: Match.absent(),
    });
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Issuer: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UsersPool'), 'ProviderURL'] },
        // The people's client and the client-credentials client the desks share (cognito:client_id of access tokens).
        Audience: [
          { Ref: Match.stringLikeRegexp('^UsersPoolAppClient') },
          { Ref: Match.stringLikeRegexp('^UsersPoolMachineClient') },
        ],
      },
    });
    const routes = Object.values(template.findResources('AWS::ApiGatewayV2::Route'));
    expect(routes.map((r) => r.Properties.RouteKey).sort()).toEqual([
      'DELETE /bans/{email}',
      'GET /bans',
      'GET /billing-appeals',
      'GET /billing-appeals/{id}',
      'GET /compliance/audit',
      'GET /consent/{desk}/{ticketId}/{consentId}',
      'GET /desks/{desk}/status.json',
      'GET /desks/{desk}/status.rss',
      'GET /dsar',
      'GET /dsar/{id}',
      'GET /dsar/{id}/export',
      'GET /incidents',
      'GET /incidents/{id}',
      'GET /kpis',
      'GET /legal-holds',
      'GET /mail/suspended',
      'GET /mail/suspended/{id}',
      'GET /openapi.json',
      'GET /queue',
      'GET /sla-credits',
      'GET /survey/{desk}/{ticketId}',
      'GET /tickets',
      'GET /tickets/{id}',
      'GET /tickets/{id}/consents',
      'GET /tickets/{id}/history',
      'GET /tickets/{id}/private-access',
      'GET /tickets/{id}/sla',
      'PATCH /incidents/{id}',
      'PATCH /tickets/{id}',
      'POST /bans',
      'POST /billing-appeals',
      'POST /billing-appeals/{id}/decision',
      'POST /billing-appeals/{id}/verification',
      'POST /billing-appeals/{id}/verify',
      'POST /consent/{desk}/{ticketId}/{consentId}',
      'POST /dsar',
      'POST /dsar/{id}/erasure',
      'POST /dsar/{id}/export',
      'POST /dsar/{id}/extension',
      'POST /dsar/{id}/rejection',
      'POST /dsar/{id}/verification',
      'POST /dsar/{id}/verify',
      'POST /incidents',
      'POST /incidents/{id}/breach-notifications',
      'POST /incidents/{id}/reportable-breach',
      'POST /legal-holds',
      'POST /legal-holds/{id}/release',
      'POST /mail/suspended/{id}/reject',
      'POST /mail/suspended/{id}/release',
      'POST /retention/preview',
      'POST /sla/preview',
      'POST /survey/{desk}/{ticketId}',
      'POST /tickets',
      'POST /tickets/{id}/attachments',
      'POST /tickets/{id}/consents',
      'POST /tickets/{id}/consents/{consentId}/decision',
      'POST /tickets/{id}/messages',
      'POST /tickets/{id}/private-access',
    ]);
    // The only routes without the JWT authorizer: the signed survey and consent links, the public status feeds and the contract.
    const PUBLIC = [
      'GET /consent/{desk}/{ticketId}/{consentId}',
      'POST /consent/{desk}/{ticketId}/{consentId}',
      'GET /openapi.json',
      'GET /desks/{desk}/status.json',
      'GET /desks/{desk}/status.rss',
      'GET /survey/{desk}/{ticketId}',
      'POST /survey/{desk}/{ticketId}',
    ];
    for (const route of routes) {
      if (PUBLIC.includes(route.Properties.RouteKey)) {
        expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('NONE');
        continue;
      }
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe('JWT');
      expect(route.Properties.AuthorizerId, route.Properties.RouteKey).toEqual({
        Ref: expect.stringMatching(/^HttpApiCognitoJwt/),
      });
    }
  });

  it('deploys exactly the manifest routes, each with its own function and the auth the manifest names', () => {
    const deployed = Object.values(template.findResources('AWS::ApiGatewayV2::Route'))
      .map((r) => `${r.Properties.RouteKey} ${r.Properties.AuthorizationType}`)
      .sort();
    const declared = API_ROUTES.map((r) => `${routeKey(r)} ${r.auth.kind === 'jwt' ? 'JWT' : 'NONE'}`).sort();
    expect(deployed).toEqual(declared);
    for (const route of API_ROUTES) expect(api.functions[route.id], route.id).toBeDefined();
  });

  it('serves each public route from a handler that checks the credential the manifest names', () => {
    for (const route of API_ROUTES.filter((r) => r.auth.kind !== 'jwt')) {
      const source = readFileSync(route.handler, 'utf8');
      expect(source, route.handler).toContain(`publicRoute('${route.auth.kind}'`);
    }
  });

  it('logs every request to an encrypted log group and throttles the default stage', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessLogs'), 'Arn'] },
        Format: Match.serializedJson(Match.objectLike({ requestId: '$context.requestId' })),
      },
    });
    template.allResourcesProperties('AWS::Logs::LogGroup', {
      RetentionInDays: 30,
      KmsKeyId: Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('LogsKey') }),
    });
  });

  it('deletes log groups with a dev stack and keeps them (365 days) in prod', () => {
    for (const logGroup of Object.values(template.findResources('AWS::Logs::LogGroup'))) {
      expect(logGroup.DeletionPolicy).toBe('Delete');
    }
    for (const logGroup of Object.values(prodTemplate.findResources('AWS::Logs::LogGroup'))) {
      expect(logGroup.DeletionPolicy).toBe('Retain');
      expect(logGroup.Properties.RetentionInDays).toBe(365);
    }
    prodTemplate.hasResourceProperties('AWS::Cognito::UserPool', { DeletionProtection: 'ACTIVE' });
    prodTemplate.hasResource('AWS::Cognito::UserPool', { DeletionPolicy: 'Retain' });
  });

  it('runs every handler on Node.js 22, arm64, JSON logs and source maps (X-Ray off: dev has the production defaults)', () => {
    // One per route, and Cognito's pre-token-generation trigger.
    template.resourceCountIs('AWS::Lambda::Function', API_ROUTES.length + 1);
    template.allResourcesProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      TracingConfig: Match.absent(),
      LoggingConfig: Match.objectLike({
        LogFormat: 'JSON',
        LogGroup: { Ref: Match.stringLikeRegexp('Logs') },
      }),
      Environment: {
        Variables: Match.objectLike({
          NODE_OPTIONS: '--enable-source-maps',
          SERVICE_NAME: 'tierdesk',
          METRICS: 'alarmed',
        }),
      },
    });
  });

  it('gives every handler the environment shared/config/env.ts requires', () => {
    for (const [logicalId, fn] of Object.entries(template.findResources('AWS::Lambda::Function'))) {
      if (logicalId.startsWith('UsersPreTokenGeneration')) continue; // not an API handler
      const variables = Object.keys(fn.Properties.Environment.Variables);
      // Routes that move a DSAR or appeal deadline also manage its schedule (ComplianceSchedulerEnv).
      const scheduling = variables.filter((v) => v.startsWith('COMPLIANCE_'));
      if (scheduling.length) {
        expect(scheduling.sort(), logicalId).toEqual([
          'COMPLIANCE_DEADLINE_FUNCTION_ARN',
          'COMPLIANCE_SCHEDULER_ROLE_ARN',
          'COMPLIANCE_SCHEDULE_DLQ_ARN',
          'COMPLIANCE_SCHEDULE_GROUP',
        ]);
      }
      // The public survey and status routes add what they check links against or link to.
      // Suspended-mail routes name the inbound mail bucket (releasing reads the raw mail).
      // Token routes carry their desk quota (checked below).
      const publicExtras = new Set([
        'DESKS',
        'THREAD_TOKEN_SECRET_ID',
        'SURVEY_SECRET_ID',
        'PUBLIC_BASE_URL',
        'MAIL_BUCKET',
        'DESK_QUOTA_PER_SECOND',
        'APP_CLIENT_QUOTA_PER_SECOND',
      ]);
      expect(variables.filter((v) => !v.startsWith('COMPLIANCE_') && !publicExtras.has(v)).sort()).toEqual([
        'BODY_BUCKET',
        'JWKS_URL',
        'JWT_AUDIENCE',
        'JWT_ISSUER',
        'METRICS',
        'NODE_OPTIONS',
        'SERVICE_NAME',
        'STATE_MACHINE_ARN',
        'TABLE_NAME',
        'USER_POOL_ID',
      ]);
      expect(fn.Properties.Environment.Variables.STATE_MACHINE_ARN).toEqual(
        api.resolve(workflow.ticketSla.stateMachineArn),
      );
    }
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: Match.objectLike({
          JWKS_URL: {
            'Fn::Join': ['', [{ 'Fn::GetAtt': [Match.anyValue(), 'ProviderURL'] }, '/.well-known/jwks.json']],
          },
        }),
      },
    });
  });

  it('has no alarm per function: the Region-wide Lambda Errors alarm covers them (observability stack)', () => {
    template.resourceCountIs('AWS::CloudWatch::Alarm', 0);
  });

  it('has an Errors alarm per function with observability.functionErrorAlarms "per-function"', () => {
    const perFunction = buildApp('dev', {
      'tierdesk:environments': {
        dev: {
          removeDataOnDelete: true,
          logRetentionDays: 30,
          observability: { functionErrorAlarms: 'per-function' },
        },
      },
    }).apiTemplate;
    perFunction.resourceCountIs('AWS::CloudWatch::Alarm', API_ROUTES.length + 1);
    perFunction.allResourcesProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });

  for (const [routeId, expected] of Object.entries(EXPECTED_ACTIONS)) {
    it(`grants ${routeId} exactly the actions it uses, none with a wildcard`, () => {
      const actions = actionsOfFunction(template, routeId);
      expect(actions.filter((a) => a.includes('*'))).toEqual([]);
      const jwt = API_ROUTES.find((r) => r.id === routeId)?.auth.kind === 'jwt';
      expect(actions).toEqual(
        [...new Set([...expected, ...EVERY_FUNCTION, ...(jwt ? QUOTA_COUNTER : [])])].sort(),
      );
    });
  }

  it('lets every token route count its desk quota: UpdateItem on QUOTA# items only, with the quota', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    for (const route of API_ROUTES) {
      const fn = Object.entries(functions).find(([id]) => id.startsWith(`${route.id}Function`))?.[1];
      expect(fn, route.id).toBeDefined();
      const variables = fn!.Properties.Environment.Variables;
      if (route.auth.kind !== 'jwt') {
        expect(variables.DESK_QUOTA_PER_SECOND, route.id).toBeUndefined();
        continue;
      }
      expect(variables.DESK_QUOTA_PER_SECOND, route.id).toBe('20');
      expect(variables.APP_CLIENT_QUOTA_PER_SECOND, route.id).toBe('5');
    }
    const quotaStatements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Condition?: unknown; Action: unknown }[]).filter(
        (st) => st.Condition !== undefined && JSON.stringify(st.Condition).includes('dynamodb:LeadingKeys'),
      ),
    );
    expect(quotaStatements.length).toBe(API_ROUTES.filter((r) => r.auth.kind === 'jwt').length);
    for (const statement of quotaStatements) {
      expect(statement).toMatchObject({
        Action: 'dynamodb:UpdateItem',
        Condition: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['QUOTA#*'] } },
      });
    }
  });

  it('lets UpdateTicket read exactly the user pool (the staff directory)', () => {
    const cognito = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((st) => [st.Action].flat().some((a) => a.startsWith('cognito-idp:')))
        .map((st) => ({ role: policy.Properties.Roles[0].Ref as string, resource: st.Resource })),
    );
    // The pre-token trigger reads MFA settings; UpdateTicket reads staff. No other function touches the pool.
    expect(cognito.map((c) => c.role.replace(/Role.*$/, '')).sort()).toEqual([
      'UpdateTicket',
      'UsersPreTokenGeneration',
    ]);
    for (const c of cognito) expect(JSON.stringify(c.resource)).toContain('UsersPool');
  });

  it('lets ListTickets query exactly three indexes, and not the table itself', () => {
    const indexArns = (name: string) => ({
      'Fn::Join': ['', [{ 'Fn::ImportValue': Match.stringLikeRegexp('Table') }, `/index/${name}`]],
    });
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^ListTicketsRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 'dynamodb:Query',
            Resource: [
              indexArns('byDataClassCreated-v2'),
              indexArns('byDeskStatusDue-v2'),
              indexArns('byRequester-v2'),
            ],
          },
        ]),
      },
    });
  });

  it('lets handlers start or wake exactly the ticket SLA state machine, found by name (no export)', () => {
    const stateMachineArn = api.resolve(workflow.ticketSla.stateMachineArn);
    const [stateMachine] = Object.values(workflowTemplate.findResources('AWS::StepFunctions::StateMachine'));
    expect(JSON.stringify(stateMachineArn)).toContain(
      `:stateMachine:${stateMachine?.Properties.StateMachineName}"`,
    );
    const statesStatements = Object.values(template.findResources('AWS::IAM::Policy')).flatMap((policy) =>
      (policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[])
        .filter((statement) => [statement.Action].flat().some((a) => a.startsWith('states:')))
        .map((statement) => ({ role: policy.Properties.Roles[0].Ref as string, ...statement })),
    );
    expect(statesStatements.map((s) => `${s.role.replace(/Role.*$/, '')} ${s.Action}`).sort()).toEqual([
      'AddMessage states:SendTaskSuccess',
      'CreateTicket states:StartExecution',
      'GetTicketHistory states:DescribeExecution,states:GetExecutionHistory',
      'ReleaseSuspendedMail states:SendTaskSuccess,states:StartExecution',
      'UpdateTicket states:SendTaskFailure,states:SendTaskSuccess',
    ]);
    for (const statement of statesStatements) {
      // Reading histories is on the state machine's executions (named per ticket); the rest on the machine.
      if (statement.role.startsWith('GetTicketHistory'))
        expect(JSON.stringify(statement.Resource)).toContain(':execution:');
      else expect(statement.Resource).toEqual(stateMachineArn);
    }
    expect(JSON.stringify(template.toJSON())).not.toContain('Fn::ImportValue":"tierdesk-dev-workflow');
    expect(api.dependencies).toContain(workflow);
  });

  it('limits object access to the bodies/ prefix and KMS use to calls through DynamoDB and S3', () => {
    template.hasResourceProperties('AWS::IAM::Policy', {
      Roles: [{ Ref: Match.stringLikeRegexp('^CreateTicketRole') }],
      PolicyDocument: {
        Statement: Match.arrayWith([
          {
            Effect: 'Allow',
            Action: 's3:PutObject',
            Resource: {
              'Fn::Join': ['', [{ 'Fn::ImportValue': Match.stringLikeRegexp('Bodies') }, '/bodies/*']],
            },
          },
          Match.objectLike({
            Action: 'kms:GenerateDataKey',
            Condition: { StringEquals: { 'kms:ViaService': Match.anyValue() } },
          }),
        ]),
      },
    });
    for (const policy of Object.values(template.findResources('AWS::IAM::Policy'))) {
      for (const statement of policy.Properties.PolicyDocument.Statement) {
        const actions = [statement.Action].flat() as string[];
        if (actions.some((a) => a.startsWith('kms:'))) {
          expect(statement.Condition?.StringEquals?.['kms:ViaService']).toBeDefined();
        }
      }
    }
  });

  it('has a Cognito user pool with a strong password policy, no self sign-up and the role groups', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 12, RequireSymbols: true }) },
      UserPoolTier: 'ESSENTIALS',
    });
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup'));
    expect(groups.map((g) => g.Properties.GroupName).sort()).toEqual([
      'agent-tier1',
      'agent-tier2',
      'agent-tier3',
      'agent-tier4',
      'customer',
      'lead',
      'manager',
      'on-call',
      'ops',
    ]);
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
      AllowedOAuthFlowsUserPoolClient: false,
    });
  });
});
