import { it } from 'vitest';
import { runConformance } from '../src/runner/run.ts';
import { verdictOf } from '../src/report/summarize.ts';
import { startServer } from '../src/server/index.ts';
import { startProxy, type ProxyResponse, type HookContext } from './support/proxy.ts';
import { editJson, editRequestJson, isObject } from './support/defects.ts';

type J = Record<string, unknown>;
const isError = (j: J) => Array.isArray(j.schemas) && (j.schemas as string[]).some((s) => /Error/.test(s));
const eachResource = (j: J, f: (r: J) => void): void => {
  if (Array.isArray(j.Resources)) (j.Resources as J[]).forEach((r) => isObject(r) && f(r));
  else if (j.id !== undefined) f(j);
};
const VARIANTS: Record<string, { onRequest?: (ctx: HookContext) => void; onResponse: (ctx: HookContext, res: ProxyResponse) => void }> = {
  'error-no-scimType': { onResponse: (_c, res) => editJson(res, (j) => { if (isError(j)) delete j.scimType; }) },
  'error-no-detail': { onResponse: (_c, res) => editJson(res, (j) => { if (isError(j)) delete j.detail; }) },
  'extra-attributes-ignored-on-write': {
    onRequest: (ctx) => editRequestJson(ctx.req, (j) => { delete j.vendorInternalId; delete j['urn:example:vendor:2.0:Extra']; if (Array.isArray(j.schemas)) j.schemas = (j.schemas as string[]).filter((s) => s !== 'urn:example:vendor:2.0:Extra'); }),
    onResponse: (_c, res) => editJson(res, (j) => eachResource(j, (r) => { r.vendorInternalId = 'abc-123'; })),
  },
  'members-extra-fields': { onResponse: (_c, res) => editJson(res, (j) => eachResource(j, (r) => { if (Array.isArray(r.members)) for (const m of r.members as J[]) { m.type = 'User'; m.primary = false; } })) },
  'schemas-extra-order': { onResponse: (_c, res) => editJson(res, (j) => eachResource(j, (r) => { if (Array.isArray(r.schemas)) r.schemas = [...(r.schemas as string[])].reverse(); })) },
};
it('x', async () => {
  for (const [name, hooks] of Object.entries(VARIANTS)) {
    const server = await startServer({ port: 0 });
    const proxy = await startProxy(server.url, server.token, hooks);
    const record = await runConformance({ url: proxy.url, auth: { kind: 'bearer', token: server.token }, suites: ['core', 'entra', 'okta'], seed: 9 });
    await proxy.close(); await server.close();
    const bad = record.results.filter((r) => r.status === 'fail' || r.status === 'error');
    console.log(`== ${name}: ${verdictOf(record).headline} ${verdictOf(record).detail} runError=${record.meta.runError ?? ''}`);
    for (const r of bad.slice(0, 10)) console.log(`   ${r.status} ${r.checkId}: ${(r.message ?? '').slice(0, 220)}`);
    const warns = record.results.filter((r) => r.status === 'warn');
    for (const r of warns.slice(0, 6)) console.log(`   warn ${r.checkId}: ${(r.message ?? '').slice(0, 160)}`);
  }
}, 600000);
