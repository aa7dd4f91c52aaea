import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SESClient } from '@aws-sdk/client-ses';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { z } from 'zod';
import { parseEnv } from '../config/env.ts';
import { sesMailSender } from '../notices/sender.ts';
import { findPolicyPack } from '../policy/packs.ts';
import { sesConsentMailer } from '../privacy/consent-mail.ts';
import { type ConsentService, type ConsentServiceDeps, consentService } from '../privacy/consent-service.ts';
import type { ConsentMailer } from '../privacy/ports.ts';
import { dynamoPrivacyStore } from '../privacy/privacy-store.ts';
import { type KeyringSource, secretsManagerKeyring } from '../secrets/keyring.ts';
import type { BlobStore } from '../store/blob-store.ts';
import { dynamoTicketStore } from '../store/ticket-store.ts';
import { type Clock, currentClock } from '../time/clock.ts';
import { apiDeps } from './api-deps.ts';

/**
 * Composition root of the consent routes (functions/privacy/) and of the staff ticket view's filter.
 * Token routes reuse the API's ticket store; the signed-link routes have only the table and the link
 * keyring. What only the request route uses (SES, the public URL) is built on first use, from its env.
 */
const PrivacyEnv = z.object({ TABLE_NAME: z.string().min(3) });
const LinkEnv = z.object({ SURVEY_SECRET_ID: z.string().min(1).max(2048) });
const MailEnv = z.object({ PUBLIC_BASE_URL: z.url() });

const clock: Clock = { now: () => currentClock().now() };
const documentClient = () =>
  DynamoDBDocumentClient.from(new DynamoDBClient({}), { marshallOptions: { removeUndefinedValues: true } });
/** The signed-link routes never read message bodies. */
const noBlobs: BlobStore = {
  put: () => Promise.reject(new Error('consent links do not write bodies')),
  getText: () => Promise.reject(new Error('consent links do not read bodies')),
};

const deskName = (desk: string) => findPolicyPack(desk)?.name ?? desk;

function lazyKeyring(): KeyringSource {
  let source: KeyringSource | undefined;
  return {
    keyring: () => {
      source ??= secretsManagerKeyring(new SecretsManagerClient({}), parseEnv(LinkEnv).SURVEY_SECRET_ID);
      return source.keyring();
    },
  };
}

function lazyMailer(): ConsentMailer {
  let mailer: ConsentMailer | undefined;
  return {
    sendRequest: (input) => {
      mailer ??= sesConsentMailer({
        sender: sesMailSender(new SESClient({})),
        deskName,
        grantHours: (desk) => findPolicyPack(desk)?.privacy?.consent?.grantHours ?? 0,
      });
      return mailer.sendRequest(input);
    },
  };
}

function build(tickets: ConsentServiceDeps['tickets']) {
  return consentService({
    store: dynamoPrivacyStore(documentClient(), parseEnv(PrivacyEnv).TABLE_NAME),
    tickets,
    clock,
    policyFor: (desk) => findPolicyPack(desk)?.privacy?.consent,
    deskName,
    mailer: lazyMailer(),
    linkKeys: lazyKeyring(),
    publicBaseUrl: () => parseEnv(MailEnv).PUBLIC_BASE_URL,
  });
}

let forTokens: ConsentService | undefined;
/** Token routes: the API's ticket store (and `apiDeps().verifyToken` in the handler). */
export function consentDeps(): ConsentService {
  forTokens ??= build(apiDeps().store);
  return forTokens;
}

let forLinks: ConsentService | undefined;
/** The signed-link routes: no token, the link is the credential. */
export function consentLinkDeps(): ConsentService {
  forLinks ??= build(dynamoTicketStore(documentClient(), parseEnv(PrivacyEnv).TABLE_NAME, noBlobs));
  return forLinks;
}

/** For tests and the local stack after they change the environment. */
export function resetPrivacyDeps(): void {
  forTokens = undefined;
  forLinks = undefined;
}
