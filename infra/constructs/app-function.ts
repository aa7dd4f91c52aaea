import { fileURLToPath } from 'node:url';
import { Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { ApplicationLogLevel, Architecture, LoggingFormat, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, type RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Queue, QueueEncryption, RedrivePermission } from 'aws-cdk-lib/aws-sqs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import type {
  ExecutionAction,
  ObjectAction,
  StateMachineAction,
  TableAction,
  TableIndexName,
} from '#functions/manifest/access.ts';
import type { MetricsMode } from '#shared/observability/metrics.ts';
import { INDEX } from '#shared/store/table-keys.ts';
import { absoluteAliases, LAMBDA_BUNDLING } from './lambda-bundling.ts';

// The action vocabulary is the app manifest's (no CDK there); re-exported for the stacks.
export type { ExecutionAction, ObjectAction, StateMachineAction, TableAction, TableIndexName };

/** Repository root: entries, the lock file and tsconfig are resolved from here. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Environment variables the construct owns; handlers may read them, stacks may not set them. */
export const RESERVED_ENVIRONMENT = ['NODE_OPTIONS', 'SERVICE_NAME', 'METRICS'] as const;

/** What every function in a stack shares; a stack builds this once from the deployment config. */
export interface AppFunctionSettings {
  /** Retention of the function's log group. */
  readonly logRetention: RetentionDays;
  /** Customer-managed key encrypting the function's log group (its key policy must admit CloudWatch Logs). */
  readonly logEncryptionKey: IKey;
  /** What happens to the log group when the stack is deleted (RETAIN in environments that keep data). */
  readonly logRemovalPolicy: RemovalPolicy;
  /** `SERVICE_NAME`: the `service` field of every log line (shared/observability/logger.ts). */
  readonly serviceName: string;
  /** X-Ray active tracing (`observability.tracing` of the environment). */
  readonly tracing: boolean;
  /**
   * An Errors alarm on this function (`observability.functionErrorAlarms: per-function`); otherwise the
   * observability stack's one Region-wide Lambda Errors alarm covers it.
   */
  readonly errorsAlarm: boolean;
  /** `METRICS`: which figures the handlers publish as CloudWatch metrics (shared/observability/metrics.ts). */
  readonly metrics: MetricsMode;
}

export interface AppFunctionProps {
  /** Handler file relative to the repository root, e.g. `functions/tickets/create-ticket.ts`; it exports `handler`. */
  readonly entry: string;
  /** One sentence for the console and for whoever reads an alarm. */
  readonly description: string;
  readonly settings: AppFunctionSettings;
  /** @default 512 */
  readonly memorySize?: number;
  /** @default 10 seconds (API Gateway gives up after 30) */
  readonly timeout?: Duration;
  /** Extra environment variables; prefer the `bind*` methods, which also grant access. */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Set for functions invoked asynchronously (EventBridge, S3, SES, Scheduler): failed events land in an
   * encrypted SQS dead-letter queue after the retries, and an alarm fires on the first one.
   * Leave unset for synchronous (API) functions, whose caller sees the error.
   */
  readonly deadLetterQueue?: {
    readonly encryptionKey: IKey;
    /** @default 2 (Lambda's maximum for async invocations) */
    readonly retryAttempts?: number;
  };
}

const TABLE_WRITE_ACTIONS: ReadonlySet<TableAction> = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'BatchWriteItem',
]);
const INDEX_ACTIONS: ReadonlySet<TableAction> = new Set(['Query', 'Scan']);

/** The parts of a table `bindTable` uses (structural, so `Table`, `TableV2` and imported tables all fit). */
export interface BindableTable {
  readonly tableArn: string;
  readonly tableName: string;
  readonly encryptionKey?: IKey | undefined;
}

/** The parts of a secret `bindSecret` uses. */
export interface BindableSecret {
  readonly secretArn: string;
  readonly encryptionKey?: IKey | undefined;
}

