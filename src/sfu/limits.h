#pragma once

#include <cstddef>

namespace haven::sfu {

inline constexpr std::size_t kMaxDatagram = 1500;

}  // namespace haven::sfu
