// A file written in batches from a buffer allocated once: text is encoded straight into the
// buffer, and the buffer goes to the file in one synchronous write when it is full, when asked,
// or a moment after the last line (an unref'd timer), so a reader never waits long for it.
//
// Why not a write stream: each of its writes is a round trip through libuv's thread pool (a
// wake-up of a pool thread, then of the event loop), which on a small virtual machine cost the
// mock IdP more than building the lines did. Why not held strings joined later: a held line
// outlives the young generation and a joined megabyte string is born in the old one, so the heap
// grew with the size of the log. Bytes copied into one reused buffer are neither.
import { closeSync, openSync, writeSync } from 'node:fs';

/** Bytes gathered before one write. */
const BATCH_BYTES = 256 * 1024;
/** The longest a line waits in the buffer while nothing else is written. */
const FLUSH_MS = 200;

export class BatchFile {
  private fd: number | undefined;
  private readonly buffer = Buffer.allocUnsafe(BATCH_BYTES);
  private used = 0;
  /** Where the last write() began in the buffer; -1 when part of it has left the buffer. */
  private lastStart = -1;
  private timer: NodeJS.Timeout | undefined;
  /** The first write that failed; reported by `close()` (or `flush()`), not in the middle of a cycle. */
  private failure: Error | undefined;

  constructor(path: string, flags: 'a' | 'w') {
    this.fd = openSync(path, flags);
  }

  /** Appends `text` as UTF-8; returns the bytes it takes. */
  write(text: string): number {
    // A UTF-16 code unit never takes more than 3 bytes in UTF-8.
    if (text.length * 3 > BATCH_BYTES - this.used) {
      this.drain();
      if (text.length * 3 > BATCH_BYTES) {
        this.lastStart = -1;
        return this.writeThrough(Buffer.from(text));
      }
    }
    this.lastStart = this.used;
    const n = this.buffer.write(text, this.used);
    this.used += n;
    this.soon();
    return n;
  }

  /** The bytes of the last write(), while all of them are still in the buffer (until the next write). */
  lastWritten(): Uint8Array | undefined {
    return this.lastStart >= 0 ? this.buffer.subarray(this.lastStart, this.used) : undefined;
  }

  /** Appends bytes as they are (a line another BatchFile has just encoded). */
  writeBytes(bytes: Uint8Array): void {
    if (bytes.length > BATCH_BYTES - this.used) {
      this.drain();
      if (bytes.length > BATCH_BYTES) {
        this.writeThrough(bytes);
        return;
      }
    }
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
    this.soon();
  }

  /** The first write that failed, if any (kept, as `flush()` would throw it). */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Writes what is buffered; throws the first write error, if any. */
  flush(): void {
    this.drain();
    if (this.failure) throw this.failure;
  }

  close(): void {
    try {
      this.flush();
    } finally {
      if (this.fd !== undefined) closeSync(this.fd);
      this.fd = undefined;
    }
  }

  /** Writes what is buffered; a failure is kept for `flush()` and `close()`. */
  private drain(): void {
    this.lastStart = -1;
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.used === 0) return;
    const n = this.used;
    this.used = 0;
    this.writeAll(this.buffer.subarray(0, n));
  }

  private writeThrough(bytes: Uint8Array): number {
    this.lastStart = -1;
    this.writeAll(bytes);
    return bytes.length;
  }

  private writeAll(bytes: Uint8Array): void {
    if (this.fd === undefined || this.failure) return;
    try {
      for (let off = 0; off < bytes.length; ) off += writeSync(this.fd, bytes, off, bytes.length - off);
    } catch (error) {
      this.failure = error as Error;
    }
  }

  private soon(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => this.drain(), FLUSH_MS);
    this.timer.unref();
  }
}
