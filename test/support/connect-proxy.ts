// A forward proxy on 127.0.0.1 that tunnels CONNECT requests, as a company proxy does, to a server
// on this machine whatever host name the client asked for (so a test can use a name no DNS knows
// and prove the request went through the proxy). It records each tunnel it was asked for, and
// with `credentials` answers 407 unless Proxy-Authorization carries them.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect } from 'node:net';

export interface ConnectProxy {
  url: string;
  /** `host:port` of every CONNECT asked, in order, with whether it was let through. */
  tunnels: { target: string; allowed: boolean }[];
  close(): Promise<void>;
}

export async function startConnectProxy(options: { credentials?: { user: string; password: string } } = {}): Promise<ConnectProxy> {
  const tunnels: ConnectProxy['tunnels'] = [];
  // Tunnelled sockets leave the HTTP server's books: closed by hand.
  const open = new Set<{ destroy(): void }>();
  const expected = options.credentials ? `Basic ${Buffer.from(`${options.credentials.user}:${options.credentials.password}`).toString('base64')}` : undefined;
  const server: Server = createServer((_req, res) => {
    res.writeHead(501).end('this test proxy only tunnels (CONNECT)');
  });
  server.on('connect', (req, socket, head) => {
    const target = req.url ?? '';
    const allowed = expected === undefined || req.headers['proxy-authorization'] === expected;
    tunnels.push({ target, allowed });
    if (!allowed) {
      socket.end('HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="test"\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const port = Number(target.slice(target.lastIndexOf(':') + 1));
    open.add(socket);
    const upstream = connect(port, '127.0.0.1', () => {
      socket.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(socket);
      socket.pipe(upstream);
    });
    const end = (): void => {
      upstream.destroy();
      socket.destroy();
    };
    open.add(upstream);
    upstream.on('error', end);
    socket.on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    tunnels,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        for (const socket of open) socket.destroy();
      }),
  };
}
