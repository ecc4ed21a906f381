import type { TransportFailure } from '../record/types.ts';
import { optionNames, type OptionNames } from '../util/option-names.ts';

/** How long Entra and Okta wait for an answer before they count a request as failed (idp-sequences: E10, O2). */
export const IDP_TIMEOUT_MS = 60_000;

/**
 * A timeout said with the limit that was waited: below the IdPs' own 60 s the server may only be
 * slow, not broken, and the reader is told how to tell.
 */
export function timeoutFailure(failure: TransportFailure, timeoutMs: number, names: OptionNames = optionNames('cli')): TransportFailure {
  if (failure.code !== 'timeout') return failure;
  const waited = duration(timeoutMs);
  const idp = timeoutMs < IDP_TIMEOUT_MS ? `; Entra and Okta wait up to ${IDP_TIMEOUT_MS / 1000} s for an answer (${names.timeout(IDP_TIMEOUT_MS)} waits as long)` : '';
  // Where the wait ran out: the answer never began, its body stopped part-way, or its body kept
  // coming too slowly to finish (a byte a second never trips the wait between chunks).
  if (failure.message.includes(STALLED)) return { ...failure, message: `the answer stopped part-way: no more of its body for ${waited} (${names.timeout(timeoutMs)})${idp}` };
  if (failure.message.includes(TOO_SLOW)) return { ...failure, message: `the answer's body was still arriving ${duration(timeoutMs + WHOLE_BODY_GRACE_MS)} after it began, too slowly to finish (${names.timeout(timeoutMs)} bounds the whole answer, with a second's grace)${idp}` };
  return { ...failure, message: `no answer within ${waited} (${names.timeout(timeoutMs)})${idp}` };
}

const duration = (ms: number): string => (ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`);

/** A body may arrive for this long after the timeout before it is cut (src/http/client.ts). */
export const WHOLE_BODY_GRACE_MS = 1_000;
const STALLED = 'UND_ERR_BODY_TIMEOUT';
/** The name of the error the client cuts a body with when its whole-answer deadline passes. */
export const TOO_SLOW = 'BodyTooSlow';

/** Turns whatever undici or the socket threw into a short, stable code and a sentence a person can act on. */
export function classifyTransportError(error: unknown, names: OptionNames = optionNames('cli')): TransportFailure {
  const err = error as { code?: string; name?: string; message?: string; cause?: { code?: string; message?: string } };
  const code = err?.code ?? err?.cause?.code ?? '';
  const message = err?.message ?? String(error);
  const detail = err?.cause?.message ? `${message} (${err.cause.message})` : message;
  if (err?.name === TOO_SLOW) return { code: 'timeout', message: `no answer before the timeout (${TOO_SLOW})` };
  if (code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || err?.name === 'TimeoutError' || code === 'ETIMEDOUT') {
    return { code: 'timeout', message: `no answer before the timeout (${code || 'timeout'})` };
  }
  if (code === 'ECONNREFUSED') return { code: 'refused', message: `connection refused: nothing listens there (${detail})` };
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return { code: 'dns', message: `host name not found (${detail})` };
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code === 'EPIPE') return { code: 'reset', message: `connection reset by the server (${detail})` };
  if (/CERT|SSL|TLS|SELF_SIGNED/i.test(code) || /certificate|ssl|tls/i.test(message)) {
    return { code: 'tls', message: `TLS failed: ${detail} (use ${names.insecure} only for a test server you trust)` };
  }
  // undici's tunnel through a proxy (HTTPS_PROXY / HTTP_PROXY) was refused: 407 is the proxy's own login.
  const tunnel = /Proxy response \((\d+)\)/.exec(message);
  if (tunnel) {
    const status = Number(tunnel[1]);
    return { code: 'proxy', message: status === 407 ? 'the proxy asks for credentials (HTTP 407): give them in the proxy URL, http://user:password@host:port' : `the proxy refused to connect to the target (HTTP ${status})` };
  }
  if (err?.name === 'AbortError') return { code: 'aborted', message: 'request aborted' };
  return { code: 'other', message: detail };
}
