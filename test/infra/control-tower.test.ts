import { join } from 'node:path';
import { type App, CfnElement, Stack, Validations } from 'aws-cdk-lib';
import { Queue } from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import {
  acknowledgeGuardRule,
  enableControlTowerChecks,
  GUARD_PLUGIN,
  GuardValidatorWithNestedStacks,
} from '../../infra/control-tower.ts';
import { addTierdeskStacks } from '../../infra/tierdesk-app.ts';
import { testApp } from './infra-app.ts';

/** Acknowledged guard rules: rule name → construct paths (the app's root is ''). */
function guardAcknowledgements(app: App): Array<{ rule: string; path: string; reason: string }> {
  const found: Array<{ rule: string; path: string; reason: string }> = [];
  for (const construct of [app, ...app.node.findAll()]) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        if (!id.startsWith(`${GUARD_PLUGIN}::`)) continue;
        found.push({ rule: id.slice(GUARD_PLUGIN.length + 2), path: construct.node.path, reason });
      }
    }
  }
  return found;
}

/**
 * Synthesizes the app (without the plugin), then runs the Control Tower rules on its templates directly:
 * every failure before acknowledgements, with the construct path of the resource that fails.
 */
function rawFailures(envName: string) {
  const app = testApp({ 'tierdesk:env': envName });
  const { config } = addTierdeskStacks(app);
  const assembly = app.synth();
  const pathOf = new Map<string, string>();
  for (const construct of app.node.findAll()) {
    if (construct instanceof CfnElement) {
      const stack = Stack.of(construct);
      pathOf.set(`${stack.templateFile}#${stack.resolve(construct.logicalId)}`, construct.node.path);
    }
  }
  const report = new GuardValidatorWithNestedStacks({ controlTowerRulesEnabled: true }).validate({
    templatePaths: assembly.stacks.map((s) => join(assembly.directory, s.templateFile)),
    appConstruct: app,
  });
  const failures = report.violations.flatMap((v) =>
    v.violatingResources.map((r) => ({
      rule: v.ruleName,
      path:
        pathOf.get(`${r.templatePath.split('/').pop()}#${r.resourceLogicalId}`) ?? `?${r.resourceLogicalId}`,
    })),
  );
  return { app, config, failures };
}

const coveredBy = (ackPath: string, path: string) =>
  ackPath === '' || path === ackPath || path.startsWith(`${ackPath}/`);

describe.each(['dev', 'prod'])('Control Tower proactive controls on the %s app', (envName) => {
  const { app, config, failures } = rawFailures(envName);
  // enableControlTowerChecks adds the app-wide acknowledgements (and the plugin, which this synth did not run).
  const appWide = testApp({ 'tierdesk:env': envName });
  enableControlTowerChecks(appWide, config);
  const acknowledgements = [...guardAcknowledgements(app), ...guardAcknowledgements(appWide)];

  it('leaves no failure unacknowledged', () => {
    expect(failures.length).toBeGreaterThan(0);
    const open = failures.filter(
      (f) => !acknowledgements.some((a) => a.rule === f.rule && coveredBy(a.path, f.path)),
    );
    expect(open).toEqual([]);
  });

  it('acknowledges only rules that fail, each with a written reason', () => {
    for (const { rule, path, reason } of acknowledgements) {
      expect(reason.length, `${rule} on ${path || 'the app'}`).toBeGreaterThanOrEqual(60);
      const matched = failures.some((f) => f.rule === rule && coveredBy(path, f.path));
      expect(matched, `stale acknowledgement ${rule} on ${path || 'the app'}`).toBe(true);
    }
  });

  it('keeps the app-wide decisions to a handful of rules', () => {
    const rules = new Set(acknowledgements.filter((a) => a.path === '').map((a) => a.rule));
    expect(rules.size).toBeLessThanOrEqual(7);
  });
});

describe('the synth check', () => {
  it('fails synth on a failing rule nobody acknowledged, and passes once it is acknowledged', () => {
    const build = (acknowledged: boolean) => {
      const app = testApp();
      const stack = new Stack(app, 'Fixture');
      const queue = new Queue(stack, 'Plain');
      if (acknowledged) {
        acknowledgeGuardRule(queue, 'sqs_queue_encrypted_check', 'fixture: a reason long enough to be read.');
        Validations.of(queue).acknowledge({
          id: `${GUARD_PLUGIN}::sqs_dlq_check`,
          reason: 'fixture: this queue stands for a dead-letter queue.',
        });
      }
      Validations.of(app).addPlugins(new GuardValidatorWithNestedStacks({ controlTowerRulesEnabled: true }));
      return app;
    };
    expect(() => build(false).synth()).toThrow(/sqs_dlq_check|CT\.SQS\.PR\.1/);
    expect(() => build(true).synth()).not.toThrow();
  });
});
