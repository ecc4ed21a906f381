// The connection pool every request goes through. Behind a company proxy, requests go through the
// proxy named by HTTPS_PROXY / HTTP_PROXY (either case, as curl and npm read them), except for the
// hosts NO_PROXY lists; undici's EnvHttpProxyAgent does the tunnelling. A target on this machine
// (localhost, 127.0.0.1, ::1: the embedded reference server, a developer's own server) is never
// sent through a proxy, which could not reach it.
import { Agent, EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { redactText } from './redact.ts';

export interface DispatcherOptions {
  timeoutMs: number;
  insecure: boolean;
}

/** Hosts that are never proxied, in NO_PROXY's spelling (an IPv6 host in brackets, as in a URL). */
const LOOPBACK = ['localhost', '127.0.0.1', '[::1]'];

export interface ProxySettings {
  /** Proxy URL for http:// targets, and the variable it came from. */
  http?: { url: string; variable: string };
  /** Proxy URL for https:// targets (undici falls back to the http one). */
  https?: { url: string; variable: string };
  /** NO_PROXY as given, plus the loopback hosts. */
  noProxy: string;
}

function fromEnvironment(env: NodeJS.ProcessEnv, lower: string): { url: string; variable: string } | undefined {
  // Lower case first, as curl and undici read them.
  for (const variable of [lower, lower.toUpperCase()]) {
    const url = env[variable];
    if (url) return { url, variable };
  }
  return undefined;
}

/** The proxy the environment asks for, or undefined when none is set. */
export function proxySettings(env: NodeJS.ProcessEnv = process.env): ProxySettings | undefined {
  const http = fromEnvironment(env, 'http_proxy');
  const https = fromEnvironment(env, 'https_proxy');
  if (!http && !https) return undefined;
  // An empty lower-case variable (set to clear it) does not hide the upper-case one.
  const given = env.no_proxy || env.NO_PROXY || '';
  return { ...(http ? { http } : {}), ...(https ? { https } : {}), noProxy: [given, ...LOOPBACK].filter(Boolean).join(',') };
}

/**
 * The proxy a request to `url` goes through (its URL with any password redacted, and the variable
 * that named it), or undefined when it goes direct: the same rules as EnvHttpProxyAgent's.
 */
export function proxyFor(url: string, settings: ProxySettings | undefined = proxySettings()): { url: string; variable: string } | undefined {
  if (!settings) return undefined;
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return undefined;
  }
  const host = target.host.replace(/:\d*$/, '').toLowerCase();
  const port = Number(target.port) || (target.protocol === 'https:' ? 443 : 80);
  for (const entry of settings.noProxy.split(/[,\s]/).filter(Boolean)) {
    if (entry === '*') return undefined;
    const [, name = entry, entryPort] = /^(.+):(\d+)$/.exec(entry) ?? [];
    if (entryPort && Number(entryPort) !== port) continue;
    const bare = name.replace(/^\*?\./, '').toLowerCase();
    if (host === bare || host.endsWith(`.${bare}`)) return undefined;
  }
  const proxy = target.protocol === 'https:' ? (settings.https ?? settings.http) : settings.http;
  return proxy ? { url: redactText(proxy.url), variable: proxy.variable } : undefined;
}

export function createDispatcher(options: DispatcherOptions): Dispatcher {
  const tls = { rejectUnauthorized: !options.insecure };
  const common = { headersTimeout: options.timeoutMs, bodyTimeout: options.timeoutMs, keepAliveTimeout: 4_000, connect: { ...tls, timeout: options.timeoutMs } };
  const proxy = proxySettings();
  if (!proxy) return new Agent(common);
  // requestTls: the target's certificate inside the tunnel (--insecure applies to it as to a
  // direct connection); the proxy's own certificate is always checked.
  // Both given explicitly (an empty string is "none"), so the agent reads the environment exactly as proxyFor() does.
  return new EnvHttpProxyAgent({ ...common, requestTls: tls, httpProxy: proxy.http?.url ?? '', httpsProxy: proxy.https?.url ?? '', noProxy: proxy.noProxy });
}