/** The parts of a bucket `bindBucket` uses. */
export interface BindableBucket {
  readonly bucketName: string;
  readonly encryptionKey?: IKey | undefined;
  arnForObjects(keyPattern: string): string;
}

export interface TableBinding {
  /** Exactly the actions the handler calls. */
  readonly actions: readonly TableAction[];
  /**
   * GSIs the handler queries; they get the `Query`/`Scan` actions from `actions`, nothing else, and those
   * actions are then granted on the indexes only (see `queryTable`).
   */
  readonly indexes?: readonly TableIndexName[];
  /** With `indexes`: the handler also queries (or scans) the table itself. @default false */
  readonly queryTable?: boolean;
  /** @default 'TABLE_NAME' */
  readonly environmentVariable?: string;
}

export interface BucketBinding {
  readonly actions: readonly ObjectAction[];
  /** Key prefix the actions are limited to, ending in `/`, e.g. `bodies/`. */
  readonly prefix: string;
  /** @default 'BODY_BUCKET' */
  readonly environmentVariable?: string;
}

/** The parts of a state machine `bindStateMachine` uses (plain ARNs, so a name-derived ARN fits too). */
export interface BindableStateMachine {
  readonly stateMachineArn: string;
  /** `arn:<partition>:states:<region>:<account>:execution:<state machine name>:*` */
  readonly executionArns: string;
}

export interface StateMachineBinding {
  /** Actions on the state machine itself. */
  readonly actions?: readonly StateMachineAction[];
  /** Actions on its executions (whose names are per ticket, hence an ARN pattern). */
  readonly executionActions?: readonly ExecutionAction[];
  /** @default 'STATE_MACHINE_ARN' */
  readonly environmentVariable?: string;
}

/**
 * The one Lambda construct: Node.js 22 on arm64, an ESM bundle built by local esbuild (minified, with
 * source maps), its own KMS-encrypted log group with retention, X-Ray active tracing, an Errors alarm when
 * the environment wants one per function, an optional encrypted DLQ, and a role that starts with nothing but its own log group.
 *
 * Access is added with `bindTable` / `bindBucket` / `bindStateMachine`, which grant exactly the listed actions (and the
 * matching KMS use) and set the environment variable the handler reads, so the two cannot drift apart.
 *
 * ```ts
 * const fn = new AppFunction(this, 'CloseTicket', { entry: 'functions/tickets/close-ticket.ts', description: '…', settings });
 * fn.bindTable(table, { actions: ['GetItem', 'UpdateItem'] });
 * api.addRoutes({ path: '/tickets/{id}/close', methods: [HttpMethod.POST], integration: new HttpLambdaIntegration('Close', fn.function) });
 * ```
 */
