// Number formats of the wire protocol: decimal (snarkjs's proof.json and public signals)
// and hexadecimal (the arithmetic test commands).
#pragma once
#include <string>
#include "field.hpp"

std::string to_decimal(const Limbs& v);
// Throws unless `s` is a decimal integer below 2^256.
Limbs parse_decimal(const std::string& s);
std::string to_hex(const Limbs& v);
Limbs parse_hex(const std::string& s);
