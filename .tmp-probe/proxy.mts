import { startScimmyServer } from '../test/servers/scimmy-server.ts';
import { startProxy } from '../test/support/proxy.ts';
import { DEFECTS } from '../test/support/defects.ts';
import { scimCaller, SCHEMA, patchBody, obj } from '../test/support/http.ts';
const up = await startScimmyServer();
for (const name of ['create-returns-200', 'patch-not-atomic', 'put-merges', 'deleted-still-listed', 'duplicate-accepted', 'member-remove-ignored'] as const) {
  const p = await startProxy(up.url, up.token, DEFECTS[name]);
  const call = scimCaller(p.url, up.token);
  const u = obj((await call('POST', '/Users', { schemas: [SCHEMA.user], userName: name + '@x', displayName: 'Before', title: 't' })).json);
  let r;
  switch (name) {
    case 'create-returns-200': r = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: 'x' + name }); break;
    case 'patch-not-atomic': await call('PATCH', `/Users/${u.id}`, patchBody({ op: 'replace', path: 'displayName', value: 'After' }, { op: 'bogus', path: 'displayName', value: 'x' })); r = await call('GET', `/Users/${u.id}`); break;
    case 'put-merges': r = await call('PUT', `/Users/${u.id}`, { schemas: [SCHEMA.user], userName: u.userName }); break;
    case 'deleted-still-listed': await call('DELETE', `/Users/${u.id}`); r = await call('GET', `/Users?filter=${encodeURIComponent(`userName eq "${u.userName}"`)}`); break;
    case 'duplicate-accepted': r = await call('POST', '/Users', { schemas: [SCHEMA.user], userName: u.userName }); break;
    case 'member-remove-ignored': {
      const g = obj((await call('POST', '/Groups', { schemas: [SCHEMA.group], displayName: 'g', members: [{ value: u.id }] })).json);
      console.log(await call('PATCH', `/Groups/${g.id}`, patchBody({ op: 'remove', path: `members[value eq "${u.id}"]` })).then(x => x.status));
      r = await call('GET', `/Groups/${g.id}`); break;
    }
  }
  console.log(name, r!.status, r!.text.slice(0, 300));
  await p.close();
}
await up.close();
