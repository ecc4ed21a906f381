// Defects for the newer standards: RFC 9865 cursor paging and the SCIM interoperability profiles.
// Same shape as ./defects.ts (hooks for the rewriting proxy in ./proxy.ts); each is one realistic
// way a server gets that standard wrong. faulty-server.ts merges this catalogue into DEFECTS.
import type { ServerOptions } from '../../src/server/index.ts';
import type { Defect } from './defects.ts';
import { editJson, editRequestJson, isCreate, isListRequest, isObject, parse, remember, resourcePath, scimError, scimTypeOf, htmlPage } from './defects.ts';
import type { HookContext, ProxyRequest, ProxyResponse } from './proxy.ts';

type Json = Record<string, unknown>;

/** These defects sit on a server that otherwise meets the interoperability profile. */
const onInteropServer = async (): Promise<Partial<ServerOptions>> => ({ profile: 'interop' });

const cursorOf = (ctx: HookContext): string | null => (isListRequest(ctx.req) ? ctx.req.query.get('cursor') : null);

/**
 * A server whose "cursors" are offsets in disguise (`o12`): each page is read upstream by
 * startIndex. `shift` moves where the next page starts (−1: one resource too early).
 */
function offsetCursors(shift: number, description: string): Defect {
  return {
    description,
    onRequest: (ctx) => {
      const cursor = cursorOf(ctx);
      if (cursor === null) return;
      const match = /^o(\d+)$/.exec(cursor);
      if (cursor !== '' && !match) return scimError(400, 'invalid cursor', 'invalidCursor');
      const offset = match ? Number(match[1]) : 0;
      ctx.req.query.delete('cursor');
      ctx.req.query.set('startIndex', String(offset + 1));
      ctx.notes.offset = offset;
      ctx.notes.count = Number(ctx.req.query.get('count') ?? '100');
    },
    onResponse: (ctx, res) => {
      if (typeof ctx.notes.offset !== 'number' || res.status !== 200) return;
      const offset = ctx.notes.offset;
      const count = ctx.notes.count as number;
      editJson(res, (json) => {
        const items = Array.isArray(json.Resources) ? json.Resources.length : 0;
        delete json.startIndex;
        if (typeof json.totalResults === 'number' && offset + items < json.totalResults && items > 0) json.nextCursor = `o${offset + items + shift}`;
        if (offset > 0) json.previousCursor = `o${Math.max(0, offset - count)}`;
      });
    },
  };
}

/** When the upstream refuses a cursor with 400 invalidCursor, answer `replace` instead. */
function onInvalidCursor(description: string, replace: (ctx: HookContext) => ProxyResponse | Promise<ProxyResponse>): Defect {
  return {
    description,
    onResponse: (ctx, res) => {
      if (cursorOf(ctx) && res.status === 400 && scimTypeOf(res) === 'invalidCursor') return replace(ctx);
    },
  };
}


const isSpc = (req: ProxyRequest): boolean => req.method === 'GET' && /\/ServiceProviderConfig$/.test(req.path);
const isSchemas = (req: ProxyRequest): boolean => req.method === 'GET' && /\/Schemas$/.test(req.path);
const isResourceTypes = (req: ProxyRequest): boolean => req.method === 'GET' && /\/ResourceTypes$/.test(req.path);
const isPatch = (req: ProxyRequest, type?: 'Users' | 'Groups'): boolean => req.method === 'PATCH' && resourcePath(req.path)?.id !== undefined && (type === undefined || resourcePath(req.path)?.type === type);
const listOf = (resources: Json[]): ProxyResponse => ({
  status: 200,
  headers: { 'content-type': 'application/scim+json' },
  body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: resources.length, itemsPerPage: resources.length, startIndex: 1, Resources: resources }),
});

/** Edits /ServiceProviderConfig on its way out. */
function spc(description: string, edit: (json: Json) => void): Defect {
  return { description, onResponse: (ctx, res) => (isSpc(ctx.req) && res.status === 200 ? editJson(res, edit) : undefined) };
}

/** Edits every schema of /Schemas on its way out. */
function schemas(description: string, edit: (schema: Json) => void): Defect {
  return {
    description,
    onResponse: (ctx, res) => {
      if (!isSchemas(ctx.req) || res.status !== 200) return;
      editJson(res, (json) => {
        if (Array.isArray(json.Resources)) for (const schema of json.Resources) if (isObject(schema)) edit(schema);
      });
    },
  };
}

