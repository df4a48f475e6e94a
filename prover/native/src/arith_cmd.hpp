// The `arith` command of the wire protocol: single field, curve and MSM operations on
// hexadecimal standard-form inputs, for the tests that compare this code with @noble/curves.
#pragma once
#include <string>
#include <vector>

// args[0] is the operation; returns the results (hex) or throws on bad input.
std::vector<std::string> arith_command(const std::vector<std::string>& args);
