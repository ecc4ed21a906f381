// RFC 7643 §8.7.1 schema definitions for the resources scimproof serves (User, EnterpriseUser, Group),
// in the exact shape `/Schemas` returns them. The server, the filter evaluator and the fuzzer's model
// all read attribute characteristics (type, caseExact, mutability, returned) from here.

export const URN = {
  user: 'urn:ietf:params:scim:schemas:core:2.0:User',
  enterpriseUser: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
  group: 'urn:ietf:params:scim:schemas:core:2.0:Group',
  listResponse: 'urn:ietf:params:scim:api:messages:2.0:ListResponse',
  searchRequest: 'urn:ietf:params:scim:api:messages:2.0:SearchRequest',
  patchOp: 'urn:ietf:params:scim:api:messages:2.0:PatchOp',
  error: 'urn:ietf:params:scim:api:messages:2.0:Error',
  bulkRequest: 'urn:ietf:params:scim:api:messages:2.0:BulkRequest',
  serviceProviderConfig: 'urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig',
  resourceType: 'urn:ietf:params:scim:schemas:core:2.0:ResourceType',
  schema: 'urn:ietf:params:scim:schemas:core:2.0:Schema',
} as const;

export type AttributeType = 'string' | 'boolean' | 'decimal' | 'integer' | 'dateTime' | 'binary' | 'reference' | 'complex';
export type Mutability = 'readOnly' | 'readWrite' | 'immutable' | 'writeOnly';
export type Returned = 'always' | 'never' | 'default' | 'request';
export type Uniqueness = 'none' | 'server' | 'global';

export interface AttributeDefinition {
  name: string;
  type: AttributeType;
  multiValued: boolean;
  description: string;
  required: boolean;
  caseExact: boolean;
  mutability: Mutability;
  returned: Returned;
  uniqueness: Uniqueness;
  canonicalValues?: string[];
  referenceTypes?: string[];
  subAttributes?: AttributeDefinition[];
  /**
   * Rules of the product the fuzzer learned from the target's answers (src/fuzz/product-rules.ts),
   * never from /Schemas: it keeps one value of this multi-valued attribute (RFC 7644 §3.3 lets a
   * service provider ignore what it does not store), or it takes only email addresses as userNames.
   */
  learned?: { oneValue?: true; email?: true };
}

export interface SchemaDefinition {
  id: string;
  name: string;
  description: string;
  attributes: AttributeDefinition[];
}

type Extra = Partial<Omit<AttributeDefinition, 'name' | 'type' | 'description'>>;

function attr(name: string, type: AttributeType, description: string, extra: Extra = {}): AttributeDefinition {
  const def: AttributeDefinition = {
    name,
    type,
    multiValued: false,
    description,
    required: false,
    caseExact: false,
    mutability: 'readWrite',
    returned: 'default',
    uniqueness: 'none',
    ...extra,
  };
  return def;
}

const str = (name: string, description: string, extra: Extra = {}) => attr(name, 'string', description, extra);

function typeAttr(description: string, canonicalValues: string[], extra: Extra = {}): AttributeDefinition {
  return str('type', description, { canonicalValues, ...extra });
}

const primaryAttr = (what: string) =>
  attr('primary', 'boolean', `A Boolean value indicating the 'primary' or preferred attribute value for this attribute, e.g., the preferred ${what}. The primary attribute value 'true' MUST appear no more than once.`);

/** The usual value/display/type/primary quartet of a multi-valued attribute. */
function multi(name: string, description: string, valueDescription: string, types: string[], valueExtra: Extra = {}): AttributeDefinition {
  return attr(name, 'complex', description, {
    multiValued: true,
    subAttributes: [
      str('value', valueDescription, valueExtra),
      str('display', 'A human-readable name, primarily used for display purposes.  READ-ONLY.'),
      typeAttr(`A label indicating the attribute's function.`, types),
      primaryAttr(name),
    ],
  });
}

