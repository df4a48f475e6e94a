import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { fetchReceipt, isReceiptId, normalizeApiBase, receiptPageUrl, type ReceiptSummary } from './api-client.ts';
import { BadgeError, errorEvent, verifiedEvent, type ZkinferErrorCode } from './events.ts';
import { stateIcon, type BadgeState } from './icons.ts';
import { verifyReceiptInBrowser, type BrowserCheck } from './verify-in-browser.ts';
import { badgeStyles } from './zkinfer-badge.styles.ts';

export type { BadgeState } from './icons.ts';
export type { ZkinferErrorCode, ZkinferErrorDetail, ZkinferVerifiedDetail } from './events.ts';

/** The origin this script was served from: by default the badge asks the API that served it. */
const SCRIPT_ORIGIN = (() => {
  try {
    return new URL(import.meta.url).origin;
  } catch {
    return '';
  }
})();

const LABELS: Record<BadgeState, string> = {
  loading: 'Checking receipt…',
  verified: 'Verified',
  invalid: 'Invalid proof',
  'not-found': 'Receipt not found',
  error: 'Could not check',
};

/** Shown with a verified verdict when the model's keys come from a one-party setup (words, not only colour). */
const INSECURE_LABEL = 'Verified — insecure setup';
const INSECURE_DETAIL = "But the model's keys come from a one-party test setup: whoever made them can forge proofs, so this proves nothing unless you trust them.";

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(2)} s`;
}

/** Messages are written to be embedded ("… for the receipt"); shown alone they start a sentence. */
function sentence(message: string): string {
  const s = message.charAt(0).toUpperCase() + message.slice(1);
  return /[.!?…]$/.test(s) ? s : `${s}.`;
}

interface Problem {
  code: ZkinferErrorCode;
  message: string;
}

function problemOf(err: unknown): Problem {
  if (err instanceof BadgeError) return { code: err.code, message: err.message };
  return { code: 'verifier_error', message: err instanceof Error ? err.message : String(err) };
}

/**
 * @summary Shows whether a zkinfer receipt is backed by a valid zero-knowledge proof, and can
 * re-check every proof in the visitor's browser.
 *
 * @tag zkinfer-badge
 *
 * @attr receipt - The receipt id: 64 lowercase hex characters. Anything else shows the error state.
 * @attr api - The API base URL (http or https). Default: the origin this script was loaded from.
 *
 * @state loading - the receipt is being fetched.
 * @state verified - the API holds a valid receipt (and, after "Verify in this browser", every proof verified here).
 *   When the model's manifest declares an insecure (one-party) setup, the label says "Verified — insecure setup",
 *   the detail explains that whoever made the keys can forge proofs, and the host gets the `insecure` attribute.
 * @state invalid - the receipt is recorded invalid, or the in-browser check refused its bundle.
 * @state not-found - the API has no such receipt.
 * @state error - the attributes are wrong or the API could not be read.
 * The current state is reflected as the read-only `state` attribute/property (for styling only:
 * a host page can fake any badge; the receipt link, which points at the API, cannot be faked).
 *
 * @event zkinfer-verified - After "Verify in this browser" finished. detail: `{ receipt, valid, ms }`. Bubbles, composed.
 * @event zkinfer-error - The receipt could not be loaded or checked. detail: `{ receipt, code, message }`. Bubbles, composed.
 *
 * @csspart base - The badge box.
 * @csspart status - The live region (role=status) holding icon, brand, label and details.
 * @csspart icon - The state icon (decorative; the label carries the meaning).
 * @csspart brand - The "zkinfer" word.
 * @csspart label - The state written out.
 * @csspart detail - One line explaining the state.
 * @csspart timing - The result and duration of the in-browser check.
 * @csspart text - The generated text of the receipt, when the API provides it.
 * @csspart link - The link to the receipt on the API.
 * @csspart button - The "Verify in this browser" button.
 *
 * @cssproperty --zkinfer-badge-font-family
 * @cssproperty --zkinfer-badge-font-size - Default 14px.
 * @cssproperty --zkinfer-badge-color - Text colour.
 * @cssproperty --zkinfer-badge-background - Box background.
 * @cssproperty --zkinfer-badge-border-color
 * @cssproperty --zkinfer-badge-border-width
 * @cssproperty --zkinfer-badge-border-radius
 * @cssproperty --zkinfer-badge-padding
 * @cssproperty --zkinfer-badge-max-width
 * @cssproperty --zkinfer-badge-verified-color - Icon, label and stripe when verified.
 * @cssproperty --zkinfer-badge-insecure-color - … when verified under an insecure setup.
 * @cssproperty --zkinfer-badge-invalid-color - … when invalid.
 * @cssproperty --zkinfer-badge-error-color - … on error.
 * @cssproperty --zkinfer-badge-muted-color - … while loading / not found, and detail text.
 * @cssproperty --zkinfer-badge-icon-ink - The mark inside filled icons.
 * @cssproperty --zkinfer-badge-link-color
 * @cssproperty --zkinfer-badge-button-color
 * @cssproperty --zkinfer-badge-button-background
 * @cssproperty --zkinfer-badge-focus-ring-color
 * @cssproperty --zkinfer-badge-focus-ring-width
 */
export class ZkinferBadge extends LitElement {
  static override styles = badgeStyles;

  static override properties = {
    receipt: { type: String },
    api: { type: String },
    _state: { state: true },
    _summary: { state: true },
    _problem: { state: true },
    _check: { state: true },
    _checking: { state: true },
  };

  /** Receipt id (attribute `receipt`). */
  declare receipt: string;
  /** API base URL (attribute `api`); empty means the origin this script came from. */
  declare api: string;

  declare private _state: BadgeState;
  declare private _summary: ReceiptSummary | undefined;
  declare private _problem: Problem | undefined;
  declare private _check: BrowserCheck | undefined;
  declare private _checking: boolean;
  /** The API base the current receipt was fetched from ('' when `api` is unusable). */
  private _apiBase = '';
  /** Aborts the fetches of the current receipt when it changes or the badge leaves the page. */
  private _abort: AbortController | undefined;

  constructor() {
    super();
    this.receipt = '';
    this.api = '';
    this._state = 'loading';
    this._checking = false;
  }

  /** The current state (read-only). */
  get state(): BadgeState {
    return this._state;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    // Re-attached after a disconnect aborted the fetch: start again.
    if (this.hasUpdated && this._state === 'loading') this._load();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this._abort?.abort();
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('receipt') || changed.has('api')) this._load();
    if (this.getAttribute('state') !== this._state) this.setAttribute('state', this._state);
    this.toggleAttribute('insecure', this._state === 'verified' && this._insecure());
  }

  private _load(): void {
    this._abort?.abort();
    const controller = new AbortController();
    this._abort = controller;
    this._summary = undefined;
    this._problem = undefined;
    this._check = undefined;
    this._checking = false;
    this._state = 'loading';
    const id = this.receipt ?? '';
    try {
      if (!isReceiptId(id)) {
        this._apiBase = '';
        throw new BadgeError('invalid_receipt_id', `receipt ${JSON.stringify(id.slice(0, 80))} is not 64 lowercase hex characters`);
      }
      this._apiBase = normalizeApiBase(this.api || SCRIPT_ORIGIN);
    } catch (err) {
      this._apiBase = '';
      this._fail(problemOf(err));
      return;
    }
    fetchReceipt(this._apiBase, id, controller.signal).then(
      (summary) => {
        if (controller !== this._abort) return;
        this._summary = summary;
        this._state = summary.valid ? 'verified' : 'invalid';
      },
      (err: unknown) => {
        if (controller !== this._abort || controller.signal.aborted) return;
        this._fail(problemOf(err));
      },
    );
  }

  private _fail(problem: Problem): void {
    this._problem = problem;
    this._state = problem.code === 'receipt_not_found' ? 'not-found' : 'error';
    this.dispatchEvent(errorEvent({ receipt: this.receipt ?? '', ...problem }));
  }

  private async _verifyHere(): Promise<void> {
    const summary = this._summary;
    const controller = this._abort;
    if (!summary || !controller || this._checking) return;
    this._checking = true;
    this._check = undefined;
    this._problem = undefined;
    try {
      const check = await verifyReceiptInBrowser(this._apiBase, summary, controller.signal);
      if (controller !== this._abort) return;
      this._check = check;
      this._state = check.valid ? 'verified' : 'invalid';
      this.dispatchEvent(verifiedEvent({ receipt: summary.id, valid: check.valid, ms: check.ms }));
    } catch (err) {
      if (controller !== this._abort || controller.signal.aborted) return;
      this._fail(problemOf(err));
    } finally {
      if (controller === this._abort) this._checking = false;
    }
  }

  /** The verdict rests on keys from a one-party setup: the API says so, or the manifest checked here does. */
  private _insecure(): boolean {
    return this._summary?.insecureSetup === true || this._check?.insecureSetup === true;
  }

  private _detail(): string {
    if (this._checking) return 'Downloading the proof bundle and checking every proof in this browser…';
    if (this._check && !this._check.valid) return sentence(this._check.reason ?? 'a proof does not verify');
    if (this._problem) return sentence(this._problem.message);
    switch (this._state) {
      case 'verified':
        return `The API at ${new URL(this._apiBase).host} accepted this proof.${this._insecure() ? ` ${INSECURE_DETAIL}` : ''}`;
      case 'invalid':
        return 'The API recorded this proof as invalid.';
      default:
        return '';
    }
  }

  private _timing(): TemplateResult | typeof nothing {
    const check = this._check;
    if (!check) return nothing;
    const verdict = check.valid ? 'Re-verified in this browser' : 'Refused in this browser';
    return html`<span part="timing">${verdict} in ${formatMs(check.ms)}.</span>`;
  }

  protected override render(): TemplateResult {
    const state = this._state;
    const detail = this._detail();
    const label = state === 'verified' && this._insecure() ? INSECURE_LABEL : LABELS[state];
    const canVerify = this._summary !== undefined;
    const id = this.receipt ?? '';
    return html`
      <div part="base">
        <div part="status" role="status" aria-live="polite" aria-atomic="true" aria-busy=${state === 'loading' || this._checking ? 'true' : 'false'}>
          ${stateIcon(this._checking ? 'loading' : state)}
          <span part="brand">zkinfer</span>
          <span part="label">${label}</span>
          ${detail ? html`<span part="detail">${detail}</span>` : nothing}
          ${this._timing()}
        </div>
        ${state === 'verified' && this._summary?.text !== undefined ? html`<p part="text">${this._summary.text}</p>` : nothing}
        ${this._apiBase
          ? html`<div class="actions">
              <a part="link" href=${receiptPageUrl(this._apiBase, id)} target="_blank" rel="noopener noreferrer"
                >Receipt ${id.slice(0, 8)}… on ${new URL(this._apiBase).host}</a
              >
              ${canVerify
                ? html`<button part="button" type="button" aria-disabled=${this._checking ? 'true' : 'false'} @click=${this._verifyHere}>
                    ${this._checking ? 'Verifying…' : 'Verify in this browser'}
                  </button>`
                : nothing}
            </div>`
          : nothing}
      </div>
    `;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'zkinfer-badge': ZkinferBadge;
  }
}

// Safe to load twice (two script tags, two versions): the first definition wins.
if (!customElements.get('zkinfer-badge')) customElements.define('zkinfer-badge', ZkinferBadge);
