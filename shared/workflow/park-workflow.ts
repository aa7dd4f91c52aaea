import type { WorkflowParking } from './ports.ts';
import type { WorkflowSignals } from './signals.ts';

export interface ParkInput {
  ticketId: string;
  desk: string;
  taskToken: string;
  seenVersion: number;
  wakeAt: string;
}

/**
 * The sleeping step's callback target: leaves the task token on the ticket so the next change
 * can wake the workflow. If the ticket changed after the workflow planned (the version moved or
 * a change is marked due), it wakes itself at once instead of sleeping on stale plans.
 */
export async function parkWorkflow(
  deps: { store: WorkflowParking; signals: WorkflowSignals },
  input: ParkInput,
): Promise<{ parked: boolean }> {
  const parked = await deps.store.parkWorkflow(input.desk, input.ticketId, {
    taskToken: input.taskToken,
    seenVersion: input.seenVersion,
    until: input.wakeAt,
  });
  if (!parked)
    await deps.signals.wake(input.taskToken, {
      wokenBy: 'the ticket changed while the workflow was planning',
    });
  return { parked };
}
