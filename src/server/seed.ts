// `--seed N`: N realistic, deterministic users (varied and accented names, work emails, titles,
// departments, managers) and one group holding them all.
import type { Store } from './store.ts';
import type { Json } from './validate.ts';
import { URN } from '../spec/scim-schemas.ts';

const GIVEN = ['Ana', 'Björn', 'Chloé', 'Dmitri', 'Émile', 'Fatima', 'Grace', 'Hiroshi', 'Inés', 'Jonas', 'Kwame', 'Léa', 'Mateo', 'Nadia', 'Oskar', 'Priya', 'Quentin', 'Renée', 'Søren', 'Tomás', 'Uma', 'Valentina', 'Wei', 'Xiomara', 'Yusuf', 'Zoë', 'Łukasz', 'Ngọc', 'Siobhán', 'José'];
const FAMILY = ['Andersson', 'Brontë', 'Castañeda', 'Dubois', 'Eriksen', 'Fernández', 'García', 'Hoffmann', 'Ivanova', 'Jensen', 'Kowalski', 'López', 'Müller', "O'Brien", 'Nguyễn', 'Okafor', 'Petrović', 'Quiñones', 'Rossi', 'Schröder', 'Tanaka', 'Ueda', 'Van der Berg', 'Wójcik', 'Yılmaz', 'Zhang', 'Åberg', 'Sørensen', 'Čapek', 'MacLeod'];
const DEPARTMENTS = ['Engineering', 'Sales', 'Marketing', 'Finance', 'People', 'Support', 'Legal', 'Operations'];
const TITLES = ['Engineer', 'Senior Engineer', 'Account Executive', 'Designer', 'Analyst', 'Manager', 'Specialist', 'Coordinator'];

/** Deterministic PRNG (mulberry32) so `--seed N` always produces the same people. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function ascii(text: string): string {
  return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/ł/g, 'l').replace(/Ł/g, 'L').replace(/ø/g, 'o').replace(/[^A-Za-z]/g, '').toLowerCase();
}

export function seedStore(store: Store, count: number): void {
  if (count <= 0) return;
  const next = random(count * 7919 + 17);
  const pick = <T>(list: readonly T[]) => list[Math.floor(next() * list.length)]!;
  const managers = new Map<string, { id: string; name: string }>();
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const given = pick(GIVEN);
    const family = pick(FAMILY);
    const department = pick(DEPARTMENTS);
    const local = `${ascii(given)}.${ascii(family)}${i + 1}`;
    const data: Json = {
      userName: `${local}@example.com`,
      externalId: `seed-${String(i + 1).padStart(5, '0')}`,
      name: { formatted: `${given} ${family}`, givenName: given, familyName: family },
      displayName: `${given} ${family}`,
      title: managers.has(department) ? pick(TITLES) : 'Head of ' + department,
      active: next() > 0.1,
      emails: [{ value: `${local}@example.com`, type: 'work', primary: true }],
      phoneNumbers: [{ value: `+1-555-01${String(i % 100).padStart(2, '0')}`, type: 'work' }],
      locale: pick(['en-US', 'de-DE', 'fr-FR', 'es-ES', 'ja-JP']),
    };
    const enterprise: Json = { employeeNumber: String(1000 + i), department };
    const manager = managers.get(department);
    if (manager) enterprise.manager = { value: manager.id, displayName: manager.name };
    data[URN.enterpriseUser] = enterprise;
    const created = store.create('User', data);
    ids.push(created.id);
    if (!manager) managers.set(department, { id: created.id, name: `${given} ${family}` });
  }
  store.create('Group', {
    displayName: 'All Staff',
    externalId: 'seed-group-all-staff',
    members: ids.map((id) => ({ value: id, type: 'User' })),
  });
}
