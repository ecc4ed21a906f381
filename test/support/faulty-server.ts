// A reference server with exactly one defect: the reference server behind a rewriting proxy that
// applies one entry of the defect catalogue (./defects.ts). A check's own test starts the defect
// it exists to catch and shows the check fails against it (and passes against the clean server).
import { startServer, type RunningServer, type ServerOptions } from '../../src/server/index.ts';
import { ALL_DEFECTS, type Defect, type DefectName } from './defects.ts';
import { startProxy } from './proxy.ts';

export type { DefectName } from './defects.ts';
export { ALL_DEFECTS, DEFECTS, DEFECT_NAMES, HTML_CRASHES } from './defects.ts';

export interface FaultyServer {
  /** The proxy's SCIM base URL, `http://127.0.0.1:PORT/scim/v2`. */
  url: string;
  token: string;
  defect: DefectName;
  /** The clean server behind the proxy (to mint tokens, revoke them …). */
  upstream: RunningServer;
  /** The proxy's OAuth token endpoint, when the upstream has one. */
  tokenUrl?: string;
  close(): Promise<void>;
}

export async function startFaultyServer(defect: DefectName, options: { require?: string[]; server?: Partial<ServerOptions> } = {}): Promise<FaultyServer> {
  const hooks = ALL_DEFECTS[defect] as Defect;
  if (!hooks) throw new Error(`unknown defect "${defect}"`);
  // A defect of a token endpoint or of entitlements needs an upstream that has one.
  const needs = hooks.upstream ? await hooks.upstream() : {};
  const upstream = await startServer({ port: 0, ...needs, ...options.server, ...(options.require ? { require: options.require } : {}) });
  try {
    const proxy = await startProxy(upstream.url, upstream.token, hooks, { fetchUpstream: (request) => upstream.app.app.fetch(request) });
    return {
      url: proxy.url,
      token: upstream.token,
      defect,
      upstream,
      ...(upstream.oauth ? { tokenUrl: `${new URL(proxy.url).origin}${new URL(upstream.oauth.tokenUrl).pathname}` } : {}),
      close: async () => {
        await proxy.close();
        await upstream.close();
      },
    };
  } catch (err) {
    await upstream.close();
    throw err;
  }
}
