import { join } from 'node:path';
import type { MailStore } from '#shared/mail/ports.ts';
import type { AwsClients } from '#shared/runtime/aws-clients.ts';
import { dynamoMailStore } from '#shared/store/mail-store.ts';
import type { Clock } from '#shared/time/clock.ts';
import { invokeLocal } from '../lambdas.ts';
import type { LocalLambda } from '../stepfunctions/engine.ts';
import { startSesEndpoint } from './ses-endpoint.ts';
import { LOCAL_ACCOUNT, snsEvent } from './ses-events.ts';
import { startSmtpListener } from './smtp-listener.ts';

export const MAIL_BUCKET = 'tierdesk-local-mail';

/**
 * Email in the local stack: the SES-compatible endpoint (outbound, with its outbox) starts first so
 * its URL can go into the handlers' environment; `listen()` then opens the SMTP port that plays SES
 * receiving. Both invoke the same handlers Lambda runs on AWS.
 */
export async function prepareLocalMail(options: {
  dataDir: string;
  clock: Clock;
  lambdas: LocalLambda[];
  sesPort: number;
  smtpPort: number;
  /** The stack's start-up: both endpoints wait for it inside their handlers. */
  ready: Promise<void>;
  region: string;
  desks: string[];
  /** Domains the SMTP stand-in treats as authenticated senders (local/mail/sender-verdicts.ts). */
  authenticatedDomains: readonly string[];
}) {
  const feedbackTopic = `arn:aws:sns:${options.region}:${LOCAL_ACCOUNT}:tierdesk-mail-feedback`;
  const inboundTopic = `arn:aws:sns:${options.region}:${LOCAL_ACCOUNT}:tierdesk-inbound-mail`;
  const ses = await startSesEndpoint({
    dir: join(options.dataDir, 'outbox'),
    port: options.sesPort,
    clock: options.clock,
    region: options.region,
    ready: options.ready,
    onFeedback: async (notification) => {
      await invokeLocal(options.lambdas, 'HandleFeedback', snsEvent(feedbackTopic, notification));
    },
  });
  let smtp: Awaited<ReturnType<typeof startSmtpListener>> | undefined;
  let store: MailStore | undefined;

  return {
    sesUrl: ses.url,
    /** What SES would have sent, oldest first. */
    outbox: ses.outbox,
    holdNextSend: ses.holdNextSend,
    get smtpPort() {
      return smtp?.port;
    },
    /** Opens the SMTP port, writing raw mail through the runtime's clients (call once they are installed). */
    async listen(clients: AwsClients, tableName: string) {
      store = dynamoMailStore(clients.dynamo, tableName);
      smtp = await startSmtpListener({
        port: options.smtpPort,
        s3: clients.s3,
        bucket: MAIL_BUCKET,
        clock: options.clock,
        ready: options.ready,
        topicArn: inboundTopic,
        invoke: (event) => invokeLocal(options.lambdas, 'ReceiveEmail', event),
        authenticatedDomains: options.authenticatedDomains,
      });
      return smtp.port;
    },
    /** The inbound-mail records of every desk, newest first (what happened to each received email). */
    async inboundRecords(limit = 50) {
      if (!store) return [];
      const records = store;
      const all = await Promise.all([...options.desks, 'unrouted'].map((d) => records.listInbound(d, limit)));
      return all
        .flat()
        .sort((a, b) => b.receivedAt.localeCompare(a.receivedAt))
        .slice(0, limit);
    },
    async close() {
      await smtp?.close();
      await ses.close();
    },
  };
}
