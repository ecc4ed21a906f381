// What each IdP accepts back, per lifecycle event, and what it does when it gets something else.
// Used by the replay suites (impact texts) and by the mock IdP (`acceptsResponse`), so both judge
// a response the same way. Sources: ENTRA-1.2, 1.3, 1.6, 1.7, 1.9, 3 and OKTA-2.4–2.9, 3.
import type { IdpFamily, LifecycleEvent } from './types.ts';

type Table = Partial<Record<LifecycleEvent, number[]>>;

export const ACCEPTS: Record<IdpFamily, Table> = {
  entra: {
    // 200 with an empty ListResponse; a 404 here is a quarantine reason (ENTRA-1.9, 3).
    testConnection: [200],
    matchUser: [200],
    matchGroup: [200],
    createUser: [201],
    createGroup: [201],
    getUser: [200],
    getGroup: [200],
    // 200 with the resource or 204 (ENTRA-1.4, 1.5, 1.7).
    updateUser: [200, 204],
    setManager: [200, 204],
    changeManager: [200, 204],
    clearManager: [200, 204],
    disableUser: [200, 204],
    enableUser: [200, 204],
    renameGroup: [200, 204],
    addMembers: [200, 204],
    removeMembers: [200, 204],
    replaceMembers: [200, 204],
    deleteUser: [204],
    deleteGroup: [204],
    importUsers: [200],
  },
  okta: {
    testConnection: [200],
    // Okta's docs also call a 404 "acceptable" for a lookup miss (OKTA-2.9, §5.8); its Spec
    // Test does not, and the replay suite holds OIN apps to the Spec Test.
    matchUser: [200, 404],
    createUser: [201],
    createGroup: [201],
    getUser: [200],
    getGroup: [200],
    updateUser: [200],
    disableUser: [200, 204],
    enableUser: [200, 204],
    renameGroup: [200, 204],
    addMembers: [200, 204],
    removeMembers: [200, 204],
    replaceMembers: [200, 204],
    deleteGroup: [204],
    importUsers: [200],
    importGroups: [200],
    discoverResourceTypes: [200],
    discoverSchemas: [200],
    importEntitlements: [200],
  },
};

/** What the IdP does when an event's response is not one it accepts (shown with failed checks). */
export const IMPACT: Record<IdpFamily, Partial<Record<LifecycleEvent | 'default', string>>> = {
  entra: {
    testConnection: 'Test Connection fails and the admin cannot turn provisioning on; at the start of each cycle a failing probe quarantines the job.',
    matchUser: 'Entra cannot tell whether the user exists: a 404 or a non-list answer quarantines the job; a wrong match creates a twin or updates the wrong account.',
    matchGroup: 'Entra cannot tell whether the group exists: a 404 quarantines the job; a miss on an existing group makes Entra create it again.',
    createUser: 'Entra retries this user every cycle (escrow) and never provisions it; it caches no id, so later updates never reach the app.',
    createGroup: 'Entra retries this group every cycle and never fills its members.',
    getUser: 'Entra cannot read back the user it created; it is retried every cycle.',
    getGroup: 'Entra cannot read back the group it created; group provisioning for it is retried every cycle.',
    updateUser: 'Entra retries this update every cycle; the app keeps stale attributes.',
    setManager: 'The manager link is never written; Entra retries the reference update every cycle.',
    changeManager: 'The user keeps the old manager; Entra retries the reference update every cycle.',
    clearManager: 'The user keeps a manager who was removed in Entra; Entra retries every cycle.',
    disableUser: 'Users who leave scope or are disabled in Entra stay active in the app: a deprovisioning failure and a security gap.',
    enableUser: 'A restored or re-assigned user stays disabled in the app.',
    deleteUser: 'Hard-deleted users stay in the app; Entra retries the delete every cycle.',
    renameGroup: 'The group keeps its old name in the app; Entra retries every cycle.',
    addMembers: 'Members assigned in Entra never reach the group in the app; Entra retries every cycle.',
    removeMembers: 'Members removed in Entra keep the group (and its access) in the app.',
    deleteGroup: 'The group stays in the app after it leaves scope.',
    importUsers: 'Microsoft\'s gallery onboarding paging test fails; the app cannot be listed in the Entra gallery.',
    default: 'Entra logs the failure and retries this object on later cycles.',
  },
  okta: {
    testConnection: 'Test Connector Configuration fails; the admin cannot save the provisioning settings.',
    matchUser: 'Okta cannot look the user up before assigning it: the assignment fails and Okta shows the error to the admin.',
    createUser: 'The assignment fails; Okta shows this error to the admin as a task and stops until someone retries it.',
    createGroup: 'Group push fails; Okta shows the error to the admin and the group is never linked.',
    getUser: 'Okta stops pushing this user: no re-search, no automatic retry; the admin must unassign and reassign.',
    getGroup: 'Okta treats the pushed group as gone; the admin must re-link it.',
    updateUser: 'Profile changes never reach the app; Okta shows the error to the admin and stops.',
    disableUser: 'Unassigned or deactivated users stay active in the app: a deprovisioning failure Okta only shows as an admin task.',
    enableUser: 'A reassigned or reactivated user stays inactive in the app; Okta shows the error to the admin.',
    renameGroup: 'The group keeps its old name in the app; Okta shows a push error to the admin.',
    addMembers: 'Members of the pushed group never reach the app; Okta shows a push error to the admin.',
    removeMembers: 'Users removed from the pushed group keep their membership (and access) in the app.',
    replaceMembers: 'The pushed group\'s membership is not replaced; Okta shows a push error to the admin.',
    deleteGroup: 'The group stays in the app after the admin deletes it from Okta.',
    importUsers: 'Import misses users or fails; Okta cannot match existing app accounts to Okta users.',
    importGroups: 'Group import fails; existing app groups cannot be linked.',
    discoverResourceTypes: 'Okta cannot discover the app\'s entitlements and roles: the Governance tab stays empty and nothing can be assigned.',
    discoverSchemas: 'Okta cannot read the custom extensions of users, entitlements or roles; those attributes are missing from the app profile.',
    importEntitlements: 'The entitlements or roles of this type never reach Okta; admins cannot assign or review them.',
    default: 'Okta shows this error to the admin and stops; nothing is retried automatically.',
  },
};

