// Rules of the product that RFC 7643/7644 leave to the service provider, learned before the first
// property runs so that the generators send what the server takes instead of blaming it:
//   - it keeps one value of a multi-valued attribute (one email, one phone number): RFC 7644 §3.3
//     lets a service provider ignore content it does not store. Learned only when the create
//     answer and a read agree on the one value: a server whose answer shows both values while it
//     stores one is misreporting what it stored, and the properties must still see that;
//   - it takes only email addresses as userNames (RFC 7643 §4.1.1 leaves the form to the service
//     provider): learned when a user it accepted with an email userName is refused, otherwise the
//     same, with another userName;
//   - it requires an email unless the userName is an email address (a common product rule, left to
//     the service provider like the form of userName): learned only when all three answers agree,
//     a user with a plain userName and an email accepted, the same without the email refused, and
//     an email userName without an email accepted. Generated userNames are then email addresses,
//     so no generated user (with or without emails, before or after a PATCH) meets the rule.
// A rule learned changes the schemas the generators read (AttributeDefinition.learned); the same
// server teaches the same rules, so a seed still replays the same requests.
import fc from 'fast-check';
import { isPlainObject } from '../filter/index.ts';
import type { AttributeDefinition, SchemaDefinition } from '../spec/scim-schemas.ts';
import { scimUser } from './arbitraries/resource.ts';
import { createdId, jsonOf } from './properties/helpers.ts';
import { echoed, findAttribute, writable, type TargetSchemas } from './schemas.ts';
import type { FuzzEnv } from './types.ts';

export interface ProductRules {
  /** Multi-valued User attributes of which the server keeps one value. */
  oneValue: string[];
  /** The server takes only email addresses as userNames. */
  emailUserNames: boolean;
  /** The server requires an email unless the userName is an email address. */
  emailUnlessEmailUserName: boolean;
}

const NO_RULES: ProductRules = { oneValue: [], emailUserNames: false, emailUnlessEmailUserName: false };

/** Attributes of which two values are sent to see whether both are kept. */
const PROBED = ['emails', 'phoneNumbers'];

function twoValues(def: AttributeDefinition, stem: string): unknown[] | undefined {
  if (!def.multiValued || !writable(def) || !echoed(def) || def.type !== 'complex' || !def.subAttributes?.some((s) => s.name === 'value')) return undefined;
  if (def.name === 'emails') return [{ value: `${stem}a@example.com` }, { value: `${stem}b@example.org` }];
  if (def.name === 'phoneNumbers') return [{ value: 'tel:+1-555-010-0101' }, { value: 'tel:+1-555-010-0102' }];
  return undefined;
}

const status = (ex: { response?: { status: number } }): number | undefined => ex.response?.status;

