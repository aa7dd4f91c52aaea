import { MailOutboundEnv } from '../config/env.ts';
import type { MailStore } from '../mail/ports.ts';
import type { DeliveryDeps } from '../notices/deliver.ts';
import { type OutboundMailPort, outboundMailPort } from '../notices/outbound-port.ts';
import { sesMailSender } from '../notices/sender.ts';
import { secretsManagerKeyring } from '../secrets/keyring.ts';
import { dynamoSweepPages } from '../store/sweep-pages.ts';
import { systemClock } from '../time/clock.ts';
import type { SweepPages } from '../workflow/ports.ts';
import { dynamoClient } from './clients/dynamodb.ts';
import { secretsManagerClient } from './clients/secrets-manager.ts';
import { sesClient } from './clients/ses.ts';
import { perRuntime, runtimeEnv } from './runtime.ts';
import { mailStore, tableName, ticketStore } from './services.ts';

/**
 * Composition root of the functions that send mail (the outbound sweep, the SLA check's notices), built
 * once per runtime (shared/runtime/runtime.ts): the same code sends through SES on AWS and through the
 * local SES endpoint on a laptop. Receiving and releasing mail (the MIME parser) is mail-intake-deps.ts;
 * roots that touch the mail items alone are mail-record-deps.ts.
 */

export interface MailOutboundDeps extends DeliveryDeps {
  mailStore: MailStore;
  port: OutboundMailPort;
  /** Paged reads for the outbound sweep. */
  pages: SweepPages;
  desks: string[];
}

export const mailOutboundDeps = /* @__PURE__ */ perRuntime((runtime): MailOutboundDeps => {
  const env = runtimeEnv(MailOutboundEnv);
  const delivery: DeliveryDeps = {
    ticketStore: ticketStore(),
    mailStore: mailStore(),
    sender: sesMailSender(sesClient(runtime.clients)),
    clock: runtime.clock,
    // Leases guard sends in flight: always real time, whatever clock the business runs on.
    leaseClock: systemClock,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    surveyKeys: secretsManagerKeyring(secretsManagerClient(runtime.clients), env.SURVEY_SECRET_ID),
    threadKeys: secretsManagerKeyring(secretsManagerClient(runtime.clients), env.THREAD_TOKEN_SECRET_ID),
  };
  return {
    ...delivery,
    mailStore: mailStore(),
    port: outboundMailPort(delivery),
    pages: dynamoSweepPages(dynamoClient(runtime.clients), tableName()),
    desks: env.DESKS.split(','),
  };
});
