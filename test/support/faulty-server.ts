// A reference server with exactly one defect: the reference server behind a rewriting proxy that
// applies one entry of the defect catalogue (./defects.ts). A check's own test starts the defect
// it exists to catch and shows the check fails against it (and passes against the clean server).
import { startServer } from '../../src/server/index.ts';
import { ALL_DEFECTS, type DefectName } from './defects.ts';
import { startProxy } from './proxy.ts';

export type { DefectName } from './defects.ts';
export { ALL_DEFECTS, DEFECTS, DEFECT_NAMES, HTML_CRASHES } from './defects.ts';

export interface FaultyServer {
  /** The proxy's SCIM base URL, `http://127.0.0.1:PORT/scim/v2`. */
  url: string;
  token: string;
  defect: DefectName;
  close(): Promise<void>;
}

export async function startFaultyServer(defect: DefectName, options: { require?: string[] } = {}): Promise<FaultyServer> {
  const hooks = ALL_DEFECTS[defect];
  if (!hooks) throw new Error(`unknown defect "${defect}"`);
  const upstream = await startServer({ port: 0, ...(options.require ? { require: options.require } : {}) });
  try {
    const proxy = await startProxy(upstream.url, upstream.token, hooks, { fetchUpstream: (request) => upstream.app.app.fetch(request) });
    return {
      url: proxy.url,
      token: upstream.token,
      defect,
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
