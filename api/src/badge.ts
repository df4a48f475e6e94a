/**
 * Shields-style flat badge ("label | message"), static SVG with no script, no external
 * references and every text escaped, so it is safe inside <img> and when opened directly.
 * Text widths are estimated from Verdana 11px advance widths (what shields.io renders with).
 */

/** `insecure`: verified under keys from a one-party setup (the message says so in words too). */
export type BadgeState = 'verified' | 'insecure' | 'unknown';

const COLORS: Record<BadgeState, string> = { verified: '#4c1', insecure: '#fe7d37', unknown: '#9f9f9f' };

export function escapeXml(s: string): string {
  return s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
}

// Approximate Verdana 11px advances (px), grouped; unlisted printable chars count as 7.
const NARROW = new Set("ijlI.,:;!|'`()[]{} ".split(''));
const WIDE = new Set('mwMWOQ@%#&'.split(''));

export function textWidth(s: string): number {
  let w = 0;
  for (const ch of s) w += NARROW.has(ch) ? 3.8 : WIDE.has(ch) ? 10 : /[A-Z0-9]/.test(ch) ? 7.5 : 6.8;
  return Math.ceil(w);
}

/** Drops control characters and caps the length: the badge text is model-supplied. */
function clean(s: string, max: number): string {
  const printable = Array.from(s.replace(/[\u0000-\u001f\u007f-\u009f]/g, ''));
  return printable.length > max ? `${printable.slice(0, max - 1).join('')}…` : printable.join('');
}

export function renderBadge(state: BadgeState, label: string, message: string): string {
  const l = clean(label, 40);
  const m = clean(message, 60);
  const lw = textWidth(l) + 10;
  const mw = textWidth(m) + 10;
  const w = lw + mw;
  const title = escapeXml(`${l}: ${m}`);
  const el = escapeXml(l);
  const em = escapeXml(m);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="20" role="img" aria-label="${title}">
<title>${title}</title>
<linearGradient id="s" x2="0" y2="100%"><stop offset="0" stop-color="#bbb" stop-opacity=".1"/><stop offset="1" stop-opacity=".1"/></linearGradient>
<clipPath id="r"><rect width="${w}" height="20" rx="3" fill="#fff"/></clipPath>
<g clip-path="url(#r)"><rect width="${lw}" height="20" fill="#555"/><rect x="${lw}" width="${mw}" height="20" fill="${COLORS[state]}"/><rect width="${w}" height="20" fill="url(#s)"/></g>
<g fill="#fff" text-anchor="middle" font-family="Verdana,Geneva,DejaVu Sans,sans-serif" font-size="11">
<text x="${lw / 2}" y="15" fill="#010101" fill-opacity=".3">${el}</text><text x="${lw / 2}" y="14">${el}</text>
<text x="${lw + mw / 2}" y="15" fill="#010101" fill-opacity=".3">${em}</text><text x="${lw + mw / 2}" y="14">${em}</text>
</g>
</svg>
`;
}
