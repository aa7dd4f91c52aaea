import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import {
  AccountRecovery,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
} from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import type { DeploymentConfig } from '../config.ts';

/** Cognito groups, one per human role in `shared/auth/principal.ts` (machine callers get app clients). */
export const USER_GROUPS = {
  customer: 'Opens and follows their own tickets.',
  agent: 'Works tickets of their desk.',
  lead: 'Agent who may lower priorities and override deadlines.',
  manager: 'Oversees desks, reports and escalations.',
  ops: 'Operates the system: workflows, reconciler, purges.',
} as const;

export interface UserDirectoryProps {
  readonly config: DeploymentConfig;
}

/**
 * The Cognito user pool that issues the API's JWTs. Handlers verify tokens themselves against `jwksUrl`
 * (the same code verifies the local stack's tokens); the HTTP API's JWT authorizer checks them again.
 *
 * Not done here yet (issue 8): a pre-token-generation trigger that puts tierdesk's `role` and `desk`
 * claims into access tokens, machine clients with client credentials, a hosted domain.
 */
export class UserDirectory extends Construct {
  readonly userPool: UserPool;
  readonly appClient: UserPoolClient;
  /** `iss` of the pool's tokens: `https://cognito-idp.<region>.amazonaws.com/<pool id>`. */
  readonly issuer: string;
  readonly jwksUrl: string;
  /** Client ids accepted as audience (`aud` of ID tokens, `client_id` of access tokens). */
  readonly audiences: string[];

  constructor(scope: Construct, id: string, props: UserDirectoryProps) {
    super(scope, id);
    const { config } = props;

    this.userPool = new UserPool(this, 'Pool', {
      // Accounts are created by staff or an app's back end; open sign-up would let anyone into any desk.
      selfSignUpEnabled: false,
      signInAliases: { email: true },
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true } },
      customAttributes: { desk: new StringAttribute({ minLen: 2, maxLen: 40, mutable: true }) },
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
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: !config.removeDataOnDelete,
      removalPolicy: config.removeDataOnDelete ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN,
    });
    Validations.of(this.userPool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is offered (TOTP) but not required: the pool also holds the customers who open tickets, and ' +
        'mandatory MFA for every requester would block intake. Plus-tier threat protection runs in ' +
        'enforced mode for all users; requiring MFA for staff groups is tracked in issue 8.',
    });

    for (const [groupName, description] of Object.entries(USER_GROUPS)) {
      this.userPool.addGroup(`Group-${groupName}`, { groupName, description });
    }

    this.appClient = this.userPool.addClient('AppClient', {
      authFlows: { userSrp: true },
      disableOAuth: true,
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // Users may edit their profile, never their desk.
      writeAttributes: new ClientAttributes().withStandardAttributes({ email: true, fullname: true }),
    });

    this.issuer = this.userPool.userPoolProviderUrl;
    this.jwksUrl = `${this.issuer}/.well-known/jwks.json`;
    this.audiences = [this.appClient.userPoolClientId];
  }
}
