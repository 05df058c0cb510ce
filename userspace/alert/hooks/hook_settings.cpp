#include "alert/hooks/hook_settings.h"

#include <nlohmann/json.hpp>
#include <sstream>

namespace pw {

void HookSettings::error(const std::string& key, const std::string& why) {
  errors_.push_back(h_.where + ": hook '" + h_.name + "' key '" + key + "': " + why);
}

std::string HookSettings::text(const std::string& key, const std::string& fallback) {
  auto it = h_.settings.find(key);
  return it == h_.settings.end() ? fallback : it->second;
}

double HookSettings::number(const std::string& key, double fallback, double min, double max) {
  auto it = h_.settings.find(key);
  if (it == h_.settings.end()) return fallback;
  try {
    std::size_t used = 0;
    const double v = std::stod(it->second, &used);
    if (used != it->second.size()) throw std::invalid_argument("trailing text");
    if (!(v >= min && v <= max)) {
      std::ostringstream s;
      s << "must be between " << min << " and " << max << ", not " << it->second;
      error(key, s.str());
      return fallback;
    }
    return v;
  } catch (const std::exception&) {
    error(key, "must be a number, not '" + it->second + "'");
    return fallback;
  }
}

bool HookSettings::flag(const std::string& key, bool fallback) {
  auto it = h_.settings.find(key);
  if (it == h_.settings.end()) return fallback;
  if (it->second == "true") return true;
  if (it->second == "false") return false;
  error(key, "must be true or false, not '" + it->second + "'");
  return fallback;
}

std::vector<std::string> HookSettings::list(const std::string& key, bool split) {
  std::vector<std::string> out;
  auto it = h_.settings.find(key);
  if (it == h_.settings.end()) return out;
  const std::string& v = it->second;
  if (!v.empty() && v.front() == '[') {
    auto j = nlohmann::json::parse(v, nullptr, false);
    if (j.is_array()) {
      for (const auto& e : j) {
        if (!e.is_string()) {
          error(key, "must be an array of strings");
          return {};
        }
        out.push_back(e.get<std::string>());
      }
      return out;
    }
  }
  if (!split) return {v};
  std::istringstream in(v);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

std::map<std::string, std::string> HookSettings::table(const std::string& key) {
  std::map<std::string, std::string> out;
  auto it = h_.settings.find(key);
  if (it == h_.settings.end()) return out;
  auto j = nlohmann::json::parse(it->second, nullptr, false);
  if (!j.is_object()) {
    error(key, "must be a table of strings");
    return out;
  }
  for (const auto& [k, v] : j.items()) out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  return out;
}

}  // namespace pw
