// The two real servers the mock IdP's fidelity tests sync into: ours, and one written by strangers
// on a third-party library (SCIMMY). Each entry is [name for the test title, start()].
import { startServer } from '../../src/server/index.ts';
import { startScimmyServer } from '../servers/scimmy-server.ts';

export const REFERENCE_AND_SCIMMY = [
  ['the reference server', async () => {
    const s = await startServer({ port: 0 });
    return { url: s.url, token: s.token, close: () => s.close() };
  }],
  ['SCIMMY', async () => startScimmyServer()],
] as const;
