import { describe, expect, it } from 'vitest';
import { PACK_IDS } from '#shared/policy/packs.ts';
import { ConfigError, DEFAULT_DESKS, parseDeploymentConfig, wafRateLimits } from '../../infra/config.ts';
import { CDK_JSON_CONTEXT } from './infra-app.ts';

const environments = CDK_JSON_CONTEXT['tierdesk:environments'];

describe('deployment config from CDK context', () => {
  it('parses the environments in cdk.json, with default API throttling, desks and WAF off', () => {
    expect(parseDeploymentConfig('dev', environments)).toEqual({
      envName: 'dev',
      removeDataOnDelete: true,
      tableIndexStep: 8,
      logRetentionDays: 30,
      apiThrottle: {
        rateLimit: 50,
        burstLimit: 100,
        routes: {},
        perDeskPerSecond: 20,
        perAppClientPerSecond: 5,
      },
      desks: ['rch-spyfocus', 'techflow', 'acentus', 'rarelogic'],
      waf: { enabled: false, signInRequestsPerIpPer5Minutes: 300 },
      // dev deploys with the production defaults; a debugging session turns logs and traces on (docs/deploy.md).
      observability: {
        workflowLogLevel: 'ERROR',
        workflowLogExecutionData: false,
        tracing: false,
        functionErrorAlarms: 'region',
        dashboard: false,
        metrics: 'alarmed',
      },
      cognito: { featurePlan: 'ESSENTIALS', machineClients: 'shared' },
    });
    expect(parseDeploymentConfig('prod', environments)).toMatchObject({
      removeDataOnDelete: false,
      region: 'eu-west-1',
      waf: { enabled: true },
      // The defaults are the production settings: errors only, no execution data, no X-Ray.
      observability: { workflowLogLevel: 'ERROR', workflowLogExecutionData: false, tracing: false },
      cognito: { featurePlan: 'ESSENTIALS', machineClients: 'shared' },
    });
  });

  it('sizes the WAF rate rules from the desk quota, and refuses limits above one desk’s quota', () => {
    const base = { removeDataOnDelete: true, logRetentionDays: 30, waf: { enabled: true } };
    // Defaults: 20 requests/s per desk → per IP one desk's 5 minutes, per token half of it.
    expect(wafRateLimits(parseDeploymentConfig('dev', { dev: base }))).toEqual({
      perToken: 3000,
      perIp: 6000,
    });
    const quota = { rateLimit: 200, burstLimit: 400, perDeskPerSecond: 40, perAppClientPerSecond: 10 };
    expect(wafRateLimits(parseDeploymentConfig('dev', { dev: { ...base, apiThrottle: quota } }))).toEqual({
      perToken: 6000,
      perIp: 12_000,
    });
    const bad = (extra: Record<string, unknown>) => () =>
      parseDeploymentConfig('dev', { dev: { ...base, ...extra } });
    expect(bad({ waf: { enabled: true, apiRequestsPerIpPer5Minutes: 6001 } })).toThrow(
      /waf\.apiRequestsPerIpPer5Minutes: at most .* = 6000/,
    );
    expect(bad({ waf: { enabled: true, apiRequestsPerTokenPer5Minutes: 7000 } })).toThrow(
      /waf\.apiRequestsPerTokenPer5Minutes/,
    );
    expect(
      bad({ apiThrottle: { rateLimit: 50, burstLimit: 100, perDeskPerSecond: 5, perAppClientPerSecond: 6 } }),
    ).toThrow(/apiThrottle\.perAppClientPerSecond/);
  });

  it('wants the API origin domain’s certificate in the API’s Region', () => {
    const origin = (region: string) => ({
      domainName: 'o-7f3k9q.api.example.com',
      certificateArn: `arn:aws:acm:${region}:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666`,
    });
    const prod = (environments as Record<string, Record<string, unknown>>).prod!;
    expect(
      parseDeploymentConfig('prod', { prod: { ...prod, apiOriginDomain: origin('eu-west-1') } })
        .apiOriginDomain,
    ).toEqual(origin('eu-west-1'));
    expect(() =>
      parseDeploymentConfig('prod', { prod: { ...prod, apiOriginDomain: origin('us-east-1') } }),
    ).toThrow(/apiOriginDomain\.certificateArn: .*eu-west-1/);
  });

  it('takes per-route throttles, an alarm email, WAF limits and a custom domain, and rejects bad ones', () => {
    const base = { removeDataOnDelete: true, logRetentionDays: 30 };
    const parsed = parseDeploymentConfig('dev', {
      dev: {
        ...base,
        alarmEmail: 'oncall@example.com',
        apiThrottle: {
          rateLimit: 20,
          burstLimit: 40,
          routes: { 'POST /tickets': { rateLimit: 2, burstLimit: 4 } },
        },
        waf: {
          enabled: true,
          apiRequestsPerTokenPer5Minutes: 500,
          customDomain: {
            domainName: 'support.example.com',
            certificateArn:
              'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666',
          },
        },
      },
    });
    expect(parsed.alarmEmail).toBe('oncall@example.com');
    expect(parsed.apiThrottle.routes['POST /tickets']).toEqual({ rateLimit: 2, burstLimit: 4 });
    expect(parsed.waf).toMatchObject({ enabled: true, apiRequestsPerTokenPer5Minutes: 500 });
    expect(wafRateLimits(parsed)).toEqual({ perToken: 500, perIp: 6000 });
    const bad = (extra: Record<string, unknown>) => () =>
      parseDeploymentConfig('dev', { dev: { ...base, ...extra } });
    expect(bad({ alarmEmail: 'not-an-address' })).toThrow(/alarmEmail/);
    expect(
      bad({
        apiThrottle: { rateLimit: 1, burstLimit: 1, routes: { tickets: { rateLimit: 1, burstLimit: 1 } } },
      }),
    ).toThrow(/apiThrottle\.routes\.tickets/);
    expect(bad({ region: 'Europe' })).toThrow(/region/);
    expect(
      bad({
        waf: {
          enabled: true,
          customDomain: {
            domainName: 'support.example.com',
            certificateArn:
              'arn:aws:acm:eu-west-1:123456789012:certificate/0a1b2c3d-1111-2222-3333-444455556666',
          },
        },
      }),
    ).toThrow(/us-east-1/);
    expect(bad({ waf: { enabled: 'yes' } })).toThrow(/waf\.enabled/);
  });

  it('accepts the environments as a JSON string, as `-c` passes them', () => {
    expect(parseDeploymentConfig('dev', JSON.stringify(environments)).logRetentionDays).toBe(30);
  });

  it('names the environments there are when asked for another', () => {
    expect(() => parseDeploymentConfig('staging', environments)).toThrow(/only defines: dev, prod/);
  });

  it('rejects a log retention CloudWatch does not offer', () => {
    const bad = { dev: { removeDataOnDelete: true, logRetentionDays: 31 } };
    expect(() => parseDeploymentConfig('dev', bad)).toThrow(ConfigError);
    expect(() => parseDeploymentConfig('dev', bad)).toThrow(/tierdesk:environments\.dev\.logRetentionDays/);
  });

  it('rejects unknown keys and wrong types instead of ignoring them', () => {
    expect(() =>
      parseDeploymentConfig('dev', { dev: { removeDataOnDelete: 'yes', logRetentionDays: 30 } }),
    ).toThrow(/removeDataOnDelete/);
    expect(() =>
      parseDeploymentConfig('dev', { dev: { removeDataOnDelete: true, logRetentionDays: 30, retain: true } }),
    ).toThrow(/retain/);
  });

  it('rejects a missing or malformed environment name', () => {
    expect(() => parseDeploymentConfig(undefined, environments)).toThrow(/tierdesk:env/);
    expect(() => parseDeploymentConfig('Prod!', environments)).toThrow(/tierdesk:env/);
  });

  it('defaults the reconciled desks to the desks with a shipped policy pack', () => {
    expect([...DEFAULT_DESKS].sort()).toEqual([...PACK_IDS].sort());
  });

  it('accepts a desk list and rejects an empty one, a duplicate or a malformed id', () => {
    const withDesks = (desks: unknown) => ({
      dev: { removeDataOnDelete: true, logRetentionDays: 30, desks },
    });
    expect(parseDeploymentConfig('dev', withDesks(['techflow'])).desks).toEqual(['techflow']);
    expect(() => parseDeploymentConfig('dev', withDesks([]))).toThrow(/desks/);
    expect(() => parseDeploymentConfig('dev', withDesks(['techflow', 'nosuchdesk']))).toThrow(
      /not a desk with a policy pack/,
    );
    expect(() => parseDeploymentConfig('dev', withDesks(['techflow', 'techflow']))).toThrow(/twice/);
    expect(() => parseDeploymentConfig('dev', withDesks(['Tech Flow']))).toThrow(/desks\.0/);
  });
});
