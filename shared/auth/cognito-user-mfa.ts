import { signRequest } from '../runtime/aws/signature-v4.ts';

/** Whether a user has an MFA factor Cognito will challenge for at sign-in. */
export interface UserMfaStatus {
  readonly totpEnabled: boolean;
}

/** Port: reads a user's MFA settings (Cognito AdminGetUser on AWS). */
export type UserMfaReader = (userPoolId: string, userName: string) => Promise<UserMfaStatus>;

export interface CognitoMfaReaderConfig {
  readonly region: string;
  /** `AWS_ENDPOINT_URL_COGNITO_IDENTITY_PROVIDER`, the SDK's endpoint override variable; tests point it at a stand-in. */
  readonly endpoint?: string | undefined;
  /** Lambda's execution-role credentials, from the variables Lambda sets. */
  readonly credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string | undefined };
}

/**
 * AdminGetUser over Cognito's JSON protocol, signed with the lean client's SigV4 signer (no SDK in the
 * trigger's bundle), with its own 3-second budget inside Cognito's 5 seconds for the trigger. Fails
 * closed: any error response throws, and Cognito then refuses the sign-in.
 */
export function createCognitoMfaReader(config: CognitoMfaReaderConfig): UserMfaReader {
  const endpoint = new URL(config.endpoint ?? `https://cognito-idp.${config.region}.amazonaws.com/`);
  return async (userPoolId, userName) => {
    const body = JSON.stringify({ UserPoolId: userPoolId, Username: userName });
    const headers = signRequest(
      {
        method: 'POST',
        path: endpoint.pathname,
        headers: {
          host: endpoint.host,
          'content-type': 'application/x-amz-json-1.1',
          'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser',
        },
        body,
      },
      { service: 'cognito-idp', region: config.region, credentials: config.credentials, date: new Date() },
    );
    const response = await fetch(endpoint, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.timeout(3_000),
    });
    const text = await response.text();
    if (!response.ok) {
      const type = safeJson(text)?.__type ?? `HTTP ${response.status}`;
      throw new Error(`Cognito AdminGetUser failed: ${String(type)}`);
    }
    const settings = safeJson(text)?.UserMFASettingList;
    return {
      totpEnabled: Array.isArray(settings) && settings.includes('SOFTWARE_TOKEN_MFA'),
    };
  };
}

function safeJson(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
