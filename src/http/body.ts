// Reading a response body without trusting the server about its size: at most `limit` decoded
// bytes are read, whatever Content-Length says and however well a Content-Encoding compresses
// (a gzip bomb stops at the limit like an endless body does); the rest is never read.
import type { Transform } from 'node:stream';
import type { HeaderValues } from './redact.ts';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';

export interface BodyRead {
  /** Decoded bytes, at most the limit. */
  buffer: Buffer;
  /** True when the whole body was read; false when reading stopped at the limit. */
  complete: boolean;
  /** Content-Length as the server announced it, when it did. */
  declaredBytes?: number;
  /** The Content-Encoding that was decoded (`gzip`, `deflate`, `br`). */
  encoding?: string;
  /** Bytes received on the wire, when a Content-Encoding was decoded. */
  wireBytes?: number;
  /** Why decoding failed; `buffer` then holds the bytes as received. */
  decodeError?: string;
}

type Decoder = () => Transform;
const DECODERS: Record<string, Decoder> = {
  gzip: () => createGunzip(),
  'x-gzip': () => createGunzip(),
  deflate: () => createInflate(),
  br: () => createBrotliDecompress(),
};

export interface ReadableBody extends AsyncIterable<unknown> {
  destroy(error?: Error): unknown;
  /** Reads the whole body at once (undici's body mixin). */
  arrayBuffer?(): Promise<ArrayBuffer>;
}

/** `headers`: as undici gives them (names in lower case; a repeated header is a list). */
export async function readBody(body: ReadableBody, headers: HeaderValues, limit: number): Promise<BodyRead> {
  const length = headers['content-length'];
  // A repeated Content-Length is no length to trust: read as if there were none.
  const declared = typeof length === 'string' && length.trim() !== '' ? Number(length) : Number.NaN;
  const declaredBytes = Number.isFinite(declared) && declared >= 0 ? declared : undefined;
  const coding = headers['content-encoding'];
  const encoding = (typeof coding === 'string' ? coding : (coding ?? []).join(', ')).trim().toLowerCase();
  const decoder = DECODERS[encoding];
  const base = declaredBytes !== undefined ? { declaredBytes } : {};
  if (!decoder) {
    // HTTP framing stops a body at its Content-Length: one that fits is read whole, without
    // iterating it chunk by chunk (what a bare undici loop's `body.text()` does too).
    if (declaredBytes !== undefined && declaredBytes <= limit && body.arrayBuffer) return { buffer: Buffer.from(await body.arrayBuffer()), complete: true, ...base };
    return { ...(await readPlain(body, limit)), ...base };
  }
  return { ...(await readDecoded(body, decoder(), limit)), ...base, encoding };
}

async function readPlain(body: ReadableBody, limit: number): Promise<{ buffer: Buffer; complete: boolean }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    const buf = chunk as Buffer;
    if (size + buf.length > limit) {
      chunks.push(buf.subarray(0, limit - size));
      body.destroy();
      return { buffer: Buffer.concat(chunks), complete: false };
    }
    chunks.push(buf);
    size += buf.length;
  }
  return { buffer: Buffer.concat(chunks), complete: true };
}

/** Feeds the wire bytes through the decoder and keeps its output up to the limit. */
function readDecoded(body: ReadableBody, decoder: Transform, limit: number): Promise<Omit<BodyRead, 'declaredBytes' | 'encoding'>> {
  return new Promise((resolve, reject) => {
    const out: Buffer[] = [];
    const raw: Buffer[] = [];
    let size = 0;
    let wireBytes = 0;
    let settled = false;
    const settle = (result: Omit<BodyRead, 'declaredBytes' | 'encoding'> | Error): void => {
      if (settled) return;
      settled = true;
      decoder.destroy();
      body.destroy();
      if (result instanceof Error) reject(result);
      else resolve(result);
    };
    decoder.on('data', (chunk: Buffer) => {
      if (settled) return;
      if (size + chunk.length > limit) {
        out.push(chunk.subarray(0, limit - size));
        size = limit;
        settle({ buffer: Buffer.concat(out), complete: false, wireBytes });
        return;
      }
      out.push(chunk);
      size += chunk.length;
    });
    decoder.on('end', () => settle({ buffer: Buffer.concat(out), complete: true, wireBytes }));
    decoder.on('error', (error: Error) => {
      // Not what it claims to be: keep what came over the wire, as received.
      settle({ buffer: Buffer.concat(raw).subarray(0, limit), complete: false, wireBytes, decodeError: `cannot decode ${error.message.replace(/\.$/, '')}; the body is kept as received` });
    });
    void (async () => {
      try {
        for await (const chunk of body) {
          if (settled) return;
          const buf = chunk as Buffer;
          wireBytes += buf.length;
          // The raw bytes are kept only while they could still be shown instead of a failed decode.
          if (wireBytes <= limit) raw.push(buf);
          if (!decoder.write(buf)) await new Promise<void>((r) => {
            decoder.once('drain', r);
            decoder.once('close', r);
          });
        }
        if (!settled) decoder.end();
      } catch (error) {
        settle(error instanceof Error ? error : new Error(String(error)));
      }
    })();
  });
}
