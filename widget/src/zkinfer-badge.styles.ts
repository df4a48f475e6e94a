import { css } from 'lit';

/**
 * Styles of `<zkinfer-badge>`. Everything a host page may change is a `--zkinfer-badge-*`
 * custom property or a `::part()`; the defaults meet WCAG 2.1 AA contrast on white
 * (state colours ≥ 4.5:1 for text, focus ring ≥ 3:1).
 */
export const badgeStyles = css`
  :host {
    display: inline-block;
    font-family: var(--zkinfer-badge-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif);
    font-size: var(--zkinfer-badge-font-size, 14px);
    line-height: 1.4;
    color: var(--zkinfer-badge-color, #1f2328);
    --_state-color: var(--zkinfer-badge-muted-color, #57606a);
  }
  :host([hidden]) {
    display: none;
  }
  :host([state='verified']) {
    --_state-color: var(--zkinfer-badge-verified-color, #1a7f37);
  }
  :host([state='verified'][insecure]) {
    --_state-color: var(--zkinfer-badge-insecure-color, #9a6700);
  }
  :host([state='invalid']) {
    --_state-color: var(--zkinfer-badge-invalid-color, #cf222e);
  }
  :host([state='error']) {
    --_state-color: var(--zkinfer-badge-error-color, #9a6700);
  }
  [part='base'] {
    display: inline-flex;
    flex-direction: column;
    gap: 0.35em;
    max-width: var(--zkinfer-badge-max-width, 28em);
    padding: var(--zkinfer-badge-padding, 0.5em 0.75em);
    border: var(--zkinfer-badge-border-width, 1px) solid var(--zkinfer-badge-border-color, #d0d7de);
    border-left: 4px solid var(--_state-color);
    border-radius: var(--zkinfer-badge-border-radius, 6px);
    background: var(--zkinfer-badge-background, #fff);
  }
  [part='status'] {
    display: flex;
    align-items: center;
    gap: 0.45em;
    flex-wrap: wrap;
  }
  .icon {
    flex: none;
    color: var(--_state-color);
  }
  .icon-loading {
    animation: zkinfer-spin 0.9s linear infinite;
  }
  @media (prefers-reduced-motion: reduce) {
    .icon-loading {
      animation: none;
    }
  }
  @keyframes zkinfer-spin {
    to {
      transform: rotate(360deg);
    }
  }
  [part='label'] {
    font-weight: 600;
    color: var(--_state-color);
  }
  [part='brand'] {
    font-weight: 600;
  }
  [part='detail'],
  [part='timing'] {
    color: var(--zkinfer-badge-muted-color, #57606a);
    font-size: 0.9em;
    overflow-wrap: anywhere;
  }
  [part='text'] {
    margin: 0;
    font-style: italic;
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    max-height: 6em;
    overflow: auto;
  }
  .actions {
    display: flex;
    gap: 0.75em;
    align-items: center;
    flex-wrap: wrap;
  }
  [part='link'] {
    color: var(--zkinfer-badge-link-color, #0969da);
  }
  [part='button'] {
    font: inherit;
    font-size: 0.9em;
    padding: 0.2em 0.7em;
    color: var(--zkinfer-badge-button-color, #1f2328);
    background: var(--zkinfer-badge-button-background, #f6f8fa);
    border: 1px solid var(--zkinfer-badge-border-color, #d0d7de);
    border-radius: var(--zkinfer-badge-border-radius, 6px);
    cursor: pointer;
  }
  [part='button'][disabled] {
    cursor: progress;
    opacity: 0.7;
  }
  [part='button']:focus-visible,
  [part='link']:focus-visible {
    outline: var(--zkinfer-badge-focus-ring-width, 3px) solid var(--zkinfer-badge-focus-ring-color, #0969da);
    outline-offset: 2px;
  }
  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
