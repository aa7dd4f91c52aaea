import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { HttpApi, HttpMethod, HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUrlIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { API_ROUTES, routeKey } from '#functions/manifest/api-routes.ts';
import { appScope, appScopeName, ROLE_GROUP_NAMES } from '#shared/auth/cognito-claims.ts';
import { ON_CALL_GROUP } from '#shared/auth/cognito-staff-directory.ts';
import { MAX_BODY_BYTES } from '#shared/http/request.ts';
import {
  ConfigError,
  DEFAULT_PER_DESK_PER_SECOND,
  parseDeploymentConfig,
  WAF_WINDOW_SECONDS,
} from '../../infra/config.ts';
import { DEFAULT_ROUTE_THROTTLES, throttleRoutes } from '../../infra/constructs/api-throttling.ts';
import { contentLengthAbove } from '../../infra/constructs/web-acl.ts';
import { addTierdeskStacks } from '../../infra/tierdesk-app.ts';
import { actionsOfFunction, buildApp, CDK_JSON_CONTEXT, testApp } from './infra-app.ts';

const dev = buildApp('dev');
const prod = buildApp('prod');
const DESKS = dev.config.desks;
/** Logical-id fragment CDK makes of a desk id (`rch-spyfocus` → `rchspyfocus`). */
const idOf = (desk: string) => desk.replace(/[^A-Za-z0-9]/g, '');

describe('Cognito: people', () => {
  const template = dev.apiTemplate;

  it('keeps desk immutable, plan admin-only, email verified before it changes, and MFA to TOTP', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        Match.objectLike({ Name: 'desk', Mutable: false, AttributeDataType: 'String' }),
        Match.objectLike({ Name: 'plan', Mutable: true, AttributeDataType: 'String' }),
      ]),
      UserAttributeUpdateSettings: { AttributesRequireVerificationBeforeUpdate: ['email'] },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
  });

  it('is on the Essentials plan by default, and on Plus with threat protection enforced when configured', () => {
    for (const built of [dev, prod]) {
      const [pool] = Object.values(built.apiTemplate.findResources('AWS::Cognito::UserPool'));
      expect(pool?.Properties.UserPoolTier).toBe('ESSENTIALS');
      expect(pool?.Properties.UserPoolAddOns).toBeUndefined();
    }
    const environments = structuredClone(CDK_JSON_CONTEXT['tierdesk:environments']) as Record<string, any>;
    environments.dev.cognito = { featurePlan: 'PLUS' };
    const { api } = addTierdeskStacks(testApp(), parseDeploymentConfig('dev', environments));
    Template.fromStack(api).hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
    });
  });

  it('runs the pre-token-generation trigger with V2_0 events (the version that customises access tokens)', () => {
    template.hasResourceProperties('AWS::Cognito::UserPool', {
      LambdaConfig: {
        PreTokenGenerationConfig: {
          LambdaArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UsersPreTokenGenerationFunction'), 'Arn'] },
          LambdaVersion: 'V2_0',
        },
      },
    });
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'cognito-idp.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UsersPreTokenGenerationFunction'), 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UsersPool'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('pre-token-generation'),
      Timeout: 5,
      Runtime: 'nodejs22.x',
    });
  });

  it('lets the trigger read MFA settings of this pool’s users and nothing else', () => {
    expect(actionsOfFunction(template, 'UsersPreTokenGeneration')).toEqual([
      'cognito-idp:AdminGetUser',
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [
          {
            Effect: 'Allow',
            Action: 'cognito-idp:AdminGetUser',
            Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UsersPool'), 'Arn'] },
          },
        ],
      },
    });
  });

  it('has one group per role the claims mapping knows, in a fixed precedence, and the on-call group after them', () => {
    const groups = Object.values(template.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties,
    );
    expect(groups.map((g) => g.GroupName).sort()).toEqual([...ROLE_GROUP_NAMES, ON_CALL_GROUP].sort());
    for (const group of groups.filter((g) => g.GroupName !== ON_CALL_GROUP))
      expect(group.Precedence).toBe(ROLE_GROUP_NAMES.indexOf(group.GroupName));
    // The staff directory reads this group; it must never win `cognito:preferred_role` over a role group.
    const onCall = groups.find((g) => g.GroupName === ON_CALL_GROUP);
    expect(onCall?.Precedence).toBeGreaterThan(
      Math.max(...groups.filter((g) => g !== onCall).map((g) => g.Precedence)),
    );
  });

  it('signs people in with SRP (operators via the IAM-signed admin flow), without OAuth or a secret, and lets them write only email and name', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      ClientName: 'tierdesk-dev-users',
      ExplicitAuthFlows: [
        'ALLOW_ADMIN_USER_PASSWORD_AUTH',
        'ALLOW_USER_SRP_AUTH',
        'ALLOW_REFRESH_TOKEN_AUTH',
      ],
      AllowedOAuthFlowsUserPoolClient: false,
      GenerateSecret: false,
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
      WriteAttributes: ['email', 'name'],
    });
  });

  it('offers no client the public password flow', () => {
    for (const client of Object.values(template.findResources('AWS::Cognito::UserPoolClient'))) {
      const flows: string[] = client.Properties.ExplicitAuthFlows ?? [];
      expect(flows).not.toContain('ALLOW_USER_PASSWORD_AUTH');
      expect(flows).not.toContain('ALLOW_USER_AUTH');
      expect(flows).not.toContain('ALLOW_CUSTOM_AUTH');
    }
  });
});

