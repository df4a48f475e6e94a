import type { ReceiptRow } from './db/schema.ts';

/** The public JSON form of a receipt (GET /v1/receipts/:id and POST /v1/verify). */
export interface ReceiptJson {
  id: string;
  /** Where the receipt can be fetched; null when it was not stored (invalid proof). */
  url: string | null;
  valid: boolean;
  modelId: string;
  statement: unknown;
  text?: string;
  createdAt: string;
}

export function receiptUrl(origin: string, id: string): string {
  return `${origin}/v1/receipts/${id}`;
}

export function receiptJson(row: ReceiptRow, origin: string): ReceiptJson {
  const out: ReceiptJson = {
    id: row.id,
    url: receiptUrl(origin, row.id),
    valid: row.valid,
    modelId: row.modelId,
    statement: row.statement,
    createdAt: new Date(row.createdAt).toISOString(),
  };
  if (row.text !== null) out.text = row.text;
  return out;
}
