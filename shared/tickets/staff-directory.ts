import type { Role } from '../auth/principal.ts';

/** A member of a desk's staff, as the identity provider's directory knows them. */
export interface StaffMember {
  /** The directory id (the sign-in `sub`), what `assignee` holds. */
  id: string;
  desk: string;
  role: Role;
  /** Where notices to this person go: only ever this address. */
  email: string;
  /** The name customers may see ("Ana"), never the full name or address. */
  displayName: string;
  /** On the on-call rotation (Cognito group `on-call`, next to the role group): meets a pack's on-call assignment target. */
  onCall?: boolean;
}

/** Port: the staff directory (Cognito on AWS; the local identity provider's stand-in locally). */
export interface StaffDirectory {
  /** The staff member with this id on this desk; undefined for an unknown id, a customer or another desk's staff. */
  lookup(desk: string, id: string): Promise<StaffMember | undefined>;
  /** The desk's staff, for pickers. */
  list(desk: string): Promise<StaffMember[]>;
}

/** For runtimes that never assign tickets (mail intake): knows nobody, so an assignment there fails closed. */
export const NO_STAFF: StaffDirectory = {
  lookup: async () => undefined,
  list: async () => [],
};
