import { sesMailSender } from '../notices/sender.ts';
import { findPolicyPack } from '../policy/packs.ts';
import { sesConsentMailer } from '../privacy/consent-mail.ts';
import type { ConsentMailer } from '../privacy/ports.ts';
import { sesClient } from './clients/ses.ts';
import { consentServiceWith, deskName, lazyKeyring } from './privacy-deps.ts';
import { perRuntime, type Runtime } from './runtime.ts';

/**
 * Composition root of the consent request route: the consent service of privacy-deps.ts, which also
 * mails the customer signed links (SES and the MIME composer, which no other consent route carries).
 */

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

/** POST consent requests: mails the customer signed links. */
export const consentRequestDeps = /* @__PURE__ */ perRuntime((runtime) =>
  consentServiceWith(runtime, { mailer: lazyMailer(runtime), linkKeys: lazyKeyring(runtime) }),
);
