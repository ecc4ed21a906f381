// What each IdP's directory calls its user attributes, and each IdP's default attribute mappings
// (ENTRA-1.3 default map, from Entra's "default user attribute mapping" table for SCIM apps;
// OKTA-2.4, the base attributes of Okta's SCIM 2.0 app profile).
import type { Mapping, Source } from './types.ts';

export const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
export const MANAGER_TARGET = `${ENTERPRISE}:manager`;
export const WORK_EMAIL = 'emails[type eq "work"].value';

/** User attributes per source; `id` (objectId / Okta user id) is mappable too. */
export const SOURCE_ATTRIBUTES: Record<Source, readonly string[]> = {
  entra: [
    'id',
    'userPrincipalName',
    'mail',
    'mailNickname',
    'displayName',
    'givenName',
    'surname',
    'jobTitle',
    'department',
    'companyName',
    'employeeId',
    'employeeType',
    // Entra's source attribute list names these as written here, the two with a dot
    // (employeeOrgData.costCenter → the enterprise extension's costCenter, in Microsoft's mappings).
    'employeeOrgData.costCenter',
    'employeeOrgData.division',
    'userType',
    'preferredLanguage',
    'usageLocation',
    'manager',
    'telephoneNumber',
    'mobile',
    'facsimileTelephoneNumber',
    'streetAddress',
    'city',
    'state',
    'postalCode',
    'country',
    'physicalDeliveryOfficeName',
    'employeeHireDate',
    'employeeLeaveDateTime',
    'proxyAddresses',
    'otherMails',
    ...Array.from({ length: 15 }, (_, i) => `extensionAttribute${i + 1}`),
    'accountEnabled',
    'deleted',
  ],
  okta: [
    'id',
    'login',
    'email',
    'secondEmail',
    'firstName',
    'lastName',
    'middleName',
    'honorificPrefix',
    'honorificSuffix',
    'nickName',
    'displayName',
    'profileUrl',
    'title',
    'userType',
    'department',
    'division',
    'organization',
    'costCenter',
    'employeeNumber',
    'locale',
    'preferredLanguage',
    'timezone',
    'primaryPhone',
    'mobilePhone',
    'streetAddress',
    'city',
    'state',
    'zipCode',
    'countryCode',
    'postalAddress',
    'managerId',
    'manager',
    'status',
    // Okta Identity Governance: comma-separated entitlement and role ids (sent by okta-oig).
    'entitlements',
    'roles',
  ],
};

/** Multi-valued source attributes (Entra cannot scope on them). */
export const MULTI_VALUED_SOURCES = new Set(['proxyAddresses', 'otherMails']);

/** Entra directory extension attributes (`extension_<app id>_<name>`) need no declaration. */
export const ENTRA_EXTENSION = /^extension_[0-9a-fA-F]+_\w+$/;

/** Entra's name for the user's id, in its source attribute list and its expressions. */
export const ENTRA_OBJECT_ID = 'objectId';

/** Names Entra expressions may read besides the user's attributes. */
export const EXPRESSION_ATTRIBUTES: Record<string, string> = { objectId: 'id', IsSoftDeleted: '' };

/** The attribute that names a user in logs and must be unique. */
export const LOGIN_ATTRIBUTE: Record<Source, string> = { entra: 'userPrincipalName', okta: 'login' };
export const MANAGER_ATTRIBUTE: Record<Source, string> = { entra: 'manager', okta: 'managerId' };

/** Targets that are the IdP's own business, never a mapping's. */
export const RESERVED_TARGETS = new Set(['id', 'meta', 'schemas', 'active', 'groups', 'password', 'members']);

/**
 * Entra sends a password only when a mapping gives one (customers map RandomString(…) to it,
 * "only during object creation"); Okta's create always carries its own (OKTA-2.4).
 */
export const MAPPABLE_FOR_ENTRA = new Set(['password']);

const map = (source: string, target: string, extra: Partial<Mapping> = {}): Mapping => ({ source, target, apply: 'always', matching: false, ...extra });
const expression = (text: string, target: string): Mapping => ({ expression: text, target, apply: 'always', matching: false });

export const DEFAULT_MAPPINGS: Record<Source, Mapping[]> = {
  entra: [
    map('userPrincipalName', 'userName', { matching: true, matchingPrecedence: 1 }),
    map('displayName', 'displayName'),
    map('jobTitle', 'title'),
    map('mail', WORK_EMAIL),
    map('preferredLanguage', 'preferredLanguage'),
    map('givenName', 'name.givenName'),
    map('surname', 'name.familyName'),
    expression('Join(" ", [givenName], [surname])', 'name.formatted'),
    map('physicalDeliveryOfficeName', 'addresses[type eq "other"].formatted'),
    map('streetAddress', 'addresses[type eq "work"].streetAddress'),
    map('city', 'addresses[type eq "work"].locality'),
    map('state', 'addresses[type eq "work"].region'),
    map('postalCode', 'addresses[type eq "work"].postalCode'),
    map('country', 'addresses[type eq "work"].country'),
    map('telephoneNumber', 'phoneNumbers[type eq "work"].value'),
    map('mobile', 'phoneNumbers[type eq "mobile"].value'),
    map('facsimileTelephoneNumber', 'phoneNumbers[type eq "fax"].value'),
    map('mailNickname', 'externalId'),
    map('employeeId', `${ENTERPRISE}:employeeNumber`),
    map('department', `${ENTERPRISE}:department`),
    map('manager', MANAGER_TARGET),
  ],
  okta: [
    map('login', 'userName', { matching: true, matchingPrecedence: 1 }),
    map('firstName', 'name.givenName'),
    map('lastName', 'name.familyName'),
    map('middleName', 'name.middleName'),
    map('honorificPrefix', 'name.honorificPrefix'),
    map('honorificSuffix', 'name.honorificSuffix'),
    map('email', WORK_EMAIL),
    map('displayName', 'displayName'),
    map('nickName', 'nickName'),
    map('profileUrl', 'profileUrl'),
    map('title', 'title'),
    map('userType', 'userType'),
    map('preferredLanguage', 'preferredLanguage'),
    map('locale', 'locale'),
    map('timezone', 'timezone'),
    map('primaryPhone', 'phoneNumbers[type eq "work"].value'),
    map('mobilePhone', 'phoneNumbers[type eq "mobile"].value'),
    map('streetAddress', 'addresses[type eq "work"].streetAddress'),
    map('city', 'addresses[type eq "work"].locality'),
    map('state', 'addresses[type eq "work"].region'),
    map('zipCode', 'addresses[type eq "work"].postalCode'),
    map('countryCode', 'addresses[type eq "work"].country'),
    map('postalAddress', 'addresses[type eq "work"].formatted'),
    // Okta sends its own user id as externalId (OKTA-2.4).
    map('id', 'externalId'),
    map('employeeNumber', `${ENTERPRISE}:employeeNumber`),
    map('costCenter', `${ENTERPRISE}:costCenter`),
    map('organization', `${ENTERPRISE}:organization`),
    map('division', `${ENTERPRISE}:division`),
    map('department', `${ENTERPRISE}:department`),
    // Okta's app profile carries the manager as the raw mapped value (managerValue → manager.value).
    map('managerId', `${MANAGER_TARGET}.value`),
  ],
};
