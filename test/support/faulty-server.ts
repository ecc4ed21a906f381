// A reference server with exactly one defect: the reference server behind a rewriting proxy that
// applies one entry of the defect catalogue (./defects.ts, and ./defects-standards.ts for cursor
// paging and the interoperability profiles). A check's own test starts the defect it exists to
// catch and shows the check fails against it (and passes against the clean server).
import { startServer, type ServerOptions } from '../../src/server/index.ts';
import { DEFECTS as BASE_DEFECTS } from './defects.ts';
import { STANDARDS_DEFECTS } from './defects-standards.ts';
import { startProxy } from './proxy.ts';

export const DEFECTS = { ...BASE_DEFECTS, ...STANDARDS_DEFECTS };
export type DefectName = keyof typeof DEFECTS;
export const DEFECT_NAMES = Object.keys(DEFECTS) as DefectName[];

export interface FaultyServer {
  /** The proxy's SCIM base URL, `http://127.0.0.1:PORT/scim/v2`. */
  url: string;
  token: string;
  defect: DefectName;
  close(): Promise<void>;
}

/** `server` passes options to the reference server behind the proxy (`pagination`, `profile` …). */
export async function startFaultyServer(defect: DefectName, options: { require?: string[]; server?: Omit<ServerOptions, 'port'> } = {}): Promise<FaultyServer> {
  const hooks = DEFECTS[defect];
  if (!hooks) throw new Error(`unknown defect "${defect}"`);
  const upstream = await startServer({ ...options.server, port: 0, ...(options.require ? { require: options.require } : {}) });
  try {
    const proxy = await startProxy(upstream.url, upstream.token, hooks);
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