export const USER_SCHEMA: SchemaDefinition = {
  id: URN.user,
  name: 'User',
  description: 'User Account',
  attributes: [
    str('userName', 'Unique identifier for the User, typically used by the user to directly authenticate to the service provider. Each User MUST include a non-empty userName value.  This identifier MUST be unique across the service provider\'s entire set of Users. REQUIRED.', { required: true, uniqueness: 'server' }),
    attr('name', 'complex', "The components of the user's real name.", {
      subAttributes: [
        str('formatted', "The full name, including all middle names, titles, and suffixes as appropriate, formatted for display (e.g., 'Ms. Barbara J Jensen, III')."),
        str('familyName', "The family name of the User, or last name in most Western languages (e.g., 'Jensen' given the full name 'Ms. Barbara J Jensen, III')."),
        str('givenName', "The given name of the User, or first name in most Western languages (e.g., 'Barbara' given the full name 'Ms. Barbara J Jensen, III')."),
        str('middleName', "The middle name(s) of the User (e.g., 'Jane' given the full name 'Ms. Barbara J Jensen, III')."),
        str('honorificPrefix', "The honorific prefix(es) of the User, or title in most Western languages (e.g., 'Ms.' given the full name 'Ms. Barbara J Jensen, III')."),
        str('honorificSuffix', "The honorific suffix(es) of the User, or suffix in most Western languages (e.g., 'III' given the full name 'Ms. Barbara J Jensen, III')."),
      ],
    }),
    str('displayName', "The name of the User, suitable for display to end-users.  The name SHOULD be the full name of the User being described, if known."),
    str('nickName', "The casual way to address the user in real life, e.g., 'Bob' or 'Bobby' instead of 'Robert'."),
    attr('profileUrl', 'reference', "A fully qualified URL pointing to a page representing the User's online profile.", { referenceTypes: ['external'] }),
    str('title', 'The user\'s title, such as "Vice President."'),
    str('userType', "Used to identify the relationship between the organization and the user.  Typical values used might be 'Contractor', 'Employee', 'Intern', 'Temp', 'External', and 'Unknown', but any value may be used."),
    str('preferredLanguage', "Indicates the User's preferred written or spoken language.  Generally used for selecting a localized user interface; e.g., 'en_US' specifies the language English and country US."),
    str('locale', "Used to indicate the User's default location for purposes of localizing items such as currency, date time format, or numerical representations."),
    str('timezone', "The User's time zone in the 'Olson' time zone database format, e.g., 'America/Los_Angeles'."),
    attr('active', 'boolean', "A Boolean value indicating the User's administrative status."),
    str('password', "The User's cleartext password.  This attribute is intended to be used as a means to specify an initial password when creating a new User or to reset an existing User's password.", { mutability: 'writeOnly', returned: 'never' }),
    multi('emails', "Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'. Canonical type values of 'work', 'home', and 'other'.", "Email addresses for the user.  The value SHOULD be canonicalized by the service provider, e.g., 'bjensen@example.com' instead of 'bjensen@EXAMPLE.COM'.", ['work', 'home', 'other']),
    multi('phoneNumbers', "Phone numbers for the User.  The value SHOULD be canonicalized by the service provider according to the format specified in RFC 3966, e.g., 'tel:+1-201-555-0123'. Canonical type values of 'work', 'home', 'mobile', 'fax', 'pager', and 'other'.", 'Phone number of the User.', ['work', 'home', 'mobile', 'fax', 'pager', 'other']),
    multi('ims', 'Instant messaging addresses for the User.', 'Instant messaging address for the User.', ['aim', 'gtalk', 'icq', 'xmpp', 'msn', 'skype', 'qq', 'yahoo']),
    attr('photos', 'complex', 'URLs of photos of the User.', {
      multiValued: true,
      subAttributes: [
        attr('value', 'reference', 'URL of a photo of the User.', { referenceTypes: ['external'] }),
        str('display', 'A human-readable name, primarily used for display purposes.  READ-ONLY.'),
        typeAttr("A label indicating the attribute's function, i.e., 'photo' or 'thumbnail'.", ['photo', 'thumbnail']),
        primaryAttr('photo or thumbnail'),
      ],
    }),
    attr('addresses', 'complex', 'A physical mailing address for this User. Canonical type values of \'work\', \'home\', and \'other\'.  This attribute is a complex type with the following sub-attributes.', {
      multiValued: true,
      subAttributes: [
        str('formatted', 'The full mailing address, formatted for display or use with a mailing label.  This attribute MAY contain newlines.'),
        str('streetAddress', 'The full street address component, which may include house number, street name, P.O. box, and multi-line extended street address information.  This attribute MAY contain newlines.'),
        str('locality', 'The city or locality component.'),
        str('region', 'The state or region component.'),
        str('postalCode', 'The zip code or postal code component.'),
        str('country', 'The country name component.'),
        typeAttr("A label indicating the attribute's function, e.g., 'work' or 'home'.", ['work', 'home', 'other']),
        primaryAttr('mailing address'),
      ],
    }),
    attr('groups', 'complex', "A list of groups to which the user belongs, either through direct membership, through nested groups, or dynamically calculated.", {
      multiValued: true,
      mutability: 'readOnly',
      subAttributes: [
        str('value', "The identifier of the User's group.", { mutability: 'readOnly' }),
        attr('$ref', 'reference', "The URI of the corresponding 'Group' resource to which the user belongs.", { referenceTypes: ['User', 'Group'], mutability: 'readOnly' }),
        str('display', 'A human-readable name, primarily used for display purposes.  READ-ONLY.', { mutability: 'readOnly' }),
        typeAttr("A label indicating the attribute's function, e.g., 'direct' or 'indirect'.", ['direct', 'indirect'], { mutability: 'readOnly' }),
      ],
    }),
    multi('entitlements', 'A list of entitlements for the User that represent a thing the User has.', 'The value of an entitlement.', []),
    multi('roles', "A list of roles for the User that collectively represent who the User is, e.g., 'Student', 'Faculty'.", 'The value of a role.', []),
    attr('x509Certificates', 'complex', 'A list of certificates issued to the User.', {
      multiValued: true,
      subAttributes: [
        attr('value', 'binary', 'The value of an X.509 certificate.'),
        str('display', 'A human-readable name, primarily used for display purposes.  READ-ONLY.'),
        typeAttr("A label indicating the attribute's function.", []),
        primaryAttr('certificate'),
      ],
    }),
  ],
};

