// iden3's binary container (@iden3/binfileutils; used by .zkey, .wtns, .r1cs, .ptau):
// 4-byte magic, u32 version, u32 number of sections, then per section u32 type, u64 size and
// its bytes; all little-endian. Files are memory-mapped read-only: the proving key's points
// are used in place (they are already in our Montgomery layout) and stay mapped while the
// process keeps the key for the next chunk proof that shares it.
#pragma once
#include <cstdint>
#include <map>
#include <stdexcept>
#include <string>

struct Section {
  const uint8_t* data = nullptr;
  uint64_t size = 0;
};

class MappedBinFile {
 public:
  MappedBinFile(const std::string& path, const char magic[4]);
  ~MappedBinFile();
  MappedBinFile(const MappedBinFile&) = delete;
  MappedBinFile& operator=(const MappedBinFile&) = delete;

  // The section of `type`, which must occur exactly once.
  Section section(uint32_t type) const;
  bool has(uint32_t type) const { return sections_.count(type) > 0; }
  uint32_t version() const { return version_; }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
  const uint8_t* base_ = nullptr;
  size_t length_ = 0;
  uint32_t version_ = 0;
  std::multimap<uint32_t, Section> sections_;
};

inline uint32_t read_u32(const uint8_t* p) {
  return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
