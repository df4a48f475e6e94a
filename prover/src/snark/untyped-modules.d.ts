// snarkjs 0.7.6 and ffjavascript 0.3.1 ship no type declarations; prover/src/snark/ is the
// only place that imports them and wraps them in typed functions.
declare module 'snarkjs';
declare module 'ffjavascript';
