// `zkinfer-prover commit <zkey>`: the BSB22 commitment D = sum_j w_j P_j of one circuit's
// committed wire values under a proving key's section 12 (docs/lookups-design.md "The
// commitment"), for the challenge oracle of witness generation (prover/src/snark/commitment-native.ts).
#pragma once
int commit_main(const char* zkey_path, int threads);
