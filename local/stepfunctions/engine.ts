import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { VirtualTimers } from '../timers.ts';
import type { VirtualClock } from '../virtual-clock.ts';
import { events, type HistoryEvent, type NewHistoryEvent } from './history.ts';
import { RecordJournal, readJsonLines } from './journal.ts';

/**
 * A local Step Functions service: runs the project's ASL files on aws-local-stepfunctions with
 * every sleep and timeout on the virtual clock, implements task tokens (waitForTaskToken), keeps
 * GetExecutionHistory-shaped histories on disk (append-only: one JSON-lines file per execution, and a
 * journal of the execution records), and resumes running executions after a restart
 * by running them again from their first state (the SLA workflow keeps its state in the table,
 * so a re-run is correct), appending to the same history.
 */

export interface LocalLambda {
  arn: string;
  invoke(event: unknown): Promise<unknown>;
}

export interface StateMachineSpec {
  name: string;
  definition: string;
  substitutions: Record<string, string>;
}

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  startDate: number;
  stopDate?: number;
}

export interface MachineRecord {
  stateMachineArn: string;
  name: string;
  definition: string;
  roleArn: string;
  creationDate: number;
}

/** Errors with AWS's error codes, rendered by the endpoint as `__type`. */
export class SfnError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

class StateError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

interface Waiter {
  executionArn: string;
  resolve(output: unknown): void;
  /** `wokeAt`: the virtual instant of the timeout that ends the wait (default: now). */
  reject(error: Error, wokeAt?: number): void;
}

interface Running {
  record: ExecutionRecord;
  history: HistoryEvent[];
  abort?: () => void;
  /** Raw input of the latest entry into each state, to evaluate *Path fields of the original definition. */
  enteredInput: Map<string, unknown>;
  /** Retries the library announced (StateRetried) and the override has not yet waited for. */
  pendingRetry: Map<string, { attempt: number; retrier: Record<string, unknown> }>;
  /** Doing work now (not finished, not waiting on a token or a timer): what whenIdle() waits for. */
  busy?: boolean;
  /** The execution's own time (see sleepStart): a virtual instant and the real instant it was set. */
  ownTime?: { virtual: number; real: number };
}

type AslState = Record<string, unknown> & { Type: string };
type AslDefinition = { StartAt: string; States: Record<string, AslState> };
interface CompiledMachine {
  definition: AslDefinition;
  /** As the library runs it (see localDefinition). */
  local: AslDefinition;
  stateTypes: Map<string, string>;
}

