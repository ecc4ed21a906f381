// A directory file may hold (or name) what the services export instead of scimproof's own form:
// `app.synchronizationSchema` (Entra), `app.oktaProfileMapping` (Okta), and `users` as Microsoft
// Graph's or Okta's user list. They are turned into the file's own form before it is validated, and
// a problem the loader finds in what they became is said at the export's own place.
import { importEntraSchema, type ImportedApp, type MappingOrigin } from './entra-schema.ts';
import { ExportError, isObject, loadExport, type Origin } from './export-files.ts';
import { exportKind, graphPage, importGraphUsers, importOktaUsers, isFileList, type ExportPage, type ImportedUsers, type UserOrigin } from './exported-users.ts';
import { readOktaAppUserSchema, type AppSchemaNames } from './okta-app-schema.ts';
import { importOktaProfileMapping } from './okta-profile-mapping.ts';

export interface Imported {
  /** One line each, for the console (users left out, properties not read). */
  warnings: string[];
  /** The export files read (absolute paths), which a watcher follows with the directory file. */
  files: string[];
  /** The problem at the export's own place, when it is about something an export became. */
  relocate(file: string, pointer: string, detail: string): { file: string; pointer: string; detail: string };
}

const NOTHING: Imported = { warnings: [], files: [], relocate: (file, pointer, detail) => ({ file, pointer, detail }) };

/** Keys an app export sets; written next to it, they would say two things at once. */
const SET_BY: Record<'synchronizationSchema' | 'oktaProfileMapping', string[]> = {
  synchronizationSchema: ['mappings', 'scopingFilters', 'provisionGroups', 'actions'],
  oktaProfileMapping: ['mappings'],
};

