// SPDX-License-Identifier: Apache-2.0
// C++ names for the demangling tests: namespaces, overloads, methods,
// templates and an extern "C" function. Built with -O1 -g; noinline and
// used keep every function in the symbol table.
#include <cstdio>

#define KEEP __attribute__((noinline, used))

namespace sonde_test {
namespace inner {

KEEP int compute(int x) { return x * 2 + 1; }
KEEP double compute(double x) { return x * 0.5; }

} // namespace inner

class Widget {
public:
  KEEP int poke(int amount) const { return amount + size_; }
  KEEP static Widget make(int size) { return Widget(size); }

private:
  explicit Widget(int size) : size_(size) {}
  int size_;
};

template <typename T> KEEP T twice(T value) { return value + value; }
template int twice<int>(int);
template long twice<long>(long);

} // namespace sonde_test

extern "C" KEEP int sonde_plain_c(int x) { return x - 1; }

int main(int argc, char**) {
  sonde_test::Widget widget = sonde_test::Widget::make(argc);
  double half = sonde_test::inner::compute(static_cast<double>(argc));
  std::printf("%d %f %d %ld %d\n", sonde_test::inner::compute(argc), half,
              widget.poke(3), sonde_test::twice<long>(argc),
              sonde_test::twice<int>(argc) + sonde_plain_c(argc));
  return 0;
}
