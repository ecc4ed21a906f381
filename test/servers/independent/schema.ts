// The independent server's resource model, written from RFC 7643 §4 and §8.7 (not from
// src/server or src/spec): attribute definitions for User, the enterprise extension and Group,
// shaped by the server's options. What /Schemas advertises is exactly what the server enforces.

export type AttrType = 'string' | 'boolean' | 'complex' | 'reference' | 'dateTime' | 'binary' | 'integer' | 'decimal';

export interface Attr {
  name: string;
  type: AttrType;
  multiValued: boolean;
  required: boolean;
  caseExact: boolean;
  mutability: 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
  returned: 'always' | 'never' | 'default' | 'request';
  uniqueness: 'none' | 'server' | 'global';
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: Attr[];
}

export interface SchemaDef {
  id: string;
  name: string;
  description: string;
  attributes: Attr[];
  /** An extension every resource must carry (its ResourceType lists it required). */
  required?: boolean;
}

export const URNS = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterprise: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  list: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  patch: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  search: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  spc: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

type Opts = Partial<Omit<Attr, 'name' | 'type'>>;

function attr(name: string, type: AttrType, opts: Opts = {}): Attr {
  return { name, type, multiValued: false, required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none', ...opts };
}

const str = (name: string, opts: Opts = {}) => attr(name, 'string', opts);

/** A multi-valued attribute with the usual value/display/type/primary sub-attributes (RFC 7643 §2.4). */
function plural(name: string, types: string[], valueType: AttrType = 'string'): Attr {
  return attr(name, 'complex', {
    multiValued: true,
    subAttributes: [attr('value', valueType), str('display'), str('type', types.length ? { canonicalValues: types } : {}), attr('primary', 'boolean')],
  });
}

export interface ModelOptions {
  /** Core User attributes this server leaves out of its schema (and so does not store). */
  omitUserAttributes: string[];
  /** Publish and store the enterprise User extension. */
  enterprise: boolean;
  /** Mark `value` required inside emails, phoneNumbers, ims, photos, roles, entitlements, x509Certificates (the attributes stay optional). */
  valueRequired: boolean;
  /** Attribute paths marked required on top of userName (`name.givenName` marks `name` required too). */
  require: string[];
  /** Group members declared `returned: "request"`: left out unless `attributes` names them. */
  membersOnRequest?: boolean;
  /** Core User attributes declared `returned: "always"`: shown whatever `attributes`/`excludedAttributes` ask (RFC 7643 §2.2, RFC 7644 §3.9). */
  alwaysReturned?: string[];
  /** Sub-attributes of core User attributes left out of the schema (`emails.primary`): not declared, not stored. */
  omitSubAttributes?: string[];
  /** User.groups declared `returned: "request"`. */
  userGroupsOnRequest?: boolean;
  /** Attribute paths (`displayName`, `emails.value`) declared `caseExact: true`, and so compared exactly in filters (RFC 7644 §3.4.2.2). */
  caseExact?: { user?: string[]; group?: string[] };
  /** Top-level User attributes declared `mutability: "immutable"`. */
  immutable?: string[];
  /** Top-level User attributes declared `mutability: "readOnly"`. */
  readOnly?: string[];
  /** Top-level Group attributes declared `mutability: "readOnly"` (displayName no longer required of the client). */
  groupReadOnly?: string[];
  /** A required User extension of the vendor's own, `CUSTOM_EXTENSION` (costCenter required). */
  requiredCustomExtension?: boolean;
}

/** The URN of the vendor's own User extension (`requiredCustomExtension`). */
export const CUSTOM_EXTENSION = 'urn:ietf:params:scim:schemas:extension:acme:2.0:User';

function userAttributes(o: ModelOptions): Attr[] {
  const all: Attr[] = [
    str('userName', { required: true, uniqueness: 'server' }),
    attr('name', 'complex', {
      subAttributes: ['formatted', 'familyName', 'givenName', 'middleName', 'honorificPrefix', 'honorificSuffix'].map((n) => str(n)),
    }),
    str('displayName'),
    str('nickName'),
    attr('profileUrl', 'reference', { referenceTypes: ['external'] }),
    str('title'),
    str('userType'),
    str('preferredLanguage'),
    str('locale'),
    str('timezone'),
    attr('active', 'boolean'),
    str('password', { mutability: 'writeOnly', returned: 'never' }),
    plural('emails', ['work', 'home', 'other']),
    plural('phoneNumbers', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    plural('ims', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    plural('photos', ['photo', 'thumbnail'], 'reference'),
    attr('addresses', 'complex', {
      multiValued: true,
      subAttributes: ['formatted', 'streetAddress', 'locality', 'region', 'postalCode', 'country'].map((n) => str(n)).concat([str('type', { canonicalValues: ['work', 'home', 'other'] }), attr('primary', 'boolean')]),
    }),
    attr('groups', 'complex', {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [str('value', { mutability: 'readOnly' }), attr('$ref', 'reference', { mutability: 'readOnly', referenceTypes: ['Group'] }), str('display', { mutability: 'readOnly' }), str('type', { mutability: 'readOnly', canonicalValues: ['direct', 'indirect'] })],
    }),
    plural('entitlements', []),
    plural('roles', []),
    plural('x509Certificates', [], 'binary'),
  ];
  const omitted = new Set(o.omitUserAttributes.map((n) => n.toLowerCase()));
  const kept = all.filter((a) => !omitted.has(a.name.toLowerCase()));
  if (o.valueRequired) {
    for (const a of kept) {
      if (['emails', 'phonenumbers', 'ims', 'photos', 'roles', 'entitlements', 'x509certificates'].includes(a.name.toLowerCase())) {
        a.subAttributes = a.subAttributes!.map((s) => (s.name === 'value' ? { ...s, required: true } : s));
      }
    }
  }
  for (const path of o.require) if (!path.toLowerCase().startsWith('urn:')) markRequired(kept, path);
  return kept;
}

function markRequired(attrs: Attr[], path: string): void {
  const [head, sub] = path.split('.');
  const top = attrs.find((a) => a.name.toLowerCase() === head!.toLowerCase());
  if (!top) throw new Error(`cannot require ${path}: the schema has no ${head}`);
  top.required = true;
  if (sub) {
    const child = top.subAttributes?.find((s) => s.name.toLowerCase() === sub.toLowerCase());
    if (!child) throw new Error(`cannot require ${path}: ${head} has no ${sub}`);
    child.required = true;
  }
}

const ENTERPRISE: Attr[] = [
  str('employeeNumber'),
  str('costCenter'),
  str('organization'),
  str('division'),
  str('department'),
  attr('manager', 'complex', {
    subAttributes: [str('value'), attr('$ref', 'reference', { referenceTypes: ['User'] }), str('displayName', { mutability: 'readOnly' })],
  }),
];

const GROUP: Attr[] = [
  str('displayName', { required: true }),
  attr('members', 'complex', {
    multiValued: true,
    subAttributes: [str('value', { mutability: 'immutable' }), attr('$ref', 'reference', { mutability: 'immutable', referenceTypes: ['User', 'Group'] }), str('display'), str('type', { mutability: 'immutable', canonicalValues: ['User', 'Group'] })],
  }),
];

/** Attributes every resource has (RFC 7643 §3.1); not listed in /Schemas but filterable and sortable. */
export const COMMON: Attr[] = [
  str('id', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  str('externalId', { caseExact: true }),
  attr('meta', 'complex', {
    mutability: 'readOnly',
    subAttributes: [str('resourceType', { mutability: 'readOnly' }), attr('created', 'dateTime', { mutability: 'readOnly' }), attr('lastModified', 'dateTime', { mutability: 'readOnly' }), attr('location', 'reference', { mutability: 'readOnly' }), str('version', { mutability: 'readOnly', caseExact: true })],
  }),
];

export interface ResourceModel {
  kind: 'User' | 'Group';
  endpoint: '/Users' | '/Groups';
  core: SchemaDef;
  extensions: SchemaDef[];
}

export function buildModels(o: ModelOptions): { user: ResourceModel; group: ResourceModel } {
  const user: ResourceModel = {
    kind: 'User',
    endpoint: '/Users',
    core: { id: URNS.user, name: 'User', description: 'User Account', attributes: userAttributes(o) },
    extensions: [
      ...(o.enterprise ? [{ id: URNS.enterprise, name: 'EnterpriseUser', description: 'Enterprise User', attributes: structuredClone(ENTERPRISE) }] : []),
      ...(o.requiredCustomExtension ? [{ id: CUSTOM_EXTENSION, name: 'AcmeUser', description: 'Acme user extension', required: true, attributes: [str('costCenter', { required: true }), str('badgeId', { caseExact: true })] }] : []),
    ],
  };
  // `urn:…:enterprise:2.0:User:employeeNumber`: an extension attribute the server requires, which
  // makes the extension itself required (ResourceType schemaExtensions required true, RFC 7643 §6).
  for (const path of o.require.filter((p) => p.toLowerCase().startsWith(`${URNS.enterprise.toLowerCase()}:`))) {
    const ext = user.extensions.find((e) => e.id === URNS.enterprise);
    if (!ext) throw new Error(`cannot require ${path}: the enterprise extension is not published`);
    markRequired(ext.attributes, path.slice(URNS.enterprise.length + 1));
    ext.required = true;
  }
  for (const path of o.omitSubAttributes ?? []) {
    const [parent, sub] = path.split('.') as [string, string];
    const attr = findAttr(user.core.attributes, parent);
    if (attr?.subAttributes) attr.subAttributes = attr.subAttributes.filter((a) => a.name.toLowerCase() !== sub.toLowerCase());
  }
  for (const name of o.alwaysReturned ?? []) {
    const attr = findAttr(user.core.attributes, name);
    if (attr) attr.returned = 'always';
  }
  if (o.userGroupsOnRequest) {
    const groups = findAttr(user.core.attributes, 'groups');
    if (groups) groups.returned = 'request';
  }
  const groupAttributes = structuredClone(GROUP);
  if (o.membersOnRequest) groupAttributes.find((a) => a.name === 'members')!.returned = 'request';
  for (const name of o.immutable ?? []) {
    const attr = findAttr(user.core.attributes, name);
    if (!attr) throw new Error(`immutable: no User attribute ${name}`);
    attr.mutability = 'immutable';
  }
  for (const name of o.readOnly ?? []) {
    const attr = findAttr(user.core.attributes, name);
    if (!attr) throw new Error(`readOnly: no User attribute ${name}`);
    attr.mutability = 'readOnly';
  }
  for (const name of o.groupReadOnly ?? []) {
    const attr = findAttr(groupAttributes, name);
    if (!attr) throw new Error(`groupReadOnly: no Group attribute ${name}`);
    attr.mutability = 'readOnly';
    // What the client cannot write, it cannot be required to send (RFC 7643 §2.2).
    attr.required = false;
  }
  for (const [attributes, paths] of [[user.core.attributes, o.caseExact?.user ?? []], [groupAttributes, o.caseExact?.group ?? []]] as const) {
    for (const path of paths) {
      const [head, sub] = path.split('.') as [string, string | undefined];
      const top = findAttr(attributes, head);
      const target = sub === undefined ? top : findAttr(top?.subAttributes, sub);
      if (!target) throw new Error(`caseExact: no attribute ${path}`);
      target.caseExact = true;
    }
  }
  const group: ResourceModel = { kind: 'Group', endpoint: '/Groups', core: { id: URNS.group, name: 'Group', description: 'Group', attributes: groupAttributes }, extensions: [] };
  return { user, group };
}

/** Finds an attribute definition by name, case-insensitively (RFC 7643 §2.1). */
export function findAttr(list: readonly Attr[] | undefined, name: string): Attr | undefined {
  const lower = name.toLowerCase();
  return list?.find((a) => a.name.toLowerCase() === lower);
}

/** The schema document /Schemas serves (RFC 7643 §7), with meta. */
export function schemaDocument(def: SchemaDef, baseUrl: string, terse = false): Record<string, unknown> {
  return { schemas: [URNS.schema], id: def.id, name: def.name, description: def.description, attributes: def.attributes.map((a) => (terse ? tersely(a) : describe(a))), meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${def.id}` } };
}

/** RFC 7643 §2.2's defaults: characteristics a schema may leave unsaid. */
const DEFAULTS: Record<string, unknown> = { required: false, caseExact: false, mutability: 'readWrite', returned: 'default', uniqueness: 'none' };

/** An attribute described with only what differs from RFC 7643 §2.2's defaults (and no description). */
function tersely(a: Attr): Record<string, unknown> {
  const { description: _d, subAttributes: _s, ...full } = describe(a);
  const kept = Object.fromEntries(Object.entries(full).filter(([k, v]) => DEFAULTS[k] !== v));
  return { ...kept, ...(a.subAttributes ? { subAttributes: a.subAttributes.map(tersely) } : {}) };
}

function describe(a: Attr): Record<string, unknown> {
  return {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.name,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
    ...(a.canonicalValues ? { canonicalValues: a.canonicalValues } : {}),
    ...(a.referenceTypes ? { referenceTypes: a.referenceTypes } : {}),
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map(describe) } : {}),
  };
}
