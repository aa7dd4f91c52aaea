import { Annotations, Aws, CfnOutput, Stack } from 'aws-cdk-lib';
import { ApiMapping, DomainName, type HttpApi, type HttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import type { DeploymentConfig } from '../config.ts';

/**
 * The host name CloudFront forwards API requests to (docs/decisions.md, "No way around the edge"): the
 * API's regional custom domain when `apiOriginDomain` is configured (then the default endpoint is off),
 * otherwise the default `execute-api` host.
 */
export function apiOriginHost(api: HttpApi, config: DeploymentConfig): string {
  return (
    config.apiOriginDomain?.domainName ?? `${api.apiId}.execute-api.${Stack.of(api).region}.${Aws.URL_SUFFIX}`
  );
}

/** `HttpApi` props: the default endpoint is off exactly when a custom origin domain replaces it. */
export function executeApiEndpointProps(config: DeploymentConfig): { disableExecuteApiEndpoint: boolean } {
  return { disableExecuteApiEndpoint: config.apiOriginDomain !== undefined };
}

/**
 * Maps the API's `$default` stage to `apiOriginDomain` (a regional API Gateway custom domain). Without it,
 * an environment with WAF warns at synth: the default endpoint stays reachable and callers who find the
 * API id can skip CloudFront and the web ACL (the JWT authorizer and stage throttling still apply).
 */
export function addApiOriginDomain(api: HttpApi, stage: HttpStage, config: DeploymentConfig): void {
  const scope = Stack.of(api);
  const origin = config.apiOriginDomain;
  if (!origin) {
    if (config.waf.enabled) {
      Annotations.of(api).addWarningV2(
        'tierdesk:executeApiEndpoint',
        `Set apiOriginDomain for ${config.envName}: without it the API's default execute-api endpoint stays ` +
          'enabled, and a caller who learns the API id reaches it without CloudFront and the WAF web ACL.',
      );
    }
    return;
  }
  const domainName = new DomainName(scope, 'OriginDomain', {
    domainName: origin.domainName,
    certificate: Certificate.fromCertificateArn(scope, 'OriginCertificate', origin.certificateArn),
  });
  new ApiMapping(scope, 'OriginMapping', { api, domainName, stage });
  new CfnOutput(scope, 'ApiOriginTarget', {
    description: `Point ${origin.domainName} (CNAME or alias) here: CloudFront reaches the API by that name.`,
    value: domainName.regionalDomainName,
  });
}
