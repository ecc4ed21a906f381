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
  return { ref, text: ref, href: null, title: IDP_NAMES[prefix] ?? 'Reference' };
}
