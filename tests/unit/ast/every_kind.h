// SPDX-License-Identifier: Apache-2.0
#pragma once

// Test input shared by the AST and sema tests that check every node kind's
// children.
namespace sonde::ast::test_support {

// A block's statements using every statement and expression kind, most in
// all their shapes (optional children present and absent), and no call of
// a macro or fn, so a macro with this body expands to a copy of the same
// shape. No string holds ": ", which the AST dump puts after a label.
inline constexpr const char* kEveryStatement = R"bt(
  let $x: uint8[4] = (1, 2);
  let $y: typeof($x);
  let $g;
  $z += 2; @c[1, 2] <<= 3; @d++; --$z; _ = $z ? 1 : 2; $e = $z ?: 5;
  if ($z) { 1 } else if ($z > 2) { 2 } else { 3 }
  for ($kv : @m) { $kv.0; break; }
  for $i : 0..10 { continue; }
  while ($i < 3) { $i++ }
  unroll(3) { @x = *$p; $q = &$z; }
  { let $w = 1; import "inner.bt"; }
  $v = { let $t = 1; $t + 1 };
  $u = if $z { 1 } else if $y { 2 } else { 3 };
  $r = (name=1, size=(1, "a"), e=(), g=(1,));
  $s = sizeof(struct Foo) + sizeof($x) + offsetof(struct Foo, z.y);
  $t = (pid_t *)$p + (typeof($x))$y + (string[64])$p + $p->a.b;
  $n = $# + $s[0] + true + comptime $z + typeinfo(int8) + typeinfo($x);
  $n = -$n + $1;
  container_of($p, struct Foo, z);
  return
)bt";

} // namespace sonde::ast::test_support
