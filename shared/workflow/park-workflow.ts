import type { KpiRecorder } from '../kpis/recorder.ts';
import type { MailRecord, ParkProgress, WorkflowParking } from './ports.ts';
import type { WorkflowSignals } from './signals.ts';
import { LOOP_EXIT, type SleepPlan } from './sleep-step.ts';

/** What the sleeping step passes: the Apply step's whole result and its own task token. */
export interface ParkInput {
  taskToken: string;
  plan: SleepPlan;
}

/** What executions started on the earlier definition (Apply → Choice → Sleep) pass; they keep it until they end. */
export interface EarlierParkInput {
  ticketId: string;
  desk: string;
  taskToken: string;
  seenVersion: number;
  wakeAt: string;
  /** The Apply step's send outcomes, recorded in the park's write (absent from older executions). */
  mail?: MailRecord | undefined;
  /** The Apply step's progress, when it left the write to the park (current definition only). */
  progress?: ParkProgress | undefined;
}

/**
 * The sleeping step's callback target. On a plan to sleep it leaves the task token on the ticket so
 * a change that matters can wake the workflow; if the ticket changed after the workflow planned (the
 * version moved or a change is marked due), it wakes itself at once instead of sleeping on stale
 * plans. The outcome of the mail the Apply step sent is recorded in the same write (or alone, when it
 * does not park), and so is the Apply step's progress when that step left it to the park: one ticket
 * write per wake. If that write is refused, the progress is dropped (the woken step plans it again from
 * the latest version) and the outcomes are recorded alone. On a plan to stop or hand over it ends its own task with the error the definition
 * catches for that exit: two states per wake, no Choice state.
 */
export async function parkWorkflow(
  deps: { store: WorkflowParking; signals: WorkflowSignals; kpis: Pick<KpiRecorder, 'addChange'> },
  input: ParkInput | EarlierParkInput,
): Promise<{ parked: boolean }> {
  const park = 'plan' in input ? sleepOf(input.plan) : input;
  if ('exit' in park) {
    await deps.signals.end(input.taskToken, park.exit);
    return { parked: false };
  }
  const parked = await deps.store.parkWorkflow(park.desk, park.ticketId, {
    taskToken: input.taskToken,
    seenVersion: park.seenVersion,
    until: park.wakeAt,
    mail: park.mail,
    progress: park.progress,
  });
  // The KPI change rides on that write; the days follow it (a lost run's change is finished by the next step).
  if (parked && park.progress?.kpi) await deps.kpis.addChange(park.desk, park.progress.kpi.change);
  if (!parked)
    await deps.signals.wake(input.taskToken, {
      wokenBy: 'the ticket changed while the workflow was planning',
    });
  return { parked };
}

function sleepOf(
  plan: SleepPlan,
): Omit<EarlierParkInput, 'taskToken'> | { exit: { error: string; cause: string } } {
  switch (plan.next) {
    case 'sleep':
      return {
        ticketId: plan.ticketId,
        desk: plan.desk,
        seenVersion: plan.seenVersion,
        wakeAt: plan.wakeAt,
        mail: plan.mail,
        progress: plan.progress,
      };
    case 'stop':
      return { exit: { error: LOOP_EXIT.stop, cause: plan.reason } };
    case 'continue-as-new':
      return {
        exit: { error: LOOP_EXIT.handOver, cause: `Handing over to execution ${plan.nextExecutionName}.` },
      };
  }
}
