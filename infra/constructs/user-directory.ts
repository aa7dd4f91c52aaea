import { Aws, CfnOutput, Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  ResourceServerScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  UserPoolOperation,
  type UserPoolResourceServer,
} from 'aws-cdk-lib/aws-cognito';
import { Policy, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import {
  appScopeName,
  DESK_ATTRIBUTE,
  PLAN_ATTRIBUTE,
  RESOURCE_SERVER_ID,
  ROLE_GROUP_NAMES,
  type RoleGroup,
} from '#shared/auth/cognito-claims.ts';
import { ON_CALL_GROUP } from '#shared/auth/cognito-staff-directory.ts';
import type { DeploymentConfig } from '../config.ts';
import { AppFunction, type AppFunctionSettings } from './app-function.ts';
import { RateLimitedWebAcl, webAclName } from './web-acl.ts';

/** What each Cognito group is for (the console shows it); the role mapping is `ROLE_GROUPS`. */
const GROUP_DESCRIPTIONS: Record<RoleGroup, string> = {
  customer:
    'Opens and follows their own tickets (needs custom:desk, a verified email, optional custom:plan).',
  'agent-tier1': 'Tier 1 agent: works tickets of their desk (custom:desk). Needs TOTP.',
  'agent-tier2': 'Tier 2 agent: works tickets of their desk (custom:desk). Needs TOTP.',
  'agent-tier3': 'Tier 3 agent: works tickets of their desk (custom:desk). Needs TOTP.',
  'agent-tier4': 'Tier 4 agent: works tickets of their desk (custom:desk). Needs TOTP.',
  lead: 'Lead: may lower priorities, override deadlines, ban requesters. Needs TOTP.',
  manager: 'Oversees the desk, reports and escalations. Needs TOTP.',
  ops: 'Operates the desk: workflows, reconciler, purges. Needs TOTP.',
};

export interface UserDirectoryProps {
  readonly config: DeploymentConfig;
  /** Settings of the pre-token-generation trigger function (log group, key, retention). */
  readonly functionSettings: AppFunctionSettings;
}

/**
 * The Cognito user pool that issues the API's JWTs (docs/security.md, "Authentication").
 *
 * - People: one group per role (`ROLE_GROUPS`), immutable `custom:desk`, `custom:plan` (customers). A V2_0
 *   pre-token-generation trigger (functions/auth/pre-token-generation.ts) writes `role`, `desk`, `plan`,
 *   `tier`, `email`, `name` into access tokens and refuses users it cannot place; staff get those claims only
 *   with TOTP enabled. The `users` client signs people in with SRP (and operators with IAM credentials through
 *   ADMIN_USER_PASSWORD_AUTH), without OAuth; no flow sends a bare password to the public endpoint.
 * - Machines: one confidential client per desk with the client-credentials grant and the single scope
 *   `tierdesk/<desk>.app`, which the verifier maps to role `app` on that desk (the trigger does not run for
 *   client credentials on the V2_0 event). The pool's Cognito domain serves their `/oauth2/token`.
 *
 * Handlers verify tokens themselves against `jwksUrl` (the same code verifies the local stack's tokens); the
 * HTTP API's JWT authorizer checks issuer and audience (every client id here) again on every route.
 */
export class UserDirectory extends Construct {
  readonly userPool: UserPool;
  /** The client people sign in with. */
  readonly appClient: UserPoolClient;
  /** Client-credentials clients for machine callers, by desk. */
  readonly machineClients: Readonly<Record<string, UserPoolClient>>;
  readonly resourceServer: UserPoolResourceServer;
  readonly domain: UserPoolDomain;
  readonly preTokenGeneration: AppFunction;
  /** `iss` of the pool's tokens: `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** `https://<domain>.auth.<region>.amazoncognito.com/oauth2/token`, where machine clients get tokens. */
  readonly tokenEndpoint: string;
  /** Client ids accepted as audience (`client_id` of access tokens): the people's client and every machine client. */
  readonly audiences: string[];
  /** The web ACL on the pool's sign-in endpoints, when `waf.enabled`. */
  readonly webAcl: RateLimitedWebAcl | undefined;

  constructor(scope: Construct, id: string, props: UserDirectoryProps) {
    super(scope, id);
    const { config } = props;
    const plus = config.cognito.featurePlan === 'PLUS';

    this.userPool = new UserPool(this, 'Pool', {
      // Accounts are created by staff or an app's back end; open sign-up would let anyone into any desk.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      // A changed address stays unverified, and the old one stays in force, until the user proves the new
      // one: customers are matched to tickets by email, so an unproven address must never reach a token.
      keepOriginal: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: {
        // Immutable: a user never changes desk (desk isolation rests on it); move someone by a new account.
        [DESK_ATTRIBUTE.replace('custom:', '')]: new StringAttribute({
          minLen: 2,
          maxLen: 40,
          mutable: false,
        }),
        // A customer's plan picks their SLA targets; staff may change it, the customer may not (see client).
        [PLAN_ATTRIBUTE.replace('custom:', '')]: new StringAttribute({
          minLen: 2,
          maxLen: 40,
          mutable: true,
        }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { sms: false, otp: true },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // The plan is configuration (docs/cost.md): threat protection exists on PLUS only.
      featurePlan: plus ? FeaturePlan.PLUS : FeaturePlan.ESSENTIALS,
      ...(plus ? { standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION } : {}),
      deletionProtection: !config.removeDataOnDelete,
      removalPolicy: config.removeDataOnDelete ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional pool-wide because the pool also holds the customers who open tickets, and mandatory ' +
        'MFA for every requester would block intake. Staff are held to TOTP by the pre-token-generation ' +
        'trigger: a user in an agent, lead, manager or ops group without an enabled TOTP factor gets tokens ' +
        'without tierdesk claims, which the API rejects (docs/security.md).',
    });
    if (!plus) {
      Validations.of(this.userPool).acknowledge({
        id: 'AwsSolutions-COG8',
        reason:
          'Threat protection (adaptive authentication, compromised-credential checks) needs the Plus feature ' +
          'plan, billed per monthly active user from the first one; cognito.featurePlan chooses it per ' +
          'environment (docs/cost.md). Sign-in is rate-limited per IP by the user pool web ACL when waf is on.',
      });
    }

    // The trigger: role and desk claims into access tokens (V2_0 is the event version that can do that).
    this.preTokenGeneration = new AppFunction(this, 'PreTokenGeneration', {
      entry: 'functions/auth/pre-token-generation.ts',
      description: 'Cognito pre-token-generation (V2_0): tierdesk role/desk claims; staff need TOTP.',
      settings: props.functionSettings,
      memorySize: 256,
      // Cognito waits 5 seconds for a trigger; the AdminGetUser call has its own 3-second timeout.
      timeout: Duration.seconds(5),
    });
    this.userPool.addTrigger(
      UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG,
      this.preTokenGeneration.function,
      LambdaVersion.V2_0,
    );
    // AdminGetUser (is TOTP enabled?) on this pool only. A separate policy, not the role's default one: the
    // function must exist before the pool (the pool names it as trigger), and the default policy is part of
    // the function's dependencies, so a reference to the pool there would be a cycle.
    new Policy(this, 'PreTokenGenerationReadsMfa', {
      roles: [this.preTokenGeneration.role],
      statements: [
        new PolicyStatement({
          actions: ['cognito-idp:AdminGetUser'],
          resources: [this.userPool.userPoolArn],
        }),
      ],
    });

    for (const groupName of ROLE_GROUP_NAMES) {
      this.userPool.addGroup(`Group-${groupName}`, {
        groupName,
        description: GROUP_DESCRIPTIONS[groupName],
        // Lower wins in `cognito:preferred_role`; tierdesk itself refuses users in two role groups.
        precedence: ROLE_GROUP_NAMES.indexOf(groupName),
      });
    }
    // Not a role: staff on the on-call rotation are in it next to their role group (the staff directory reads
    // it). Its precedence comes after every role group so it never becomes `cognito:preferred_role`.
    this.userPool.addGroup('Group-on-call', {
      groupName: ON_CALL_GROUP,
      description: 'Staff on the on-call rotation (in addition to their role group); grants no role.',
      precedence: ROLE_GROUP_NAMES.length,
    });

    this.appClient = this.userPool.addClient('AppClient', {
      userPoolClientName: `tierdesk-${config.envName}-users`,
      // SRP only for the public: the password never leaves the client. ADMIN_USER_PASSWORD_AUTH needs the
      // account's IAM credentials (AdminInitiateAuth), so it serves the operator's CLI and nobody else.
      authFlows: { userSrp: true, adminUserPassword: true },
      disableOAuth: true,
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // Users may edit their profile, never their desk or plan.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });

    // Machine callers: client credentials with one scope per desk.
    const scopes = Object.fromEntries(
      config.desks.map((desk) => [
        desk,
        new ResourceServerScope({
          scopeName: appScopeName(desk),
          scopeDescription: `Machine caller (role app) of the ${desk} desk`,
        }),
      ]),
    );
    this.resourceServer = this.userPool.addResourceServer('ResourceServer', {
      identifier: RESOURCE_SERVER_ID,
      userPoolResourceServerName: `tierdesk ${config.envName} API`,
      scopes: Object.values(scopes),
    });
    this.domain = this.userPool.addDomain('Domain', {
      // Cognito domain prefixes are global per Region: the account id keeps two deployments apart.
      cognitoDomain: { domainPrefix: `tierdesk-${config.envName}-${Aws.ACCOUNT_ID}` },
    });
    // One client per desk (default), or one client allowed every desk scope (`cognito.machineClients`):
    // cheaper, but its one secret mints tokens for any desk (docs/decisions.md, "Cognito plan").
    const machineClient = (id: string, name: string, desks: readonly string[]) => {
      const client = this.userPool.addClient(id, {
        userPoolClientName: name,
        generateSecret: true,
        authFlows: {},
        oAuth: {
          flows: { clientCredentials: true },
          scopes: desks.map((desk) => OAuthScope.resourceServer(this.resourceServer, scopes[desk]!)),
        },
        preventUserExistenceErrors: true,
        enableTokenRevocation: true,
        accessTokenValidity: Duration.hours(1),
      });
      // No user sign-in flows at all on a machine client (Cognito's default would allow SRP and custom auth).
      (client.node.defaultChild as CfnUserPoolClient).explicitAuthFlows = ['ALLOW_REFRESH_TOKEN_AUTH'];
      return client;
    };
    const machineClients: Record<string, UserPoolClient> = {};
    if (config.cognito.machineClients === 'shared') {
      const client = machineClient('MachineClient', `tierdesk-${config.envName}-app`, config.desks);
      for (const desk of config.desks) machineClients[desk] = client;
      new CfnOutput(this, 'MachineClientId', {
        description:
          'Client id of the machine client shared by all desks: request one desk scope per token ' +
          '(secret: aws cognito-idp describe-user-pool-client).',
        value: client.userPoolClientId,
      }).overrideLogicalId('MachineClientIdShared');
    }
    for (const desk of config.cognito.machineClients === 'shared' ? [] : config.desks) {
      const client = machineClient(`MachineClient-${desk}`, `tierdesk-${config.envName}-${desk}-app`, [desk]);
      machineClients[desk] = client;
      // Stable output names (docs/deploy.md reads them): MachineClientIdTechflow, MachineClientIdRchSpyfocus…
      new CfnOutput(this, `MachineClientId-${desk}`, {
        description: `Client id of the ${desk} desk's machine client (secret: aws cognito-idp describe-user-pool-client).`,
        value: client.userPoolClientId,
      }).overrideLogicalId(`MachineClientId${pascalCase(desk)}`);
    }
    this.machineClients = machineClients;

    this.issuer = this.userPool.userPoolProviderUrl;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;
    this.tokenEndpoint = `${this.domain.baseUrl()}/oauth2/token`;
    this.audiences = [
      this.appClient.userPoolClientId,
      ...[...new Set(Object.values(machineClients))].map((c) => c.userPoolClientId),
    ];

    this.webAcl = config.waf.enabled
      ? new RateLimitedWebAcl(this, 'SignInFirewall', {
          name: webAclName(config, 'sign-in'),
          scope: 'REGIONAL',
          description:
            'Cognito user pool: IP reputation and a per-IP rate limit on sign-in and token requests.',
          ipRateLimitPer5Minutes: config.waf.signInRequestsPerIpPer5Minutes,
          logRetention: config.logRetentionDays,
          logRemovalPolicy: props.functionSettings.logRemovalPolicy,
          logEncryptionKey: props.functionSettings.logEncryptionKey,
          associateWith: this.userPool.userPoolArn,
        })
      : undefined;

    new CfnOutput(this, 'TokenEndpoint', {
      description: 'Where machine clients get tokens (grant_type=client_credentials).',
      value: this.tokenEndpoint,
    }).overrideLogicalId('TokenEndpoint');
  }
}

/** `rch-spyfocus` → `RchSpyfocus`: an output name part. */
function pascalCase(id: string): string {
  return id
    .split('-')
    .map((part) => `${part.charAt(0).toUpperCase()}${part.slice(1)}`)
    .join('');
}
