import * as z from 'zod';
import { sesMailSender } from '../notices/sender.ts';
import { findPolicyPack } from '../policy/packs.ts';
import { sesConsentMailer } from '../privacy/consent-mail.ts';
import { type ConsentService, type ConsentServiceDeps, consentService } from '../privacy/consent-service.ts';
import type { ConsentMailer } from '../privacy/ports.ts';
import { type KeyringSource, secretsManagerKeyring } from '../secrets/keyring.ts';
import { dynamoPrivacyStore } from '../store/privacy-store.ts';
import { dynamoClient } from './clients/dynamodb.ts';
import { secretsManagerClient } from './clients/secrets-manager.ts';
import { sesClient } from './clients/ses.ts';
import { perRuntime, type Runtime, runtimeEnv } from './runtime.ts';
import { tableName, ticketStore, ticketStoreWithoutBodies } from './services.ts';

/**
 * Composition root of the consent routes (functions/privacy/) and of the staff ticket view's filter.
 * Token routes use the API's ticket store; the signed-link routes have only the table and the link
 * keyring. What only the request route uses (SES, the public URL) is built on first use, from its env.
 */
const LinkEnv = z.object({ SURVEY_SECRET_ID: z.string().min(1).max(2048) });
const MailEnv = z.object({ PUBLIC_BASE_URL: z.url() });

const deskName = (desk: string) => findPolicyPack(desk)?.name ?? desk;

function lazyKeyring(runtime: Runtime): KeyringSource {
  let source: KeyringSource | undefined;
  return {
    keyring: () => {
      source ??= secretsManagerKeyring(
        secretsManagerClient(runtime.clients),
        runtimeEnv(LinkEnv).SURVEY_SECRET_ID,
      );
      return source.keyring();
    },
  };
}

function lazyMailer(runtime: Runtime): ConsentMailer {
  let mailer: ConsentMailer | undefined;
  return {
    sendRequest: (input) => {
      mailer ??= sesConsentMailer({
        sender: sesMailSender(sesClient(runtime.clients)),
        deskName,
        grantHours: (desk) => findPolicyPack(desk)?.privacy?.consent?.grantHours ?? 0,
      });
      return mailer.sendRequest(input);
    },
  };
}

function build(runtime: Runtime, tickets: ConsentServiceDeps['tickets']): ConsentService {
  return consentService({
    store: dynamoPrivacyStore(dynamoClient(runtime.clients), tableName()),
    tickets,
    clock: runtime.clock,
    policyFor: (desk) => findPolicyPack(desk)?.privacy?.consent,
    deskName,
    mailer: lazyMailer(runtime),
    linkKeys: lazyKeyring(runtime),
    publicBaseUrl: () => runtimeEnv(MailEnv).PUBLIC_BASE_URL,
  });
}

/** Token routes: the API's ticket store (and `apiDeps().verifyToken` in the handler). */
export const consentDeps = /* @__PURE__ */ perRuntime((runtime) => build(runtime, ticketStore()));

/** The signed-link routes: no token, the link is the credential; they never read message bodies. */
export const consentLinkDeps = /* @__PURE__ */ perRuntime((runtime) =>
  build(runtime, ticketStoreWithoutBodies()),
);
