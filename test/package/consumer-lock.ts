// A lock file for a consumer project of the packed tarball, cut from this repository's own lock:
// exactly the packages scimproof (and, for the vitest entry, vitest) need, at the versions CI
// already installed, so `npm ci --offline` installs the consumer from the npm cache alone.
import { readFileSync } from 'node:fs';

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  dev?: boolean;
  devOptional?: boolean;
  peer?: boolean;
  [key: string]: unknown;
}

interface Lock {
  name: string;
  lockfileVersion: number;
  packages: Record<string, LockEntry>;
}

/** `node_modules/a/node_modules/b` → `node_modules/a`; `node_modules/a` → `` (the project). */
const parentOf = (path: string): string => path.slice(0, Math.max(0, path.lastIndexOf('/node_modules/')));

export function consumerLock(repoLockFile: string, tarball: { file: string; integrity: string; manifest: LockEntry }, extra: Record<string, string>): { packageJson: object; lock: object } {
  const repo = JSON.parse(readFileSync(repoLockFile, 'utf8')) as Lock;
  const picked = new Map<string, LockEntry>();
  // Node's resolution, over lock paths: the nearest node_modules/<name> up from the requiring package.
  const resolve = (from: string, name: string): string | undefined => {
    for (let dir = from; ; dir = parentOf(dir)) {
      const key = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (repo.packages[key]) return key;
      if (!dir) return undefined;
    }
  };
  const visit = (from: string, deps: Record<string, string>, optional: Set<string>): void => {
    for (const name of Object.keys(deps)) {
      const key = resolve(from, name);
      if (!key) {
        if (optional.has(name)) continue;
        throw new Error(`the repository lock has no ${name} (needed by ${from || 'the consumer'})`);
      }
      if (picked.has(key)) continue;
      const entry = repo.packages[key]!;
      picked.set(key, entry);
      const peers = Object.fromEntries(Object.entries(entry.peerDependencies ?? {}).filter(([peer]) => !entry.peerDependenciesMeta?.[peer]?.optional));
      visit(key, { ...entry.dependencies, ...entry.optionalDependencies, ...peers }, new Set(Object.keys(entry.optionalDependencies ?? {})));
    }
  };
  const ownDeps = tarball.manifest.dependencies ?? {};
  visit('', { ...ownDeps, ...extra }, new Set());
  const dependencies = { scimproof: `file:${tarball.file}`, ...extra };
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer', dependencies },
    'node_modules/scimproof': { ...tarball.manifest, resolved: `file:${tarball.file}`, integrity: tarball.integrity },
  };
  for (const [key, entry] of [...picked].sort(([a], [b]) => a.localeCompare(b))) {
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...rest } = entry;
    packages[key] = rest;
  }
  return {
    packageJson: { name: 'consumer', private: true, type: 'module', dependencies },
    lock: { name: 'consumer', lockfileVersion: 3, requires: true, packages },
  };
}
