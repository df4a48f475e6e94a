/** Integer arithmetic whose exact semantics the circuit gadgets prove (see docs/quantization.md). */
export { signedRange, saturate, roundShift, mulRoundShift, requantize, residualAdd } from './fixed.ts';
export { isqrtBig, isqrtHint, rsqrtFixed, reciprocalFixed } from './roots.ts';
export { EXP_SPEC, expMax, expOutFrac, expTables, expNegFixed, type ExpSpec } from './exp.ts';
export { attendNormalised, mulFloorShift, PROB_FRAC, RECIP_FRAC, softmaxExps, softmaxFixed, type SoftmaxExps } from './softmax.ts';
export { activationFloat, activationTable, tableLookup8, siluFixed, geluTanhFixed, type ActivationKind } from './activation.ts';
export { argmaxLowest } from './argmax.ts';
export { ropeCoef, ropeMultiplier, ropePair, ropePairCoefs, rotateRequantize, type RopePairCoefs } from './rope.ts';