describe('Cognito: machine callers', () => {
  const template = dev.apiTemplate;

  it('has a resource server with one app scope per desk', () => {
    template.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'tierdesk',
      Scopes: DESKS.map((desk) => Match.objectLike({ ScopeName: appScopeName(desk) })),
    });
  });

  it('by default has one shared client-credentials client allowed every desk scope, named once as audience', () => {
    const machine = Object.values(
      template.findResources('AWS::Cognito::UserPoolClient', {
        Properties: { AllowedOAuthFlows: ['client_credentials'] },
      }),
    );
    expect(machine).toHaveLength(1);
    expect(machine[0]?.Properties).toMatchObject({
      ClientName: 'tierdesk-dev-app',
      GenerateSecret: true,
      AllowedOAuthFlowsUserPoolClient: true,
      ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
    });
    const scopes = JSON.stringify(machine[0]?.Properties.AllowedOAuthScopes);
    for (const desk of DESKS) expect(scopes).toContain(`/${appScopeName(desk)}`);
    expect(machine[0]?.Properties.AllowedOAuthScopes).toHaveLength(DESKS.length);
    template.hasOutput('MachineClientIdShared', {
      Value: { Ref: Match.stringLikeRegexp('^UsersPoolMachineClient') },
    });
    expect(dev.api.users.audiences).toHaveLength(2);
  });

  describe('with machineClients "per-desk"', () => {
    const environments = structuredClone(CDK_JSON_CONTEXT['tierdesk:environments']) as Record<string, any>;
    environments.dev.cognito = { machineClients: 'per-desk' };
    const { api } = addTierdeskStacks(testApp(), parseDeploymentConfig('dev', environments));
    const perDesk = Template.fromStack(api);

    it.each(DESKS)(
      'gives desk %s a confidential client-credentials client with only its own scope',
      (desk) => {
        const clients = perDesk.findResources('AWS::Cognito::UserPoolClient', {
          Properties: { ClientName: `tierdesk-dev-${desk}-app` },
        });
        const [client] = Object.values(clients);
        expect(client?.Properties).toMatchObject({
          GenerateSecret: true,
          AllowedOAuthFlows: ['client_credentials'],
          AllowedOAuthFlowsUserPoolClient: true,
          ExplicitAuthFlows: ['ALLOW_REFRESH_TOKEN_AUTH'],
          AllowedOAuthScopes: [
            {
              'Fn::Join': [
                '',
                [{ Ref: expect.stringMatching(/^UsersPoolResourceServer/) }, `/${appScopeName(desk)}`],
              ],
            },
          ],
        });
        expect(appScope(desk)).toBe(`tierdesk/${appScopeName(desk)}`);
        const outputName = `MachineClientId${desk.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}`;
        perDesk.hasOutput(outputName, {
          Value: { Ref: Match.stringLikeRegexp(`^UsersPoolMachineClient${idOf(desk)}`) },
        });
      },
    );

    it('names every client as audience', () => {
      expect(api.users.audiences).toHaveLength(1 + DESKS.length);
    });
  });

  it('serves /oauth2/token from a Cognito domain unique per account, and names every client as audience', () => {
    template.hasOutput('TokenEndpoint', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
    template.hasResourceProperties('AWS::Cognito::UserPoolDomain', {
      Domain: { 'Fn::Join': ['', ['tierdesk-dev-', { Ref: 'AWS::AccountId' }]] },
    });
    const clients = [
      { Ref: Match.stringLikeRegexp('^UsersPoolAppClient') },
      { Ref: Match.stringLikeRegexp('^UsersPoolMachineClient') },
    ];
    const audience = { 'Fn::Join': ['', clients.flatMap((c, i) => (i === 0 ? [c] : [',', c]))] };
    template.hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: Match.objectLike({ JWT_AUDIENCE: audience }) },
    });
  });
});

