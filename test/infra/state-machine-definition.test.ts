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
import { LOOP_EXIT } from '../../shared/workflow/sleep-step.ts';
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

describe('the SLA loop', () => {
  type State = {
    Type: string;
    Next?: string;
    End?: boolean;
    Retry?: Array<{ ErrorEquals: string[]; MaxAttempts?: number }>;
    Catch?: Array<{ ErrorEquals: string[]; Next: string }>;
  };
  const { StartAt, States } = JSON.parse(definition) as { StartAt: string; States: Record<string, State> };
  const apply = 'Apply due SLA actions and plan the next checkpoint';
  const sleep = 'Sleep until the next SLA checkpoint or a ticket change';

  it('is two states per wake: Apply → Sleep → Apply, on a change and on the checkpoint alike', () => {
    expect(StartAt).toBe(apply);
    expect(States[apply]?.Next).toBe(sleep);
    expect(States[sleep]?.Next).toBe(apply);
    const caught = Object.fromEntries(
      (States[sleep]?.Catch ?? []).map((c) => [c.ErrorEquals.join(), c.Next]),
    );
    expect(caught).toEqual({
      'States.Timeout': apply,
      [LOOP_EXIT.closed]: 'Apply the last SLA actions: the ticket is closed',
      [LOOP_EXIT.stop]: 'Stop: the ticket is closed',
      [LOOP_EXIT.handOver]: 'Hand over to a new execution',
    });
    expect(Object.values(States).filter((s) => s.Type === 'Choice')).toEqual([]);
    // A closing change ends the loop in one transition: the last Apply step ends the execution.
    expect(States['Apply the last SLA actions: the ticket is closed']).toMatchObject({
      Type: 'Task',
      End: true,
    });
  });

  it('never retries the loop exits (States.TaskFailed would match them): their retrier comes first', () => {
    const [first, ...rest] = States[sleep]?.Retry ?? [];
    expect(first).toEqual({
      ErrorEquals: [LOOP_EXIT.closed, LOOP_EXIT.stop, LOOP_EXIT.handOver],
      MaxAttempts: 0,
    });
    expect(rest.flatMap((r) => r.ErrorEquals)).toContain('States.TaskFailed');
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
    expect(broken('"Next": "Hand over to a new execution"', '"Next": "Hand over to a new executio"')).toEqual(
      expect.arrayContaining([expect.stringMatching(/MISSING_TRANSITION_TARGET.*new executio\b/)]),
    );
    expect(broken('"Type": "Succeed"', '"Type": "Decide"')).toEqual(
      expect.arrayContaining([expect.stringMatching(/SCHEMA_VALIDATION_FAILED.*Type is invalid/)]),
    );
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
        .replaceAll(placeholder('CheckTicketSlaFunctionArn'), placeholder('CheckFunctionArn'))
        .replace('"Next": "Hand over to a new execution"', '"Next": "Hand over to a new executio"'),
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
      `${file}: MISSING_TRANSITION_TARGET: State Hand over to a new execution is not reachable`,
      `${file}: MISSING_TRANSITION_TARGET: Missing 'StartAt'|'Next'|'Default' target: Hand over to a new executio`,
    ]);
  });
});
