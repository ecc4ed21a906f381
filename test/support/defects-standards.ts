// Defects for the newer standards: RFC 9865 cursor paging and the SCIM interoperability profiles.
// Same shape as ./defects.ts (hooks for the rewriting proxy in ./proxy.ts); each is one realistic
// way a server gets that standard wrong. faulty-server.ts merges this catalogue into DEFECTS.
import type { Defect } from './defects.ts';
import { editJson, isListRequest, isObject, parse, scimError, scimTypeOf, htmlPage } from './defects.ts';
import type { HookContext, ProxyResponse } from './proxy.ts';

type Json = Record<string, unknown>;

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
} satisfies Record<string, Defect>;

export type StandardsDefectName = keyof typeof STANDARDS_DEFECTS;