describe('API throttling', () => {
  it('sets the built-in per-route limits on the routes the API has, after those routes exist', () => {
    const [stage] = Object.values(dev.apiTemplate.findResources('AWS::ApiGatewayV2::Stage'));
    const routes = dev.apiTemplate.findResources('AWS::ApiGatewayV2::Route');
    const keys = Object.values(routes).map((r) => r.Properties.RouteKey as string);
    const expected = Object.fromEntries(
      Object.entries(DEFAULT_ROUTE_THROTTLES)
        .filter(([key]) => keys.includes(key))
        .map(([key, l]) => [key, { ThrottlingRateLimit: l.rateLimit, ThrottlingBurstLimit: l.burstLimit }]),
    );
    expect(Object.keys(expected)).toContain('POST /tickets');
    expect(stage?.Properties.RouteSettings).toEqual(expected);
    expect(stage?.Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: 50,
      ThrottlingBurstLimit: 100,
    });
    // The routes live in the nested stacks of their groups: the stage waits for those stacks.
    const throttledGroups = new Set(
      API_ROUTES.filter((route) => expected[routeKey(route)]).map((route) => route.group),
    );
    const groupStacks = [...throttledGroups].map((group) => {
      const resource = dev.api.routeGroups.get(group)?.nestedStackResource;
      if (!resource) throw new Error(`no nested stack for the ${group} routes`);
      return dev.api.getLogicalId(resource);
    });
    expect([...(stage?.DependsOn ?? [])].sort()).toEqual(expect.arrayContaining(groupStacks.sort()));
  });

  it('gives every public route (no token, no desk quota) its own limit, below the stage default', () => {
    const [stage] = Object.values(dev.apiTemplate.findResources('AWS::ApiGatewayV2::Stage'));
    const settings = stage?.Properties.RouteSettings as Record<string, { ThrottlingRateLimit: number }>;
    const publicKeys = API_ROUTES.filter((r) => r.auth.kind !== 'jwt').map(routeKey);
    expect(publicKeys).toEqual(
      expect.arrayContaining(['GET /survey/{desk}/{ticketId}', 'GET /desks/{desk}/status.json']),
    );
    for (const key of publicKeys) {
      expect(settings[key], key).toBeDefined();
      expect(settings[key]!.ThrottlingRateLimit, key).toBeLessThan(50);
    }
    expect(settings['POST /survey/{desk}/{ticketId}']).toEqual({
      ThrottlingRateLimit: 5,
      ThrottlingBurstLimit: 10,
    });
  });

  it('takes limits from config, and refuses a configured route the API does not have', () => {
    const throttledApp = (routes: Record<string, { rateLimit: number; burstLimit: number }>) => {
      const app = new App();
      const stack = new Stack(app, 'Throttled');
      const api = new HttpApi(stack, 'Api', { createDefaultStage: false });
      api.addRoutes({
        path: '/tickets',
        methods: [HttpMethod.POST, HttpMethod.GET],
        integration: new HttpUrlIntegration('Url', 'https://example.com'),
      });
      const stage = new HttpStage(stack, 'Stage', { httpApi: api, stageName: '$default' });
      throttleRoutes(api, stage, { apiThrottle: { routes } });
      return { app, stack };
    };
    const { stack } = throttledApp({ 'GET /tickets': { rateLimit: 7, burstLimit: 9 } });
    Template.fromStack(stack).hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      RouteSettings: {
        'GET /tickets': { ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 },
        'POST /tickets': { ThrottlingRateLimit: 10, ThrottlingBurstLimit: 20 },
      },
    });
    const { app } = throttledApp({ 'GET /nowhere': { rateLimit: 1, burstLimit: 1 } });
    expect(() => app.synth()).toThrow(/GET \/nowhere/);
  });
});

