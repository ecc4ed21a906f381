import { readFileSync } from 'node:fs';
function load(file) {
  const prof = JSON.parse(readFileSync(file, 'utf8'));
  const idx = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map(); let total = 0;
  prof.samples.forEach((id, i) => {
    const t = prof.timeDeltas[i] ?? 0; const cf = idx.get(id).callFrame;
    let key = cf.url.replace(/.*node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*/, 'nm:$1').replace(/.*\/dist\/(.*)/, 'dist/$1');
    if (!key) key = cf.functionName;
    if (key.startsWith('node:')) key = 'node:' + (/_http_server|_http_incoming|_http_outgoing/.test(key) ? 'http-server' : key.replace(/^node:(internal\/)?/, '').split('/')[0]);
    self.set(key, (self.get(key) ?? 0) + t); total += t;
  });
  return { self, total };
}
const [h, b] = [load(process.argv[2]), load(process.argv[3])];
const rounds = Number(process.argv[4] ?? 6);
console.log('per round: harness ms', (h.total / 1000 / rounds).toFixed(0), 'bare ms', (b.total / 1000 / rounds).toFixed(0));
const keys = new Set([...h.self.keys(), ...b.self.keys()]);
const rows = [...keys].map((k) => [k, (h.self.get(k) ?? 0) / 1000 / rounds, (b.self.get(k) ?? 0) / 1000 / rounds]).sort((x, y) => (y[1] - y[2]) - (x[1] - x[2]));
console.log(rows.slice(0, 40).map(([k, a, c]) => `${(a - c).toFixed(1).padStart(7)}  (${a.toFixed(1)} vs ${c.toFixed(1)})  ${k}`).join('\n'));