/** Replaces the exports in `data` (the parsed directory file) with the directory's own form. */
export function importExports(data: unknown, file: string, path: string): Imported {
  if (!isObject(data)) return NOTHING;
  const fail = (pointer: string, message: string): never => {
    throw new ExportError(file, pointer, message);
  };
  const app = isObject(data.app) ? data.app : undefined;
  const has = (key: string): boolean => app !== undefined && app[key] !== undefined;
  const usersKind = exportKind(data.users, data.source);
  if (!has('synchronizationSchema') && !has('oktaProfileMapping') && !has('oktaExternalNames') && !has('oktaAppUserSchema') && usersKind !== 'graph' && usersKind !== 'graph-list' && usersKind !== 'okta' && typeof data.users !== 'string' && !isFileList(data.users)) return NOTHING;

  if (has('oktaExternalNames') && !has('oktaProfileMapping')) fail('/app/oktaExternalNames', 'names the SCIM attributes of app.oktaProfileMapping\'s variables: give app.oktaProfileMapping too');
  if (has('oktaAppUserSchema') && !has('oktaProfileMapping')) fail('/app/oktaAppUserSchema', 'gives the SCIM attributes of app.oktaProfileMapping\'s variables: give app.oktaProfileMapping too');
  let imported: ImportedApp | undefined;
  const files: string[] = [];
  let appSchema: AppSchemaNames | undefined;
  if (has('oktaAppUserSchema')) {
    if (data.source !== 'okta') fail('/app/oktaAppUserSchema', `an Okta app user schema is an Okta app's; this directory's source is ${JSON.stringify(data.source)}`);
    const loaded = loadExport(app!.oktaAppUserSchema, { file, pointer: '/app/oktaAppUserSchema' }, path);
    if (loaded.path) files.push(loaded.path);
    appSchema = readOktaAppUserSchema(loaded.value, { file: loaded.file, pointer: loaded.pointer });
    delete app!.oktaAppUserSchema;
  }
  for (const key of ['synchronizationSchema', 'oktaProfileMapping'] as const) {
    if (!has(key)) continue;
    const want = key === 'synchronizationSchema' ? 'entra' : 'okta';
    if (data.source !== want) fail(`/app/${key}`, `${key === 'synchronizationSchema' ? "an Entra synchronization schema maps an Entra directory" : "an Okta profile mapping maps an Okta directory"}; this directory's source is ${JSON.stringify(data.source)}`);
    if (imported) fail(`/app/${key}`, 'one mapping export at a time: synchronizationSchema (Entra) or oktaProfileMapping (Okta)');
    for (const other of SET_BY[key]) if (has(other)) fail(`/app/${other}`, `app.${key} holds this already: remove app.${other}, or the export`);
    const at: Origin = { file, pointer: `/app/${key}` };
    const loaded = loadExport(app![key], at, path);
    if (loaded.path) files.push(loaded.path);
    const where = { file: loaded.file, pointer: loaded.pointer };
    imported = key === 'synchronizationSchema' ? importEntraSchema(loaded.value, where) : importOktaProfileMapping(loaded.value, where, externalNames(app!, fail), appSchema);
    delete app![key];
    app!.mappings = imported.mappings;
    if (imported.scopingFilters) app!.scopingFilters = imported.scopingFilters;
    if (imported.provisionGroups !== undefined) app!.provisionGroups = imported.provisionGroups;
    if (imported.actions) app!.actions = imported.actions;
  }

  let users: ImportedUsers | undefined;
  let usersFile: Origin | undefined;
  if (data.users !== undefined) {
    // One value (inline or a file name), or a list of file names: the pages of one export, in order.
    const names = isFileList(data.users) ? data.users : undefined;
    const loads = names ? names.map((name, i) => loadExport(name, { file, pointer: `/users/${i}` }, path)) : [loadExport(data.users, { file, pointer: '/users' }, path)];
    for (const loaded of loads) if (loaded.path) files.push(loaded.path);
    usersFile = names ? { file, pointer: '/users' } : { file: loads[0]!.file, pointer: loads[0]!.pointer };
    const kinds = loads.map((loaded) => exportKind(loaded.value, data.source));
    loads.forEach((loaded, i) => {
      if (kinds[i] === undefined) {
        throw new ExportError(loaded.file, loaded.pointer, 'not a list of users: give the directory\'s own users (a list), Microsoft Graph\'s GET /users response ({"value": […]}, or its "value" list alone) or Okta\'s GET /api/v1/users response (a list of users with "profile"); an export saved in pages is a list of its file names');
      }
    });
    const family = (k: string | undefined): string | undefined => (k === 'graph-list' ? 'graph' : k);
    const kind = family(kinds[0]);
    if (names) {
      // Every page is of one export; an empty page (a bare []) is no export of its own.
      const mixed = loads.findIndex((loaded, i) => family(kinds[i]) !== kind && !(Array.isArray(loaded.value) && loaded.value.length === 0));
      if (mixed > 0) fail(`/users/${mixed}`, `this page is ${describeKind(kinds[mixed])} but ${JSON.stringify(names[0])} is ${describeKind(kinds[0])}: the files listed in "users" are the pages of one export`);
      if (kind === 'directory') fail('/users', 'a list of files is read as the pages of Microsoft Graph\'s or Okta\'s user export; the directory\'s own users go in one list (or one file)');
    }
    const pages = (): ExportPage[] => loads.map((loaded) => (kind === 'graph' ? graphPage(loaded.value, { file: loaded.file, pointer: loaded.pointer }) : { list: loaded.value as unknown[], at: { file: loaded.file, pointer: loaded.pointer } }));
    if (kind === 'graph') {
      if (data.source !== 'entra') fail('/users', `Microsoft Graph's users are Entra's; this directory's source is ${JSON.stringify(data.source)}`);
      users = importGraphUsers(pages());
    } else if (kind === 'okta') {
      if (data.source !== 'okta') fail('/users', `Okta's users (with "profile") are Okta's; this directory's source is ${JSON.stringify(data.source)}`);
      users = importOktaUsers(pages());
    }
    if (users) {
      data.users = users.users;
      if (users.declared.length > 0) {
        const declared = Array.isArray(data.attributes) ? (data.attributes as unknown[]) : [];
        data.attributes = [...declared, ...users.declared.filter((name) => !declared.includes(name))];
      }
    } else {
      data.users = loads[0]!.value;
    }
  }

  return {
    warnings: users?.warnings ?? [],
    files,
    relocate: (f, pointer, detail) => {
      const moved = relocatePointer(pointer, imported, users, usersFile);
      // "already mapped by /app/mappings/3" and "(also /users/2)" name the export's place too.
      let text = imported ? detail.replace(/\/app\/mappings\/(\d+)/g, (whole, i: string) => imported.mappingOrigins[Number(i)]?.pointer ?? whole) : detail;
      if (users) text = text.replace(/\/users\/(\d+)\b/g, (whole, i: string) => users.origins[Number(i)]?.pointer ?? whole);
      return moved ? { file: moved.file, pointer: moved.pointer, detail: text } : { file: f, pointer, detail: text };
    },
  };
}

