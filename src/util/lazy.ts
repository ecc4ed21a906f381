// A value made on first use and kept: JSON Schemas are compiled, templates read, only when a
// command needs them, so `scimproof --version` and the first line of a run stay fast.
export function lazy<T>(make: () => T): () => T {
  let made = false;
  let value: T;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value;
  };
}
