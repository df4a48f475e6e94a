import { parseBundle, parseManifest, receiptId, verifyBundle, VerifyInputError, type Bundle, type BundleVerdict, type Manifest } from '@zkinfer/verifier';
import { fetchBundleJson, fetchManifestJson, type ReceiptSummary } from './api-client.ts';
import { BadgeError } from './events.ts';

/** Outcome of re-checking a receipt's proofs in this browser. */
export interface BrowserCheck {
  valid: boolean;
  /** Why the bundle is not valid (from the strict parser or the verifier); absent when valid. */
  reason?: string;
  /** Wall-clock milliseconds for download, parsing and every chunk's pairing check. */
  ms: number;
  /** The manifest checked against declares an insecure (one-party) setup: its maker can forge proofs. */
  insecureSetup: boolean;
}

/** Lets the browser paint the "verifying" state before the synchronous pairing work. */
function nextFrame(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestAnimationFrame === 'function') requestAnimationFrame(() => setTimeout(resolve, 0));
    else setTimeout(resolve, 0);
  });
}

/**
 * Downloads the proof bundle of `receipt` and its model's manifest from `api`, then checks
 * them with the same strict parser and Groth16 verifier the API uses (verifier/).
 * Nothing from the host page takes part: the receipt id and model id were validated, the
 * bundle must hash to the receipt id, and the manifest must be the receipt's model.
 *
 * A bundle the strict parser refuses, or that belongs to another statement, is *invalid*
 * (what the API serves as this receipt's proof is not one); a manifest that does not parse
 * or names another model is an *error* (there is nothing trustworthy to check against).
 */
export async function verifyReceiptInBrowser(api: string, receipt: ReceiptSummary, signal?: AbortSignal): Promise<BrowserCheck> {
  const started = performance.now();
  const [bundleJson, manifestJson] = await Promise.all([
    fetchBundleJson(api, receipt.id, signal),
    fetchManifestJson(api, receipt.modelId, signal),
  ]);
  await nextFrame();
  const elapsed = () => Math.round(performance.now() - started);

  let manifest: Manifest;
  try {
    manifest = parseManifest(manifestJson);
  } catch (err) {
    throw new BadgeError('bad_response', `the model manifest does not parse: ${(err as Error).message}`);
  }
  if (manifest.modelId !== receipt.modelId) {
    throw new BadgeError('mismatch', `the API served the manifest of model ${manifest.modelId.slice(0, 12)}…, not ${receipt.modelId.slice(0, 12)}…`);
  }

  const insecureSetup = manifest.ptau.insecure;
  let bundle: Bundle;
  try {
    bundle = parseBundle(bundleJson);
  } catch (err) {
    return { valid: false, reason: `proof bundle refused: ${(err as Error).message}`, ms: elapsed(), insecureSetup };
  }
  if (bundle.modelId !== receipt.modelId) {
    return { valid: false, reason: 'the proof bundle is for another model', ms: elapsed(), insecureSetup };
  }
  if (receiptId(bundle.modelId, bundle) !== receipt.id) {
    return { valid: false, reason: 'the proof bundle states something other than this receipt', ms: elapsed(), insecureSetup };
  }

  let result: BundleVerdict;
  try {
    result = verifyBundle(manifest, bundle);
  } catch (err) {
    // A proof whose commitment (D, π) does not match its chunk key (one without the other) is
    // refused input, like a bundle the parser refuses: invalid, not a verifier failure.
    if (err instanceof VerifyInputError) return { valid: false, reason: `proof bundle refused: ${err.message}`, ms: elapsed(), insecureSetup };
    throw new BadgeError('verifier_error', `the verifier failed: ${(err as Error).message}`);
  }
  const ms = elapsed();
  return result.valid ? { valid: true, ms, insecureSetup } : { valid: false, reason: result.reason ?? 'a proof does not verify', ms, insecureSetup };
}
