/**
 * What the compliance use cases need from the outside world, as ports. Adapters: shared/store/*
 * (DynamoDB, S3), shared/schedules/eventbridge-scheduler.ts (EventBridge Scheduler; locally the
 * Scheduler stand-in in local/scheduler.ts answers the same API).
 */
import { randomBytes, randomInt } from 'node:crypto';
import type { ComplianceRecordKind } from '../store/compliance-keys.ts';

/** What a one-time deadline schedule delivers to functions/compliance/handle-compliance-deadline.ts. */
export interface DeadlineEvent {
  desk: string;
  /** `security-incident`: a reportable breach's notification window (shared/incidents/breach-service.ts). */
  kind: Extract<ComplianceRecordKind, 'dsar' | 'billing-appeal'> | 'security-incident';
  id: string;
  /** The deadline the schedule was made for (informational: the handler recomputes what is due). */
  dueAt: string;
}

export interface DeadlineScheduler {
  /** Creates a one-time schedule (`at()`) that delivers `event`; creating an existing name is not an error. */
  scheduleOnce(name: string, at: Date, event: DeadlineEvent): Promise<void>;
  /** Deletes a schedule; a missing one is not an error. */
  cancel(name: string): Promise<void>;
}

/** Secrets for identity checks: one-time codes and hash salts. */
export interface RandomSource {
  code(digits: number): string;
  salt(): string;
}

export const cryptoRandom: RandomSource = {
  code: (digits) => String(randomInt(0, 10 ** digits)).padStart(digits, '0'),
  salt: () => randomBytes(16).toString('hex'),
};

/**
 * Schedule names are unique per record and deadline (Scheduler names: 64 characters of
 * `[0-9A-Za-z_.-]`), so a moved deadline gets a new schedule and the old one can be deleted by name.
 */
export function deadlineScheduleName(kind: DeadlineEvent['kind'], id: string, at: string): string {
  const compact = at.replace(/[-:]/g, '').replace(/\.\d{3}Z$/, 'Z');
  return `${kind === 'dsar' ? 'dsar' : 'appeal'}-${id}-${compact}`;
}