export const ENTERPRISE_USER_SCHEMA: SchemaDefinition = {
  id: URN.enterpriseUser,
  name: 'EnterpriseUser',
  description: 'Enterprise User',
  attributes: [
    str('employeeNumber', 'Numeric or alphanumeric identifier assigned to a person, typically based on order of hire or association with an organization.'),
    str('costCenter', 'Identifies the name of a cost center.'),
    str('organization', 'Identifies the name of an organization.'),
    str('division', 'Identifies the name of a division.'),
    str('department', 'Identifies the name of a department.'),
    attr('manager', 'complex', "The User's manager.  A complex type that optionally allows service providers to represent organizational hierarchy by referencing the 'id' attribute of another User.", {
      subAttributes: [
        str('value', 'The id of the SCIM resource representing the User\'s manager.  REQUIRED.'),
        attr('$ref', 'reference', 'The URI of the SCIM resource representing the User\'s manager.  REQUIRED.', { referenceTypes: ['User'] }),
        str('displayName', "The displayName of the User's manager. OPTIONAL and READ-ONLY.", { mutability: 'readOnly' }),
      ],
    }),
  ],
};

export const GROUP_SCHEMA: SchemaDefinition = {
  id: URN.group,
  name: 'Group',
  description: 'Group',
  attributes: [
    str('displayName', 'A human-readable name for the Group. REQUIRED.', { required: true, uniqueness: 'server' }),
    attr('members', 'complex', 'A list of members of the Group.', {
      multiValued: true,
      subAttributes: [
        str('value', 'Identifier of the member of this Group.', { mutability: 'immutable' }),
        attr('$ref', 'reference', 'The URI corresponding to a SCIM resource that is a member of this Group.', { referenceTypes: ['User', 'Group'], mutability: 'immutable' }),
        str('display', 'A human-readable name, primarily used for display purposes.'),
        typeAttr("A label indicating the type of resource, e.g., 'User' or 'Group'.", ['User', 'Group'], { mutability: 'immutable' }),
      ],
    }),
  ],
};

/**
 * Attributes every resource carries (RFC 7643 §3.1). They are not listed in `/Schemas` but filters,
 * sorting and `attributes=` may name them.
 */
export const COMMON_ATTRIBUTES: AttributeDefinition[] = [
  str('id', 'A unique identifier for a SCIM resource as defined by the service provider.', { caseExact: true, mutability: 'readOnly', returned: 'always', uniqueness: 'server' }),
  str('externalId', 'A String that is an identifier for the resource as defined by the provisioning client.', { caseExact: true }),
  attr('meta', 'complex', 'A complex attribute containing resource metadata.', {
    mutability: 'readOnly',
    subAttributes: [
      str('resourceType', 'The name of the resource type of the resource.', { caseExact: true, mutability: 'readOnly' }),
      attr('created', 'dateTime', 'The "DateTime" that the resource was added to the service provider.', { mutability: 'readOnly' }),
      attr('lastModified', 'dateTime', 'The most recent DateTime that the details of this resource were updated at the service provider.', { mutability: 'readOnly' }),
      attr('location', 'reference', 'The URI of the resource being returned.', { caseExact: true, mutability: 'readOnly', referenceTypes: ['uri'] }),
      str('version', 'The version of the resource being returned.', { caseExact: true, mutability: 'readOnly' }),
    ],
  }),
];

/** Copies a schema with extra attributes (dotted sub-attribute paths allowed) marked required. */
export function withRequired(schema: SchemaDefinition, paths: readonly string[]): SchemaDefinition {
  const copy: SchemaDefinition = structuredClone(schema);
  for (const path of paths) {
    const [top, sub] = path.split('.');
    const def = copy.attributes.find((a) => a.name.toLowerCase() === top?.toLowerCase());
    if (!def) continue;
    if (sub === undefined) {
      def.required = true;
      continue;
    }
    const subDef = def.subAttributes?.find((a) => a.name.toLowerCase() === sub.toLowerCase());
    if (subDef) {
      subDef.required = true;
      // A required sub-attribute implies its parent must be present too.
      def.required = true;
    }
  }
  return copy;
}
