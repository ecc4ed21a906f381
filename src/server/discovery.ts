// /ServiceProviderConfig, /Schemas and /ResourceTypes (RFC 7644 §4). Everything advertised here is
// implemented; nothing implemented is hidden.
import { URN, type SchemaDefinition } from '../spec/scim-schemas.ts';
import type { ResourceType, ResourceTypes } from './resource-types.ts';
import type { Json } from './validate.ts';

export interface DiscoveryOptions {
  maxResults: number;
  maxBodyBytes: number;
  basic: boolean;
  oauth: boolean;
}

export function serviceProviderConfig(baseUrl: string, options: DiscoveryOptions): Json {
  const authenticationSchemes: Json[] = [
    {
      type: 'oauthbearertoken',
      name: 'OAuth Bearer Token',
      description: 'Authentication with a bearer token in the Authorization header.',
      specUri: 'https://www.rfc-editor.org/info/rfc6750',
      primary: true,
    },
  ];
  if (options.oauth) {
    authenticationSchemes.push({
      type: 'oauth2',
      name: 'OAuth 2.0 client credentials',
      description: 'Bearer tokens from the token endpoint (/.well-known/oauth-authorization-server names it), for a client secret or a federated client assertion.',
      specUri: 'https://www.rfc-editor.org/info/rfc6749',
    });
  }
  if (options.basic) {
    authenticationSchemes.push({
      type: 'httpbasic',
      name: 'HTTP Basic',
      description: 'Authentication with a user name and password (HTTP Basic).',
      specUri: 'https://www.rfc-editor.org/info/rfc7617',
    });
  }
  return {
    schemas: [URN.serviceProviderConfig],
    documentationUri: 'https://github.com/scimproof/scimproof#serve',
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: options.maxResults },
    changePassword: { supported: true },
    sort: { supported: true },
    etag: { supported: true },
    authenticationSchemes,
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

export function schemaResource(baseUrl: string, schema: SchemaDefinition): Json {
  return {
    schemas: [URN.schema],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes,
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

export function allSchemas(types: ResourceTypes): SchemaDefinition[] {
  return [types.User.schemas.core, ...types.User.schemas.extensions, types.Group.schemas.core];
}

export function resourceTypeResource(baseUrl: string, type: ResourceType): Json {
  return {
    schemas: [URN.resourceType],
    id: type.kind,
    name: type.kind,
    endpoint: type.endpoint,
    description: type.description,
    schema: type.schemas.core.id,
    schemaExtensions: type.schemas.extensions.map((e) => ({ schema: e.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${type.kind}` },
  };
}

export function listOf(resources: Json[]): Json {
  return { schemas: [URN.listResponse], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources };
}
