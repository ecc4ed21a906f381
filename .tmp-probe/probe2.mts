import { startScimmyServer } from '../test/servers/scimmy-server.ts';
const s = await startScimmyServer();
const h = { authorization: `Bearer ${s.token}`, 'content-type': 'application/scim+json' };
async function go(method: string, path: string, body?: unknown, headers: Record<string,string> = h, raw?: string) {
  const r = await fetch(s.url + path, { method, headers, body: raw ?? (body === undefined ? undefined : JSON.stringify(body)) });
  const t = await r.text();
  console.log(method, path, r.status, r.headers.get('content-type'), r.headers.get('www-authenticate'), '\n  ', t.slice(0, 400));
  try { return JSON.parse(t); } catch { return t; }
}
const U = 'urn:ietf:params:scim:schemas:core:2.0:User';
const P = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
for (const n of ['b', 'a', 'c']) await go('POST', '/Users', { schemas: [U], userName: n, emails: [{ value: n + '@x', type: 'work' }], title: n === 'a' ? 'T' : undefined });
const f = (q: string) => go('GET', '/Users?filter=' + encodeURIComponent(q) + '&attributes=userName');
await f('userName zz "x"');
await f('(((');
await f('userName EQ "a"');
await f('emails[type eq "work"].value eq "a@x"');
await f('emails.value eq "a@x"');
await f('title pr');
await f('active eq "True"');
await f('meta.created gt "2000-01-01T00:00:00Z"');
await f('foo eq "x"');
await go('GET', '/Users?sortBy=userName&attributes=userName');
await go('GET', '/Users?startIndex=0&count=1&attributes=userName');
await go('GET', '/Users?startIndex=2&count=1&attributes=userName');
await go('GET', '/Users?count=0');
await go('GET', '/Users?excludedAttributes=emails,meta&count=1');
await go('POST', '/Users', { schemas: [U], displayName: 'no username' });
await go('POST', '/Users', undefined, h, '{not json');
await go('POST', '/Users', { schemas: [U], userName: 'pw', password: 'secret', foo: 'bar' });
await go('POST', '/Users', { userName: 'noschemas' });
await go('DELETE', '/Users/nope');
await go('PATCH', '/Users/nope', { schemas: [P], Operations: [{ op: 'replace', path: 'active', value: false }] });
await go('PATCH', '/Users/nope', { schemas: [P], Operations: [{ op: 'bogus', path: 'active', value: false }] });
const s1 = await go('GET', '/Schemas'); console.log(Array.isArray(s1), s1.totalResults);
await go('GET', '/ResourceTypes');
await go('GET', '/Nope');
await go('GET', '/Users?filter=userName%20eq%20%22a%22', undefined, { authorization: `Bearer ${s.token}` });
await s.close();
