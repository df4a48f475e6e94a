/**
 * The events `<zkinfer-badge>` dispatches. Both bubble and are composed, so a host page can
 * listen on `document` even when the badge sits inside another component's shadow root.
 */

/** Detail of `zkinfer-verified`: the outcome of "Verify in this browser". */
export interface ZkinferVerifiedDetail {
  /** The receipt id (64 lowercase hex). */
  receipt: string;
  /** Whether every chunk's Groth16 proof verified against the registered keys. */
  valid: boolean;
  /** Wall-clock milliseconds the download and check took in this browser. */
  ms: number;
}

/**
 * Stable codes of `zkinfer-error`. `receipt_not_found` is also reported as an error event
 * so that pages can react to a dead badge without polling its state.
 */
export type ZkinferErrorCode =
  | 'invalid_receipt_id' // the `receipt` attribute is not 64 lowercase hex
  | 'invalid_api' // the `api` attribute is not an http(s) URL
  | 'receipt_not_found' // the API answered 404 for the receipt
  | 'network_error' // fetch failed (offline, CORS, DNS …)
  | 'http_error' // the API answered a non-2xx status other than 404
  | 'bad_response' // the API answered something that is not the documented JSON
  | 'mismatch' // the bundle does not belong to this receipt (receipt id or model differs)
  | 'verifier_error'; // the shared verifier threw while checking (e.g. unparseable bundle)

/** Detail of `zkinfer-error`. `message` is for humans and is shown as text. */
export interface ZkinferErrorDetail {
  receipt: string;
  code: ZkinferErrorCode;
  message: string;
}

export type ZkinferVerifiedEvent = CustomEvent<ZkinferVerifiedDetail>;
export type ZkinferErrorEvent = CustomEvent<ZkinferErrorDetail>;

declare global {
  interface HTMLElementEventMap {
    'zkinfer-verified': ZkinferVerifiedEvent;
    'zkinfer-error': ZkinferErrorEvent;
  }
}

export function verifiedEvent(detail: ZkinferVerifiedDetail): ZkinferVerifiedEvent {
  return new CustomEvent('zkinfer-verified', { detail, bubbles: true, composed: true });
}

export function errorEvent(detail: ZkinferErrorDetail): ZkinferErrorEvent {
  return new CustomEvent('zkinfer-error', { detail, bubbles: true, composed: true });
}

/** An error with a stable code, thrown by the fetch and check helpers and caught by the element. */
export class BadgeError extends Error {
  override name = 'BadgeError';
  readonly code: ZkinferErrorCode;

  constructor(code: ZkinferErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
