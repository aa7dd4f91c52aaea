import type { INDEX } from '#shared/store/table-keys.ts';

/**
 * What a function may touch, as data. infra/ turns each field into exactly these IAM actions plus the
 * environment variable the handler reads (infra/manifest-bindings.ts); the local stack needs none of it,
 * since every stand-in is open on loopback. No CDK imports here: the manifest is read by both runtimes.
 */

/** A GSI of the single table, by the name the store uses. */
export type TableIndexName = keyof typeof INDEX;

/** The signing keyrings kept in Secrets Manager, by the name the manifest uses. */
export type SecretName = 'survey' | 'threadKeys';

/** The environment variable a secret's ARN is handed to the handler in (shared/config/env.ts). */
export const SECRET_ENVIRONMENT: Readonly<Record<SecretName, string>> = {
  survey: 'SURVEY_SECRET_ID',
  threadKeys: 'THREAD_TOKEN_SECRET_ID',
};

/** DynamoDB data-plane actions a function may be granted (IAM names; transactions need the per-item actions). */
export type TableAction =
  | 'GetItem'
  | 'BatchGetItem'
  | 'Query'
  | 'Scan'
  | 'PutItem'
  | 'UpdateItem'
  | 'DeleteItem'
  | 'BatchWriteItem'
  | 'ConditionCheckItem';

/** S3 object actions a function may be granted, always under a key prefix. */
export type ObjectAction = 'GetObject' | 'PutObject' | 'DeleteObject';

/** Step Functions actions on a state machine a function may be granted (the task-token calls take its ARN). */
export type StateMachineAction =
  | 'StartExecution'
  | 'SendTaskSuccess'
  | 'SendTaskFailure'
  | 'SendTaskHeartbeat';

/** Step Functions actions on the executions of one state machine. */
export type ExecutionAction = 'DescribeExecution' | 'StopExecution' | 'GetExecutionHistory';

export interface TableAccess {
  /** Exactly the actions the handler calls. */
  readonly actions: readonly TableAction[];
  /** GSIs the handler queries; `Query`/`Scan` from `actions` are then granted on these indexes only. */
  readonly indexes?: readonly TableIndexName[];
  /** With `indexes`: the handler also queries the table itself. @default false */
  readonly queryTable?: boolean;
}

export interface ObjectAccess {
  readonly actions: readonly ObjectAction[];
  /** Key prefix the actions are limited to, ending in `/`, e.g. `bodies/`. */
  readonly prefix: string;
}

export interface WorkflowAccess {
  readonly actions?: readonly StateMachineAction[];
  readonly executionActions?: readonly ExecutionAction[];
}

/** Everything a function is granted. Leave a field out and the function gets nothing of it. */
export interface FunctionAccess {
  /** The single table (`TABLE_NAME`). */
  readonly table?: TableAccess;
  /** The bodies bucket (`BODY_BUCKET`): message bodies, attachments, exports. */
  readonly bodies?: readonly ObjectAccess[];
  /** The per-ticket SLA state machine (`STATE_MACHINE_ARN`). */
  readonly ticketWorkflow?: WorkflowAccess;
  /** Creates and deletes the one-time deadline schedules of DSARs and billing appeals (`COMPLIANCE_*`). */
  readonly complianceSchedules?: true;
  /**
   * Signing keyrings the function reads at run time (shared/secrets/keyring.ts): `survey` (survey links,
   * `SURVEY_SECRET_ID`), `threadKeys` (thread tokens, `THREAD_TOKEN_SECRET_ID`). Each becomes the secret's ARN
   * in the environment and `secretsmanager:GetSecretValue` on exactly that secret; never the value.
   */
  readonly secrets?: readonly SecretName[];
  /** The public base URL for absolute links in feeds (`PUBLIC_BASE_URL`). */
  readonly publicBaseUrl?: true;
  /** The raw inbound mail SES stored (`MAIL_BUCKET`). */
  readonly inboundMail?: ObjectAccess;
  /**
   * Delivers outbound mail (shared/notices/deliver.ts): the outbox items of the table, long bodies, and
   * `ses:SendRawEmail` on the desks' identities, with the outbound settings (public URL) and both keyrings.
   */
  readonly sendMail?: true;
  /**
   * Sends one mail the handler composes itself, outside the outbox (the consent request): `ses:SendRawEmail`
   * on the desks' identities and nothing of the delivery machinery (outbox items, bodies, thread keyring).
   */
  readonly sendOwnMail?: true;
  /** Names the bodies bucket (`BODY_BUCKET`) for a config that requires it, with no access to it. */
  readonly bodyBucketName?: true;
  /** The desks the function serves (`DESKS`): sweeps and jobs that loop over every desk. */
  readonly desks?: true;
  /** Names the inbound mail bucket (`MAIL_BUCKET`) for a config that requires it, with no access to it. */
  readonly inboundMailBucketName?: true;
  /** Reads the staff directory (the Cognito user pool): who may be an assignee, and their address. */
  readonly staffDirectory?: true;
}
