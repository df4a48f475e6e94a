import type { ReceiptRow } from './db/schema.ts';

/** The public JSON form of a receipt (GET /v1/receipts/:id and POST /v1/verify). */
export interface ReceiptJson {
  id: string;
  /** Where the receipt can be fetched (only stored, verified receipts exist). */
  url: string;
  valid: boolean;
  modelId: string;
  statement: unknown;
  text?: string;
  createdAt: string;
  /**
   * Whether the model's manifest declares an insecure setup (`ptau.insecure`: a one-party,
   * local powers of tau). Whoever made such a key can forge proofs that verify, so `valid`
   * then only means "valid under keys that their maker could forge": see `warning`.
   */
  insecureSetup: boolean;
  /** In words, when insecureSetup is true. */
  warning?: string;
}

/** What an insecure setup means for whoever reads a verdict (docs/proof-format.md "Insecure setups"). */
export const INSECURE_SETUP_WARNING =
  "insecure setup: this model's proving keys come from a one-party local setup (development only); whoever made them can forge proofs that verify, so this verdict proves nothing to anyone who does not trust them";

export function receiptUrl(origin: string, id: string): string {
  return `${origin}/v1/receipts/${id}`;
}

export function receiptJson(row: ReceiptRow, origin: string, insecureSetup: boolean): ReceiptJson {
  const out: ReceiptJson = {
    id: row.id,
    url: receiptUrl(origin, row.id),
    valid: row.valid,
    modelId: row.modelId,
    statement: row.statement,
    createdAt: new Date(row.createdAt).toISOString(),
    insecureSetup,
  };
  if (row.text !== null) out.text = row.text;
  if (insecureSetup) out.warning = INSECURE_SETUP_WARNING;
  return out;
}
