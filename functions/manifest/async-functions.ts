import type { FunctionAccess } from './access.ts';

/**
 * Every function that is not behind an HTTP route, declared once: what invokes it, its limits and its
 * access. infra/ builds each in the stack of its `home` (with a dead-letter queue and alarm where it is
 * invoked asynchronously); the local stack invokes the same handler modules from the same triggers.
 */
export type AsyncTrigger =
  /** A Task state of a state machine in state-machines/, through the named definition placeholder. */
  | {
      readonly kind: 'state-machine-task';
      readonly stateMachine: StateMachineId;
      readonly placeholder: string;
    }
  /** A recurring schedule (see SCHEDULES in ./schedules.ts). */
  | { readonly kind: 'schedule' }
  /** SES receipt rule → S3 → SNS: a received mail. */
  | { readonly kind: 'mail-received' }
  /** SES bounce and complaint notifications through SNS. */
  | { readonly kind: 'mail-feedback' }
  /** The target of the one-time EventBridge Scheduler schedules of DSAR, appeal and reportable-breach deadlines. */
  | { readonly kind: 'deadline-schedule' };

export type StateMachineId = 'ticket-sla' | 'retention-purge';

export interface AsyncFunctionEntry {
  /** Construct id on AWS (`CheckTicketSla`); the local stack names it `tierdesk-<handler base name>`. */
  readonly id: string;
  /** The stack that owns it (its trigger's resources live there). */
  readonly home: 'workflow' | 'mail' | 'schedules' | 'ops';
  readonly handler: string;
  readonly description: string;
  readonly trigger: AsyncTrigger;
  /** @default 512 */
  readonly memoryMb?: number;
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /**
   * Invoked asynchronously (EventBridge, SNS, Scheduler): failed events land in a dead-letter queue after
   * Lambda's retries, with an alarm. State-machine tasks report failures to their execution instead.
   */
  readonly deadLetterQueue: boolean;
  readonly access: FunctionAccess;
}

/**
 * The deadline function and the sweep also run the next batch of a DSAR export or erasure: the
 * requester's tickets (byRequester) and partitions, rewrites and deletions, bodies and files, and the
 * export's part objects and bundle under exports/.
 */
const DSAR_JOB_ACCESS = {
  table: {
    actions: ['GetItem', 'PutItem', 'DeleteItem', 'Query'],
    indexes: ['byRequester'],
    queryTable: true,
  },
  bodies: [
    { actions: ['GetObject', 'DeleteObject'], prefix: 'bodies/' },
    { actions: ['GetObject', 'DeleteObject'], prefix: 'attachments/' },
    { actions: ['GetObject', 'PutObject', 'DeleteObject'], prefix: 'exports/' },
  ],
  complianceSchedules: true,
  desks: true,
} as const satisfies FunctionAccess;

