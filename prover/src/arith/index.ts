/** Integer arithmetic whose exact semantics the circuit gadgets prove (see docs/quantization.md). */
export { signedRange, saturate, roundShift, mulRoundShift, requantize, residualAdd } from './fixed.ts';
export { isqrtBig, isqrtHint, rsqrtFixed, reciprocalFixed } from './roots.ts';
export { EXP_DIGITS, EXP_SPEC, expMax, expOutFrac, expTables, expNegFixed, type ExpSpec } from './exp.ts';
export { attendNormalised, EXP_REACH, PROB_FRAC, RECIP_FRAC, SOFTMAX_MUL_FRAC, softmaxExps, softmaxFixed, softmaxSpec, type SoftmaxExps, type SoftmaxSpec } from './softmax.ts';
export { activationFloat, activationTable, tableLookup8, siluFixed, geluTanhFixed, type ActivationKind } from './activation.ts';
export { argmaxLowest } from './argmax.ts';
export { ropeCoef, ropeMultiplier, ropePair, ropePairCoefs, rotateRequantize, type RopePairCoefs } from './rope.ts';
