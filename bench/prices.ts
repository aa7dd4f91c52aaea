/**
 * Unit prices for the cost model, us-east-1 list prices from the public AWS pricing pages (Step
 * Functions, SES, Lambda, API Gateway, DynamoDB), as of 2025. Check before relying on them: prices
 * change.
 */
export const PRICES = {
  asOf: '2025 (AWS public list prices, us-east-1)',
  stepFunctionsPerTransition: 0.025 / 1000,
  lambdaPerRequest: 0.2 / 1_000_000,
  /** arm64 Lambda, per GB-second. */
  lambdaPerGbSecond: 0.0000133334,
  apiGatewayHttpPerRequest: 1.0 / 1_000_000,
  dynamoPerWriteRequestUnit: 0.625 / 1_000_000,
  dynamoPerReadRequestUnit: 0.125 / 1_000_000,
  sesPerEmail: 0.1 / 1000,
  /**
   * Cognito machine-to-machine: per active app client per month (plus per token request, not modelled).
   * Source: a third-party summary of the May 2024 Cognito M2M price change (Rhythmic Technologies blog,
   * May 2025); AWS's pricing page confirms there is no free tier for M2M app clients. Not used by the
   * per-ticket model; docs/cost.md multiplies it by the number of machine clients.
   */
  cognitoM2mAppClientPerMonth: 6,
  /** Per-seat helpdesk list prices for comparison (monthly, per agent). */
  seats: { zendeskSuiteTeam: 55, freshdeskGrowth: 15, serviceNowCsmEstimate: 100 },
} as const;

/** Lambda memory size the stacks deploy (MB); used to turn run time into GB-seconds. */
export const LAMBDA_MEMORY_MB = 512;