describe('edge protection (prod: waf.enabled)', () => {
  it('has no WAF or CloudFront in dev', () => {
    expect(dev.edge).toBeUndefined();
    dev.apiTemplate.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  it('deploys CloudFront and its web ACL to us-east-1, after the API, reading its id without an export', () => {
    expect(prod.edge?.region).toBe('us-east-1');
    expect(prod.edge?.dependencies).toContain(prod.api);
    const origin = prod.edgeTemplate.findResources('AWS::CloudFront::Distribution');
    const text = JSON.stringify(origin);
    expect(text).toContain('"Fn::GetStackOutput":{"StackName":"tierdesk-prod-api","Region":"eu-west-1"');
    expect(JSON.stringify(prod.edgeTemplate.toJSON())).not.toContain('Fn::ImportValue');
  });

  it('forwards everything but Host to the API over TLS 1.2, uncached, HTTPS only, logged, behind the web ACL', () => {
    prod.edgeTemplate.hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        WebACLId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^ApiFirewallWebAcl'), 'Arn'] },
        DefaultCacheBehavior: Match.objectLike({
          ViewerProtocolPolicy: 'https-only',
          CachePolicyId: '4135ea2d-6df8-44a3-9df3-4b5a84be39ad', // Managed-CachingDisabled
          OriginRequestPolicyId: 'b689b0a8-53d0-40ab-baf2-68738e2966ac', // Managed-AllViewerExceptHostHeader
          AllowedMethods: Match.arrayWith(['PATCH', 'POST', 'DELETE']),
        }),
        Origins: [
          Match.objectLike({
            CustomOriginConfig: Match.objectLike({
              OriginProtocolPolicy: 'https-only',
              OriginSSLProtocols: ['TLSv1.2'],
            }),
          }),
        ],
        Logging: Match.objectLike({
          Bucket: { 'Fn::GetAtt': [Match.stringLikeRegexp('^AccessLogs'), 'RegionalDomainName'] },
        }),
      }),
    });
  });

  it('blocks by IP reputation, per-IP and per-token rates, oversize bodies and the managed rule groups', () => {
    const [acl] = Object.values(prod.edgeTemplate.findResources('AWS::WAFv2::WebACL'));
    const props = acl?.Properties;
    expect(props.Scope).toBe('CLOUDFRONT');
    expect(props.DefaultAction).toEqual({ Allow: {} });
    const rules = Object.fromEntries(props.Rules.map((r: any) => [r.Name, r]));
    expect(Object.keys(rules)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'RatePerIp',
      'RatePerToken',
      'RequestTooLarge',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    expect(rules.RatePerIp.Statement.RateBasedStatement).toEqual({
      AggregateKeyType: 'IP',
      // Sized from the desk quota (infra/config.ts, wafRateLimits): one desk's 5 minutes per IP.
      Limit: DEFAULT_PER_DESK_PER_SECOND * WAF_WINDOW_SECONDS,
      EvaluationWindowSec: 300,
    });
    expect(rules.RatePerToken.Statement.RateBasedStatement).toEqual({
      AggregateKeyType: 'CUSTOM_KEYS',
      CustomKeys: [
        { Header: { Name: 'authorization', TextTransformations: [{ Priority: 0, Type: 'NONE' }] } },
      ],
      // Half a desk's 5 minutes per bearer token.
      Limit: (DEFAULT_PER_DESK_PER_SECOND * WAF_WINDOW_SECONDS) / 2,
      EvaluationWindowSec: 300,
    });
    for (const name of ['RatePerIp', 'RatePerToken']) {
      expect(rules[name].Action).toEqual({
        Block: { CustomResponse: { ResponseCode: 429, CustomResponseBodyKey: 'too-many-requests' } },
      });
    }
    expect(rules.RequestTooLarge.Statement.RegexMatchStatement).toMatchObject({
      RegexString: contentLengthAbove(MAX_BODY_BYTES),
      FieldToMatch: { SingleHeader: { Name: 'content-length' } },
    });
    // Ticket bodies of up to 256 KiB must pass the common rule set, whose body-size rule stops at 8 KB.
    expect(
      rules.AWSManagedRulesCommonRuleSet.Statement.ManagedRuleGroupStatement.RuleActionOverrides,
    ).toEqual([{ Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } }]);
    expect(JSON.parse(props.CustomResponseBodies['too-many-requests'].Content)).toMatchObject({
      status: 429,
    });
  });

  it('logs every request to an encrypted log group in us-east-1 with bearer tokens and cookies redacted', () => {
    prod.edgeTemplate.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      LogDestinationConfigs: [
        {
          'Fn::Join': [
            '',
            [
              'arn:aws:logs:us-east-1:',
              { Ref: 'AWS::AccountId' },
              ':log-group:aws-waf-logs-tierdesk-prod-api',
            ],
          ],
        },
      ],
      RedactedFields: [{ SingleHeader: { Name: 'authorization' } }, { SingleHeader: { Name: 'cookie' } }],
    });
    prod.edgeTemplate.hasResourceProperties('AWS::Logs::LogGroup', {
      LogGroupName: 'aws-waf-logs-tierdesk-prod-api',
      RetentionInDays: 365,
      KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^LogsKey'), 'Arn'] },
    });
  });

  it('puts a per-IP rate limit on the user pool’s sign-in, logged with tokens redacted', () => {
    prod.apiTemplate.hasResourceProperties('AWS::WAFv2::WebACL', {
      Scope: 'REGIONAL',
      Rules: Match.arrayWith([
        Match.objectLike({
          Name: 'RatePerIp',
          Statement: { RateBasedStatement: { AggregateKeyType: 'IP', Limit: 300, EvaluationWindowSec: 300 } },
        }),
      ]),
    });
    prod.apiTemplate.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^UsersPool'), 'Arn'] },
    });
    prod.apiTemplate.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: Match.arrayWith([{ SingleHeader: { Name: 'authorization' } }]),
    });
  });

  it('uses a custom domain with TLS 1.2 when configured', () => {
    const environments = structuredClone(CDK_JSON_CONTEXT['tierdesk:environments']) as Record<string, any>;
    environments.prod.waf.customDomain = {
      domainName: 'support.example.com',
      certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666',
    };
    const app = testApp({ 'tierdesk:env': 'prod', 'tierdesk:environments': environments });
    const { edge } = addTierdeskStacks(app);
    Template.fromStack(edge!).hasResourceProperties('AWS::CloudFront::Distribution', {
      DistributionConfig: Match.objectLike({
        Aliases: ['support.example.com'],
        ViewerCertificate: Match.objectLike({
          MinimumProtocolVersion: 'TLSv1.2_2021',
          SslSupportMethod: 'sni-only',
        }),
      }),
    });
  });
});

