// Light checks that each misbehaviour really happens on the wire, seen through undici's
// `request` (the harness's transport).
import { afterEach, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { startMisbehavingServer, type MisbehavingServer } from './msw-responses.ts';

let server: MisbehavingServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function get(url: string, signal?: AbortSignal): Promise<{ status: number; type: string | undefined; bytes: Buffer; location?: string }> {
  const res = await request(`${url}/Users`, { signal });
  const bytes = Buffer.from(await res.body.arrayBuffer());
  const type = res.headers['content-type'];
  const location = res.headers.location;
  return {
    status: res.statusCode,
    type: Array.isArray(type) ? type[0] : type,
    bytes,
    ...(typeof location === 'string' ? { location } : {}),
  };
}

describe('startMisbehavingServer', () => {
  it('html-200: 200 with an HTML page', async () => {
    server = await startMisbehavingServer('html-200');
    const res = await get(server.url);
    expect(res.status).toBe(200);
    expect(res.type).toMatch(/^text\/html/);
    expect(res.bytes.toString()).toMatch(/^<!DOCTYPE html>/);
  });

  it('html-as-scim-json: an HTML page labelled application/scim+json', async () => {
    server = await startMisbehavingServer('html-as-scim-json');
    const res = await get(server.url);
    expect(res.type).toBe('application/scim+json');
    expect(() => JSON.parse(res.bytes.toString()) as unknown).toThrow();
  });

  it('empty-body: 200 with nothing', async () => {
    server = await startMisbehavingServer('empty-body');
    const res = await get(server.url);
    expect(res.status).toBe(200);
    expect(res.bytes.length).toBe(0);
  });

  it('garbage: bytes that are not JSON', async () => {
    server = await startMisbehavingServer('garbage');
    const res = await get(server.url);
    expect(res.status).toBe(200);
    expect(res.bytes.length).toBeGreaterThan(0);
    expect(() => JSON.parse(res.bytes.toString()) as unknown).toThrow();
  });

  it('reset: the body read fails with a socket error', async () => {
    server = await startMisbehavingServer('reset');
    await expect(get(server.url)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) as unknown });
  });

  it('close-immediately: the request fails before any response', async () => {
    server = await startMisbehavingServer('close-immediately');
    await expect(get(server.url)).rejects.toMatchObject({ code: expect.stringMatching(/ECONNRESET|UND_ERR_SOCKET/) as unknown });
  });

  it('hang: never answers; the client can only give up', async () => {
    const hanging = await startMisbehavingServer('hang');
    server = hanging;
    const abort = new AbortController();
    const pending = get(hanging.url, abort.signal);
    while (hanging.requests.length === 0) await new Promise((r) => setImmediate(r));
    abort.abort();
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('redirect: 302 to /elsewhere, which answers JSON', async () => {
    server = await startMisbehavingServer('redirect');
    const res = await get(server.url);
    expect(res.status).toBe(302);
    expect(res.location).toBe(server.url.replace('/scim/v2', '/elsewhere'));
    expect(server.requests).toEqual([{ method: 'GET', url: '/scim/v2/Users' }]);
  });

  it('huge: streams exactly hugeBytes of valid JSON', async () => {
    server = await startMisbehavingServer('huge', { hugeBytes: 3 * 1024 * 1024 });
    const res = await get(server.url);
    expect(res.bytes.length).toBe(3 * 1024 * 1024);
    expect(JSON.parse(res.bytes.toString())).toHaveProperty('padding');
  });

  it('slow and trickle: eventually a normal JSON body', async () => {
    server = await startMisbehavingServer('slow', { delayMs: 20 });
    expect(JSON.parse((await get(server.url)).bytes.toString())).toHaveProperty('totalResults', 0);
    await server.close();
    server = await startMisbehavingServer('trickle', { delayMs: 0 });
    expect(JSON.parse((await get(server.url)).bytes.toString())).toHaveProperty('totalResults', 0);
  });

  it('close() ends a hanging or huge response promptly', async () => {
    const huge = await startMisbehavingServer('huge');
    const res = await request(`${huge.url}/Users`);
    const reading = res.body.arrayBuffer();
    await huge.close();
    await expect(reading).rejects.toBeDefined();
  });
});
