import { setupServer } from 'msw/node';
import { http, HttpResponse } from 'msw';
import { request } from 'undici';
const server = setupServer(http.get('http://127.0.0.1:9/x', () => HttpResponse.text('mocked')));
server.listen({ onUnhandledRequest: 'bypass' });
try { const r = await fetch('http://127.0.0.1:9/x'); console.log('global fetch:', r.status, await r.text()); } catch (e) { console.log('global fetch error', (e as Error).message); }
try { const r = await request('http://127.0.0.1:9/x'); console.log('undici.request:', r.statusCode, await r.body.text()); } catch (e) { console.log('undici.request error:', (e as Error).message, (e as any).code); }
const { fetch: ufetch } = await import('undici');
try { const r = await ufetch('http://127.0.0.1:9/x'); console.log('undici.fetch:', r.status, await r.text()); } catch (e) { console.log('undici.fetch error:', (e as Error).message, (e as any).cause?.code); }
server.close();
