// Okta's profile mapping (Profile Mappings API, `GET /api/v1/mappings/{mappingId}`,
// developer.okta.com/docs/api/openapi/okta-management/management/tag/ProfileMapping) read as the
// app's mappings. The fields read: `source.type` ("user": the Okta user), `target.type` ("appuser":
// the app's user profile), and `properties`, keyed by the app profile's variable name, each with an
// Okta Expression Language `expression` and a `pushStatus` (PUSH or DONT_PUSH: the enum is in the API
// reference, its meaning is not stated there; it is read as the mapping editor's "apply on user create
// and update" / "apply on user create only", as Okta's Terraform provider describes push_status,
// recalled and not re-checked in a document here: an unverified reading, said in docs/mock-idp.md).
//
// Okta's three update modes: PUSH is "overwrite on update" (always), DONT_PUSH "write on user create
// only", and a variable with no expression is "do not map".
//
// The app profile's variable names are Okta's, not SCIM's: the app's Profile Editor gives each its
// "external name" (the SCIM attribute). Vendors' setup pages publish Okta's SCIM 2.0 template:
// givenName → name.givenName, familyName → name.familyName, email → the primary email,
// secondEmail, primaryPhone → the primary phone, mobilePhone → the secondary phone (Sign In
// Solutions' Okta SCIM page); middleName, honorificPrefix, honorificSuffix (NINJIO's Okta SCIM
// default attributes, which also say userName is "Configured in Sign On settings", not mapped).
// A variable whose name is a SCIM core attribute of the same name (title, displayName, …) is that
// attribute. Any other variable needs its external name: from Okta's app user schema
// (`app.oktaAppUserSchema`, okta-app-schema.ts) or from the file (`app.oktaExternalNames`, variable →
// SCIM path, as the Profile Editor shows it), or it is refused: the mapping export does not say it.
// Given the app user schema, a variable it does not declare is refused (the two exports are of
// different apps), and its external names come before the template's.
import { ExportError, isObject, pointerKey, type Origin } from './export-files.ts';
import type { ImportedApp, ImportedMapping } from './entra-schema.ts';
import type { AppSchemaNames } from './okta-app-schema.ts';
import { WORK_EMAIL } from './vocabulary.ts';

/**
 * App profile variable → the SCIM path the mock IdP's Okta mappings use for it (vocabulary.ts's
 * Okta defaults: the primary email is the work email, the primary phone the work phone, the
 * secondary phone the mobile one, as Okta's SCIM app sends them).
 */
const VARIABLES: Record<string, string> = {
  userName: 'userName',
  givenName: 'name.givenName',
  familyName: 'name.familyName',
  middleName: 'name.middleName',
  honorificPrefix: 'name.honorificPrefix',
  honorificSuffix: 'name.honorificSuffix',
  email: WORK_EMAIL,
  primaryPhone: 'phoneNumbers[type eq "work"].value',
  mobilePhone: 'phoneNumbers[type eq "mobile"].value',
};

/** SCIM core User attributes that are single strings: a variable of that name is the attribute. */
const SAME_NAME = new Set(['displayName', 'nickName', 'profileUrl', 'title', 'userType', 'preferredLanguage', 'locale', 'timezone']);

