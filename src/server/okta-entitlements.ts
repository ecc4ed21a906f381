// Okta Identity Governance entitlements (okta-developer-docs `guides/scim-with-entitlements`): the
// app publishes its entitlements and roles as resource types whose schemas are Okta's
// `urn:okta:scim:schemas:core:1.0:Entitlement` and `…:Role`, each read-only at its own endpoint
// (`/Entitlements`, `/Roles`), and users carry `entitlements` and `roles` values. Okta discovers
// them through /ResourceTypes, reads /Schemas, then pages through each endpoint.
import { ScimError } from './errors.ts';
import type { Json } from './validate.ts';
import { URN, type AttributeDefinition, type SchemaDefinition } from '../spec/scim-schemas.ts';

export const OKTA_URN = {
  entitlement: 'urn:okta:scim:schemas:core:1.0:Entitlement',
  role: 'urn:okta:scim:schemas:core:1.0:Role',
} as const;

export interface CatalogueEntry {
  id: string;
  displayName: string;
  /** For entitlements: the kind Okta shows (`License`, `Profile`, …). */
  type?: string;
  description?: string;
}

export interface EntitlementCatalogue {
  entitlements: CatalogueEntry[];
  roles: CatalogueEntry[];
}

/** What `--okta-entitlements` serves when no catalogue is given. */
export const SAMPLE_CATALOGUE: EntitlementCatalogue = {
  entitlements: [
    { id: 'license-basic', displayName: 'Basic license', type: 'License', description: 'Read-only access' },
    { id: 'license-pro', displayName: 'Pro license', type: 'License', description: 'Full access' },
    { id: 'profile-sales', displayName: 'Sales profile', type: 'Profile' },
  ],
  roles: [
    { id: 'role-admin', displayName: 'Administrator' },
    { id: 'role-member', displayName: 'Member' },
  ],
};

const text = (name: string, description: string, required = false): AttributeDefinition => ({
  name,
  type: 'string',
  multiValued: false,
  description,
  required,
  caseExact: false,
  mutability: 'readOnly',
  returned: 'default',
  uniqueness: 'none',
});

export const OKTA_SCHEMAS: SchemaDefinition[] = [
  {
    id: OKTA_URN.entitlement,
    name: 'Entitlement',
    description: 'An entitlement of the app (Okta Identity Governance)',
    attributes: [text('displayName', 'The name shown in Okta', true), text('type', 'The kind of entitlement (License, Profile …)'), text('description', 'What the entitlement grants')],
  },
  {
    id: OKTA_URN.role,
    name: 'Role',
    description: 'A role of the app (Okta Identity Governance)',
    attributes: [text('displayName', 'The name shown in Okta', true), text('description', 'What the role grants')],
  },
];

export interface EntitlementKind {
  name: 'Entitlement' | 'Role';
  endpoint: '/Entitlements' | '/Roles';
  schema: string;
  entries: CatalogueEntry[];
}

export function entitlementKinds(catalogue: EntitlementCatalogue): EntitlementKind[] {
  return [
    { name: 'Entitlement', endpoint: '/Entitlements', schema: OKTA_URN.entitlement, entries: catalogue.entitlements },
    { name: 'Role', endpoint: '/Roles', schema: OKTA_URN.role, entries: catalogue.roles },
  ];
}

export function entryResource(baseUrl: string, kind: EntitlementKind, entry: CatalogueEntry): Json {
  return {
    schemas: [kind.schema],
    id: entry.id,
    displayName: entry.displayName,
    ...(entry.type !== undefined ? { type: entry.type } : {}),
    ...(entry.description !== undefined ? { description: entry.description } : {}),
    meta: { resourceType: kind.name, location: `${baseUrl}${kind.endpoint}/${encodeURIComponent(entry.id)}` },
  };
}

export function resourceTypeOf(baseUrl: string, kind: EntitlementKind): Json {
  return {
    schemas: [URN.resourceType],
    id: kind.name,
    name: kind.name,
    endpoint: kind.endpoint,
    description: kind.name === 'Entitlement' ? 'Entitlements of the app' : 'Roles of the app',
    schema: kind.schema,
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${kind.name}` },
  };
}

/** One page of a catalogue endpoint (RFC 7644 §3.4.2.4 paging; no filtering). */
export function entryPage(baseUrl: string, kind: EntitlementKind, params: Map<string, string>): Json {
  if (params.has('filter')) throw new ScimError(400, 'invalidFilter', `filtering is not supported on ${kind.endpoint}`);
  const integer = (name: string, fallback: number): number => {
    const raw = params.get(name);
    if (raw === undefined) return fallback;
    if (!/^\s*-?\d{1,9}\s*$/.test(raw)) throw new ScimError(400, 'invalidValue', `${name} must be an integer`);
    return Number(raw);
  };
  const startIndex = Math.max(1, integer('startindex', 1));
  const count = Math.max(0, integer('count', kind.entries.length));
  const page = kind.entries.slice(startIndex - 1, startIndex - 1 + count).map((entry) => entryResource(baseUrl, kind, entry));
  return { schemas: [URN.listResponse], totalResults: kind.entries.length, itemsPerPage: page.length, startIndex, Resources: page };
}
