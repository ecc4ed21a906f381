// What each IdP's directory calls its user attributes, the SCIM paths the mock IdP can map them
// to, and each IdP's default attribute mappings (ENTRA-1.3 default map; OKTA-2.4 app profile).
import type { Mapping, Source } from './types.ts';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const MANAGER_TARGET = `${ENTERPRISE}:manager`;
export const WORK_EMAIL = 'emails[type eq "work"].value';

/** User attributes per source; `id` (objectId / Okta id) is mappable too. */
export const SOURCE_ATTRIBUTES: Record<Source, readonly string[]> = {
  entra: ['id', 'userPrincipalName', 'mail', 'mailNickname', 'displayName', 'givenName', 'surname', 'jobTitle', 'department', 'employeeId', 'preferredLanguage', 'manager', 'accountEnabled', 'deleted'],
  okta: ['id', 'login', 'email', 'firstName', 'lastName', 'displayName', 'title', 'department', 'employeeNumber', 'locale', 'managerId', 'status', 'entitlements', 'roles'],
};

/** The attribute that names a user in logs and must be unique. */
export const LOGIN_ATTRIBUTE: Record<Source, string> = { entra: 'userPrincipalName', okta: 'login' };
export const MANAGER_ATTRIBUTE: Record<Source, string> = { entra: 'manager', okta: 'managerId' };

/**
 * SCIM target path → the argument name of the dialects' `createUser` builders (shared.ts
 * DirectoryUser). The manager is a reference, written after the users exist, never on create.
 */
export const CREATE_ARG: Record<string, string | undefined> = {
  userName: 'userName',
  externalId: 'externalId',
  displayName: 'displayName',
  'name.givenName': 'givenName',
  'name.familyName': 'familyName',
  [WORK_EMAIL]: 'email',
  title: 'title',
  locale: 'locale',
  [`${ENTERPRISE}:department`]: 'department',
  [`${ENTERPRISE}:employeeNumber`]: 'employeeNumber',
  [MANAGER_TARGET]: undefined,
};

/** Targets a matching attribute may use: the IdP filters on it, so the app must support `eq` on it. */
export const MATCHABLE_TARGETS = ['userName', 'externalId', WORK_EMAIL];

const always = (source: string, target: string, extra: Partial<Mapping> = {}): Mapping => ({ source, target, apply: 'always', matching: false, ...extra });

export const DEFAULT_MAPPINGS: Record<Source, Mapping[]> = {
  entra: [
    always('userPrincipalName', 'userName', { matching: true }),
    always('displayName', 'displayName'),
    always('jobTitle', 'title'),
    always('mail', WORK_EMAIL),
    always('mailNickname', 'externalId'),
    always('givenName', 'name.givenName'),
    always('surname', 'name.familyName'),
    always('department', `${ENTERPRISE}:department`),
    always('employeeId', `${ENTERPRISE}:employeeNumber`),
    always('manager', MANAGER_TARGET),
  ],
  okta: [
    always('login', 'userName', { matching: true }),
    always('firstName', 'name.givenName'),
    always('lastName', 'name.familyName'),
    always('email', WORK_EMAIL),
    always('displayName', 'displayName'),
    // Okta sends its own user id as externalId (OKTA-2.4).
    always('id', 'externalId'),
    always('title', 'title'),
    always('department', `${ENTERPRISE}:department`),
    always('locale', 'locale'),
    always('managerId', MANAGER_TARGET),
  ],
};
