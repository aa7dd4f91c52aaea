import { AdminGetUserCommand, type CognitoIdentityProviderClient } from '../runtime/aws/cognito.ts';

/** Whether a user has an MFA factor Cognito will challenge for at sign-in. */
export interface UserMfaStatus {
  readonly totpEnabled: boolean;
}

/** Port: reads a user's MFA settings (Cognito AdminGetUser on AWS). */
export type UserMfaReader = (userPoolId: string, userName: string) => Promise<UserMfaStatus>;

/**
 * AdminGetUser through the lean Cognito client (no SDK in the trigger's bundle; the trigger gives it its
 * budget inside Cognito's 5 seconds). Fails closed: any error throws, and Cognito then refuses the sign-in.
 */
export function createCognitoMfaReader(cognito: Pick<CognitoIdentityProviderClient, 'send'>): UserMfaReader {
  return async (userPoolId, userName) => {
    const user = await cognito
      .send(new AdminGetUserCommand({ UserPoolId: userPoolId, Username: userName }))
      .catch((error: unknown) => {
        const type = error instanceof Error ? error.name : String(error);
        throw new Error(`Cognito AdminGetUser failed: ${type}`);
      });
    return { totpEnabled: user.UserMFASettingList?.includes('SOFTWARE_TOKEN_MFA') ?? false };
  };
}
