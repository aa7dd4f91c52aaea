import { findPolicyPack } from '../policy/packs.ts';
import type { Audience } from '../policy/schema.ts';

/**
 * Where each desk receives and sends email. The policy-pack schema has no mail fields (a pack is
 * the customer's written policy; domains are deployment facts), so this module is the desk → mail
 * configuration, read by the inbound router, the notice sender, the local SMTP listener and the
 * CDK mail stack (receipt rules and sending identities).
 *
 * Addresses come from the policy documents where they name them (TechFlow's four queues in 001,
 * RCH SpyFocus's support and security contacts in 000); the others are example domains until a
 * deployment sets its own.
 */
export interface DeskQueue {
  /** Local part of the address, e.g. `billing` for billing@techflowsolutions.com. */
  localPart: string;
  /** Queue slug, stored on the ticket as the tag `queue-<queue>`. */
  queue: string;
  /** Shown as the sender name of mail from this queue. */
  displayName: string;
}

export interface DeskMailConfig {
  desk: string;
  /** The domain SES receives for and sends from (a verified identity on AWS). */
  domain: string;
  /** The first queue is the default: replies and notices go out from its address. */
  queues: readonly DeskQueue[];
  /** Staff audiences of SLA notices (the assignee's directory address when the ticket has one, else `assignee`). */
  staff: Readonly<Record<Exclude<Audience, 'customer'>, string>>;
  /** Language of notices when the customer's mail states none. */
  defaultLanguage: string;
}

const staffAt = (domain: string) => ({
  assignee: `agents@${domain}`,
  lead: `support-leads@${domain}`,
  'on-call': `on-call@${domain}`,
  manager: `support-managers@${domain}`,
});

export const DESK_MAIL: readonly DeskMailConfig[] = [
  {
    desk: 'rch-spyfocus',
    domain: 'spyfocus-example.com',
    queues: [
      { localPart: 'support', queue: 'general', displayName: 'RCH SpyFocus Support' },
      { localPart: 'security', queue: 'security', displayName: 'RCH SpyFocus Security' },
      { localPart: 'billing', queue: 'billing', displayName: 'RCH SpyFocus Billing' },
    ],
    staff: staffAt('spyfocus-example.com'),
    defaultLanguage: 'en',
  },
  {
    desk: 'techflow',
    domain: 'techflowsolutions.com',
    queues: [
      { localPart: 'support', queue: 'general', displayName: 'TechFlow Support' },
      { localPart: 'billing', queue: 'billing', displayName: 'TechFlow Billing' },
      { localPart: 'sales', queue: 'sales', displayName: 'TechFlow Sales' },
      { localPart: 'security', queue: 'security', displayName: 'TechFlow Security' },
    ],
    staff: staffAt('techflowsolutions.com'),
    defaultLanguage: 'en',
  },
  {
    desk: 'acentus',
    domain: 'acentus.example.com',
    queues: [
      { localPart: 'support', queue: 'general', displayName: 'Acentus Customer Service' },
      { localPart: 'billing', queue: 'billing', displayName: 'Acentus Billing' },
      { localPart: 'api-support', queue: 'api', displayName: 'Acentus API Support' },
    ],
    staff: staffAt('acentus.example.com'),
    defaultLanguage: 'en',
  },
  {
    desk: 'rarelogic',
    domain: 'rarelogic.example.com',
    queues: [
      { localPart: 'support', queue: 'general', displayName: 'RareLogic Support' },
      { localPart: 'billing', queue: 'billing', displayName: 'RareLogic Billing' },
    ],
    staff: staffAt('rarelogic.example.com'),
    defaultLanguage: 'en',
  },
];

/** Retention of raw inbound MIME when a pack states no ticket retention. */
export const DEFAULT_RAW_MAIL_RETENTION_DAYS = 365;
const TICKET_CLASSES = ['support-tickets', 'tickets', 'ticket'];

/**
 * How long the raw MIME of inbound mail is kept: the pack's ticket retention (the parsed content
 * lives on as the ticket, so the original must not outlive it), else a year.
 */
export function rawMailRetentionDays(desk: string): number {
  const classes = findPolicyPack(desk)?.retention?.classes ?? [];
  const days = classes.find((c) => TICKET_CLASSES.includes(c.dataClass))?.days;
  return typeof days === 'number' ? days : DEFAULT_RAW_MAIL_RETENTION_DAYS;
}

export function deskMailConfig(desk: string): DeskMailConfig | undefined {
  return DESK_MAIL.find((d) => d.desk === desk);
}

export function requireDeskMailConfig(desk: string): DeskMailConfig {
  const config = deskMailConfig(desk);
  if (!config) throw new Error(`no mail configuration for desk "${desk}"`);
  return config;
}

/** The default queue's address, e.g. support@techflowsolutions.com. */
export function deskSupportAddress(config: DeskMailConfig): string {
  return `${config.queues[0]!.localPart}@${config.domain}`;
}

/** The prefix under which the receipt rule stores a desk's raw mail (`inbound/<desk>/`). */
export const inboundPrefix = (desk: string) => `inbound/${desk}/`;
