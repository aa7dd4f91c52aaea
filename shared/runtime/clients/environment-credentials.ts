import { environmentCredentials } from '../aws/environment.ts';

/**
 * The AWS SDK's default credential chain as a Lambda bundle carries it: the environment only. Lambda
 * hands every function its role's credentials in AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and
 * AWS_SESSION_TOKEN, the first link of the SDK's own chain, so the profile, SSO, STS, web-identity,
 * process and instance-metadata links (and the STS and SSO clients they carry) can never run there.
 *
 * infra/constructs/lambda-bundling.ts aliases `@aws-sdk/credential-provider-node` to this module (the SDK
 * clients import only its `defaultProvider`). Code run from source (the local stack, the command-line tools) keeps the full chain;
 * the local stack names its credentials explicitly, so no chain runs there either.
 */

/** What the SDK calls when a client is made without `credentials`. */
export function defaultProvider(_init?: unknown) {
  return async () => environmentCredentials();
}
