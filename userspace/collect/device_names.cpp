#include "collect/device_names.h"

#include <fstream>

namespace pw {

const std::string& DeviceNames::name(std::uint32_t dev) {
  if (auto it = cache_.find(dev); it != cache_.end()) return it->second;
  const std::string numbers = std::to_string(major_of(dev)) + ":" + std::to_string(minor_of(dev));
  std::string found = dev == 0 ? "" : numbers;
  std::ifstream uevent(sys_ / "dev" / "block" / numbers / "uevent");
  std::string line;
  while (std::getline(uevent, line)) {
    if (line.rfind("DEVNAME=", 0) == 0) {
      found = line.substr(8);
      break;
    }
  }
  return cache_.emplace(dev, found).first->second;
}

}  // namespace pw
