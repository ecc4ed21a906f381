// A console that goes away (`scimproof run | head -3`, a CI log reader that stops reading) must
// not end the run: its writes fail with EPIPE, which would crash the process with no report and
// resources left on the target. Once a stream fails it is treated as closed and written to no
// more; the run carries on quietly, cleans up, writes its report and exits as it would have.

const closed = new WeakSet<NodeJS.WritableStream>();
const guarded = new WeakSet<NodeJS.WritableStream>();

export function guardOutput(streams: NodeJS.WriteStream[] = [process.stdout, process.stderr]): void {
  for (const stream of streams) {
    if (guarded.has(stream)) continue;
    guarded.add(stream);
    stream.on('error', () => closed.add(stream));
    const write = stream.write.bind(stream) as (...args: unknown[]) => boolean;
    // Writing to a closed stream would only raise the same error again.
    stream.write = ((...args: unknown[]) => {
      if (closed.has(stream) || stream.destroyed) return true;
      try {
        return write(...args);
      } catch {
        closed.add(stream);
        return true;
      }
    }) as typeof stream.write;
  }
}
