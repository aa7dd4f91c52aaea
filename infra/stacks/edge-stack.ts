import {
  CfnOutput,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import type { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import { Certificate } from 'aws-cdk-lib/aws-certificatemanager';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HttpVersion,
  OriginRequestPolicy,
  OriginSslPolicy,
  PriceClass,
  SecurityPolicyProtocol,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import { HttpOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { type DeploymentConfig, wafRateLimits } from '../config.ts';
import { accessLogBucket } from '../constructs/access-log-bucket.ts';
import { apiOriginHost } from '../constructs/api-origin.ts';
import { admitCloudWatchLogs, rotatingKey } from '../constructs/rotating-key.ts';
import { RateLimitedWebAcl, webAclName } from '../constructs/web-acl.ts';
import { acknowledgeDefaultCloudFrontCertificate, acknowledgeGuardRule } from '../control-tower.ts';
import { removalPolicyOf } from '../environment-settings.ts';

/** CloudFront web ACLs (and so this stack) must live in us-east-1. */
export const EDGE_REGION = 'us-east-1';

export interface EdgeStackProps extends StackProps {
  readonly config: DeploymentConfig;
  /** The HTTP API CloudFront forwards to (in the environment's own Region). */
  readonly api: HttpApi;
}

/**
 * Abuse protection in front of the HTTP API (docs/decisions.md, "Edge protection: CloudFront + WAF"): AWS WAF
 * cannot attach to an HTTP API stage, so a CloudFront distribution with a WAFv2 web ACL fronts it. Caching is
 * off and every viewer header except Host (including Authorization) is forwarded, so the API sees the same
 * requests; the web ACL adds IP reputation, AWS managed rule groups, per-token and per-IP rate limits and an
 * early 413. Deployed to us-east-1; it reads the API's id from the API stack with a weak cross-Region reference
 * (Fn::GetStackOutput), so neither stack locks the other.
 */
export class EdgeStack extends Stack {
  readonly distribution: Distribution;
  readonly webAcl: RateLimitedWebAcl;
  /** `https://<distribution or custom domain>`: the API's public address when WAF is on. */
  readonly publicUrl: string;

  constructor(scope: Construct, id: string, props: EdgeStackProps) {
    super(scope, id, props);
    // Read the API's id without a CloudFormation export or the ExportWriter custom resources of strong
    // cross-Region references.
    CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);
    const { config } = props;
    const removalPolicy = removalPolicyOf(config);

    // WAF logs must be in the web ACL's Region: a key of their own here, admitting CloudWatch Logs only.
    const logsKey = rotatingKey(this, 'LogsKey', {
      description: `tierdesk ${config.envName}: WAF logs of the CloudFront web ACL (${EDGE_REGION})`,
      alias: `alias/tierdesk/${config.envName}/edge-logs`,
      removalPolicy,
    });
    admitCloudWatchLogs(logsKey);

    this.webAcl = new RateLimitedWebAcl(this, 'ApiFirewall', {
      name: webAclName(config, 'api'),
      scope: 'CLOUDFRONT',
      description:
        'tierdesk API: IP reputation, managed rules, rate limits per bearer token and per IP, size.',
      ipRateLimitPer5Minutes: wafRateLimits(config).perIp,
      api: { tokenRateLimitPer5Minutes: wafRateLimits(config).perToken },
      logRetention: config.logRetentionDays,
      logRemovalPolicy: removalPolicy,
      logEncryptionKey: logsKey,
    });

    // CloudFront standard logs need object ACLs on their bucket and cannot write SSE-KMS objects.
    const accessLogs = accessLogBucket(this, 'AccessLogs', {
      logRetentionDays: config.logRetentionDays,
      removalPolicy,
      forCloudFront: true,
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is itself a log target: it receives the CloudFront standard logs of the API distribution. ' +
        'Logging access to the log bucket would need yet another bucket; it is private, TLS-only and expires ' +
        'objects after the configured log retention.',
    });

    const customDomain = config.waf.customDomain;
    // The API's custom origin domain when configured (its default endpoint is then off).
    const apiHost = apiOriginHost(props.api, config);
    this.distribution = new Distribution(this, 'Distribution', {
      comment: `tierdesk ${config.envName} API behind AWS WAF`,
      defaultBehavior: {
        origin: new HttpOrigin(apiHost, {
          originSslProtocols: [OriginSslPolicy.TLS_V1_2],
          // API Gateway gives up after 30 seconds; so does CloudFront.
          readTimeout: Duration.seconds(30),
        }),
        allowedMethods: AllowedMethods.ALLOW_ALL,
        // API clients must not be redirected (a POST would be replayed as GET).
        viewerProtocolPolicy: ViewerProtocolPolicy.HTTPS_ONLY,
        cachePolicy: CachePolicy.CACHING_DISABLED,
        // Everything the viewer sent except Host (API Gateway routes on its own host name), Authorization
        // included: with caching disabled the managed policy may forward it.
        originRequestPolicy: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      },
      webAclId: this.webAcl.webAcl.attrArn,
      enableLogging: true,
      logBucket: accessLogs as unknown as IBucket,
      logFilePrefix: 'cloudfront/',
      httpVersion: HttpVersion.HTTP2_AND_3,
      priceClass: PriceClass.PRICE_CLASS_ALL,
      ...(customDomain
        ? {
            minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
            domainNames: [customDomain.domainName],
            certificate: Certificate.fromCertificateArn(this, 'Certificate', customDomain.certificateArn),
          }
        : {}),
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geo restriction: the desks serve customers worldwide, and none of the four policy packs limits ' +
        'support by country. Abuse is handled by the rate-based and managed WAF rules instead.',
    });
    acknowledgeGuardRule(
      this.distribution,
      'cloudfront_default_root_object_configured_check',
      'This distribution fronts an API: GET / must reach the API (which answers 404), not be rewritten to a ' +
        'document. There is no root object to serve.',
    );
    if (!customDomain) {
      acknowledgeDefaultCloudFrontCertificate(
        this.distribution,
        'Set waf.customDomain (ACM certificate in us-east-1) for TLSv1.2_2021 with SNI; docs/deploy.md says so.',
      );
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          'Without waf.customDomain the distribution uses the default *.cloudfront.net certificate, whose ' +
          'security policy CloudFront fixes at TLSv1. Set waf.customDomain (ACM certificate in us-east-1) to get ' +
          'TLSv1.2_2021; docs/deploy.md says so. Origin connections are TLS 1.2 only either way.',
      });
    }

    this.publicUrl = `https://${customDomain?.domainName ?? this.distribution.distributionDomainName}`;
    new CfnOutput(this, 'PublicApiUrl', {
      description: 'Call the API here: CloudFront with the WAF web ACL in front of the HTTP API.',
      value: this.publicUrl,
    });
    new CfnOutput(this, 'WebAclArn', { value: this.webAcl.webAcl.attrArn });
  }
}