describe('no way around the edge', () => {
  const ORIGIN_CERTIFICATE =
    'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666';

  it('with apiOriginDomain, turns the execute-api endpoint off and sends both distributions to the domain', () => {
    const environments = structuredClone(CDK_JSON_CONTEXT['tierdesk:environments']) as Record<string, any>;
    environments.prod.apiOriginDomain = {
      domainName: 'o-7f3k9q.api.example.com',
      certificateArn: ORIGIN_CERTIFICATE,
    };
    const { api, edge, ops } = addTierdeskStacks(testApp(), parseDeploymentConfig('prod', environments));
    const apiTemplate = Template.fromStack(api);
    apiTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', { DisableExecuteApiEndpoint: true });
    apiTemplate.hasResourceProperties('AWS::ApiGatewayV2::DomainName', {
      DomainName: 'o-7f3k9q.api.example.com',
      DomainNameConfigurations: [Match.objectLike({ CertificateArn: ORIGIN_CERTIFICATE })],
    });
    apiTemplate.hasResourceProperties('AWS::ApiGatewayV2::ApiMapping', {
      ApiId: { Ref: Match.stringLikeRegexp('^HttpApi') },
      DomainName: { Ref: Match.stringLikeRegexp('^OriginDomain') },
      Stage: '$default',
    });
    const originsOf = (template: Template) =>
      Object.values(template.findResources('AWS::CloudFront::Distribution')).flatMap((d) =>
        (d.Properties.DistributionConfig.Origins as Array<Record<string, any>>)
          .filter((o) => o.CustomOriginConfig)
          .map((o) => o.DomainName),
      );
    expect(originsOf(Template.fromStack(edge!))).toEqual(['o-7f3k9q.api.example.com']);
    expect(originsOf(Template.fromStack(ops))).toEqual(['o-7f3k9q.api.example.com']);
    expect(Annotations.fromStack(api).findWarning('*', Match.stringLikeRegexp('apiOriginDomain'))).toEqual(
      [],
    );
  });

  it('without it, keeps the default endpoint (the edge forwards to it) and warns where WAF is on', () => {
    for (const built of [dev, prod]) {
      const [httpApi] = Object.values(built.apiTemplate.findResources('AWS::ApiGatewayV2::Api'));
      expect(httpApi?.Properties.DisableExecuteApiEndpoint).toBeFalsy();
    }
    const warningsOf = (built: typeof dev) =>
      Annotations.fromStack(built.api).findWarning('*', Match.stringLikeRegexp('Set apiOriginDomain'));
    expect(warningsOf(prod)).toHaveLength(1);
    expect(warningsOf(dev)).toEqual([]);
  });
});

