import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import validateAsl from 'asl-validator';
import { REPO_ROOT } from './constructs/app-function.ts';

/**
 * State machines are data: `state-machines/*.asl.json` is the single definition, with
 * `${Name}` placeholders where deployment-specific values go. CDK passes the values as CloudFormation
 * `DefinitionSubstitutions`; the local stack fills the same placeholders with its own ARNs.
 *
 * These helpers let synth (and the infra tests) refuse a definition that would only fail at deploy time:
 * a placeholder without a value, a value without a placeholder, or an ASL document Step Functions rejects.
 */

/** Reads a definition file relative to the repository root, e.g. `state-machines/ticket-sla.asl.json`. */
export function readDefinition(file: string): string {
  return readFileSync(resolve(REPO_ROOT, file), 'utf8');
}

const PLACEHOLDER = /\$\{([^}]*)\}/g;

/** The distinct `${Name}` placeholders of a definition, sorted. */
export function placeholdersOf(definition: string): string[] {
  return [...new Set([...definition.matchAll(PLACEHOLDER)].map((match) => match[1] ?? ''))].sort();
}

/** Replaces every `${Name}` with its value, as Step Functions does with `DefinitionSubstitutions`. */
export function substitute(definition: string, values: Readonly<Record<string, string>>): string {
  return definition.replace(PLACEHOLDER, (placeholder, name: string) => values[name] ?? placeholder);
}

/** A value that passes asl-validator's ARN check wherever a placeholder sits (a Task's `Resource` or a parameter). */
export function sampleArn(name: string): string {
  return `arn:aws:lambda:eu-west-1:123456789012:function:${name}`;
}

/**
 * Everything wrong with a definition and the substitution names a stack passes for it, as sentences;
 * empty when Step Functions would accept it. The definition is validated after substituting a sample ARN
 * for each name, so it is checked exactly as it would be deployed, not with `${…}` in ARN fields.
 */
export function definitionProblems(definition: string, substitutionNames: readonly string[]): string[] {
  const problems: string[] = [];
  const placeholders = placeholdersOf(definition);
  const names = new Set(substitutionNames);
  for (const placeholder of placeholders) {
    if (!names.has(placeholder)) problems.push(`\${${placeholder}} has no substitution`);
  }
  for (const name of names) {
    if (!placeholders.includes(name)) problems.push(`substitution ${name} has no \${${name}} placeholder`);
  }

  const values = Object.fromEntries(substitutionNames.map((name) => [name, sampleArn(name)]));
  let parsed: unknown;
  try {
    parsed = JSON.parse(substitute(definition, values));
  } catch (error) {
    problems.push(`not JSON: ${(error as Error).message}`);
    return problems;
  }
  if (typeof parsed !== 'object' || parsed === null || !('States' in parsed)) {
    problems.push('not a state machine: no States');
    return problems;
  }
  const result = validateAsl(parsed as Parameters<typeof validateAsl>[0], {
    checkPaths: true,
    checkArn: true,
  });
  if (!result.isValid) problems.push(...result.errorsText('\n').split('\n'));
  return problems;
}
