import type { MailRecord, WorkflowParking } from './ports.ts';
import type { WorkflowSignals } from './signals.ts';

export interface ParkInput {
  ticketId: string;
  desk: string;
  taskToken: string;
  seenVersion: number;
  wakeAt: string;
  /** The Apply step's send outcomes, recorded in the park's write (absent from older executions). */
  mail?: MailRecord | undefined;
}

/**
 * The sleeping step's callback target: leaves the task token on the ticket so the next change
 * can wake the workflow. If the ticket changed after the workflow planned (the version moved or
 * a change is marked due), it wakes itself at once instead of sleeping on stale plans. The outcome
 * of the mail the Apply step sent is recorded in the same write (or alone, when it does not park).
 */
export async function parkWorkflow(
  deps: { store: WorkflowParking; signals: WorkflowSignals },
  input: ParkInput,
): Promise<{ parked: boolean }> {
  const parked = await deps.store.parkWorkflow(input.desk, input.ticketId, {
    taskToken: input.taskToken,
    seenVersion: input.seenVersion,
    until: input.wakeAt,
    mail: input.mail,
  });
  if (!parked)
    await deps.signals.wake(input.taskToken, {
      wokenBy: 'the ticket changed while the workflow was planning',
    });
  return { parked };
}
