import { MailFeedbackEnv, SuspendedMailEnv } from '../config/env.ts';
import type { MailStore } from '../mail/ports.ts';
import { type SuspendedMailService, suspendedMailService } from '../mail/suspended.ts';
import type { Clock } from '../time/clock.ts';
import { perRuntime, runtimeEnv } from './runtime.ts';
import { mailStore } from './services.ts';

/**
 * Composition roots of the mail functions that touch the mail items alone: staff's suspended-mail
 * routes (but the release, which is intake: mail-deps.ts) and the bounce and complaint handler. Kept
 * apart from mail-deps.ts so their bundles carry neither the MIME parser nor the composer.
 */

export const mailFeedbackDeps = /* @__PURE__ */ perRuntime(
  (runtime): { mailStore: MailStore; clock: Clock } => {
    runtimeEnv(MailFeedbackEnv);
    return { mailStore: mailStore(), clock: runtime.clock };
  },
);

/** Listing, reading and rejecting suspended mail. */
export const suspendedMailDeps = /* @__PURE__ */ perRuntime((runtime): SuspendedMailService => {
  runtimeEnv(SuspendedMailEnv);
  return suspendedMailService({ mailStore: mailStore(), clock: runtime.clock });
});
