import { describe, expect, it } from 'vitest';
import { PACK_IDS } from '#shared/policy/packs.ts';
import { ConfigError, DEFAULT_DESKS, parseDeploymentConfig } from '../../infra/config.ts';
import { CDK_JSON_CONTEXT } from './infra-app.ts';

const environments = CDK_JSON_CONTEXT['tierdesk:environments'];

describe('deployment config from CDK context', () => {
  it('parses the environments in cdk.json, with default API throttling and desks', () => {
    expect(parseDeploymentConfig('dev', environments)).toEqual({
      envName: 'dev',
      removeDataOnDelete: true,
      logRetentionDays: 30,
      apiThrottle: { rateLimit: 50, burstLimit: 100 },
      desks: ['rch-spyfocus', 'techflow', 'acentus', 'rarelogic'],
    });
    expect(parseDeploymentConfig('prod', environments)).toMatchObject({ removeDataOnDelete: false });
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
    expect(() => parseDeploymentConfig('dev', withDesks(['techflow', 'techflow']))).toThrow(/twice/);
    expect(() => parseDeploymentConfig('dev', withDesks(['Tech Flow']))).toThrow(/desks\.0/);
  });
});
