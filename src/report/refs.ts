// Spec references as readers see them: RFC sections become links to the RFC Editor, IdP
// behaviours (ENTRA-…, OKTA-…) stay text because they point at our own research notes.
import type { SpecRef } from '../record/types.ts';

export interface RefLink {
  ref: SpecRef;
  text: string;
  /** Absolute https URL, or null when the ref has no public anchor. */
  href: string | null;
  /** Tooltip: what kind of reference this is. */
  title: string;
}

const RFC_REF = /^RFC\s?(\d{3,5})(?:[-§ ]+(?:section-)?([0-9A-Za-z][0-9A-Za-z.]*))?$/i;

/** Published profiles cited as `INTEROP-6.5.1.1` / `IPSIE-4.3`: section links into the revision checked. */
const PROFILES: Readonly<Record<string, { name: string; short: string; href: (section: string) => string }>> = {
  INTEROP: { name: 'SCIM 2.0 Interoperability Profile (draft-zollner-scim-interop-profile-01)', short: 'Interop profile', href: (s) => `https://datatracker.ietf.org/doc/html/draft-zollner-scim-interop-profile-01#section-${s}` },
  IPSIE: { name: 'OpenID IPSIE AL SCIM 2.0 Profile, Draft 00', short: 'IPSIE', href: () => 'https://openid.net/specs/ipsie-al-scim-profile-1_0.html' },
};

const IDP_NAMES: Readonly<Record<string, string>> = {
  ENTRA: 'Microsoft Entra ID provisioning behaviour',
  AAD: 'Microsoft Entra ID provisioning behaviour',
  OKTA: 'Okta provisioning behaviour',
};

export function refLink(ref: SpecRef): RefLink {
  const rfc = RFC_REF.exec(ref.trim());
  if (rfc) {
    const [, number, section] = rfc;
    const base = `https://www.rfc-editor.org/rfc/rfc${number}`;
    // Appendix anchors are `appendix-A`; numbered sections are `section-3.4.2`.
    const anchor = section ? (/^[A-Z]/i.test(section) ? `appendix-${section}` : `section-${section}`) : '';
    return {
      ref,
      text: section ? `RFC ${number} §${section}` : `RFC ${number}`,
      href: anchor ? `${base}#${anchor}` : base,
      title: `RFC ${number}${section ? ` section ${section}` : ''}`,
    };
  }
  const prefix = ref.split(/[-_.]/, 1)[0]?.toUpperCase() ?? '';
  const profile = PROFILES[prefix];
  if (profile) {
    const section = ref.slice(prefix.length + 1);
    return { ref, text: `${profile.short} §${section}`, href: profile.href(section), title: `${profile.name}, section ${section}` };
  }
  return { ref, text: ref, href: null, title: IDP_NAMES[prefix] ?? 'Reference' };
}
