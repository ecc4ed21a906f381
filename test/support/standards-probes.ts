// Probes for the defects of ./defects-standards.ts: each sends a few requests and returns what the
// defect changes, so faulty-server.test.ts can show the clean server and the faulty one differ.
import type { StandardsDefectName } from './defects-standards.ts';
import { obj, SCHEMA, type Caller } from './http.ts';

export interface StandardsProbe {
  observe(call: Caller): Promise<unknown>;
  clean: unknown;
  faulty: unknown;
}

let counter = 0;

/** Three users sharing a fresh externalId; returns the filter query that finds them. */
async function threeUsers(call: Caller): Promise<string> {
  counter += 1;
  const tag = `cursor-probe-${counter}-${Date.now()}`;
  for (let i = 0; i < 3; i++) {
    const res = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: `${tag}-${i}@example.com`, externalId: tag });
    if (res.status !== 201) throw new Error(`setup POST /Users answered ${res.status}: ${res.text}`);
  }
  return `filter=${encodeURIComponent(`externalId eq "${tag}"`)}`;
}

const page = async (call: Caller, query: string, cursor: string, count = 2) => obj((await call('GET', `/Users?${query}&count=${count}&cursor=${encodeURIComponent(cursor)}`)).json);
const ids = (body: Record<string, unknown>): string[] => (Array.isArray(body.Resources) ? body.Resources.map((r) => String(obj(r).id)) : []);

export const STANDARDS_PROBES: Record<StandardsDefectName, StandardsProbe> = {
  'cursor-ignored': {
    observe: async (call) => typeof (await page(call, await threeUsers(call), '')).nextCursor,
    clean: 'string',
    faulty: 'undefined',
  },
  'cursor-repeats-first-page': {
    observe: async (call) => {
      const query = await threeUsers(call);
      const first = await page(call, query, '');
      const second = await page(call, query, String(first.nextCursor));
      return ids(second).some((id) => ids(first).includes(id));
    },
    clean: false,
    faulty: true,
  },
  'cursor-is-offset': {
    observe: async (call) => {
      const query = await threeUsers(call);
      const order = ids(await page(call, query, '', 3));
      const first = await page(call, query, '', 1);
      await call('DELETE', `/Users/${ids(first)[0]}`);
      const next = await page(call, query, String(first.nextCursor), 1);
      return ids(next)[0] === order[1];
    },
    clean: true,
    faulty: false,
  },
  'cursor-overlaps': {
    observe: async (call) => {
      const query = await threeUsers(call);
      const first = await page(call, query, '');
      const second = await page(call, query, String(first.nextCursor));
      return ids(second).filter((id) => ids(first).includes(id)).length;
    },
    clean: 0,
    faulty: 1,
  },
  'cursor-invalid-accepted': {
    observe: async (call) => (await call('GET', '/Users?cursor=garbage&count=2')).status,
    clean: 400,
    faulty: 200,
  },
  'cursor-invalid-500': {
    observe: async (call) => (await call('GET', '/Users?cursor=garbage&count=2')).status,
    clean: 400,
    faulty: 500,
  },
  'cursor-invalid-wrong-scimtype': {
    observe: async (call) => obj((await call('GET', '/Users?cursor=garbage&count=2')).json).scimType,
    clean: 'invalidCursor',
    faulty: 'invalidValue',
  },
  'cursor-previous-on-first-page': {
    observe: async (call) => 'previousCursor' in (await page(call, await threeUsers(call), '')),
    clean: false,
    faulty: true,
  },
  'cursor-previous-goes-forward': {
    observe: async (call) => {
      const query = await threeUsers(call);
      const first = await page(call, query, '', 1);
      const second = await page(call, query, String(first.nextCursor), 1);
      const back = await page(call, query, String(second.previousCursor), 1);
      return ids(back)[0] === ids(first)[0];
    },
    clean: true,
    faulty: false,
  },
  'cursor-total-is-page-size': {
    observe: async (call) => {
      const query = await threeUsers(call);
      const first = await page(call, query, '');
      return (await page(call, query, String(first.nextCursor))).totalResults;
    },
    clean: 3,
    faulty: 1,
  },
  'cursor-never-ends': {
    observe: async (call) => {
      const query = await threeUsers(call);
      return 'nextCursor' in (await page(call, query, '', 5));
    },
    clean: false,
    faulty: true,
  },
  'cursor-not-url-safe': {
    observe: async (call) => /^[A-Za-z0-9\-._~]+$/.test(String((await page(call, await threeUsers(call), '')).nextCursor)),
    clean: true,
    faulty: false,
  },
  'max-page-size-understated': {
    observe: async (call) => obj(obj((await call('GET', '/ServiceProviderConfig')).json).pagination).maxPageSize,
    clean: 1000,
    faulty: 3,
  },
};