export class AppFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  readonly deadLetterQueue: Queue | undefined;
  /** Alarms owned by this function; the ops stack attaches notification actions to them. */
  readonly alarms: Alarm[] = [];

  private readonly environment = new Map<string, string>();

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    const { settings } = props;

    this.logGroup = new LogGroup(this, 'Logs', {
      retention: settings.logRetention,
      encryptionKey: settings.logEncryptionKey,
      removalPolicy: settings.logRemovalPolicy,
    });

    // An explicit role instead of the default one, which carries the AWSLambdaBasicExecutionRole managed
    // policy (create and write any log group in the account). This one may write to its own log group only.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${props.entry}`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    if (props.deadLetterQueue) {
      this.deadLetterQueue = new Queue(this, 'DeadLetterQueue', {
        // Marks it as a dead-letter queue (CT.SQS.PR.1); any source may redrive to it, as by default.
        redriveAllowPolicy: { redrivePermission: RedrivePermission.ALLOW_ALL },
        encryption: QueueEncryption.KMS,
        encryptionMasterKey: props.deadLetterQueue.encryptionKey,
        enforceSSL: true,
        retentionPeriod: Duration.days(14),
      });
      // Lambda sends failed events with the function's role, so the role needs the queue's key too.
      this.grantKeyUse(props.deadLetterQueue.encryptionKey, 'sqs', ['kms:GenerateDataKey', 'kms:Decrypt']);
    }

    this.function = new NodejsFunction(this, 'Function', {
      entry: `${REPO_ROOT}${props.entry}`,
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 512,
      timeout: props.timeout ?? Duration.seconds(10),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: LoggingFormat.JSON,
      applicationLogLevelV2: ApplicationLogLevel.INFO,
      tracing: settings.tracing ? Tracing.ACTIVE : Tracing.DISABLED,
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}package-lock.json`,
      ...(this.deadLetterQueue
        ? { deadLetterQueue: this.deadLetterQueue, retryAttempts: props.deadLetterQueue?.retryAttempts ?? 2 }
        : {}),
      // Every esbuild option comes from LAMBDA_BUNDLING (shared with bench/bundles.ts, so they cannot drift).
      bundling: {
        format: OutputFormat.ESM,
        target: LAMBDA_BUNDLING.target,
        mainFields: [...LAMBDA_BUNDLING.mainFields],
        banner: LAMBDA_BUNDLING.banner,
        minify: LAMBDA_BUNDLING.minify,
        sourceMap: LAMBDA_BUNDLING.sourcemap,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: LAMBDA_BUNDLING.sourcesContent,
        externalModules: [...LAMBDA_BUNDLING.external],
        esbuildArgs: { '--alias': Object.entries(absoluteAliases()).map(([from, to]) => `${from}=${to}`) },
        tsconfig: `${REPO_ROOT}tsconfig.json`,
        forceDockerBundling: false,
      },
    });

    // X-Ray has no resource-level permissions: PutTraceSegments/PutTelemetryRecords only accept "*".
    if (settings.tracing)
      Validations.of(this.role).acknowledge({
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no resource-level ' +
          'permissions, so AWS requires Resource "*". No other statement of this role uses a wildcard resource.',
      });
    Validations.of(this.function).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is pinned on purpose (docs/decisions.md): the local stack, CI and the ' +
        'esbuild target are on 22, and a runtime upgrade is a deliberate, tested change, not a side effect ' +
        'of upgrading aws-cdk-lib.',
    });

    this.setEnvironment('NODE_OPTIONS', '--enable-source-maps', { reserved: true });
    this.setEnvironment('SERVICE_NAME', settings.serviceName, { reserved: true });
    this.setEnvironment('METRICS', settings.metrics, { reserved: true });
    for (const [name, value] of Object.entries(props.environment ?? {})) this.setEnvironment(name, value);

    if (settings.errorsAlarm) {
      this.alarms.push(
        new Alarm(this, 'ErrorsAlarm', {
          alarmDescription: `${props.entry} threw or timed out (Lambda Errors ≥ 1 in 5 minutes).`,
          metric: this.function.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    if (this.deadLetterQueue) {
      this.alarms.push(
        new Alarm(this, 'DeadLetterAlarm', {
          alarmDescription: `An async event for ${props.entry} failed every retry and is in its dead-letter queue.`,
          metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            period: Duration.minutes(5),
            statistic: 'Maximum',
          }),
          threshold: 1,
          evaluationPeriods: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
  }

  /**
   * Sets an environment variable the handler reads. Setting the same name twice to different values is
   * a wiring bug and throws; setting it again to the same value is fine (two bindings of one table).
   */
  setEnvironment(name: string, value: string, options: { reserved?: boolean } = {}): this {
    if (!options.reserved && (RESERVED_ENVIRONMENT as readonly string[]).includes(name)) {
      throw new Error(`${this.node.path}: ${name} is set by AppFunction itself`);
    }
    if (name.startsWith('AWS_')) throw new Error(`${this.node.path}: ${name} is reserved by Lambda`);
    const existing = this.environment.get(name);
    if (existing !== undefined) {
      if (existing !== value)
        throw new Error(`${this.node.path}: ${name} is already set to a different value`);
      return this;
    }
    this.environment.set(name, value);
    this.function.addEnvironment(name, value);
    return this;
  }

  /**
   * Grants exactly `actions` on the table (and `Query`/`Scan` on the listed indexes only), the KMS use those
   * actions need on the table's key, and sets `TABLE_NAME` (or `environmentVariable`) to the table name.
   */
  bindTable(table: BindableTable, binding: TableBinding): this {
    const actions = [...new Set(binding.actions)];
    if (actions.length === 0) throw new Error(`${this.node.path}: bindTable needs at least one action`);
    const indexes = [...new Set(binding.indexes ?? [])];
    // With indexes, Query/Scan apply to them only, unless the handler also queries the table itself.
    const tableActions =
      indexes.length > 0 && !binding.queryTable ? actions.filter((a) => !INDEX_ACTIONS.has(a)) : actions;
    if (tableActions.length > 0) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: tableActions.map((a) => `dynamodb:${a}`),
          resources: [table.tableArn],
        }),
      );
    }

    if (indexes.length > 0) {
      const indexActions = actions.filter((a) => INDEX_ACTIONS.has(a));
      if (indexActions.length === 0) {
        throw new Error(
          `${this.node.path}: indexes given to bindTable, but neither Query nor Scan is granted`,
        );
      }
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: indexActions.map((a) => `dynamodb:${a}`),
          resources: indexes.map((name) => `${table.tableArn}/index/${INDEX[name]}`),
        }),
      );
    }

    if (table.encryptionKey) {
      const writes = actions.some((a) => TABLE_WRITE_ACTIONS.has(a));
      this.grantKeyUse(
        table.encryptionKey,
        'dynamodb',
        writes ? ['kms:Decrypt', 'kms:GenerateDataKey'] : ['kms:Decrypt'],
      );
    }
    return this.setEnvironment(binding.environmentVariable ?? 'TABLE_NAME', table.tableName);
  }

  /**
   * A signing keyring the handler reads at run time: `secretsmanager:GetSecretValue` on exactly this secret,
   * and its ARN (never its value) in `environmentVariable`.
   */
  bindSecret(secret: BindableSecret, environmentVariable: string): this {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['secretsmanager:GetSecretValue'], resources: [secret.secretArn] }),
    );
    if (secret.encryptionKey) this.grantKeyUse(secret.encryptionKey, 'secretsmanager', ['kms:Decrypt']);
    return this.setEnvironment(environmentVariable, secret.secretArn);
  }

  /**
   * The desk quota counters (shared/quota/desk-quota.ts): `UpdateItem` on the table's `QUOTA#` items only
   * (IAM's `dynamodb:LeadingKeys`), so a route that may only read tickets still cannot write one.
   */
  bindQuotaCounter(table: BindableTable, quota: { perDesk: number; perAppClient: number }): this {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['dynamodb:UpdateItem'],
        resources: [table.tableArn],
        conditions: { 'ForAllValues:StringLike': { 'dynamodb:LeadingKeys': ['QUOTA#*'] } },
      }),
    );
    if (table.encryptionKey) {
      this.grantKeyUse(table.encryptionKey, 'dynamodb', ['kms:Decrypt', 'kms:GenerateDataKey']);
    }
    this.setEnvironment('DESK_QUOTA_PER_SECOND', String(quota.perDesk));
    return this.setEnvironment('APP_CLIENT_QUOTA_PER_SECOND', String(quota.perAppClient));
  }

  /**
   * Grants exactly `actions` on objects under `prefix` (never on the whole bucket), the KMS use they need on
   * the bucket's key, and sets `BODY_BUCKET` (or `environmentVariable`) to the bucket name.
   */
  bindBucket(bucket: BindableBucket, binding: BucketBinding): this {
    const actions = [...new Set(binding.actions)];
    if (actions.length === 0) throw new Error(`${this.node.path}: bindBucket needs at least one action`);
    if (!/^[a-z0-9][a-z0-9-]*\/$/.test(binding.prefix)) {
      throw new Error(`${this.node.path}: bucket prefix must look like 'bodies/', got '${binding.prefix}'`);
    }
    const objectArn = bucket.arnForObjects(`${binding.prefix}*`);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: actions.map((a) => `s3:${a}`), resources: [objectArn] }),
    );
    this.acknowledgeWildcardResource(
      objectArn,
      `Object-level S3 actions (${actions.join(', ')}) need an object ARN pattern; this one is limited to ` +
        `the ${binding.prefix} prefix of one bucket, whose object keys are generated per ticket.`,
    );

    if (bucket.encryptionKey) {
      const keyActions = new Set<string>();
      if (actions.includes('GetObject')) keyActions.add('kms:Decrypt');
      if (actions.includes('PutObject')) keyActions.add('kms:GenerateDataKey');
      if (keyActions.size > 0) this.grantKeyUse(bucket.encryptionKey, 's3', [...keyActions]);
    }
    return this.setEnvironment(binding.environmentVariable ?? 'BODY_BUCKET', bucket.bucketName);
  }

  /**
   * Grants exactly `actions` on the state machine and `executionActions` on its executions, and sets
   * `STATE_MACHINE_ARN` (or `environmentVariable`) to the state machine's ARN. With no actions at all it only
   * sets the variable (a handler whose config requires the ARN but that never calls Step Functions).
   */
  bindStateMachine(stateMachine: BindableStateMachine, binding: StateMachineBinding = {}): this {
    const actions = [...new Set(binding.actions ?? [])];
    if (actions.length > 0) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: actions.map((a) => `states:${a}`),
          resources: [stateMachine.stateMachineArn],
        }),
      );
    }
    const executionActions = [...new Set(binding.executionActions ?? [])];
    if (executionActions.length > 0) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: executionActions.map((a) => `states:${a}`),
          resources: [stateMachine.executionArns],
        }),
      );
      this.acknowledgeWildcardResource(
        stateMachine.executionArns,
        `Execution-level Step Functions actions (${executionActions.join(', ')}) need an execution ARN ` +
          'pattern; this one is limited to the executions of one state machine, which are named per ticket.',
      );
    }
    return this.setEnvironment(
      binding.environmentVariable ?? 'STATE_MACHINE_ARN',
      stateMachine.stateMachineArn,
    );
  }

  /**
   * Acknowledges cdk-nag's IAM5 finding for this one resource pattern only, never the whole rule, so a
   * wildcard added later elsewhere in the role still fails synth.
   *
   * The finding id spells the resource as it appears in the final template. When the resource lives in
   * another stack that spelling (an import) exists only after CDK has resolved cross-stack references,
   * so the acknowledgement is recorded in a validation hook, which CDK runs after that step and before
   * the cdk-nag plugin.
   */
  private acknowledgeWildcardResource(resource: string, reason: string): void {
    this.node.addValidation({
      validate: () => {
        const flattened = flattenCfnReference(Stack.of(this.role).resolve(resource));
        Validations.of(this.role).acknowledge({ id: `AwsSolutions-IAM5[Resource::${flattened}]`, reason });
        return [];
      },
    });
  }

  /** KMS use limited to one key and to calls made through one service on the function's behalf. */
  private grantKeyUse(
    key: IKey,
    service: 'dynamodb' | 's3' | 'sqs' | 'secretsmanager',
    actions: readonly string[],
  ): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [...actions],
        resources: [key.keyArn],
        conditions: {
          StringEquals: { 'kms:ViaService': `${service}.${Stack.of(this).region}.amazonaws.com` },
        },
      }),
    );
  }
}
