#include "binfile.hpp"
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

MappedBinFile::MappedBinFile(const std::string& path, const char magic[4]) : path_(path) {
  int fd = open(path.c_str(), O_RDONLY);
  if (fd < 0) throw std::runtime_error(path + ": " + strerror(errno));
  struct stat st;
  if (fstat(fd, &st) != 0) {
    close(fd);
    throw std::runtime_error(path + ": " + strerror(errno));
  }
  length_ = (size_t)st.st_size;
  if (length_ < 12) {
    close(fd);
    throw std::runtime_error(path + ": too short for a " + std::string(magic, 4) + " file");
  }
  void* m = mmap(nullptr, length_, PROT_READ, MAP_PRIVATE, fd, 0);
  close(fd);
  if (m == MAP_FAILED) throw std::runtime_error(path + ": mmap: " + strerror(errno));
  base_ = (const uint8_t*)m;
  try {
    if (memcmp(base_, magic, 4) != 0) throw std::runtime_error(path + ": not a " + std::string(magic, 4) + " file");
    version_ = read_u32(base_ + 4);
    uint32_t n = read_u32(base_ + 8);
    size_t pos = 12;
    for (uint32_t i = 0; i < n; i++) {
      if (pos + 12 > length_) throw std::runtime_error(path + ": truncated section header");
      uint32_t type = read_u32(base_ + pos);
      uint64_t size = (uint64_t)read_u32(base_ + pos + 4) | ((uint64_t)read_u32(base_ + pos + 8) << 32);
      pos += 12;
      if (size > length_ - pos) throw std::runtime_error(path + ": section " + std::to_string(type) + " runs past the end of the file");
      sections_.emplace(type, Section{base_ + pos, size});
      pos += size;
    }
  } catch (...) {
    munmap((void*)base_, length_);
    throw;
  }
}

MappedBinFile::~MappedBinFile() {
  if (base_) munmap((void*)base_, length_);
}

Section MappedBinFile::section(uint32_t type) const {
  auto n = sections_.count(type);
  if (n != 1) throw std::runtime_error(path_ + ": section " + std::to_string(type) + (n == 0 ? " is missing" : " occurs more than once"));
  return sections_.find(type)->second;
}
