import * as z from '#shared/validation/zod.ts';
import { findPolicyPack } from '../policy/packs.ts';
import { type ConsentService, consentService } from '../privacy/consent-service.ts';
import type { ConsentMailer } from '../privacy/ports.ts';
import { type KeyringSource, secretsManagerKeyring } from '../secrets/keyring.ts';
import { dynamoPrivacyStore } from '../store/privacy-store.ts';
import { dynamoClient } from './clients/dynamodb.ts';
import { secretsManagerClient } from './clients/secrets-manager.ts';
import { perRuntime, type Runtime, runtimeEnv } from './runtime.ts';
import { tableName, ticketReader } from './services.ts';

/**
 * Composition roots of the consent routes (functions/privacy/) and of the staff ticket view's filter.
 * The signed-link routes have only the table and the link keyring; the request route also sends mail.
 * What only the request route uses (SES, the public URL) is built on first use, from its env.
 */
const LinkEnv = z.object({ SURVEY_SECRET_ID: z.string().check(z.minLength(1), z.maxLength(2048)) });
const MailEnv = z.object({ PUBLIC_BASE_URL: z.url() });

export const deskName = (desk: string) => findPolicyPack(desk)?.name ?? desk;

export function lazyKeyring(runtime: Runtime): KeyringSource {
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

/** For routes granted no mail sending: says so if a code path tries. */
const noMailer: ConsentMailer = {
  sendRequest: () => Promise.reject(new Error('this function does not send consent mail')),
};

/** For routes granted no keyring: says so if a code path tries. */
const noLinkKeys: KeyringSource = {
  keyring: () => Promise.reject(new Error('this function does not read the link keyring')),
};

export function consentServiceWith(
  runtime: Runtime,
  parts: { mailer: ConsentMailer; linkKeys: KeyringSource },
): ConsentService {
  return consentService({
    store: dynamoPrivacyStore(dynamoClient(runtime.clients), tableName()),
    // Consent reads the ticket alone, never its message bodies.
    tickets: ticketReader(),
    clock: runtime.clock,
    policyFor: (desk) => findPolicyPack(desk)?.privacy?.consent,
    deskName,
    ...parts,
    publicBaseUrl: () => runtimeEnv(MailEnv).PUBLIC_BASE_URL,
  });
}

/*
 * One root per kind of route, each with what the route is granted (functions/manifest/api-routes.ts):
 * only the request route (consent-request-deps.ts) carries SES and the MIME composer, only the link routes
 * and the request route carry Secrets Manager.
 */

/** Token routes (and `apiDeps().verifyToken` in the handler): listing, deciding, the access log, the staff view. */
export const consentDeps = /* @__PURE__ */ perRuntime((runtime) =>
  consentServiceWith(runtime, { mailer: noMailer, linkKeys: noLinkKeys }),
);

/** The signed-link routes: no token, the link is the credential. */
export const consentLinkDeps = /* @__PURE__ */ perRuntime((runtime) =>
  consentServiceWith(runtime, { mailer: noMailer, linkKeys: lazyKeyring(runtime) }),
);
