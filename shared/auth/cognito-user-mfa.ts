import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { SignatureV4 } from '@smithy/signature-v4';

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

/** SHA-256 / HMAC-SHA-256 in the shape the SigV4 signer expects. */
class NodeSha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: string | ArrayBuffer | ArrayBufferView) {
    this.hash =
      secret === undefined
        ? createHash('sha256')
        : createHmac('sha256', typeof secret === 'string' ? secret : toBuffer(secret));
  }
  update(data: string | ArrayBuffer | ArrayBufferView): void {
    this.hash.update(typeof data === 'string' ? data : toBuffer(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}
function toBuffer(data: ArrayBuffer | ArrayBufferView): Buffer {
  return ArrayBuffer.isView(data)
    ? Buffer.from(data.buffer, data.byteOffset, data.byteLength)
    : Buffer.from(data);
}

/**
 * AdminGetUser over Cognito's JSON protocol, signed with SigV4. Written against the wire protocol because
 * `@aws-sdk/client-cognito-identity-provider` is not among the project's dependencies (package.json is frozen);
 * swapping this for the SDK client is a drop-in change behind {@link UserMfaReader}. Fails closed: any error
 * response throws, and Cognito then refuses the sign-in.
 */
export function createCognitoMfaReader(config: CognitoMfaReaderConfig): UserMfaReader {
  const endpoint = new URL(config.endpoint ?? `https://cognito-idp.${config.region}.amazonaws.com/`);
  const signer = new SignatureV4({
    service: 'cognito-idp',
    region: config.region,
    credentials: {
      accessKeyId: config.credentials.accessKeyId,
      secretAccessKey: config.credentials.secretAccessKey,
      ...(config.credentials.sessionToken ? { sessionToken: config.credentials.sessionToken } : {}),
    },
    sha256: NodeSha256,
  });
  return async (userPoolId, userName) => {
    const body = JSON.stringify({ UserPoolId: userPoolId, Username: userName });
    const signed = await signer.sign({
      method: 'POST',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      ...(endpoint.port ? { port: Number(endpoint.port) } : {}),
      path: endpoint.pathname,
      query: {},
      headers: {
        host: endpoint.host,
        'content-type': 'application/x-amz-json-1.1',
        'x-amz-target': 'AWSCognitoIdentityProviderService.AdminGetUser',
      },
      body,
    });
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: signed.headers,
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