export function importOktaProfileMapping(doc: unknown, at: Origin, externalNames: Record<string, string> = {}, schema?: AppSchemaNames): ImportedApp {
  const fail = (pointer: string, message: string): never => {
    throw new ExportError(at.file, `${at.pointer}${pointer}`, message);
  };
  if (!isObject(doc) || !isObject(doc.properties)) return fail('', 'not an Okta profile mapping: it has no "properties" object (export it with GET /api/v1/mappings/{mappingId})');
  const sourceType = isObject(doc.source) ? doc.source.type : undefined;
  const targetType = isObject(doc.target) ? doc.target.type : undefined;
  if (sourceType !== undefined && sourceType !== 'user') fail('/source/type', `the mapping's source is ${JSON.stringify(sourceType)}: the mock IdP pushes Okta users to the app, so it reads the mapping from the Okta user ("user") to the app user ("appuser")`);
  if (targetType !== undefined && targetType !== 'appuser') fail('/target/type', `the mapping's target is ${JSON.stringify(targetType)}: the mock IdP reads the mapping to the app user ("appuser"); the one to Okta ("user") is for imports`);

  const out: ImportedApp = { mappings: [], mappingOrigins: [], mappingsAt: { file: at.file, pointer: `${at.pointer}/properties` } };
  let userName = false;
  for (const [variable, property] of Object.entries(doc.properties)) {
    const pointer = `/properties/${pointerKey(variable)}`;
    if (!isObject(property)) fail(pointer, 'not an object');
    const { expression, pushStatus } = property as Record<string, unknown>;
    // No expression: "do not map".
    if (expression === undefined || expression === null || (typeof expression === 'string' && expression.trim() === '')) continue;
    if (typeof expression !== 'string') fail(`${pointer}/expression`, 'not a string');
    // Own keys only: a variable named "constructor" or "__proto__" is no entry of these tables.
    const explicit = Object.hasOwn(externalNames, variable);
    if (schema && !explicit && !schema.variables.has(variable)) {
      fail(pointer, `app profile variable "${variable}" is not in app.oktaAppUserSchema (${schema.at.file}: its definitions.base and definitions.custom properties): the profile mapping and the app user schema are not of the same app`);
    }
    const fromSchema = schema && Object.hasOwn(schema.names, variable) ? schema.names[variable] : undefined;
    const target = explicit ? externalNames[variable] : fromSchema !== undefined ? fromSchema : Object.hasOwn(VARIABLES, variable) ? VARIABLES[variable] : SAME_NAME.has(variable) ? variable : undefined;
    if (target === undefined) {
      const unreadable = schema && Object.hasOwn(schema.unreadable, variable) ? schema.unreadable[variable] : undefined;
      if (unreadable) fail(pointer, `app profile variable "${variable}": ${unreadable}: give its SCIM path in app.oktaExternalNames ({"${variable}": "<SCIM path>"})`);
      fail(pointer, `app profile variable "${variable}" is not one whose SCIM attribute the mock IdP knows (Okta's SCIM template: ${[...Object.keys(VARIABLES), ...SAME_NAME].join(', ')}): ${schema ? 'app.oktaAppUserSchema gives it no external name; give' : 'export the app user schema (GET /api/v1/meta/schemas/apps/{appId}/default) into app.oktaAppUserSchema, or give'} its external name from the app's Profile Editor in app.oktaExternalNames ({"${variable}": "<SCIM path>"})`);
    }
    let apply: string;
    if (pushStatus === 'PUSH') apply = 'always';
    else if (pushStatus === 'DONT_PUSH') apply = 'on create only';
    else apply = fail(`${pointer}/pushStatus`, `${pushStatus === undefined ? 'missing' : `unknown pushStatus ${JSON.stringify(pushStatus)}`}: PUSH (create and update) or DONT_PUSH (create only)`);
    const mapping: ImportedMapping = { target: target!, apply };
    const literal = /^\s*(?:'([^']*)'|"([^"]*)")\s*$/.exec(expression as string);
    const fields: Record<string, string> = { target: '', apply: '/pushStatus' };
    if (literal) {
      mapping.constant = literal[1] ?? literal[2] ?? '';
      fields.constant = '/expression';
    } else {
      // user.firstName is read by directory.ts; other Okta Expression Language is refused there, by this pointer.
      mapping.source = (expression as string).trim();
      fields.source = '/expression';
    }
    if (target === 'userName') {
      userName = true;
      mapping.matching = true;
    }
    out.mappings.push(mapping);
    out.mappingOrigins.push({ file: at.file, pointer: `${at.pointer}${pointer}`, fields });
  }
  if (!out.mappings.some((m) => m.target === 'externalId')) {
    // Okta's create carries its own user id as externalId whatever the profile maps (OKTA-2.4,
    // research/idp-sequences.md §2.4: "externalId = Okta user id"), as the IdP's Okta defaults do.
    out.mappings.push({ source: 'id', target: 'externalId', apply: 'always' });
    out.mappingOrigins.push({ file: at.file, pointer: `${at.pointer}/properties`, fields: {} });
  }
  if (!userName) {
    // Okta sets the app username from the app's Sign On settings ("Okta username" by default), not
    // from the profile mapping.
    out.mappings.unshift({ source: 'login', target: 'userName', matching: true, apply: 'always' });
    out.mappingOrigins.unshift({ file: at.file, pointer: `${at.pointer}/properties`, fields: {} });
  }
  return out;
}
