import { startScimmyServer } from '../test/servers/scimmy-server.ts';
const s = await startScimmyServer();
const h = { authorization: `Bearer ${s.token}`, 'content-type': 'application/scim+json' };
async function go(method: string, path: string, body?: unknown, headers: Record<string,string> = h) {
  const r = await fetch(s.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const t = await r.text();
  console.log(method, path, r.status, r.headers.get('content-type'), r.headers.get('location'), r.headers.get('etag'), '\n  ', t.slice(0, 600));
  try { return JSON.parse(t); } catch { return t; }
}
const U = 'urn:ietf:params:scim:schemas:core:2.0:User';
const E = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const P = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const u = await go('POST', '/Users', { schemas: [U, E], userName: 'Alice@example.com', name: { givenName: 'A', familyName: 'B' }, active: true, emails: [{ value: 'a@x.com', type: 'work', primary: true }], [E]: { department: 'X' } });
await go('POST', '/Users', { schemas: [U], userName: 'Alice@example.com' });
await go('POST', '/Users', { schemas: [U], userName: 'alice@EXAMPLE.com' });
await go('GET', '/Users?filter=' + encodeURIComponent('userName eq "Alice@example.com"'));
await go('GET', '/Users?filter=' + encodeURIComponent('userName eq "alice@example.com"'));
await go('GET', '/Users?filter=' + encodeURIComponent('userName eq "nobody"'));
await go('GET', '/Users?filter=' + encodeURIComponent('userName eq'));
await go('PATCH', `/Users/${u.id}`, { schemas: [P], Operations: [{ op: 'Replace', path: 'displayName', value: 'Al' }] });
await go('PATCH', `/Users/${u.id}`, { schemas: [P], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] });
await go('PATCH', `/Users/${u.id}`, { schemas: [P], Operations: [{ op: 'replace', value: { 'name.givenName': 'Z', [`${E}:department`]: 'Y', active: false } }] });
await go('PATCH', `/Users/${u.id}`, { schemas: [P], Operations: [{ op: 'replace', value: { 'name.givenName': 'Z' } }] });
await go('GET', `/Users/${u.id}`);
const g = await go('POST', '/Groups', { schemas: ['urn:ietf:params:scim:schemas:core:2.0:Group'], displayName: 'G1' });
await go('PATCH', `/Groups/${g.id}`, { schemas: [P], Operations: [{ op: 'Add', path: 'members', value: [{ value: u.id }] }] });
await go('PATCH', `/Groups/${g.id}`, { schemas: [P], Operations: [{ op: 'Remove', path: `members[value eq "${u.id}"]` }] });
await go('PATCH', `/Groups/${g.id}`, { schemas: [P], Operations: [{ op: 'Add', path: 'members', value: [{ value: u.id }] }] });
await go('PATCH', `/Groups/${g.id}`, { schemas: [P], Operations: [{ op: 'Remove', path: 'members', value: [{ value: u.id }] }] });
await go('GET', `/Groups/${g.id}`);
await go('PUT', `/Users/${u.id}`, { schemas: [U], userName: 'Alice@example.com', active: true });
await go('DELETE', `/Users/${u.id}`);
await go('GET', `/Users/${u.id}`);
await go('GET', '/Users', undefined, {});
await go('GET', '/Users', undefined, { authorization: 'Bearer wrong' });
await go('GET', '/ServiceProviderConfig');
await go('GET', '/Users?startIndex=1&count=1');
await s.close();
