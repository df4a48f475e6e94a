// `zkinfer-prover setup`: the phase-2 setup's point arithmetic over binary frames on
// stdin/stdout (protocol in setup_cmd.cpp); returns the process's exit code.
#pragma once

int setup_serve(int threads);