/** Sends the probes (their resources are deleted with the run's cleanup) and returns what they showed. */
export async function learnProductRules(env: FuzzEnv): Promise<ProductRules> {
  const rules: ProductRules = { ...NO_RULES, oneValue: [] };
  const schemas = env.schemas.user;
  // A valid User: what the server requires, from a fixed sample (the same requests every run).
  const [draft] = fc.sample(scimUser(schemas, { bare: true }), { numRuns: 1, seed: 42 });
  const required = draft?.attrs ?? {};
  const urns = [schemas.core.id, ...schemas.extensions.filter((e) => required[e.id] !== undefined).map((e) => e.id)];
  const outcome = await env.target.run(async () => {
    const emailName = `${env.target.uniqueName('r')}probe@example.com`;
    const probed: Record<string, unknown[]> = {};
    for (const name of PROBED) {
      const def = findAttribute(schemas.core, name);
      const values = def ? twoValues(def, emailName.replace(/@.*$/, '.')) : undefined;
      if (values) probed[def!.name] = values;
    }
    const first = await env.target.send({ method: 'POST', path: '/Users', json: { schemas: urns, ...required, userName: emailName, ...probed } }, 'learn the product rules: a User with two values');
    if (status(first) !== 201) return;
    let id: string;
    try {
      id = createdId(first, 'User');
    } catch {
      return;
    }
    const read = await env.target.send({ method: 'GET', path: `/Users/${encodeURIComponent(id)}` }, 'learn the product rules: read it back');
    const answered = jsonOf(first);
    const stored = status(read) === 200 ? jsonOf(read) : undefined;
    for (const name of Object.keys(probed)) {
      const kept = isPlainObject(stored) ? stored[name] : undefined;
      const shown = isPlainObject(answered) ? answered[name] : kept;
      // One kept, and the create answer said so too (a bodiless 201 shows nothing to disagree with).
      if (Array.isArray(kept) && kept.length === 1 && (shown === undefined || (Array.isArray(shown) && shown.length === 1))) rules.oneValue.push(name);
    }
    const plain = await env.target.send({ method: 'POST', path: '/Users', json: { schemas: urns, ...required, userName: `${env.target.uniqueName('r')}probe`, ...probed } }, 'learn the product rules: a userName that is no email');
    const refused = status(plain);
    // The same body but for its userName: a refusal (not a conflict) is the userName's form.
    if (refused !== undefined && refused >= 400 && refused < 500 && refused !== 409) rules.emailUserNames = true;
    // Only when the plain userName was taken with an email and emails are the server's to require.
    if (rules.emailUserNames || status(plain) !== 201 || probed.emails === undefined || required.emails !== undefined) return;
    const { emails: _left, ...others } = probed;
    const noEmail = await env.target.send({ method: 'POST', path: '/Users', json: { schemas: urns, ...required, userName: `${env.target.uniqueName('r')}probe`, ...others } }, 'learn the product rules: a userName that is no email, without an email');
    const noEmailStatus = status(noEmail);
    if (noEmailStatus === undefined || noEmailStatus < 400 || noEmailStatus >= 500 || noEmailStatus === 409) return;
    const emailNamed = await env.target.send({ method: 'POST', path: '/Users', json: { schemas: urns, ...required, userName: `${env.target.uniqueName('r')}probe@example.com`, ...others } }, 'learn the product rules: an email userName, without an email');
    if (status(emailNamed) === 201) rules.emailUnlessEmailUserName = true;
  });
  // A probe the server broke on teaches nothing; the properties judge the server on their own.
  return outcome.error === undefined ? rules : { ...NO_RULES, oneValue: [] };
}

function withLearned(schema: SchemaDefinition, rules: ProductRules): SchemaDefinition {
  return {
    ...schema,
    attributes: schema.attributes.map((a) => {
      if (rules.oneValue.includes(a.name)) return { ...a, learned: { ...a.learned, oneValue: true } };
      if ((rules.emailUserNames || rules.emailUnlessEmailUserName) && a.name.toLowerCase() === 'username') return { ...a, learned: { ...a.learned, email: true } };
      return a;
    }),
  };
}

/** The schemas the generators read, with the product's rules learned (copies: the RFC defaults are shared). */
export function applyRules(schemas: TargetSchemas, rules: ProductRules): TargetSchemas {
  if (rules.oneValue.length === 0 && !rules.emailUserNames && !rules.emailUnlessEmailUserName) return schemas;
  return { ...schemas, user: { ...schemas.user, core: withLearned(schemas.user.core, rules) } };
}

/** A line for the fuzz summary: what was learned, so a reader knows what the generators left out. */
export function describeRules(rules: ProductRules): string | undefined {
  const parts = [
    ...(rules.oneValue.length > 0 ? [`the server keeps one value of ${rules.oneValue.join(' and ')} (RFC 7644 §3.3: a service provider may ignore what it does not store), so generated users carry one and PATCH leaves them alone`] : []),
    ...(rules.emailUserNames ? ['the server takes only email addresses as userNames (RFC 7643 §4.1.1 leaves the form to it), so generated userNames are email addresses'] : []),
    ...(rules.emailUnlessEmailUserName ? ['the server requires an email unless the userName is an email address (a product rule RFC 7643 leaves to it), so generated userNames are email addresses'] : []),
  ];
  return parts.length > 0 ? parts.join('; ') : undefined;
}
