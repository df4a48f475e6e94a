/**
 * Stable snake_case codes for every way an input can be refused by the strict parsers.
 * The API renders them as `{ error: { code, message } }`; clients may switch on them.
 */
export type VerifyErrorCode =
  | 'bad_json' // not a JSON value of the expected kind (object, array, string, number)
  | 'bad_field_element' // not a canonical decimal string < r
  | 'bad_coordinate' // not a canonical decimal string < p
  | 'bad_point' // wrong point shape or projective z ≠ 1
  | 'not_on_curve'
  | 'not_in_subgroup'
  | 'point_at_infinity'
  | 'unknown_field'
  | 'missing_field'
  | 'wrong_signal_count'
  | 'bad_proof' // proof object: protocol / curve not groth16 / bn128
  | 'bad_vkey' // verification key object: protocol, curve, nPublic, IC shape
  | 'unsafe_key' // parses, but is forgeable or does not bind its public inputs
  | 'bad_manifest'
  | 'bad_bundle';

/** Thrown by every strict parser; `message` names the offending field path. */
export class VerifyInputError extends Error {
  override name = 'VerifyInputError';
  readonly code: VerifyErrorCode;
  /** Field path such as `chunks[2].proof.pi_b[1][0]` ('' for the top level). */
  readonly path: string;

  constructor(code: VerifyErrorCode, path: string, detail: string) {
    super(path === '' ? detail : `${path}: ${detail}`);
    this.code = code;
    this.path = path;
  }
}