/** The attribute and sub-attribute names /Schemas declares (and its schema URIs), asked upstream once. */
async function declaredUserAttributes(ctx: HookContext): Promise<Set<string>> {
  const cached = ctx.state.get('declared') as Set<string> | undefined;
  if (cached) return cached;
  const res = await ctx.upstream({ method: 'GET', path: '/Schemas' });
  const declared = new Set<string>(['schemas', 'id', 'externalid', 'meta']);
  const json = parse(res.body);
  for (const schema of isObject(json) && Array.isArray(json.Resources) ? json.Resources : []) {
    if (!isObject(schema)) continue;
    if (typeof schema.id === 'string') declared.add(schema.id.toLowerCase());
    for (const a of Array.isArray(schema.attributes) ? schema.attributes : []) {
      if (!isObject(a) || typeof a.name !== 'string') continue;
      declared.add(a.name.toLowerCase());
      for (const sub of Array.isArray(a.subAttributes) ? a.subAttributes : []) if (isObject(sub) && typeof sub.name === 'string') declared.add(sub.name.toLowerCase());
    }
  }
  ctx.state.set('declared', declared);
  return declared;
}

export const STANDARDS_DEFECTS = {
  'cursor-ignored': {
    description: 'The server advertises cursor paging but ignores the cursor parameter (index paging answers every request, without nextCursor).',
    onRequest: (ctx) => {
      if (isListRequest(ctx.req)) ctx.req.query.delete('cursor');
      if (ctx.req.method === 'POST' && ctx.req.path.endsWith('/.search') && ctx.req.body) {
        const body = parse(ctx.req.body);
        if (isObject(body)) {
          delete body.cursor;
          ctx.req.body = JSON.stringify(body);
        }
      }
    },
  },
  'cursor-repeats-first-page': {
    description: 'Every cursor brings back the first page (with the same nextCursor), so a walk repeats it forever.',
    onRequest: (ctx) => {
      if (cursorOf(ctx)) ctx.req.query.set('cursor', '');
    },
  },
  'cursor-is-offset': offsetCursors(0, 'Cursors are offsets in disguise: deleting a resource already seen shifts the rest, and the next page skips one.'),
  'cursor-overlaps': offsetCursors(-1, 'Each next page starts one resource too early, repeating the last resource of the page before.'),
  'cursor-invalid-accepted': onInvalidCursor('An invalid cursor is answered with the first page (200) instead of 400 invalidCursor.', (ctx) => {
    ctx.req.query.set('cursor', '');
    ctx.req.query.delete('count');
    return ctx.upstream({ method: 'GET', path: ctx.req.path, query: ctx.req.query });
  }),
  'cursor-invalid-500': onInvalidCursor('An invalid cursor answers 500 with an HTML page.', () => htmlPage(500, 'Internal Server Error')),
  'cursor-invalid-wrong-scimtype': onInvalidCursor('An invalid cursor is refused with 400 invalidValue instead of invalidCursor.', () => scimError(400, 'bad cursor', 'invalidValue')),
  'cursor-previous-on-first-page': {
    description: 'The first page carries a previousCursor (a copy of its nextCursor).',
    onResponse: (ctx, res) => {
      if (cursorOf(ctx) !== '' || res.status !== 200) return;
      editJson(res, (json) => {
        if (typeof json.nextCursor === 'string') json.previousCursor = json.nextCursor;
      });
    },
  },
  'cursor-previous-goes-forward': {
    description: 'previousCursor is a copy of nextCursor, so going back moves forward.',
    onResponse: (ctx, res) => {
      if (!cursorOf(ctx) || res.status !== 200) return;
      editJson(res, (json) => {
        if (json.previousCursor !== undefined) {
          if (typeof json.nextCursor === 'string') json.previousCursor = json.nextCursor;
          else delete json.previousCursor;
        }
      });
    },
  },
  'cursor-total-is-page-size': {
    description: 'On pages after the first, totalResults is the number of resources on the page.',
    onResponse: (ctx, res) => {
      if (!cursorOf(ctx) || res.status !== 200) return;
      editJson(res, (json) => {
        if (Array.isArray(json.Resources)) json.totalResults = json.Resources.length;
      });
    },
  },
  'cursor-never-ends': {
    description: 'The last page still carries a nextCursor, which leads to an empty page with another nextCursor, and so on.',
    onRequest: (ctx) => {
      const match = /^end\.(\d+)$/.exec(cursorOf(ctx) ?? '');
      if (match) {
        const body: Json = { schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], itemsPerPage: 0, nextCursor: `end.${Number(match[1]) + 1}`, Resources: [] };
        return { status: 200, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(body) };
      }
    },
    onResponse: (ctx, res) => {
      if (cursorOf(ctx) === null || res.status !== 200) return;
      editJson(res, (json) => {
        if (json.nextCursor === undefined) json.nextCursor = 'end.1';
      });
    },
  },
  'cursor-not-url-safe': {
    description: 'Cursor values end in "+/=" (plain base64), characters a client must percent-encode.',
    onRequest: (ctx) => {
      const cursor = cursorOf(ctx);
      if (cursor?.endsWith('+/=')) ctx.req.query.set('cursor', cursor.slice(0, -3));
    },
    onResponse: (ctx, res) => {
      if (cursorOf(ctx) === null || res.status !== 200) return;
      editJson(res, (json) => {
        for (const key of ['nextCursor', 'previousCursor']) if (typeof json[key] === 'string') json[key] = `${json[key] as string}+/=`;
      });
    },
  },
  'cursor-without-total': {
    description: 'Not a defect: a cursor server that cannot count leaves totalResults out of cursor pages (RFC 9865 §2 allows it).',
    onResponse: (ctx, res) => {
      if (!isListRequest(ctx.req) || res.status !== 200) return;
      editJson(res, (json) => {
        if (ctx.req.query.has('cursor') || json.nextCursor !== undefined) delete json.totalResults;
      });
    },
  },
  'max-page-size-understated': {
    description: '/ServiceProviderConfig advertises a maxPageSize (and filter.maxResults) of 3, but larger pages are served.',
    onResponse: (ctx, res) => {
      if (ctx.req.method !== 'GET' || !/\/ServiceProviderConfig$/.test(ctx.req.path)) return;
      editJson(res, (json) => {
        if (isObject(json.pagination)) json.pagination.maxPageSize = 3;
        if (isObject(json.filter)) json.filter.maxResults = 3;
      });
    },
  },

  // ------------------------------------------------------------------ interoperability profile
  'interop-claim-false': spc('/ServiceProviderConfig declares interopProfileConformant: true, but the server (the tolerant reference server) does not meet the profile.', (json) => {
    json.interopProfileConformant = true;
  }),
  'interop-claim-not-boolean': spc('/ServiceProviderConfig declares interopProfileConformant as the string "yes".', (json) => {
    json.interopProfileConformant = 'yes';
  }),
  'undefined-attributes-dropped': {
    upstream: onInteropServer,
    description: 'Attributes and schema URIs /Schemas does not define are silently dropped from creates (201) instead of refused.',
    onRequest: async (ctx) => {
      if (!isCreate(ctx.req) || resourcePath(ctx.req.path)?.type !== 'Users') return;
      const declared = await declaredUserAttributes(ctx);
      editRequestJson(ctx.req, (json) => {
        for (const key of Object.keys(json)) if (!declared.has(key.toLowerCase())) delete json[key];
        if (Array.isArray(json.schemas)) json.schemas = json.schemas.filter((s) => typeof s === 'string' && declared.has(s.toLowerCase()));
        if (isObject(json.name)) for (const key of Object.keys(json.name)) if (!declared.has(key.toLowerCase())) delete json.name[key];
      });
    },
  },
  'undefined-attribute-invalid-value': {
    upstream: onInteropServer,
    description: 'An attribute or schema URI /Schemas does not define is refused with 400 invalidValue (the RFC 7644 habit) instead of invalidSyntax.',
    onResponse: (ctx, res) => {
      const json = parse(res.body);
      if (res.status === 400 && scimTypeOf(res) === 'invalidSyntax' && isObject(json) && String(json.detail).includes('not defined in /Schemas')) return scimError(400, String(json.detail), 'invalidValue');
    },
  },
  'pathless-patch-accepted': {
    upstream: onInteropServer,
    description: 'A PATCH operation without a path is applied (each key of its value as a path) instead of refused.',
    onRequest: (ctx) => {
      if (!isPatch(ctx.req)) return;
      editRequestJson(ctx.req, (json) => {
        if (!Array.isArray(json.Operations)) return;
        json.Operations = json.Operations.flatMap((op) => (isObject(op) && op.path === undefined && isObject(op.value) ? Object.entries(op.value).map(([path, value]) => ({ op: op.op, path, value })) : [op]));
      });
    },
  },
  'canonical-values-missing': schemas('/Schemas declares no canonicalValues for the type of emails, phoneNumbers and the other typed attributes.', (schema) => {
    for (const a of Array.isArray(schema.attributes) ? schema.attributes : []) {
      if (!isObject(a) || !Array.isArray(a.subAttributes)) continue;
      for (const sub of a.subAttributes) if (isObject(sub) && sub.name === 'type') delete sub.canonicalValues;
    }
  }),
  'declared-attribute-dropped': {
    description: '/Schemas declares nickName but the server drops it: a create or update carrying it succeeds without keeping it.',
    onRequest: (ctx) => {
      if (!['POST', 'PUT'].includes(ctx.req.method) || resourcePath(ctx.req.path)?.type !== 'Users') return;
      editRequestJson(ctx.req, (json) => {
        delete json.nickName;
      });
    },
  },
  'declared-attribute-refused': {
    description: '/Schemas declares nickName but a create carrying it is refused as an unknown attribute.',
    onRequest: (ctx) => {
      const json = parse(ctx.req.body);
      if (isCreate(ctx.req) && resourcePath(ctx.req.path)?.type === 'Users' && isObject(json) && 'nickName' in json) return scimError(400, "unknown attribute 'nickName'", 'invalidSyntax');
    },
  },
  'undeclared-attribute-returned': {
    description: 'Users in responses carry "internalScore", which /Schemas does not declare.',
    onResponse: (ctx, res) => {
      if (resourcePath(ctx.req.path)?.type !== 'Users' || res.status >= 300) return;
      editJson(res, (json) => {
        const items = Array.isArray(json.Resources) ? json.Resources : [json];
        for (const item of items) if (isObject(item) && typeof item.id === 'string') item.internalScore = 7;
      });
    },
  },
  'resource-type-id-not-name': {
    description: '/ResourceTypes gives each resource type an id that is not its name ("rt-1", "rt-2").',
    onResponse: (ctx, res) => {
      if (!isResourceTypes(ctx.req) || res.status !== 200) return;
      editJson(res, (json) => {
        if (Array.isArray(json.Resources)) json.Resources.forEach((rt, i) => isObject(rt) && (rt.id = `rt-${i + 1}`));
      });
    },
  },
  'resource-types-share-endpoint': {
    description: '/ResourceTypes lists Groups at the /Users endpoint too.',
    onResponse: (ctx, res) => {
      if (!isResourceTypes(ctx.req) || res.status !== 200) return;
      editJson(res, (json) => {
        if (Array.isArray(json.Resources)) for (const rt of json.Resources) if (isObject(rt)) rt.endpoint = '/Users';
      });
    },
  },
  'schemas-miss-extension': {
    description: '/Schemas leaves out the enterprise User extension that /ResourceTypes lists.',
    onResponse: (ctx, res) => {
      if (!isSchemas(ctx.req) || res.status !== 200) return;
      editJson(res, (json) => {
        if (Array.isArray(json.Resources)) json.Resources = json.Resources.filter((s) => !(isObject(s) && String(s.id).includes(':extension:')));
        json.totalResults = Array.isArray(json.Resources) ? json.Resources.length : 0;
      });
    },
  },
  'schemas-missing': {
    description: '/Schemas answers 404.',
    onRequest: (ctx) => (isSchemas(ctx.req) ? scimError(404, 'not found') : undefined),
  },
  'resource-types-missing': {
    description: '/ResourceTypes answers 404.',
    onRequest: (ctx) => (isResourceTypes(ctx.req) ? scimError(404, 'not found') : undefined),
  },
  'spc-patch-unsupported': spc('/ServiceProviderConfig says patch.supported false.', (json) => {
    if (isObject(json.patch)) json.patch.supported = false;
  }),
  'spc-filter-unsupported': spc('/ServiceProviderConfig says filter.supported false.', (json) => {
    if (isObject(json.filter)) json.filter.supported = false;
  }),
  'external-id-filter-any-case': {
    description: 'externalId eq compares case-insensitively (externalId is caseExact).',
    onRequest: async (ctx) => {
      const match = /^\s*externalId\s+eq\s+"([^"]*)"\s*$/i.exec(ctx.req.query.get('filter') ?? '');
      if (!isListRequest(ctx.req) || !match) return;
      const all = parse((await ctx.upstream({ method: 'GET', path: ctx.req.path, query: new URLSearchParams({ count: '1000' }) })).body);
      const found = (isObject(all) && Array.isArray(all.Resources) ? all.Resources : []).filter((r): r is Json => isObject(r) && String(r.externalId).toLowerCase() === match[1]!.toLowerCase());
      return listOf(found);
    },
  },
  'patch-add-complex-replaces': {
    upstream: onInteropServer,
    description: 'add of a singular complex attribute (name) replaces it whole, dropping the sub-attributes not sent.',
    onRequest: (ctx) => {
      if (!isPatch(ctx.req, 'Users')) return;
      editRequestJson(ctx.req, (json) => {
        if (Array.isArray(json.Operations)) for (const op of json.Operations) if (isObject(op) && op.op === 'add' && op.path === 'name') op.op = 'replace';
      });
    },
  },
  'patch-replace-complex-merges': {
    upstream: onInteropServer,
    description: 'replace of a singular complex attribute (name) merges into it, keeping the sub-attributes not sent (RFC 7644 style, not the profile\'s).',
    onRequest: (ctx) => {
      if (!isPatch(ctx.req, 'Users')) return;
      editRequestJson(ctx.req, (json) => {
        if (!Array.isArray(json.Operations)) return;
        json.Operations = json.Operations.flatMap((op) => (isObject(op) && op.op === 'replace' && op.path === 'name' && isObject(op.value) ? Object.entries(op.value).map(([sub, value]) => ({ op: 'replace', path: `name.${sub}`, value })) : [op]));
      });
    },
  },
  'patch-replace-multi-valued-appends': {
    description: 'replace of a multi-valued attribute without a filter (emails) appends instead of replacing the collection.',
    onRequest: (ctx) => {
      if (!isPatch(ctx.req, 'Users')) return;
      editRequestJson(ctx.req, (json) => {
        if (Array.isArray(json.Operations)) for (const op of json.Operations) if (isObject(op) && op.op === 'replace' && op.path === 'emails') op.op = 'add';
      });
    },
  },
  'filter-and-ignores-right': {
    description: 'In a filter "A and B" only A is applied.',
    onRequest: (ctx) => {
      const filter = ctx.req.query.get('filter');
      if (isListRequest(ctx.req) && filter && / and /i.test(filter) && !filter.includes('[')) ctx.req.query.set('filter', filter.split(/ and /i)[0]!);
    },
  },
  'filter-undefined-attribute-empty': {
    description: 'A filter on an attribute the resource type does not define answers 200 with an empty list instead of 400 invalidFilter.',
    onResponse: (ctx, res) => {
      if (isListRequest(ctx.req) && res.status === 400 && scimTypeOf(res) === 'invalidFilter' && /unknown attribute/.test(res.body)) return listOf([]);
    },
  },
  'count-100-refused': {
    description: 'A count of 100 or more is refused with 400 invalidValue ("at most 50 per page").',
    onRequest: (ctx) => (isListRequest(ctx.req) && Number(ctx.req.query.get('count')) >= 100 ? scimError(400, 'at most 50 per page', 'invalidValue') : undefined),
  },
  'count-above-max-refused': {
    description: 'A count above maxPageSize is refused with 400 invalidCount instead of returning fewer results.',
    onRequest: async (ctx) => {
      if (!isListRequest(ctx.req) || ctx.req.query.get('count') === null) return;
      const spcJson = parse((await ctx.upstream({ method: 'GET', path: '/ServiceProviderConfig' })).body);
      const max = isObject(spcJson) && isObject(spcJson.pagination) ? Number(spcJson.pagination.maxPageSize) : Number.POSITIVE_INFINITY;
      if (Number(ctx.req.query.get('count')) > max) return scimError(400, `count must be at most ${max}`, 'invalidCount');
    },
  },
  'delete-deactivates': {
    description: 'DELETE /Users/{id} deactivates the user (active false) and answers 204, but the user stays.',
    onRequest: async (ctx) => {
      const target = resourcePath(ctx.req.path);
      if (ctx.req.method !== 'DELETE' || target?.type !== 'Users' || target.id === undefined) return;
      const res = await ctx.upstream({ method: 'PATCH', path: ctx.req.path, body: JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: [{ op: 'replace', path: 'active', value: false }] }), headers: { ...ctx.received.headers, 'content-type': 'application/scim+json' } });
      return res.status < 300 ? { status: 204, headers: {}, body: '' } : res;
    },
  },
  'deleted-patch-200': {
    description: 'A PATCH of a user deleted earlier answers 200 with an empty object instead of 404.',
    onResponse: (ctx, res) => {
      const target = resourcePath(ctx.req.path);
      if (target?.type !== 'Users' || target.id === undefined) return;
      const deleted = remember(ctx, 'deleted', () => new Set<string>());
      if (ctx.req.method === 'DELETE' && res.status < 300) deleted.add(target.id);
      if (ctx.req.method === 'PATCH' && res.status === 404 && deleted.has(target.id)) return { status: 200, headers: { 'content-type': 'application/scim+json' }, body: '{}' };
    },
  },
  'user-name-in-path': {
    description: 'GET /Users/{userName} finds the user too (resources addressed by another attribute than id).',
    onRequest: async (ctx) => {
      const target = resourcePath(ctx.req.path);
      if (ctx.req.method !== 'GET' || target?.type !== 'Users' || !target.id?.includes('@')) return;
      const found = parse((await ctx.upstream({ method: 'GET', path: '/Users', query: new URLSearchParams({ filter: `userName eq "${target.id}"` }) })).body);
      const user = isObject(found) && Array.isArray(found.Resources) ? found.Resources[0] : undefined;
      if (isObject(user)) return { status: 200, headers: { 'content-type': 'application/scim+json' }, body: JSON.stringify(user) };
    },
  },
  'patch-deactivation-deletes': {
    description: 'PATCH active=false deletes the user (a PATCH treated as a deletion).',
    onRequest: async (ctx) => {
      if (!isPatch(ctx.req, 'Users')) return;
      const json = parse(ctx.req.body);
      const ops = isObject(json) && Array.isArray(json.Operations) ? json.Operations : [];
      if (ops.some((op) => isObject(op) && op.path === 'active' && op.value === false)) {
        await ctx.upstream({ method: 'DELETE', path: ctx.req.path });
        return { status: 204, headers: {}, body: '' };
      }
    },
  },

  // ------------------------------------------------------------------ IPSIE
  'work-email-filter-ignores-type': {
    description: 'In emails[type eq "work" and value eq X] only the value is compared: a home email matches too.',
    onRequest: (ctx) => {
      const filter = ctx.req.query.get('filter');
      if (isListRequest(ctx.req) && filter) ctx.req.query.set('filter', filter.replace(/emails\[type eq "work" and (value eq "[^"]*")\]/i, 'emails[$1]'));
    },
  },
  'email-filter-unsupported': {
    description: 'A filter on emails (emails[value eq …], emails.value eq …) answers 400 invalidFilter.',
    onRequest: (ctx) => (isListRequest(ctx.req) && /^\s*emails[[.]/i.test(ctx.req.query.get('filter') ?? '') ? scimError(400, 'emails cannot be filtered', 'invalidFilter') : undefined),
  },
  'members-filter-unsupported': {
    description: 'A filter on group members (members[value eq …]) answers 400 invalidFilter.',
    onRequest: (ctx) => (isListRequest(ctx.req) && /^\s*members/i.test(ctx.req.query.get('filter') ?? '') ? scimError(400, 'members cannot be filtered', 'invalidFilter') : undefined),
  },
  'group-zero-members-refused': {
    description: 'A group created with no members (members [] or none) is refused with 400 invalidValue.',
    onRequest: (ctx) => {
      if (!isCreate(ctx.req) || resourcePath(ctx.req.path)?.type !== 'Groups') return;
      const json = parse(ctx.req.body);
      if (isObject(json) && !(Array.isArray(json.members) && json.members.length > 0)) return scimError(400, 'a group needs at least one member', 'invalidValue');
    },
  },
  'patch-operations-limited-20': {
    description: 'A PATCH with more than 20 operations is refused with 400 tooMany.',
    onRequest: (ctx) => {
      const json = parse(ctx.req.body);
      if (ctx.req.method === 'PATCH' && isObject(json) && Array.isArray(json.Operations) && json.Operations.length > 20) return scimError(400, 'at most 20 operations per request', 'tooMany');
    },
  },
  'reactivation-refused': {
    description: 'A deactivated user cannot be reactivated: PATCH active=true answers 400 invalidValue.',
    onRequest: (ctx) => {
      const json = parse(ctx.req.body);
      if (isPatch(ctx.req, 'Users') && isObject(json) && Array.isArray(json.Operations) && json.Operations.some((op) => isObject(op) && op.path === 'active' && op.value === true)) return scimError(400, 'deactivated users cannot be reactivated', 'invalidValue');
    },
  },
  'patch-first-operation-only': {
    description: 'Of a PATCH with several operations only the first is applied.',
    onRequest: (ctx) => {
      if (!isPatch(ctx.req)) return;
      editRequestJson(ctx.req, (json) => {
        if (Array.isArray(json.Operations)) json.Operations = json.Operations.slice(0, 1);
      });
    },
  },
  'external-id-dropped': {
    description: 'externalId is silently dropped from creates.',
    onRequest: (ctx) => {
      if (isCreate(ctx.req)) editRequestJson(ctx.req, (json) => void delete json.externalId);
    },
  },
  'group-names-not-unique': {
    description: 'A second group with the same displayName is created (201) instead of refused.',
    onResponse: async (ctx, res) => {
      if (!isCreate(ctx.req) || resourcePath(ctx.req.path)?.type !== 'Groups' || res.status !== 409) return;
      const body = parse(ctx.req.body);
      if (!isObject(body) || typeof body.displayName !== 'string') return;
      const created = await ctx.upstream({ method: 'POST', path: ctx.req.path, body: JSON.stringify({ ...body, displayName: `${body.displayName} (2)` }) });
      if (created.status === 201) editJson(created, (json) => void (json.displayName = body.displayName));
      return created;
    },
  },
  'user-schema-without-active': schemas('The User schema in /Schemas leaves out active.', (schema) => {
    if (String(schema.id).endsWith(':core:2.0:User') && Array.isArray(schema.attributes)) schema.attributes = schema.attributes.filter((a) => !(isObject(a) && a.name === 'active'));
  }),
  'group-schema-without-members': schemas('The Group schema in /Schemas leaves out members.', (schema) => {
    if (String(schema.id).endsWith(':core:2.0:Group') && Array.isArray(schema.attributes)) schema.attributes = schema.attributes.filter((a) => !(isObject(a) && a.name === 'members'));
  }),
  'ipsie-no-password': {
    description: 'Not a defect: an IPSIE AL2 server without password — /Schemas does not declare it and a body carrying one is refused with 400 invalidSyntax.',
    onRequest: (ctx) => {
      const json = parse(ctx.req.body);
      if (['POST', 'PUT'].includes(ctx.req.method) && resourcePath(ctx.req.path)?.type === 'Users' && isObject(json) && 'password' in json) return scimError(400, "unknown attribute 'password' (not defined in /Schemas)", 'invalidSyntax');
    },
    onResponse: (ctx, res) => {
      if (!isSchemas(ctx.req) || res.status !== 200) return;
      editJson(res, (json) => {
        if (Array.isArray(json.Resources)) for (const schema of json.Resources) if (isObject(schema) && Array.isArray(schema.attributes)) schema.attributes = schema.attributes.filter((a) => !(isObject(a) && a.name === 'password'));
      });
    },
  },
  'rate-limit-without-retry-after': {
    upstream: async () => ({ rateLimit: { perSecond: 2, burst: 2 } }),
    description: 'The server answers 429 without a Retry-After header.',
    onResponse: (_ctx, res) => {
      if (res.status === 429) delete res.headers['retry-after'];
    },
  },
} satisfies Record<string, Defect>;

export type StandardsDefectName = keyof typeof STANDARDS_DEFECTS;
