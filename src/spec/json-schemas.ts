// JSON Schemas of the SCIM resources and messages as they travel on the wire (RFC 7643 §4, §5,
// §6, §7 and RFC 7644 §3.4.2, §3.12). They judge responses, so they are exactly as strict as
// the RFCs: types (booleans are booleans, dateTimes are xsd:dateTime, RFC 7643 §2.3.5), required attributes, and the
// shapes of multi-valued attributes. Unknown attributes are allowed: extensions are legal.

export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
} as const;

type JsonSchema = Record<string, unknown>;

const str = { type: 'string' };
const bool = { type: 'boolean' };
// RFC 7643 §2.3.5 (src/spec/date-time.ts): a time zone is optional, unlike format 'date-time' (RFC 3339).
const dateTime = { type: 'string', format: 'xsd-date-time' };
const schemasContaining = (urn: string): JsonSchema => ({ type: 'array', items: str, minItems: 1, contains: { const: urn } });

const multiValued = (extra: JsonSchema = {}): JsonSchema => ({
  type: 'array',
  items: {
    type: 'object',
    properties: { value: {}, display: str, type: str, primary: bool, $ref: { type: ['string', 'null'] }, ...extra },
  },
});

const meta: JsonSchema = {
  type: 'object',
  properties: { resourceType: str, created: dateTime, lastModified: dateTime, location: { type: 'string', format: 'uri-reference' }, version: str },
};

const resourceBase = { id: { type: 'string', minLength: 1, not: { const: 'bulkId' } }, externalId: str, meta };

const enterpriseUser: JsonSchema = {
  type: 'object',
  properties: {
    employeeNumber: str,
    costCenter: str,
    organization: str,
    division: str,
    department: str,
    manager: { type: 'object', properties: { value: str, $ref: str, displayName: str } },
  },
};

const user: JsonSchema = {
  $id: 'User',
  type: 'object',
  required: ['schemas', 'id', 'userName'],
  properties: {
    schemas: schemasContaining(URN.user),
    ...resourceBase,
    userName: { type: 'string', minLength: 1 },
    name: {
      type: 'object',
      properties: { formatted: str, familyName: str, givenName: str, middleName: str, honorificPrefix: str, honorificSuffix: str },
    },
    displayName: str,
    nickName: str,
    profileUrl: str,
    title: str,
    userType: str,
    preferredLanguage: str,
    locale: str,
    timezone: str,
    active: bool,
    emails: multiValued({ value: str }),
    phoneNumbers: multiValued({ value: str }),
    ims: multiValued({ value: str }),
    photos: multiValued({ value: str }),
    addresses: {
      type: 'array',
      items: {
        type: 'object',
        properties: { formatted: str, streetAddress: str, locality: str, region: str, postalCode: str, country: str, type: str, primary: bool },
      },
    },
    groups: multiValued({ value: str }),
    entitlements: multiValued(),
    roles: multiValued(),
    x509Certificates: multiValued(),
    [URN.enterpriseUser]: enterpriseUser,
  },
};

const group: JsonSchema = {
  $id: 'Group',
  type: 'object',
  required: ['schemas', 'id', 'displayName'],
  properties: {
    schemas: schemasContaining(URN.group),
    ...resourceBase,
    displayName: { type: 'string', minLength: 1 },
    members: { type: ['array', 'null'], items: { type: 'object', required: ['value'], properties: { value: str, display: str, type: str, $ref: { type: ['string', 'null'] } } } },
  },
};

const listResponse: JsonSchema = {
  $id: 'ListResponse',
  type: 'object',
  required: ['schemas', 'totalResults'],
  properties: {
    schemas: schemasContaining(URN.listResponse),
    totalResults: { type: 'integer', minimum: 0 },
    itemsPerPage: { type: 'integer', minimum: 0 },
    startIndex: { type: 'integer', minimum: 1 },
    // RFC 7643 §2.5: null is an unassigned Resources (a Go nil slice); the list checks judge when it may be absent.
    Resources: { type: ['array', 'null'], items: { type: 'object' } },
  },
};

const error: JsonSchema = {
  $id: 'Error',
  type: 'object',
  required: ['schemas', 'status'],
  properties: {
    schemas: schemasContaining(URN.error),
    status: { type: 'string', pattern: '^[1-5][0-9][0-9]$' },
    scimType: str,
    detail: str,
  },
};

const supported = { type: 'object', required: ['supported'], properties: { supported: bool } };

const serviceProviderConfig: JsonSchema = {
  $id: 'ServiceProviderConfig',
  type: 'object',
  required: ['schemas', 'patch', 'bulk', 'filter', 'changePassword', 'sort', 'etag', 'authenticationSchemes'],
  properties: {
    schemas: schemasContaining(URN.serviceProviderConfig),
    documentationUri: str,
    patch: supported,
    bulk: { type: 'object', required: ['supported'], properties: { supported: bool, maxOperations: { type: 'integer' }, maxPayloadSize: { type: 'integer' } } },
    filter: { type: 'object', required: ['supported'], properties: { supported: bool, maxResults: { type: 'integer' } } },
    changePassword: supported,
    sort: supported,
    etag: supported,
    // REQUIRED (RFC 7643 §5), and an empty array is the attribute unassigned (§2.5): `[]` is as
    // missing as no attribute at all.
    authenticationSchemes: {
      type: 'array',
      minItems: 1,
      items: { type: 'object', required: ['type', 'name', 'description'], properties: { type: str, name: str, description: str, specUri: str, documentationUri: str, primary: bool } },
    },
  },
};

const attributeDefinition: JsonSchema = {
  type: 'object',
  required: ['name', 'type'],
  properties: {
    name: str,
    type: { enum: ['string', 'boolean', 'decimal', 'integer', 'dateTime', 'reference', 'complex', 'binary'] },
    multiValued: bool,
    description: str,
    required: bool,
    caseExact: bool,
    mutability: { enum: ['readOnly', 'readWrite', 'immutable', 'writeOnly'] },
    returned: { enum: ['always', 'never', 'default', 'request'] },
    uniqueness: { enum: ['none', 'server', 'global'] },
    canonicalValues: { type: 'array' },
    referenceTypes: { type: 'array', items: str },
    subAttributes: { type: 'array', items: { $ref: '#/$defs/attribute' } },
  },
};

const schemaResource: JsonSchema = {
  $id: 'Schema',
  type: 'object',
  required: ['id', 'attributes'],
  properties: { id: { type: 'string', pattern: '^urn:' }, name: str, description: str, attributes: { type: 'array', items: { $ref: '#/$defs/attribute' } } },
  $defs: { attribute: attributeDefinition },
};

const resourceType: JsonSchema = {
  $id: 'ResourceType',
  type: 'object',
  required: ['name', 'endpoint', 'schema'],
  properties: {
    schemas: schemasContaining(URN.resourceType),
    id: str,
    name: str,
    description: str,
    endpoint: str,
    schema: str,
    schemaExtensions: { type: 'array', items: { type: 'object', required: ['schema', 'required'], properties: { schema: str, required: bool } } },
  },
};

export const JSON_SCHEMAS = { User: user, Group: group, ListResponse: listResponse, Error: error, ServiceProviderConfig: serviceProviderConfig, Schema: schemaResource, ResourceType: resourceType } as const;

export type SchemaName = keyof typeof JSON_SCHEMAS;

export const SCHEMA_NAMES = Object.keys(JSON_SCHEMAS) as SchemaName[];
