import { isServiceError } from '../runtime/aws/service-error.ts';
import {
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
} from '../runtime/aws/step-functions.ts';

export interface ExecutionSummary {
  executionArn: string;
  name: string;
  status: string;
  startDate: string | null;
  stopDate: string | null;
  /** The execution that handed over to this one (continue-as-new), from its input. */
  startedBy: string | null;
}

export interface HistoryRead {
  events: HistoryEvent[];
  /** True when the cap cut off older events (the newest are kept). */
  truncated: boolean;
}

/** Reads executions of one state machine through the Step Functions API (AWS, or the local endpoint). */
export interface ExecutionReader {
  executionArnOf(name: string): string;
  describe(executionArn: string): Promise<ExecutionSummary | undefined>;
  /** Always with the execution data: the readable summaries come from task outputs. */
  history(executionArn: string, options: { maxEvents: number }): Promise<HistoryRead>;
}

/** GetExecutionHistory's page limit. */
const PAGE = 1000;

export function sfnExecutionReader(sfn: SFNClient, stateMachineArn: string): ExecutionReader {
  return {
    executionArnOf: (name) => `${stateMachineArn.replace(':stateMachine:', ':execution:')}:${name}`,

    async describe(executionArn) {
      try {
        const d = await sfn.send(new DescribeExecutionCommand({ executionArn }));
        let startedBy: string | null = null;
        try {
          const input = JSON.parse(d.input ?? '{}') as {
            AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID?: unknown;
          };
          if (typeof input.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID === 'string') {
            startedBy = input.AWS_STEP_FUNCTIONS_STARTED_BY_EXECUTION_ID;
          }
        } catch {
          // An input that is not JSON names no parent.
        }
        return {
          executionArn,
          name: d.name ?? executionArn.split(':').at(-1) ?? executionArn,
          status: d.status ?? 'UNKNOWN',
          startDate: d.startDate?.toISOString() ?? null,
          stopDate: d.stopDate?.toISOString() ?? null,
          startedBy,
        };
      } catch (error) {
        if (isServiceError(error, 'ExecutionDoesNotExist')) return undefined;
        throw error;
      }
    },

    async history(executionArn, { maxEvents }) {
      // Newest first, so a cap keeps the recent past; returned oldest first.
      const events: HistoryEvent[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(
          new GetExecutionHistoryCommand({
            executionArn,
            reverseOrder: true,
            includeExecutionData: true,
            maxResults: Math.min(PAGE, maxEvents - events.length),
            nextToken,
          }),
        );
        events.push(...(page.events ?? []));
        nextToken = page.nextToken;
      } while (nextToken && events.length < maxEvents);
      return { events: events.reverse(), truncated: Boolean(nextToken) };
    },
  };
}
