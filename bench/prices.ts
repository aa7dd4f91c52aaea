/**
 * Every unit price the cost model (`npm run cost`, docs/cost.md) uses, in one place, each with where it
 * comes from. AWS prices are us-east-1 list prices without free tiers; check them against the AWS pricing
 * pages for your Region before relying on a figure. A price marked `assumption` could not be checked
 * against its source when it was written down: treat it as an estimate.
 */
export interface UnitPrice {
  readonly usd: number;
  /** What one `usd` buys: "per key-month", "per request". */
  readonly per: string;
  readonly source: string;
  /** When the figure was read from its source. */
  readonly asOf: string;
  /** true: not checked against the source; an estimate to replace with the current list price. */
  readonly assumption?: boolean;
}

const AWS_PAGES = 'AWS public pricing page of the service, us-east-1';
const AWS_AS_OF = '2025';
const aws = (usd: number, per: string, service: string): UnitPrice => ({
  usd,
  per,
  source: `${AWS_PAGES} (${service})`,
  asOf: AWS_AS_OF,
});

export const PRICES = {
  // --- per use ---
  stepFunctionsPerTransition: aws(0.025 / 1000, 'state transition (Standard)', 'Step Functions'),
  lambdaPerRequest: aws(0.2 / 1_000_000, 'request', 'Lambda'),
  lambdaPerGbSecond: aws(0.0000133334, 'GB-second (arm64)', 'Lambda'),
  apiGatewayHttpPerRequest: aws(1.0 / 1_000_000, 'request (HTTP API)', 'API Gateway'),
  dynamoPerWriteRequestUnit: aws(0.625 / 1_000_000, 'write request unit (on-demand)', 'DynamoDB'),
  dynamoPerReadRequestUnit: aws(0.125 / 1_000_000, 'read request unit (on-demand)', 'DynamoDB'),
  sesPerEmail: aws(0.1 / 1000, 'email sent or received', 'SES'),
  logsPerGbIngested: aws(0.5, 'GB ingested (standard class)', 'CloudWatch Logs'),
  xrayPerTraceRecorded: aws(5 / 1_000_000, 'trace recorded', 'X-Ray'),
  wafPerRequest: aws(0.6 / 1_000_000, 'request inspected', 'AWS WAF'),
  cloudFrontPerHttpsRequest: {
    usd: 0.01 / 10_000,
    per: 'HTTPS request (North America, Europe)',
    source: `${AWS_PAGES} (CloudFront, pay-as-you-go)`,
    asOf: AWS_AS_OF,
    assumption: true,
  },
  cognitoPerM2mTokenRequest: {
    usd: 2.25 / 1000,
    per: 'machine-to-machine token request',
    source: 'Vantage AWS line-item reference, CUPM2MTokenRequestsFull (cur.vantage-api.com)',
    asOf: '2025-04-27',
  },
  // --- per month, whatever the volume ---
  kmsPerKeyMonth: aws(1, 'customer-managed key per month', 'KMS'),
  cloudWatchPerAlarmMetric: aws(0.1, 'standard-resolution alarm metric per month', 'CloudWatch'),
  cloudWatchPerCustomMetric: aws(0.3, 'custom metric per month (first 10,000)', 'CloudWatch'),
  cloudWatchPerDashboard: aws(3, 'dashboard per month', 'CloudWatch'),
  secretsManagerPerSecret: aws(0.4, 'secret per month', 'Secrets Manager'),
  wafPerWebAcl: aws(5, 'web ACL per month', 'AWS WAF'),
  wafPerRule: aws(1, 'rule or rule group per web ACL per month', 'AWS WAF'),
  cognitoPerM2mAppClient: {
    usd: 6,
    per: 'machine-to-machine app client per month',
    source:
      'Rhythmic Technologies blog, "The AWS Cognito M2M bill has come due" (on the May 2024 price change); AWS ' +
      'states M2M app clients have no free tier',
    asOf: '2025-05',
  },
  // --- per GB stored per month ---
  dynamoPerGbMonth: aws(0.25, 'GB-month stored (Standard table class)', 'DynamoDB'),
  dynamoPitrPerGbMonth: aws(0.2, 'GB-month of continuous backups (PITR)', 'DynamoDB'),
  s3PerGbMonth: aws(0.023, 'GB-month (S3 Standard, first 50 TB)', 'S3'),
} as const satisfies Record<string, UnitPrice>;

/**
 * Per-seat helpdesks for docs/cost.md's comparison, per agent per month, billed annually. Not checked
 * against the vendors' pages when written (no network): every one is an assumption to verify.
 */
export const SEAT_PRICES = {
  'Zendesk Suite Team': {
    usd: 55,
    per: 'agent per month, billed annually',
    source: 'zendesk.com/pricing (commonly quoted list price)',
    asOf: '2025',
    assumption: true,
  },
  'Freshdesk Growth': {
    usd: 15,
    per: 'agent per month, billed annually',
    source: 'freshworks.com/freshdesk/pricing (commonly quoted list price)',
    asOf: '2025',
    assumption: true,
  },
} as const satisfies Record<string, UnitPrice>;

/** Lambda memory size the stacks deploy by default (MB); turns run time into GB-seconds. */
export const LAMBDA_MEMORY_MB = 512;
