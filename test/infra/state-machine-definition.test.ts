import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import validateAsl from 'asl-validator';
import { describe, expect, it } from 'vitest';
import { readDeploymentConfig } from '../../infra/config.ts';
import { DataStack } from '../../infra/stacks/data-stack.ts';
import {
  TICKET_SLA_DEFINITION_FILE,
  TICKET_SLA_SUBSTITUTIONS,
  WorkflowStack,
} from '../../infra/stacks/workflow-stack.ts';
import {
  definitionProblems,
  placeholdersOf,
  readDefinition,
  sampleArn,
  substitute,
} from '../../infra/state-machine-definition.ts';
import { testApp } from './infra-app.ts';

const definition = readDefinition(TICKET_SLA_DEFINITION_FILE);
const substitutionNames = Object.keys(TICKET_SLA_SUBSTITUTIONS);
/** `${name}`, as the definition spells a placeholder. */
const placeholder = (name: string) => `\${${name}}`;

describe(TICKET_SLA_DEFINITION_FILE, () => {
  it('has a substitution for every placeholder, and a placeholder for every substitution', () => {
    expect(placeholdersOf(definition)).toEqual([...substitutionNames].sort());
  });

  it('is valid Amazon States Language (asl-validator) once sample ARNs are substituted', () => {
    const values = Object.fromEntries(substitutionNames.map((name) => [name, sampleArn(name)]));
    const substituted = substitute(definition, values);
    expect(substituted).not.toContain('${');
    const result = validateAsl(JSON.parse(substituted));
    expect(result.errorsText()).toBe('');
    expect(result.isValid).toBe(true);
    expect(definitionProblems(definition, substitutionNames)).toEqual([]);
  });
});

describe('the definition check', () => {
  it('names a placeholder without a substitution and a substitution without a placeholder', () => {
    expect(definitionProblems(definition, ['CheckTicketSlaFunctionArn', 'ParkFunctionArn'])).toEqual([
      `${placeholder('ParkTicketWorkflowFunctionArn')} has no substitution`,
      `substitution ParkFunctionArn has no ${placeholder('ParkFunctionArn')} placeholder`,
    ]);
  });

  it('fails an ASL document Step Functions would reject', () => {
    const broken = (from: string, to: string) => {
      expect(definition).toContain(from);
      return definitionProblems(definition.replace(from, to), substitutionNames);
    };
    expect(broken('"Next": "Handed over"', '"Next": "Handed ovr"')).toEqual(
      expect.arrayContaining([expect.stringMatching(/MISSING_TRANSITION_TARGET.*Handed ovr/)]),
    );
    expect(broken('"Type": "Choice"', '"Type": "Decide"')).toEqual([
      expect.stringMatching(/SCHEMA_VALIDATION_FAILED/),
    ]);
    expect(broken('"ResultPath": "$.wokenBy"', '"ResultPath": "wokenBy"')).toEqual([
      expect.stringMatching(/ResultPath/),
    ]);
    expect(broken('"StartAt"', '"StartsAt"')).not.toEqual([]);
    expect(broken('"Comment":', '"Comment"')).toEqual([expect.stringMatching(/^not JSON/)]);
  });

  it('fails the synth of a workflow stack whose definition is broken', () => {
    const directory = mkdtempSync(join(tmpdir(), 'tierdesk-asl-'));
    const file = join(directory, 'broken.asl.json');
    // A renamed placeholder (asl-validator itself accepts any `${…}` as a Resource) and a dangling Next.
    writeFileSync(
      file,
      definition
        .replace(placeholder('CheckTicketSlaFunctionArn'), placeholder('CheckFunctionArn'))
        .replace('"Next": "Handed over"', '"Next": "Handed ovr"'),
    );
    const app = testApp();
    const config = readDeploymentConfig(app.node);
    const data = new DataStack(app, 'Data', { config });
    const workflow = new WorkflowStack(app, 'Workflow', { config, data, definitionFile: file });
    const errors = workflow.node.validate();
    // CDK runs these validations in every synth (cdk synth, Template.fromStack) and fails it on any error.
    expect(errors).toEqual([
      `${file}: \${CheckFunctionArn} has no substitution`,
      `${file}: substitution CheckTicketSlaFunctionArn has no \${CheckTicketSlaFunctionArn} placeholder`,
      `${file}: MISSING_TRANSITION_TARGET: State Handed over is not reachable`,
      `${file}: MISSING_TRANSITION_TARGET: Missing 'StartAt'|'Next'|'Default' target: Handed ovr`,
    ]);
  });
});