export const ASYNC_FUNCTIONS: readonly AsyncFunctionEntry[] = [
  // --- the per-ticket SLA workflow (docs/workflow.md) ---
  {
    id: 'CheckTicketSla',
    home: 'workflow',
    handler: 'functions/workflow/check-ticket-sla.ts',
    description: 'SLA workflow task: applies due SLA actions to a ticket and plans its next checkpoint.',
    trigger: {
      kind: 'state-machine-task',
      stateMachine: 'ticket-sla',
      placeholder: 'CheckTicketSlaFunctionArn',
    },
    // Below the task's TimeoutSeconds (60) in the ASL, so a slow run fails as a Lambda error and is retried.
    timeoutSeconds: 30,
    deadLetterQueue: false,
    // Its config requires the state machine ARN, but it never calls Step Functions: no actions. It sends
    // the mail its SLA actions cause (and agents' replies) right after its write.
    access: {
      table: { actions: ['GetItem', 'UpdateItem'] },
      ticketWorkflow: {},
      sendMail: true,
      desks: true,
    },
  },
  {
    id: 'ParkTicketWorkflow',
    home: 'workflow',
    handler: 'functions/workflow/park-ticket-workflow.ts',
    description:
      'SLA workflow task: stores the sleeping step’s task token on the ticket, or wakes it at once.',
    trigger: {
      kind: 'state-machine-task',
      stateMachine: 'ticket-sla',
      placeholder: 'ParkTicketWorkflowFunctionArn',
    },
    deadLetterQueue: false,
    access: {
      table: { actions: ['UpdateItem'] },
      // SendTaskFailure: a step that stops or hands over ends its own task (the loop's exits).
      ticketWorkflow: { actions: ['SendTaskSuccess', 'SendTaskFailure'] },
      desks: true,
    },
  },
  {
    id: 'ReconcileWorkflows',
    home: 'workflow',
    handler: 'functions/workflow/reconcile-workflows.ts',
    description: 'Every minute: starts or wakes SLA workflows that missed a ticket change.',
    trigger: { kind: 'schedule' },
    // Below the one-minute schedule, so a slow sweep does not overlap the next one for long.
    timeoutSeconds: 55,
    deadLetterQueue: true,
    access: {
      // Changes its workflow has not seen (byWorkflowPending) and checkpoints long past with no execution
      // running (byDeskStatusDue, listOverdueCheckpoints); each ticket then by GetItem.
      table: { actions: ['GetItem', 'Query'], indexes: ['byWorkflowPending', 'byDeskStatusDue'] },
      ticketWorkflow: {
        actions: ['StartExecution', 'SendTaskSuccess'],
        executionActions: ['DescribeExecution'],
      },
      desks: true,
    },
  },
  // --- mail (docs/email.md) ---
  {
    id: 'ReceiveEmail',
    home: 'mail',
    handler: 'functions/mail/receive-email.ts',
    description:
      'SES inbound mail: reads the raw MIME the receipt rule stored and opens or continues a ticket.',
    trigger: { kind: 'mail-received' },
    memoryMb: 1024,
    timeoutSeconds: 60,
    deadLetterQueue: true,
    access: {
      // Tickets, messages, inbound records, suspended mail, Message-ID map (GetItem, PutItem, UpdateItem); the
      // sender's ban keys (BatchGetItem) and refusals counted on the ban (UpdateItem); no queries.
      table: { actions: ['GetItem', 'BatchGetItem', 'PutItem', 'UpdateItem'] },
      bodies: [
        { actions: ['PutObject'], prefix: 'bodies/' },
        { actions: ['PutObject'], prefix: 'attachments/' },
      ],
      inboundMail: { actions: ['GetObject'], prefix: 'inbound/' },
      ticketWorkflow: { actions: ['StartExecution', 'SendTaskSuccess'] },
      // Threads replies only through our signed tokens.
      secrets: ['threadKeys'],
    },
  },
  {
    id: 'HandleFeedback',
    home: 'mail',
    handler: 'functions/mail/handle-feedback.ts',
    description: 'SES bounces and complaints: suppresses the address for the desk that mailed it.',
    trigger: { kind: 'mail-feedback' },
    deadLetterQueue: true,
    access: { table: { actions: ['PutItem'] } },
  },
  {
    id: 'SweepOutboundMail',
    home: 'mail',
    handler: 'functions/mail/sweep-outbound-mail.ts',
    description: 'Every minute: sends outbound mail its writer could not (a crash, an SES error).',
    trigger: { kind: 'schedule' },
    timeoutSeconds: 55,
    deadLetterQueue: true,
    // Tickets listed with mail pending (byWorkflowPending); the rest comes with sendMail.
    access: { sendMail: true, desks: true, table: { actions: ['Query'], indexes: ['byWorkflowPending'] } },
  },
  // --- compliance (docs/compliance.md) ---
  {
    id: 'PlanRetentionPurge',
    home: 'schedules',
    handler: 'functions/compliance/plan-retention-purge.ts',
    description: "Retention purge, step 1: opens (or resumes) each desk's purge run for the day.",
    trigger: {
      kind: 'state-machine-task',
      stateMachine: 'retention-purge',
      placeholder: 'PlanRetentionPurgeFunctionArn',
    },
    timeoutSeconds: 60,
    deadLetterQueue: false,
    access: {
      // Run records (Get, conditional Put, audit entries Put), the desk's recent runs (byDataClassCreated).
      table: { actions: ['BatchGetItem', 'GetItem', 'PutItem', 'Query'], indexes: ['byDataClassCreated'] },
      bodyBucketName: true,
      desks: true,
    },
  },
  {
    id: 'RunRetentionPurgeBatch',
    home: 'schedules',
    handler: 'functions/compliance/run-retention-purge-batch.ts',
    description:
      'Retention purge, step 2: purges pages of expired items and their objects, checkpointing each page.',
    trigger: {
      kind: 'state-machine-task',
      stateMachine: 'retention-purge',
      placeholder: 'RunRetentionPurgeBatchFunctionArn',
    },
    memoryMb: 1024,
    // Below the task's TimeoutSeconds (330) in the ASL; the handler stops 20 s before its own timeout.
    timeoutSeconds: 300,
    deadLetterQueue: false,
    access: {
      // Pages of a data class (byDataClassCreated), whole ticket partitions (Query on the table), holds and
      // tickets (GetItem), run checkpoints (PutItem), the purge itself (DeleteItem).
      table: {
        actions: ['BatchGetItem', 'GetItem', 'PutItem', 'DeleteItem', 'Query'],
        indexes: ['byDataClassCreated'],
        queryTable: true,
      },
      // Message bodies and HTML (bodies/), attachments (attachments/), DSAR bundles (exports/).
      bodies: [
        { actions: ['DeleteObject'], prefix: 'bodies/' },
        { actions: ['DeleteObject'], prefix: 'attachments/' },
        { actions: ['DeleteObject'], prefix: 'exports/' },
      ],
      desks: true,
    },
  },
  {
    id: 'HandleComplianceDeadline',
    home: 'schedules',
    handler: 'functions/compliance/handle-compliance-deadline.ts',
    description:
      'Target of the one-time deadline schedules: applies a DSAR or billing-appeal deadline that came due.',
    trigger: { kind: 'deadline-schedule' },
    timeoutSeconds: 120,
    deadLetterQueue: true,
    access: DSAR_JOB_ACCESS,
  },
  {
    id: 'SweepComplianceDeadlines',
    home: 'schedules',
    handler: 'functions/compliance/sweep-compliance-deadlines.ts',
    description: 'Every 15 minutes: applies DSAR and appeal deadlines that a one-time schedule missed.',
    trigger: { kind: 'schedule' },
    timeoutSeconds: 120,
    deadLetterQueue: true,
    access: {
      ...DSAR_JOB_ACCESS,
      table: { ...DSAR_JOB_ACCESS.table, indexes: ['byRequester', 'byDeskStatusDue'] },
    },
  },
  // --- ops (docs/ops.md) ---
  {
    id: 'SweepIncidentReviews',
    home: 'ops',
    handler: 'functions/incidents/sweep-incident-reviews.ts',
    description: 'Every 15 minutes: records post-incident reviews that passed their due time or outer bound.',
    trigger: { kind: 'schedule' },
    timeoutSeconds: 60,
    deadLetterQueue: true,
    access: {
      // Incidents with a review threshold ahead (byDeskStatusDue, sparse), then each by GetItem and a
      // version-checked PutItem.
      table: { actions: ['Query', 'GetItem', 'PutItem'], indexes: ['byDeskStatusDue'] },
      desks: true,
    },
  },
  {
    id: 'ComputeSlaCredits',
    home: 'ops',
    handler: 'functions/incidents/compute-sla-credits.ts',
    description: "Daily: computes the last closed month's availability per plan and SLA credits, once.",
    trigger: { kind: 'schedule' },
    timeoutSeconds: 120,
    deadLetterQueue: true,
    access: {
      // The month's incidents and tickets (byDataClassCreated), its report (GetItem), the credit items
      // and the report (conditional PutItem).
      table: { actions: ['BatchGetItem', 'Query', 'GetItem', 'PutItem'], indexes: ['byDataClassCreated'] },
      desks: true,
    },
  },
];

/** The entry with this id; throws for a name the manifest does not declare (a wiring bug). */
export function asyncFunction(id: string): AsyncFunctionEntry {
  const entry = ASYNC_FUNCTIONS.find((f) => f.id === id);
  if (!entry) throw new Error(`The app manifest declares no function ${id}`);
  return entry;
}
