// Who may use the console. On 127.0.0.1 (the default) anyone on the laptop may, as with any local
// dev server, but only under a loopback Host name: a web page whose own name resolves to
// 127.0.0.1 (DNS rebinding) is refused. Bound elsewhere, every request needs the console's token
// (`Authorization: Bearer …`, or a cookie set when the printed `?token=` URL is opened). Either
// way, a state-changing request made by a browser must come from the console's own page: same
// origin (Origin and Sec-Fetch-Site), with the `X-Scimproof-Console` header a cross-site form or
// image cannot add — so another site open in the same browser cannot assign, delete or restart.
// Scripts (curl, a vendor's tests) send no Origin and need no extra header.
import { timingSafeEqual } from 'node:crypto';
import type { Context, MiddlewareHandler } from 'hono';

export const CONSOLE_HEADER = 'x-scimproof-console';
export const TOKEN_COOKIE = 'scimproof_console';

export interface GuardOptions {
  /** The console's own token; when set, every request needs it. */
  token?: string;
  /** Bound to a loopback address: only loopback Host names are answered. */
  loopback: boolean;
  /** The port the console listens on (known once it is bound). */
  port(): number;
}

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const LOOPBACK_HOSTS = ['127.0.0.1', 'localhost', '[::1]'];

function same(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const at = part.indexOf('=');
    if (at > 0 && part.slice(0, at).trim() === name) return decodeURIComponent(part.slice(at + 1).trim());
  }
  return undefined;
}

const refuse = (c: Context, status: 401 | 403 | 421, message: string): Response => {
  if (c.req.path.startsWith('/api/') || !SAFE.has(c.req.method)) return c.json({ error: message }, status);
  return c.html(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>scimproof IdP console</title></head><body><h1>Not allowed</h1><p>${message.replace(/[&<>"]/g, (ch) => `&#${ch.charCodeAt(0)};`)}</p></body></html>`, status);
};

export function consoleGuard(options: GuardOptions): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (options.loopback && !LOOPBACK_HOSTS.some((h) => host === `${h}:${options.port()}`)) {
      return refuse(c, 421, `this console answers only at http://127.0.0.1:${options.port()} (Host "${host}" refused, against DNS rebinding)`);
    }
    if (options.token !== undefined) {
      const fromQuery = c.req.query('token');
      if (fromQuery !== undefined && SAFE.has(c.req.method) && !c.req.path.startsWith('/api/')) {
        if (!same(fromQuery, options.token)) return refuse(c, 401, 'wrong console token: open the URL the console printed when it started');
        // Trade the token in the URL for a cookie, and drop it from the address bar.
        const url = new URL(c.req.url);
        url.searchParams.delete('token');
        c.header('Set-Cookie', `${TOKEN_COOKIE}=${encodeURIComponent(options.token)}; Path=/; HttpOnly; SameSite=Strict`);
        return c.redirect(`${url.pathname}${url.search}`, 303);
      }
      const auth = c.req.header('authorization');
      const bearer = auth?.toLowerCase().startsWith('bearer ') ? auth.slice(7).trim() : undefined;
      const given = bearer ?? cookie(c.req.header('cookie'), TOKEN_COOKIE);
      if (given === undefined || !same(given, options.token)) {
        return refuse(c, 401, given === undefined ? 'this console needs its token: send "Authorization: Bearer <token>" (printed when the console started, or --console-token), or open the printed URL' : 'wrong console token');
      }
    }
    if (!SAFE.has(c.req.method)) {
      const origin = c.req.header('origin');
      const site = c.req.header('sec-fetch-site');
      const browser = origin !== undefined || site !== undefined;
      if (origin !== undefined && origin !== `http://${host}`) return refuse(c, 403, `cross-origin request refused (Origin ${origin}); the console only takes changes from its own page or from scripts`);
      if (site !== undefined && site !== 'same-origin' && site !== 'none') return refuse(c, 403, `cross-site request refused (Sec-Fetch-Site ${site})`);
      if (browser && c.req.header(CONSOLE_HEADER) === undefined) return refuse(c, 403, `a change from a browser needs the ${CONSOLE_HEADER} header (the console's page sends it)`);
    }
    c.header('X-Content-Type-Options', 'nosniff');
    c.header('Referrer-Policy', 'same-origin');
    c.header('X-Frame-Options', 'DENY');
    c.header('Cache-Control', 'no-store');
    c.header('Content-Security-Policy', "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
    await next();
  };
}
