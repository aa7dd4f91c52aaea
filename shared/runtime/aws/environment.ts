import type { AwsCredentials } from './signature-v4.ts';

/**
 * The credentials Lambda hands every function in its environment: the first link of the SDK's default
 * chain and the only source a bundle reads (the SDK clients through the alias in
 * infra/constructs/lambda-bundling.ts, the lean ones directly). Read per call: cheap, and always current.
 */
export function environmentCredentials(): AwsCredentials & { expiration?: Date } {
  const accessKeyId = process.env.AWS_ACCESS_KEY_ID;
  const secretAccessKey = process.env.AWS_SECRET_ACCESS_KEY;
  if (!accessKeyId || !secretAccessKey)
    throw new Error(
      'No AWS credentials in the environment (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY): a Lambda bundle reads no other source',
    );
  const sessionToken = process.env.AWS_SESSION_TOKEN;
  const expiration = process.env.AWS_CREDENTIAL_EXPIRATION;
  return {
    accessKeyId,
    secretAccessKey,
    ...(sessionToken ? { sessionToken } : {}),
    ...(expiration ? { expiration: new Date(expiration) } : {}),
  };
}
