// What a user installs: the production dependency tree as recorded in package-lock.json (no dev
// packages), measured on disk in node_modules, plus scimproof's own files as `npm pack` lists them.
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchModule, BenchRow } from './types.ts';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface LockEntry { dev?: boolean; devOptional?: boolean; optional?: boolean }

/** Bytes of a package directory, without its nested node_modules (those are packages of their own). */
function packageBytes(dir: string): number {
  let total = 0;
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules') continue;
    const path = join(dir, name);
    const stat = statSync(path);
    total += stat.isDirectory() ? packageBytes(path) : stat.size;
  }
  return total;
}

const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

export const installSizeBench: BenchModule = {
  name: 'install-size',
  async run(): Promise<BenchRow[]> {
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, LockEntry> };
    let bytes = 0;
    let count = 0;
    for (const [path, entry] of Object.entries(lock.packages)) {
      if (path === '' || entry.dev || entry.devOptional) continue;
      let size: number;
      try {
        size = packageBytes(join(ROOT, path));
      } catch {
        continue; // an optional package for another platform
      }
      bytes += size;
      count++;
    }
    const packed = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })) as { size: number; unpackedSize: number; entryCount: number }[];
    const own = packed[0]!;
    return [
      { metric: 'production dependencies installed', value: `${mb(bytes)} in ${count} packages` },
      { metric: 'scimproof itself (npm pack)', value: `${own.entryCount} files, ${(own.size / 1024).toFixed(0)} kB packed, ${(own.unpackedSize / 1024).toFixed(0)} kB unpacked` },
      { metric: 'total install', value: mb(bytes + own.unpackedSize) },
    ];
  },
};