function describeKind(kind: string | undefined): string {
  if (kind === 'graph' || kind === 'graph-list') return "Microsoft Graph's";
  if (kind === 'okta') return "Okta's";
  return "the directory's own form";
}

/** app.oktaExternalNames: the Profile Editor's external name (a SCIM path) of app profile variables the export names. */
function externalNames(app: Record<string, unknown>, fail: (pointer: string, message: string) => never): Record<string, string> {
  const names = app.oktaExternalNames;
  delete app.oktaExternalNames;
  if (names === undefined) return {};
  if (!isObject(names)) return fail('/app/oktaExternalNames', 'not an object of app profile variable → SCIM path');
  for (const [variable, path] of Object.entries(names)) if (typeof path !== 'string' || path === '') fail(`/app/oktaExternalNames/${variable}`, 'not a SCIM path');
  return names as Record<string, string>;
}

function field(origin: MappingOrigin, rest: string): string {
  const m = /^\/(\w+)(.*)$/.exec(rest);
  if (!m) return origin.pointer;
  const mapped = Object.hasOwn(origin.fields, m[1]!) ? origin.fields[m[1]!] : undefined;
  return mapped === undefined ? `${origin.pointer}${rest}` : `${origin.pointer}${mapped}`;
}

const CLAUSE_FIELDS: Record<string, string> = { attribute: '/sourceOperandName', operator: '/operatorName', value: '/targetOperand/values/0' };

function relocatePointer(pointer: string, app: ImportedApp | undefined, users: ImportedUsers | undefined, usersFile: Origin | undefined): Origin | undefined {
  if (app) {
    const mapping = /^\/app\/mappings\/(\d+)(.*)$/.exec(pointer);
    if (mapping) {
      const origin = app.mappingOrigins[Number(mapping[1])];
      if (origin) return { file: origin.file, pointer: field(origin, mapping[2]!) };
    }
    if (pointer === '/app/mappings') return app.mappingsAt;
    const clause = /^\/app\/scopingFilters\/(\d+)\/clauses\/(\d+)(?:\/(\w+))?/.exec(pointer);
    if (clause && app.clauseOrigins) {
      const origin = app.clauseOrigins[Number(clause[1])]?.[Number(clause[2])];
      if (origin) return { file: origin.file, pointer: `${origin.pointer}${clause[3] ? (CLAUSE_FIELDS[clause[3]] ?? `/${clause[3]}`) : ''}` };
    }
  }
  if (users) {
    const user = /^\/users\/(\d+)(?:\/(.+))?$/.exec(pointer);
    if (user) {
      const origin: UserOrigin | undefined = users.origins[Number(user[1])];
      const key = user[2]?.replace(/~1/g, '/').replace(/~0/g, '~');
      if (origin) return { file: origin.file, pointer: `${origin.pointer}${key === undefined ? '' : Object.hasOwn(origin.keys, key) ? origin.keys[key] : `/${user[2]}`}` };
    }
    if (pointer === '/users' && usersFile) return usersFile;
  }
  return undefined;
}
