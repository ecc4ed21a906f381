// Starts the console: the HTTP server for the pages and the admin API over a ConsoleService,
// bound to 127.0.0.1 unless told otherwise. A port in use or a host that cannot be bound is a
// ConsoleStartError with one line to show; `close()` ends the open event streams, the server
// and the provisioning job (a running cycle finishes first).
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { getRequestListener } from '@hono/node-server';
import { createConsoleApp } from './app.ts';
import { LiveHub } from './live.ts';
import type { ConsoleService } from './service.ts';

export class ConsoleStartError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConsoleStartError';
  }
}

export interface ConsoleOptions {
  service: ConsoleService;
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. */
  port: number;
  /**
   * The console's own token. Bound to a loopback address the console needs none unless one is
   * given; bound elsewhere one is made up when absent, and every request needs it.
   */
  token?: string;
}

export interface RunningConsole {
  /** `http://127.0.0.1:PORT` */
  url: string;
  port: number;
  /** The token requests need, when they need one. */
  token?: string;
  /** The URL to open in a browser (with `?token=` when a token is needed). */
  openUrl: string;
  close(): Promise<void>;
}

const isLoopback = (host: string): boolean => host === '127.0.0.1' || host === '::1' || host === 'localhost' || /^127\.\d+\.\d+\.\d+$/.test(host);

export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopback(host);
  const token = options.token ?? (loopback ? undefined : randomBytes(18).toString('base64url'));
  let port = options.port;
  let stop!: () => void;
  const closing = new Promise<void>((resolve) => (stop = resolve));
  const hub = new LiveHub(options.service);
  const app = createConsoleApp({ service: options.service, hub, guard: { ...(token ? { token } : {}), loopback, port: () => port }, closing });
  const server = createServer(getRequestListener(app.fetch, { hostname: host }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new ConsoleStartError(`port ${options.port} on ${host} is in use: choose another with --port (--port 0 picks a free one)`));
      else if (error.code === 'EADDRNOTAVAIL' || error.code === 'ENOTFOUND') reject(new ConsoleStartError(`cannot listen on ${host}: no such address on this machine (--host)`));
      else if (error.code === 'EACCES') reject(new ConsoleStartError(`not allowed to listen on ${host}:${options.port} (ports below 1024 need privileges; try --port 8090)`));
      else reject(new ConsoleStartError(`cannot listen on ${host}:${options.port} (${error.code ?? error.message})`));
    });
    server.listen(options.port, host, () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  const url = `http://${urlHost}:${port}`;
  let closed: Promise<void> | undefined;
  return {
    url,
    port,
    ...(token ? { token } : {}),
    openUrl: token ? `${url}/?token=${encodeURIComponent(token)}` : url,
    close: () =>
      (closed ??= (async () => {
        stop();
        hub.close();
        await new Promise<void>((resolve) => closeServer(server, resolve));
        await options.service.close();
      })()),
  };
}

function closeServer(server: Server, done: () => void): void {
  server.close(() => done());
  server.closeAllConnections();
}
