/**
 * The workflow side effects the rest of the system triggers: start a ticket's execution, wake a
 * sleeping one, end its loop. Behind a port so the domain services stay free of the SDK and so tests
 * can inject failures.
 */
export interface WorkflowSignals {
  /** Starts the execution; an already running execution with the same name counts as started. */
  start(input: { ticketId: string; desk: string; executionName: string }): Promise<void>;
  /** Wakes a sleeping step. `stale` when the token no longer refers to a waiting task. */
  wake(taskToken: string, reason: { wokenBy: string }): Promise<'woken' | 'stale'>;
  /**
   * Ends a sleeping step with one of the errors the state machine catches to leave its loop (see
   * shared/workflow/sleep-step.ts). `stale` when the token no longer refers to a waiting task.
   */
  end(taskToken: string, reason: { error: string; cause: string }): Promise<'ended' | 'stale'>;
  /** `running`, `finished` (succeeded, failed, aborted, timed out) or `missing`. */
  status(executionName: string): Promise<'running' | 'finished' | 'missing'>;
}