/**
 * Why Entra fails `"Resources": null` although RFC 7643 §2.5 makes null the same as a Resources
 * left out (which the core checks and Okta accept when the page holds nothing): Entra's
 * provisioning service does not take it, as a vendor found (buildbuddy-io/buildbuddy#5774, "Azure
 * AD does not appreciate it"). Go servers write it for a nil slice (elimity-com/scim documents it).
 */
export const ENTRA_NULL_RESOURCES = 'RFC 7643 §2.5 holds null equal to leaving Resources out, but Entra\'s provisioning service does not accept a null Resources (a vendor fixed exactly this for Azure AD: buildbuddy-io/buildbuddy#5774); send [] (a Go nil slice marshals as null)';

/** Variant names start with their IdP (`entra-compliant`, `okta-aiw`). */
export function familyOf(dialect: string): IdpFamily {
  if (dialect.startsWith('entra')) return 'entra';
  if (dialect.startsWith('okta')) return 'okta';
  throw new Error(`unknown dialect "${dialect}"`);
}

/** Would this IdP carry on after this status for this event? Unknown events accept any 2xx. */
export function acceptsResponse(dialect: string, event: LifecycleEvent, status: number): boolean {
  const accepted = ACCEPTS[familyOf(dialect)][event];
  return accepted ? accepted.includes(status) : status >= 200 && status < 300;
}

export function impactOf(dialect: string, event: LifecycleEvent): string {
  const table = IMPACT[familyOf(dialect)];
  return table[event] ?? table.default!;
}

/**
 * Core-suite checks an IdP relies on beyond its own replay pack (used by the IdP verdict). Core
 * checks whose refs name the IdP (`ENTRA-…`, `OKTA-…`) count too. Only checks that can block belong
 * here: the externalId filter (a SHOULD; Entra matches by userName unless configured otherwise, and
 * then its own lookups fail) and excludedAttributes on groups (ignoring it only slows Entra) are not.
 */
export const CORE_CHECKS_RELIED_ON: Record<IdpFamily, string[]> = {
  entra: [
    'users.create.status',
    'users.get.status',
    'users.uniqueness.duplicate-409',
    'users.delete.status',
    'users.delete.then-404',
    'users.delete.username-free',
    'filter.username-eq',
    'filter.miss-empty-list',
    'groups.create.status',
    'errors.not-found.404',
    'auth.missing.401',
    'auth.wrong.401',
  ],
  okta: [
    'users.create.status',
    'users.get.status',
    'users.replace.status',
    'users.replace.clears-omitted',
    'users.id-immutable',
    'users.uniqueness.duplicate-409',
    'users.password.create-accepted',
    'filter.username-eq',
    'filter.miss-empty-list',
    'groups.create.status',
    'groups.replace.status',
    'groups.replace.members-replaced',
    'errors.not-found.404',
    'auth.missing.401',
    'auth.wrong.401',
  ],
};
