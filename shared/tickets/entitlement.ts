import { DomainError } from '../errors/domain-error.ts';
import { PRIORITIES, type Priority } from './model.ts';

/**
 * What a customer's plan entitles them to at intake. A stated priority above the entitlement is a
 * request: the ticket opens at the most urgent priority the plan may open, the request is kept
 * for triage, and only staff can confirm it. Pure: the rules come from the desk's pack.
 */
export interface EntitlementRules {
  /** Plans that may open each priority directly; a priority without an entry is open to every plan. */
  plansFor(priority: Priority): readonly string[] | undefined;
  /** Tags a customer may set. */
  customerTags: readonly string[];
}

export const OPEN_ENTITLEMENT: EntitlementRules = { plansFor: () => undefined, customerTags: [] };

export function mayOpen(priority: Priority, plan: string, rules: EntitlementRules): boolean {
  const plans = rules.plansFor(priority);
  return !plans || plans.includes(plan);
}

/** The priority a ticket opens at, and the requested one when it was more than the plan may open. */
export function entitledPriority(
  requested: Priority,
  plan: string,
  rules: EntitlementRules,
): { priority: Priority; requestedPriority?: Priority } {
  if (mayOpen(requested, plan, rules)) return { priority: requested };
  const less = PRIORITIES.slice(PRIORITIES.indexOf(requested) + 1);
  const priority = less.find((p) => mayOpen(p, plan, rules)) ?? 'low';
  return { priority, requestedPriority: requested };
}

/** A customer may set only the pack's customer tags; others (routing, internal) are refused at their index. */
export function assertCustomerTags(tags: readonly string[], rules: EntitlementRules): void {
  const errors = tags.flatMap((tag, i) =>
    rules.customerTags.includes(tag)
      ? []
      : [
          {
            pointer: `/tags/${i}`,
            detail: rules.customerTags.length
              ? `not a tag customers may set (${rules.customerTags.join(', ')})`
              : 'customers may not set tags on this desk',
          },
        ],
  );
  if (errors.length) throw DomainError.unprocessable(errors);
}