// aws-local-stepfunctions needs Promise.withResolvers (Node 22); Lambda runs 22, laptops may run 20.
function polyfillWithResolvers() {
  const P = Promise as unknown as { withResolvers?: () => unknown };
  P.withResolvers ??= () => {
    let resolve!: (v: unknown) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}

/** Far above any sleep the workflow asks for, and below Node's 24.8-day timer limit. */
const LIBRARY_TIMEOUT_SECONDS = 2_000_000;
const WAIT_RESOURCE = 'arn:aws:states:::local:virtual-wait';
/** What $$.State.RetryCount resolves to until a task's input gets the attempt's count. */
const RETRY_COUNT_PLACEHOLDER = 'LOCAL-RETRY-COUNT';

export class LocalStepFunctions {
  private readonly machines = new Map<string, MachineRecord>();
  /** Each machine's definition, parsed and rewritten for the library once (by state machine ARN). */
  private readonly compiled = new Map<string, CompiledMachine>();
  private readonly executions = new Map<string, Running>();
  private readonly waiters = new Map<string, Waiter>();
  private busy = 0;
  private shuttingDown = false;
  private readonly pendingHistory = new Map<string, string>();
  private readonly records: RecordJournal<ExecutionRecord>;
  private flushScheduled = false;
  private recorded = 0;
  private idleCallbacks: Array<() => void> = [];
  private library!: typeof import('aws-local-stepfunctions');
  private readonly historyDir: string;

  private constructor(
    private readonly options: {
      dataDir: string;
      clock: VirtualClock;
      timers: VirtualTimers;
      region: string;
      accountId: string;
      lambdas: LocalLambda[];
    },
  ) {
    this.historyDir = join(options.dataDir, 'history');
    this.records = new RecordJournal(
      join(options.dataDir, 'executions.jsonl'),
      join(options.dataDir, 'executions.json'),
    );
  }

  static async create(options: {
    dataDir: string;
    clock: VirtualClock;
    timers: VirtualTimers;
    region?: string;
    accountId?: string;
    lambdas: LocalLambda[];
    stateMachines: StateMachineSpec[];
  }): Promise<LocalStepFunctions> {
    polyfillWithResolvers();
    const service = new LocalStepFunctions({ region: 'us-east-1', accountId: '000000000000', ...options });
    service.library = await import('aws-local-stepfunctions');
    mkdirSync(service.historyDir, { recursive: true });
    for (const spec of options.stateMachines) service.createStateMachine(spec);
    service.load();
    return service;
  }

  get region() {
    return this.options.region;
  }

  // ----- state machines -----

  createStateMachine(spec: StateMachineSpec): MachineRecord {
    let definition = spec.definition;
    for (const [key, value] of Object.entries(spec.substitutions))
      definition = definition.replaceAll(`\${${key}}`, value);
    const missing = /\$\{(\w+)\}/.exec(definition);
    if (missing) throw new Error(`State machine ${spec.name}: no substitution for \${${missing[1]}}`);
    const stateMachineArn = `arn:aws:states:${this.options.region}:${this.options.accountId}:stateMachine:${spec.name}`;
    const record: MachineRecord = {
      stateMachineArn,
      name: spec.name,
      definition,
      roleArn: `arn:aws:iam::${this.options.accountId}:role/${spec.name}-role`,
      creationDate: this.options.clock.now().getTime(),
    };
    // Validate once here (the library's validator); runs skip it. The parse and the rewrite for the
    // virtual clock are kept too: every execution of the machine runs the same definition.
    const parsed = JSON.parse(definition) as AslDefinition;
    const local = this.localDefinition(parsed);
    new this.library.StateMachine(local as never, { validationOptions: { checkArn: false } });
    this.compiled.set(stateMachineArn, {
      definition: parsed,
      local,
      stateTypes: new Map(Object.entries(parsed.States).map(([stateName, st]) => [stateName, st.Type])),
    });
    this.machines.set(stateMachineArn, record);
    return record;
  }

  listStateMachines(): MachineRecord[] {
    return [...this.machines.values()];
  }

  describeStateMachine(arn: string): MachineRecord {
    const machine = this.machines.get(arn);
    if (!machine) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  }

  // ----- executions -----

  startExecution(stateMachineArn: string, name: string | undefined, input = '{}'): ExecutionRecord {
    const machine = this.describeStateMachine(stateMachineArn);
    const executionName = name ?? randomBytes(16).toString('hex');
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(executionName))
      throw new SfnError('InvalidName', `Invalid Name: '${executionName}'`);
    try {
      JSON.parse(input);
    } catch {
      throw new SfnError('InvalidExecutionInput', 'Invalid State Machine Execution Input: not JSON');
    }
    const executionArn = `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${executionName}`;
    const existing = this.executions.get(executionArn);
    if (existing) {
      // AWS: idempotent while running with the same input; otherwise the name is taken.
      if (existing.record.status === 'RUNNING' && existing.record.input === input) return existing.record;
      throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn,
      name: executionName,
      status: 'RUNNING',
      input,
      startDate: this.options.clock.now().getTime(),
    };
    const running: Running = { record, history: [], enteredInput: new Map(), pendingRetry: new Map() };
    this.executions.set(executionArn, running);
    this.saveRecord(record);
    this.append(running, events.executionStarted(input, machine.roleArn, stateMachineArn));
    this.run(running, machine);
    return record;
  }

  describeExecution(executionArn: string): ExecutionRecord {
    return this.get(executionArn).record;
  }

  listExecutions(stateMachineArn: string, status?: ExecutionStatus): ExecutionRecord[] {
    this.describeStateMachine(stateMachineArn);
    return [...this.executions.values()]
      .map((e) => e.record)
      .filter((r) => r.stateMachineArn === stateMachineArn && (!status || r.status === status))
      .sort((a, b) => b.startDate - a.startDate);
  }

  getExecutionHistory(executionArn: string): HistoryEvent[] {
    return this.get(executionArn).history;
  }

  stopExecution(executionArn: string, error?: string, cause?: string): number {
    const running = this.get(executionArn);
    if (running.record.status !== 'RUNNING')
      return running.record.stopDate ?? this.options.clock.now().getTime();
    for (const [token, waiter] of this.waiters) {
      if (waiter.executionArn === executionArn) this.waiters.delete(token);
    }
    running.abort?.();
    this.setBusy(running, false);
    this.finish(running, { status: 'ABORTED', ...(error ? { error } : {}), ...(cause ? { cause } : {}) });
    this.append(running, events.executionAborted(error, cause));
    return running.record.stopDate!;
  }

  // ----- task tokens -----

  sendTaskSuccess(taskToken: string, output: string): void {
    let parsed: unknown;
    try {
      parsed = JSON.parse(output);
    } catch {
      throw new SfnError('InvalidOutput', 'Invalid output: not JSON');
    }
    this.takeWaiter(taskToken).resolve(parsed);
  }

  sendTaskFailure(taskToken: string, error?: string, cause?: string): void {
    this.takeWaiter(taskToken).reject(new StateError(error ?? '', cause ?? ''));
  }

  sendTaskHeartbeat(taskToken: string): void {
    if (!this.waiters.has(taskToken)) throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore');
  }

  /** History events recorded since this engine started (the volume bench counts with it). */
  get eventsRecorded(): number {
    return this.recorded;
  }

  /** Resolves once no execution is doing work: each is finished or waiting on a token or timer. */
  whenIdle(): Promise<void> {
    if (this.busy === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleCallbacks.push(resolve));
  }

  /** Aborts the in-memory runs without recording anything: a restart resumes them. */
  shutdown(): void {
    this.shuttingDown = true;
    for (const running of this.executions.values()) {
      running.abort?.();
      delete running.abort;
    }
    this.waiters.clear();
    this.flush();
  }

  // ----- internals -----

  private get(executionArn: string): Running {
    const running = this.executions.get(executionArn);
    if (!running) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return running;
  }

  private takeWaiter(taskToken: string): Waiter {
    const waiter = this.waiters.get(taskToken);
    if (!waiter) throw new SfnError('TaskDoesNotExist', 'Task does not exist anymore');
    this.waiters.delete(taskToken);
    return waiter;
  }

  /**
   * `wokeAt`: for a wake by a timer, its due instant (a clock move may process it later). Every
   * wake, even one that comes while still working (a timeout already due when armed), sets the
   * execution's own time.
   */
  private setBusy(running: Running, busy: boolean, wokeAt?: number) {
    if (busy) this.setOwnTime(running, wokeAt ?? this.options.clock.now().getTime());
    if (!!running.busy === busy) return;
    running.busy = busy;
    this.busy += busy ? 1 : -1;
    if (this.busy === 0) {
      // Let continuations that are already queued run before declaring the engine idle.
      setImmediate(() => {
        if (this.busy !== 0) return;
        const callbacks = this.idleCallbacks;
        this.idleCallbacks = [];
        for (const cb of callbacks) cb();
      });
    }
  }

  private run(running: Running, machine: MachineRecord) {
    const { definition, local, stateTypes } = this.compiled.get(machine.stateMachineArn)!;
    // Validating costs ~600 ms in the library: it is done once per machine (createStateMachine),
    // and each execution gets its own runner without it (the library reads the definition, never writes it).
    const stateMachine = new this.library.StateMachine(local as never, {
      validationOptions: { noValidate: true },
    });
    const record = running.record;
    const context = {
      Execution: {
        Id: record.executionArn,
        Name: record.name,
        Input: JSON.parse(record.input),
        StartTime: new Date(record.startDate).toISOString(),
        RoleArn: machine.roleArn,
      },
      StateMachine: { Id: machine.stateMachineArn, Name: machine.name },
      // The real token is minted per task by the override; this placeholder is what $$.Task.Token resolves to.
      Task: { Token: 'LOCAL-TASK-TOKEN' },
      // Likewise $$.State.RetryCount: the task override puts in the attempt's own count.
      State: { RetryCount: RETRY_COUNT_PLACEHOLDER },
    };
    const overrides: Record<string, (input: unknown) => Promise<unknown>> = {};
    // Retry back-off is a sleep too: the library retries at once and the override waits on the virtual clock.
    const retryIntervalOverrides: Record<string, number> = {};
    for (const [name, state] of Object.entries(definition.States)) {
      if (Array.isArray(state.Retry)) retryIntervalOverrides[name] = 0;
      if (state.Type === 'Task') overrides[name] = (input) => this.runTask(running, name, state, input);
      if (state.Type === 'Wait') overrides[name] = (input) => this.runWait(running, name, state, input);
    }
    this.setBusy(running, true);
    const execution = stateMachine.run(JSON.parse(record.input), {
      overrides: { taskResourceLocalHandlers: overrides as never, retryIntervalOverrides },
      context: context as never,
      noThrowOnAbort: true,
    });
    running.abort = execution.abort;
    const offset = () => this.options.clock.offset;

    void (async () => {
      for await (const event of execution.eventLogs) {
        if (running.record.status !== 'RUNNING') break;
        const timestamp = event.timestamp + offset();
        if (event.type === 'StateEntered') {
          running.enteredInput.set(event.state.name, event.state.input);
          const type = stateTypes.get(event.state.name) ?? event.state.type;
          this.append(running, {
            ...events.stateEntered(type, event.state.name, event.state.input),
            timestamp,
          });
        } else if (event.type === 'StateRetried') {
          running.pendingRetry.set(event.state.name, {
            attempt: event.retry.attempt,
            retrier: event.retry.retrier as never,
          });
        } else if (event.type === 'StateExited') {
          const type = stateTypes.get(event.state.name) ?? event.state.type;
          this.append(running, {
            ...events.stateExited(type, event.state.name, event.state.output),
            timestamp,
          });
        }
      }
    })();

    // Ends are recorded after a turn of the event loop, so the consumer records the last StateExited first.
    // An abort (StopExecution, or a shutdown that a restart will resume) records nothing here.
    const ended = (outcome: () => void) =>
      setImmediate(() => {
        if (this.shuttingDown) return;
        if (running.record.status === 'RUNNING') outcome();
        this.setBusy(running, false);
      });
    execution.result.then(
      (output) =>
        ended(() => {
          this.finish(running, { status: 'SUCCEEDED', output: JSON.stringify(output ?? null) });
          this.append(running, events.executionSucceeded(output));
        }),
      (error: Error & { cause?: unknown }) =>
        ended(() => {
          const inner = (error.cause as Error | undefined) ?? error;
          const code = inner?.name ?? 'States.Runtime';
          const cause = inner?.message ?? String(error);
          this.finish(running, { status: 'FAILED', error: code, cause });
          this.append(running, events.executionFailed(code, cause));
        }),
    );
  }

  /** The definition as the library runs it: timeouts and waits move to the virtual clock. */
  private localDefinition(definition: AslDefinition): AslDefinition {
    const states: Record<string, AslState> = {};
    for (const [name, state] of Object.entries(definition.States)) {
      if (state.Type === 'Task' && String(state.Resource).includes('.waitForTaskToken')) {
        // Waiting on a callback is simulated time: the override times it out on the virtual clock.
        const {
          TimeoutSecondsPath: _path,
          TimeoutSeconds: _seconds,
          HeartbeatSeconds: _hb,
          HeartbeatSecondsPath: _hbp,
          ...rest
        } = state;
        states[name] = { ...rest, TimeoutSeconds: LIBRARY_TIMEOUT_SECONDS };
      } else if (state.Type === 'Wait') {
        const { Seconds: _s, SecondsPath: _sp, Timestamp: _t, TimestampPath: _tp, ...rest } = state;
        states[name] = {
          ...rest,
          Type: 'Task',
          Resource: WAIT_RESOURCE,
          TimeoutSeconds: LIBRARY_TIMEOUT_SECONDS,
        };
      } else {
        states[name] = state;
      }
    }
    return { ...definition, States: states };
  }

  private async runTask(
    running: Running,
    stateName: string,
    state: AslState,
    resolved: unknown,
  ): Promise<unknown> {
    // Yield once so the StateEntered (or StateRetried) event is recorded before the task's own events.
    await new Promise((resolve) => setImmediate(resolve));
    const retryCount = running.pendingRetry.get(stateName)?.attempt ?? 0;
    const input: unknown =
      resolved === undefined
        ? resolved
        : JSON.parse(JSON.stringify(resolved).replaceAll(`"${RETRY_COUNT_PLACEHOLDER}"`, String(retryCount)));
    await this.backOffBeforeRetry(running, stateName);
    const resource = String(state.Resource);
    const timeoutSeconds = this.timeoutOf(running, stateName, state);
    if (resource.startsWith('arn:aws:lambda:')) {
      // A function's run time is real compute, so its timeout stays on the real clock (the library's).
      return this.invokeLambdaTask(running, resource, input, timeoutSeconds);
    }
    if (resource === 'arn:aws:states:::lambda:invoke.waitForTaskToken') {
      return this.waitForTaskToken(
        running,
        input as { FunctionName: string; Payload: Record<string, unknown> },
        timeoutSeconds,
      );
    }
    if (resource === 'arn:aws:states:::states:startExecution') {
      const params = input as { StateMachineArn: string; Name?: string; Input?: unknown };
      this.append(running, events.taskScheduled('states', 'startExecution', this.region, params));
      this.append(running, events.taskStarted('states', 'startExecution'));
      try {
        const body = typeof params.Input === 'string' ? params.Input : JSON.stringify(params.Input ?? {});
        const started = this.startExecution(params.StateMachineArn, params.Name, body);
        const output = {
          ExecutionArn: started.executionArn,
          StartDate: new Date(started.startDate).toISOString(),
        };
        this.append(running, events.taskSucceeded('states', 'startExecution', output));
        return output;
      } catch (error) {
        const e = error as Error;
        this.append(
          running,
          events.taskFailed('states', 'startExecution', `StepFunctions.${e.name}`, e.message),
        );
        throw new StateError(`StepFunctions.${e.name}`, e.message);
      }
    }
    throw new StateError('States.Runtime', `The local engine cannot run resource ${resource}`);
  }

  private async invokeLambdaTask(
    running: Running,
    arn: string,
    input: unknown,
    timeoutSeconds: number | undefined,
  ) {
    const lambda = this.lambda(arn);
    // The function reads the clock as it is now: what it plans is relative to this instant.
    this.setOwnTime(running, this.options.clock.now().getTime());
    this.append(running, events.lambdaScheduled(arn, input, timeoutSeconds));
    this.append(running, events.lambdaStarted());
    try {
      const output = await lambda.invoke(structuredClone(input));
      this.append(running, events.lambdaSucceeded(output));
      return output;
    } catch (error) {
      const e = error as Error;
      this.append(running, events.lambdaFailed(e.name || 'Error', e.message));
      throw new StateError(e.name || 'Error', e.message);
    }
  }

  private async waitForTaskToken(
    running: Running,
    params: { FunctionName: string; Payload: Record<string, unknown> },
    timeoutSeconds: number | undefined,
  ) {
    const resource = 'invoke.waitForTaskToken';
    const token = randomBytes(48).toString('base64url');
    const payload = JSON.parse(JSON.stringify(params.Payload ?? {}).replaceAll('LOCAL-TASK-TOKEN', token));
    this.append(
      running,
      events.taskScheduled('lambda', resource, this.region, { ...params, Payload: payload }, timeoutSeconds),
    );
    // Waking counts the execution as busy at once, so whenIdle() cannot resolve before it runs on.
    const result = new Promise<unknown>((resolve, reject) => {
      this.waiters.set(token, {
        executionArn: running.record.executionArn,
        resolve: (output) => {
          this.setBusy(running, true);
          resolve(output);
        },
        reject: (error, wokeAt) => {
          this.setBusy(running, true, wokeAt);
          reject(error);
        },
      });
    });
    // The parked function may end its own task (SendTaskFailure) before the wait below is awaited.
    result.catch(() => {});
    this.append(running, events.taskStarted('lambda', resource));
    let cancelTimer = () => {};
    try {
      const response = await this.lambda(params.FunctionName).invoke(payload);
      this.append(running, events.taskSubmitted('lambda', resource, { Payload: response, StatusCode: 200 }));
    } catch (error) {
      this.waiters.delete(token);
      const e = error as Error;
      // As on AWS, a function error surfaces under the function's own error type.
      this.append(running, events.taskFailed('lambda', resource, e.name || 'Error', e.message));
      throw new StateError(e.name || 'Error', e.message);
    }
    if (timeoutSeconds !== undefined) {
      const due = this.sleepStart(running) + timeoutSeconds * 1000;
      cancelTimer = this.options.timers.at(new Date(due), () => {
        const waiter = this.waiters.get(token);
        if (!waiter) return;
        this.waiters.delete(token);
        waiter.reject(timeoutError(), due);
      });
    }
    // Asleep unless the callback already came (the parked function may wake its own task).
    if (this.waiters.has(token)) this.setBusy(running, false);
    try {
      const output = await result;
      this.append(running, events.taskSucceeded('lambda', resource, output));
      return output;
    } catch (error) {
      const e = error as Error;
      if (e.name === 'States.Timeout') this.append(running, events.taskTimedOut('lambda', resource));
      else this.append(running, events.taskFailed('lambda', resource, e.name, e.message));
      throw e;
    } finally {
      cancelTimer();
    }
  }

  private async runWait(
    running: Running,
    stateName: string,
    state: AslState,
    input: unknown,
  ): Promise<unknown> {
    // As in runTask: the StateEntered event (this entry's raw input) is recorded first, or a Wait
    // in a loop would read the previous entry's SecondsPath or TimestampPath.
    await new Promise((resolve) => setImmediate(resolve));
    const raw = running.enteredInput.get(stateName) ?? input;
    let due: number;
    if (typeof state.Seconds === 'number') due = this.sleepStart(running) + state.Seconds * 1000;
    else if (typeof state.SecondsPath === 'string')
      due = this.sleepStart(running) + Number(readPath(raw, state.SecondsPath)) * 1000;
    else {
      const at =
        typeof state.Timestamp === 'string'
          ? state.Timestamp
          : String(readPath(raw, String(state.TimestampPath)));
      due = Date.parse(at);
    }
    this.setBusy(running, false);
    await new Promise<void>((resolve) =>
      this.options.timers.at(new Date(due), () => {
        this.setBusy(running, true, due);
        resolve();
      }),
    );
    return input;
  }

  /** Waits the ASL's retry interval for this attempt, on the virtual clock. */
  private async backOffBeforeRetry(running: Running, stateName: string) {
    const retry = running.pendingRetry.get(stateName);
    if (!retry) return;
    running.pendingRetry.delete(stateName);
    const r = retry.retrier as {
      IntervalSeconds?: number;
      BackoffRate?: number;
      MaxDelaySeconds?: number;
      JitterStrategy?: string;
    };
    let seconds = (r.IntervalSeconds ?? 1) * (r.BackoffRate ?? 2) ** (retry.attempt - 1);
    if (r.MaxDelaySeconds !== undefined) seconds = Math.min(seconds, r.MaxDelaySeconds);
    if (r.JitterStrategy === 'FULL') seconds = Math.random() * seconds;
    const due = this.sleepStart(running) + seconds * 1000;
    this.setBusy(running, false);
    await new Promise<void>((resolve) =>
      this.options.timers.at(new Date(due), () => {
        this.setBusy(running, true, due);
        resolve();
      }),
    );
  }

  /**
   * Where a relative sleep of this execution starts (TimeoutSeconds(Path), Wait Seconds, retry
   * intervals): the execution's own time, which runs at real speed from the instant it was last
   * set: a wake (a timer that a move crossed wakes it at the timer's due instant, not at the end of
   * the move) or the start of a Lambda task (the function sees the clock as it is then). Without a
   * clock move this is now. A move made while the execution works counts as coming after the sleep
   * was armed: a deadline the move crossed fires during that move, as it would have had the time
   * passed naturally, instead of one sleep length after it.
   */
  private sleepStart(running: Running): number {
    const now = this.options.clock.now().getTime();
    if (!running.ownTime) return now;
    return Math.min(now, running.ownTime.virtual + (Date.now() - running.ownTime.real));
  }

  private setOwnTime(running: Running, virtual: number) {
    running.ownTime = { virtual, real: Date.now() };
  }

  private timeoutOf(running: Running, stateName: string, state: AslState): number | undefined {
    if (typeof state.TimeoutSeconds === 'number') return state.TimeoutSeconds;
    if (typeof state.TimeoutSecondsPath === 'string') {
      const value = Number(readPath(running.enteredInput.get(stateName), state.TimeoutSecondsPath));
      if (!Number.isInteger(value) || value < 1)
        throw new StateError('States.Runtime', `${state.TimeoutSecondsPath} is not a positive integer`);
      return value;
    }
    return undefined;
  }

  private lambda(arnOrName: string): LocalLambda {
    const lambda = this.options.lambdas.find(
      (l) => l.arn === arnOrName || l.arn.endsWith(`:function:${arnOrName}`),
    );
    if (!lambda) throw new StateError('Lambda.ResourceNotFoundException', `Function not found: ${arnOrName}`);
    return lambda;
  }

  private finish(running: Running, outcome: Partial<ExecutionRecord> & { status: ExecutionStatus }) {
    Object.assign(running.record, outcome, { stopDate: this.options.clock.now().getTime() });
    delete running.abort;
    this.saveRecord(running.record);
  }

  private append(running: Running, event: NewHistoryEvent) {
    const previous = running.history.at(-1);
    const full: HistoryEvent = {
      ...event,
      id: (previous?.id ?? 0) + 1,
      previousEventId: previous?.id ?? 0,
      timestamp: Math.max(event.timestamp ?? this.options.clock.now().getTime(), previous?.timestamp ?? 0),
    } as HistoryEvent;
    running.history.push(full);
    this.recorded++;
    const file = this.historyFile(running.record);
    this.pendingHistory.set(file, `${this.pendingHistory.get(file) ?? ''}${JSON.stringify(full)}\n`);
    this.scheduleFlush();
  }

  private historyFile(record: ExecutionRecord) {
    const machine = record.stateMachineArn.split(':').at(-1);
    return join(this.historyDir, `${machine}__${record.name}.jsonl`);
  }

  private saveRecord(record: ExecutionRecord) {
    this.records.record(record);
    this.scheduleFlush();
  }

  /**
   * Disk writes are batched once per turn of the event loop: under load, appending one line per event
   * synchronously cost more than running the workflows.
   */
  private scheduleFlush() {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.flush());
  }

  /** Writes what is pending; also called on shutdown so a clean stop loses nothing. */
  flush(): void {
    this.flushScheduled = false;
    for (const [file, lines] of this.pendingHistory) appendFileSync(file, lines);
    this.pendingHistory.clear();
    this.records.flush(() => [...this.executions.values()].map((e) => e.record));
  }

  /** Runs again the executions that were running when the stack stopped (call once everything is wired). */
  resume(): number {
    let resumed = 0;
    for (const running of this.executions.values()) {
      const machine = this.machines.get(running.record.stateMachineArn);
      if (running.record.status === 'RUNNING' && machine && !running.abort) {
        this.run(running, machine);
        resumed++;
      }
    }
    return resumed;
  }

  /** Loads executions and their histories from disk. */
  private load() {
    for (const record of this.records.load()) {
      const history = readJsonLines<HistoryEvent>(this.historyFile(record));
      this.executions.set(record.executionArn, {
        record,
        history,
        enteredInput: new Map(),
        pendingRetry: new Map(),
      });
    }
  }
}

/**
 * A callback timeout. On AWS `States.TaskFailed` in a Retry never matches `States.Timeout`; the
 * library only knows that for its own timeout class, so ours is marked not retryable (Catch still
 * matches it by name). Consequence: an explicit Retry on States.Timeout of a callback task would not
 * retry locally; the project's definitions have none.
 */
function timeoutError(): Error {
  return Object.assign(new StateError('States.Timeout', 'The task timed out.'), { isRetryable: false });
}

/** `$.a.b` paths only: what the project's definitions use for *Path fields. */
function readPath(value: unknown, path: string): unknown {
  if (!path.startsWith('$')) throw new StateError('States.Runtime', `Unsupported path ${path}`);
  return path
    .slice(1)
    .split('.')
    .filter(Boolean)
    .reduce<unknown>(
      (v, key) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[key] : undefined),
      value,
    );
}
