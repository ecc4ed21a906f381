import { readFileSync } from 'node:fs';
function load(file) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const idx = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map(); let total = 0;
  prof.samples.forEach((id, i) => {
    const t = prof.timeDeltas[i] ?? 0; const cf = idx.get(id).callFrame;
    const key = `${cf.functionName || '(anon)'} ${cf.url.replace(/.*node_modules\//, 'nm/').replace(/.*\/dist\//, 'dist/')}:${cf.lineNumber}`;
    self.set(key, (self.get(key) ?? 0) + t); total += t;
  });
  return { self, total };
}
const [h, b] = [load(process.argv[2]), load(process.argv[3])];
console.log('harness ms', (h.total / 1000).toFixed(0), 'bare ms', (b.total / 1000).toFixed(0));
const keys = new Set([...h.self.keys(), ...b.self.keys()]);
const diff = [...keys].map((k) => [k, ((h.self.get(k) ?? 0) - (b.self.get(k) ?? 0)) / 1000]).sort((x, y) => y[1] - x[1]);
console.log(diff.slice(0, Number(process.argv[4] ?? 45)).map(([k, v]) => `${v.toFixed(1).padStart(8)} ms  ${k}`).join('\n'));
