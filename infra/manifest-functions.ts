import type { FunctionAccess } from '#functions/manifest/access.ts';
import type {
  AppFunction,
  BindableBucket,
  BindableStateMachine,
  BindableTable,
} from './constructs/app-function.ts';
import { type ComplianceScheduling, grantDeadlineScheduling } from './stacks/schedules-stack.ts';

/** The deployed resources a manifest entry's `access` can name. */
export interface AccessTargets {
  readonly table: BindableTable;
  readonly bodyBucket: BindableBucket;
  readonly ticketWorkflow?: BindableStateMachine;
  readonly compliance?: ComplianceScheduling;
  /** The survey-link signing secret (a deploy-time reference). */
  readonly surveySecret?: string;
  readonly publicBaseUrl?: string;
  /** The bucket SES stores received mail in. */
  readonly inboundMailBucket?: BindableBucket;
  /** The deployment's desks (`DESKS`). */
  readonly desks?: readonly string[];
}

/**
 * Turns a manifest entry's `access` into grants and environment variables on its function: exactly the
 * listed actions, nothing else. A field that names a resource the stack did not provide fails synth.
 */
export function bindAccess(fn: AppFunction, access: FunctionAccess, targets: AccessTargets): void {
  const need = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`${fn.node.path}: its manifest entry needs ${what}, not given here`);
    return value;
  };
  if (access.table) fn.bindTable(targets.table, access.table);
  for (const objects of access.bodies ?? []) fn.bindBucket(targets.bodyBucket, objects);
  if (access.ticketWorkflow) {
    fn.bindStateMachine(need(targets.ticketWorkflow, 'the ticket workflow'), access.ticketWorkflow);
  }
  if (access.complianceSchedules)
    grantDeadlineScheduling(fn, need(targets.compliance, 'compliance scheduling'));
  if (access.surveySecret)
    fn.setEnvironment('SURVEY_SECRET', need(targets.surveySecret, 'the survey secret'));
  if (access.publicBaseUrl)
    fn.setEnvironment('PUBLIC_BASE_URL', need(targets.publicBaseUrl, 'the public base URL'));
}
