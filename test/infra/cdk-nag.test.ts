import { Validations } from 'aws-cdk-lib';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it, vi } from 'vitest';
import { GUARD_PLUGIN } from '../../infra/control-tower.ts';
import { addTierdeskStacks, enableCdkNag } from '../../infra/tierdesk-app.ts';
import { testApp } from './infra-app.ts';

interface Acknowledgement {
  readonly path: string;
  readonly id: string;
  readonly reason: string;
}

/** Every acknowledgement recorded in the synthesized app, where it was made and why. */
function acknowledgementsOf(app: ReturnType<typeof testApp>): Acknowledgement[] {
  const found: Acknowledgement[] = [];
  for (const construct of app.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        found.push({ path: construct.node.path, id: id.replace(/^annotation::/i, ''), reason });
      }
    }
  }
  return found;
}

/**
 * Builds the app as infra/app.ts does (checks on) and lists cdk-nag's findings. Synth throws on any
 * finding; the findings are then listed again from the rule pack so a failure names them.
 */
function findings(envName: string, options: { withoutAcknowledgements?: boolean } = {}) {
  const spy = options.withoutAcknowledgements
    ? vi.spyOn(Validations.prototype, 'acknowledge').mockImplementation(() => {})
    : undefined;
  try {
    const app = testApp({ 'tierdesk:env': envName });
    addTierdeskStacks(app);
    if (!options.withoutAcknowledgements) enableCdkNag(app);
    let synthError: unknown;
    try {
      app.synth();
    } catch (error) {
      synthError = error;
    }
    const report = new AwsSolutionsChecks().validateScope(app);
    return {
      app,
      synthError,
      violations: report.violations.flatMap((v) =>
        v.violatingResources.map((r) => ({
          rule: v.ruleName,
          severity: v.severity,
          path: r.constructPath ?? '',
        })),
      ),
    };
  } finally {
    spy?.mockRestore();
  }
}

describe.each(['dev', 'prod'])('cdk-nag AwsSolutions on the %s app', (envName) => {
  const { app, violations, synthError } = findings(envName);

  it('has no finding that is not acknowledged (errors and warnings alike), so synth passes', () => {
    expect(violations).toEqual([]);
    expect(synthError).toBeUndefined();
  });

  it('gives every acknowledgement a written reason', () => {
    const acknowledgements = acknowledgementsOf(app);
    expect(acknowledgements.length).toBeGreaterThan(0);
    for (const { path, id, reason } of acknowledgements) {
      expect(reason.length, `${path} ${id}`).toBeGreaterThanOrEqual(60);
    }
  });

  // Both environments: prod has constructs dev lacks (CloudFront, the web ACLs), with acknowledgements of their own.
  it('acknowledges only findings that exist, each on the construct that has it', () => {
    const raw = findings(envName, { withoutAcknowledgements: true }).violations;
    // Control Tower (cfn-guard) acknowledgements are checked in control-tower.test.ts.
    for (const { path, id } of acknowledgementsOf(app).filter((a) => !a.id.startsWith(`${GUARD_PLUGIN}::`))) {
      const matched = raw.some((v) => v.rule === id && (v.path === path || v.path.startsWith(`${path}/`)));
      expect(matched, `stale acknowledgement ${id} on ${path}`).toBe(true);
    }
  });
});

describe('the app entry point', () => {
  it('fails synth on an unacknowledged finding', () => {
    const app = testApp();
    const { data } = addTierdeskStacks(app);
    new Bucket(data, 'Naked');
    enableCdkNag(app);
    expect(() => app.synth()).toThrow(/AwsSolutions-S10/);
  });
});
