// Reads a request body as JSON within the size limit. Content type and size are refused (415, 413)
// before the body is parsed; the refused body is still read off the socket so the client gets the
// answer instead of a connection reset.
import type { Context } from 'hono';
import { invalidSyntax, ScimError } from './errors.ts';

/** Bytes of an oversized body read and discarded so the client receives the 413 instead of a reset. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

export async function readJson(c: Context, maxBytes: number): Promise<unknown> {
  const contentType = c.req.header('content-type');
  if (contentType !== undefined && contentType.trim() !== '' && !/json/i.test(contentType)) {
    await drain(c.req.raw.body, DRAIN_LIMIT);
    throw new ScimError(415, undefined, 'Content-Type must be application/scim+json (application/json is accepted too)');
  }
  const declared = c.req.header('content-length');
  const tooLarge = () => new ScimError(413, undefined, `the request body is larger than ${maxBytes} bytes`);
  if (declared !== undefined && Number(declared) > maxBytes) {
    await drain(c.req.raw.body, DRAIN_LIMIT);
    throw tooLarge();
  }
  const text = declared !== undefined && /^\d+$/.test(declared) ? await declaredBody(c) : await streamedBody(c, maxBytes, tooLarge);
  return parseJson(text);
}

/**
 * A body whose Content-Length is declared (and within the limit): the HTTP parser delivers
 * exactly that many bytes, so it is read whole. `arrayBuffer()` (like `text()`) is the node adapter's fast
 * path, read straight off the socket; `body` would build a web Request and a web stream around it
 * first, which cost the server more than the rest of a create.
 */
async function declaredBody(c: Context): Promise<string> {
  let bytes: ArrayBuffer;
  try {
    bytes = await c.req.raw.arrayBuffer();
  } catch {
    throw invalidSyntax('the request body could not be read completely');
  }
  return utf8(bytes);
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** The body as text; bytes that are not UTF-8 are refused rather than read as U+FFFD and stored. */
function utf8(bytes: ArrayBuffer | Uint8Array): string {
  try {
    return strictUtf8.decode(bytes);
  } catch {
    throw invalidSyntax('the request body is not valid UTF-8 (RFC 8259 §8.1: JSON exchanged between systems must be UTF-8)');
  }
}

/** A body of unknown length (chunked): read as a stream, refused as soon as it passes the limit. */
async function streamedBody(c: Context, maxBytes: number, tooLarge: () => ScimError): Promise<string> {
  const stream = c.req.raw.body;
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (stream) {
    const reader = stream.getReader();
    for (;;) {
      let chunk: Awaited<ReturnType<typeof reader.read>>;
      try {
        chunk = await reader.read();
      } catch {
        throw invalidSyntax('the request body could not be read completely');
      }
      const { done, value } = chunk;
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await drainReader(reader, DRAIN_LIMIT);
        throw tooLarge();
      }
      chunks.push(value);
    }
  }
  return utf8(Buffer.concat(chunks));
}

function parseJson(received: string): unknown {
  let text = received;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text.trim() === '') throw invalidSyntax('the request body is empty; a JSON object is required');
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw invalidSyntax(`the request body is not valid JSON: ${error instanceof Error ? error.message.slice(0, 200) : 'parse error'}`);
  }
}

async function drain(stream: ReadableStream<Uint8Array> | null, limit: number): Promise<void> {
  if (stream) await drainReader(stream.getReader(), limit);
}

async function drainReader(reader: ReadableStreamDefaultReader<Uint8Array>, limit: number): Promise<void> {
  let total = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      total += value.byteLength;
      if (total > limit) {
        await reader.cancel();
        return;
      }
    }
  } catch {
    // The client went away; nothing left to answer.
  }
}
