import type { PolicyPack } from '../policy/schema.ts';

/**
 * Which of the pack's required intake items a customer's first message seems to lack, for the
 * acknowledgement to ask for them. A heuristic by design (free text has no fields): each item has
 * cues that suggest it is there; an item whose condition (`when`, e.g. "billing-related") does not
 * apply to the message is not asked for. It errs towards asking: a needless question costs a line,
 * a missing account id costs a round trip.
 */
const CUES: Record<string, RegExp[]> = {
  accountNameAndId: [/\baccount\b/i, /\bcustomer (id|number)\b/i],
  accountId: [/\baccount\s*(id|number|#|:)/i, /\b(acct|account)[-\s#:]*[a-z0-9]{3,}/i],
  accountIdAndContact: [/\baccount\b/i],
  contactPersonAndPhone: [/(\+?\d[\d\s().-]{6,}\d)/, /\bphone\b/i],
  problemDescription: [/\S+(\s+\S+){12,}/],
  problemStatement: [/\S+(\s+\S+){12,}/],
  businessImpact: [
    /\bimpact/i,
    /\bblock(ed|ing)\b/i,
    /\b(revenue|customers?|business|production|outage|down)\b/i,
  ],
  usersAffected: [
    /\b\d+\s+(users?|people|employees|staff|seats|customers)\b/i,
    /\b(all|every|no)\s+(users?|one)\b/i,
    /\busers? affected\b/i,
  ],
  issueStartedAt: [
    /\bsince\b/i,
    /\bstarted\b/i,
    /\b(began|begun|yesterday|this morning|today|last (night|week))\b/i,
    /\b\d{1,2}(:\d{2})?\s*(am|pm)\b/i,
    /\b\d{4}-\d{2}-\d{2}\b/,
  ],
  errorMessages: [/\berror\b/i, /\bexception\b/i, /\bcode\s*[:#]?\s*\w+/i, /\b[45]\d\d\b/],
  errorEvidence: [/\berror\b/i, /\blog\b/i, /\bscreenshot/i],
  stepsToReproduce: [/\bsteps?\b/i, /\breproduc/i, /^\s*(1[.)]|-|\*)\s+/m, /\bwhen I\b/i],
  alreadyTried: [/\btried\b/i, /\b(restart|reboot|reinstall|cleared|already)\b/i],
  urgencyLevel: [/\burgen/i, /\bpriority\b/i, /\b(critical|asap|immediately|blocker|p[1-4])\b/i],
  productPlanAndRegion: [/\b(plan|region|[a-z]{2}-[a-z]+-\d)\b/i],
  productVersion: [/\bv?\d+\.\d+(\.\d+)?\b/, /\bversion\b/i],
  osBuild: [/\b(windows|macos|mac os|ios|android|linux|ubuntu)\b/i],
  deviceModel: [/\b(iphone|ipad|pixel|galaxy|model|device)\b/i],
  transactionIds: [/\b(transaction|invoice|receipt|order)\s*(id|#|no\.?|number)?\s*[:#]?\s*[a-z0-9-]{4,}/i],
  invoiceOrTransactionId: [
    /\b(transaction|invoice|receipt|order)\s*(id|#|no\.?|number)?\s*[:#]?\s*[a-z0-9-]{4,}/i,
  ],
  apiRequestId: [/\b(request[- ]?id|x-request-id|correlation)\b/i],
};

/** Items an agent establishes, not something the customer can write down. */
const NOT_ASKED = new Set(['identityVerified']);

/** Cues that a conditional item (`when`) applies to the message. */
const CONDITIONS: Array<[RegExp, RegExp]> = [
  [
    /billing|revenue|invoice|refund|payment|dispute/i,
    /\b(bill|billing|invoice|charge[ds]?|refund|payment|paid|revenue|dispute|subscription|card)\b/i,
  ],
  [/api|integration/i, /\b(api|endpoint|integration|webhook|sdk|request)\b/i],
  [
    /install|activation|non-functional/i,
    /\b(install|installation|activate|activation|licen[cs]e|crash|won't start|does not start|not working)\b/i,
  ],
];

function conditionApplies(when: string, text: string): boolean {
  for (const [about, cue] of CONDITIONS) if (about.test(when)) return cue.test(text);
  return true;
}

/** Labels of required intake items the text does not seem to contain, in the pack's order. */
export function missingIntakeFields(pack: PolicyPack, text: string): string[] {
  return pack.intake.requiredFields
    .filter((f) => f.required && !NOT_ASKED.has(f.field))
    .filter((f) => (f.when ? conditionApplies(f.when, text) : true))
    .filter((f) => {
      const cues = CUES[f.field];
      if (!cues) {
        const words = f.label.toLowerCase().match(/[a-z]{5,}/g) ?? [];
        return !words.some((w) => text.toLowerCase().includes(w));
      }
      return !cues.some((re) => re.test(text));
    })
    .map((f) => f.label);
}
