import { svg, type SVGTemplateResult } from 'lit';

/**
 * One icon per badge state, so that a state is never told by colour alone (WCAG 1.4.1):
 * each has a distinct shape, and the state is always also written out as text. The icons
 * are decorative (aria-hidden) because that text carries the meaning for assistive tech.
 */
export type BadgeState = 'loading' | 'verified' | 'invalid' | 'not-found' | 'error';

const PATHS: Record<BadgeState, SVGTemplateResult> = {
  // A spinner arc (rotated by CSS unless the user prefers reduced motion).
  loading: svg`<path d="M8 1.5a6.5 6.5 0 1 0 6.5 6.5" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round"/>`,
  // A check mark in a circle.
  verified: svg`<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M4.5 8.2l2.3 2.3 4.7-4.9" fill="none" stroke="var(--zkinfer-badge-icon-ink, #fff)" stroke-width="1.8" stroke-linecap="round" stroke-linejoin="round"/>`,
  // A cross in a circle.
  invalid: svg`<circle cx="8" cy="8" r="7" fill="currentColor"/><path d="M5.3 5.3l5.4 5.4M10.7 5.3l-5.4 5.4" stroke="var(--zkinfer-badge-icon-ink, #fff)" stroke-width="1.8" stroke-linecap="round"/>`,
  // A question mark in an outlined circle.
  'not-found': svg`<circle cx="8" cy="8" r="6.5" fill="none" stroke="currentColor" stroke-width="1.5"/><path d="M6.2 6.2a1.9 1.9 0 1 1 2.6 1.7c-.5.3-.8.6-.8 1.2v.4" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linecap="round"/><circle cx="8" cy="11.6" r=".9" fill="currentColor"/>`,
  // An exclamation mark in a triangle.
  error: svg`<path d="M8 1.5l6.8 12.2H1.2z" fill="none" stroke="currentColor" stroke-width="1.5" stroke-linejoin="round"/><path d="M8 6v3.6" stroke="currentColor" stroke-width="1.6" stroke-linecap="round"/><circle cx="8" cy="11.6" r=".9" fill="currentColor"/>`,
};

export function stateIcon(state: BadgeState): SVGTemplateResult {
  return svg`<svg part="icon" class="icon icon-${state}" viewBox="0 0 16 16" width="16" height="16" aria-hidden="true" focusable="false">${PATHS[state]}</svg>`;
}
