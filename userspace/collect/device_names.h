// Block device names for kernel dev_t numbers, from sysfs (cached).
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <unordered_map>

namespace pw {

class DeviceNames {
 public:
  explicit DeviceNames(std::filesystem::path sys_root = "/sys") : sys_(std::move(sys_root)) {}
  // "vda1" for the kernel encoding major << 20 | minor; "MAJ:MIN" if unknown.
  const std::string& name(std::uint32_t dev);

  static std::uint32_t major_of(std::uint32_t dev) { return dev >> 20; }
  static std::uint32_t minor_of(std::uint32_t dev) { return dev & 0xfffff; }

 private:
  std::filesystem::path sys_;
  std::unordered_map<std::uint32_t, std::string> cache_;
};

}  // namespace pw
