// The interoperability profile's transport rule (§7.1): all traffic over TLS, and TLS 1.3
// supported. An https target is asked for a TLS 1.3 handshake (nothing else is sent); a plain-HTTP
// target on a loopback address is a development set-up and is skipped with that reason.
import { connect } from 'node:tls';
import type { CheckResult } from '../record/types.ts';

const LOOPBACK = /^(localhost|127\.\d+\.\d+\.\d+|\[?::1\]?)$/i;

function handshake(host: string, port: number, insecure: boolean, timeoutMs: number): Promise<string | undefined> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, servername: /^[\d.]+$|:/.test(host) ? undefined : host, minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3', rejectUnauthorized: !insecure, timeout: timeoutMs }, () => {
      socket.end();
      resolve(undefined);
    });
    socket.on('timeout', () => {
      socket.destroy();
      resolve(`no TLS 1.3 handshake within ${timeoutMs} ms`);
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ? `${error.code}: ${error.message}` : error.message));
  });
}

export async function tlsResult(target: string, options: { insecure: boolean; timeoutMs: number }): Promise<CheckResult> {
  const url = new URL(target);
  const base = {
    checkId: 'interop.tls',
    title: 'The endpoint is served over TLS and accepts TLS 1.3',
    area: 'interop profile: transport',
    suite: 'interop',
    level: 'MUST' as const,
    refs: ['INTEROP-7.1'],
    exchangeIds: [],
  };
  if (url.protocol === 'http:') {
    if (LOOPBACK.test(url.hostname)) return { ...base, status: 'skip', reason: 'plain HTTP on a loopback address (a development set-up); TLS is judged on the deployed https endpoint' };
    return { ...base, status: 'fail', message: `the endpoint is plain HTTP (${url.origin}); the profile requires TLS for all traffic`, expected: 'https', actual: url.protocol };
  }
  const port = url.port ? Number(url.port) : 443;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const problem = await handshake(host, port, options.insecure, options.timeoutMs);
  if (!problem) return { ...base, status: 'pass', message: `TLS 1.3 handshake with ${url.host} succeeded` };
  return { ...base, status: 'fail', message: `${url.host} did not complete a TLS 1.3 handshake (${problem}); reproduce with: openssl s_client -connect ${url.host}${url.port ? '' : ':443'} -tls1_3`, expected: 'TLS 1.3', actual: problem };
}