describe('contentLengthAbove', () => {
  it('matches exactly the decimal lengths above the limit', () => {
    for (const limit of [MAX_BODY_BYTES, 1, 9, 10, 99, 1000, 90909, 199999]) {
      const regex = new RegExp(contentLengthAbove(limit));
      const probes = [0, 1, limit - 1, limit, limit + 1, limit + 9, limit * 10, limit * 10 + 7, 10 ** 9];
      for (let n = Math.max(0, limit - 1500); n <= limit + 1500; n++) probes.push(n);
      for (const n of probes.filter((p) => p >= 0)) {
        expect(regex.test(String(n)), `${n} vs ${limit}`).toBe(n > limit);
      }
    }
  });
});

describe('Region for the edge stack', () => {
  afterEach(() => vi.unstubAllEnvs());

  it('is required at synth when WAF is on', () => {
    vi.stubEnv('CDK_DEFAULT_REGION', undefined);
    const environments = structuredClone(CDK_JSON_CONTEXT['tierdesk:environments']) as Record<string, any>;
    delete environments.prod.region;
    expect(() => addTierdeskStacks(testApp(), parseDeploymentConfig('prod', environments))).toThrow(
      ConfigError,
    );
    vi.stubEnv('CDK_DEFAULT_REGION', 'ap-southeast-2');
    const { api, edge } = addTierdeskStacks(testApp(), parseDeploymentConfig('prod', environments));
    expect([api.region, edge?.region]).toEqual(['ap-southeast-2', 'us-east-1']);
  });
});
