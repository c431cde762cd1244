#include "model/q_head.h"

namespace prunerl {

int64_t QHeadSpec::outputs() const {
  switch (kind) {
    case Kind::Q: return actions;
    case Kind::Dueling: return actions + 1;
    case Kind::C51: return (dueling ? actions + 1 : actions) * atoms;
  }
  return 0;
}

}  // namespace prunerl
