// SPDX-License-Identifier: Apache-2.0
// Maps: keys, values, aggregations and map functions.
#include "base/check.h"
#include "sema/type_checker.h"

namespace sonde::sema {

void TypeChecker::check_assign_map(const ast::AssignMap& assign) {
  const ast::MapAccess& target = *assign.target;
  types::MapShape shape;
  shape.name = target.name;
  Type value;
  const auto* call = ast::dyn_cast<ast::Call>(assign.value);
  if (assign.compound) {
    // `@m[k] OP= v` on a map of integers that starts at 0.
    value = check_expr(assign.value);
    if (!value.is_none() && !is_scalar(value)) {
      error(diag::Kind::UnsupportedOperand, assign.range(),
            {std::string(ast::spelling(*assign.compound)) + "=", value.name()});
      return;
    }
    const MapInfo* map = find_map(target.name);
    if (map != nullptr && map->shape.is_aggregation()) {
      error(diag::Kind::CompoundOnAggregation, assign.range(), {target.name});
      return;
    }
    value = storage_type(value);
    if (map != nullptr && map->shape.value_type.is_pointer() &&
        !value.is_pointer() &&
        (*assign.compound == ast::BinaryOp::Add ||
         *assign.compound == ast::BinaryOp::Sub)) {
      // `@p += n` on a map of pointers moves by n elements.
      value = map->shape.value_type;
    }
  } else if (call != nullptr && aggregation_kind(call->callee)) {
    value = check_aggregation(*call, shape);
  } else {
    value = check_expr(assign.value);
    value = storage_type(value);
  }
  std::vector<Type> keys = check_keys(target);
  if (value.is_none()) {
    return;
  }
  checked_.expr_types[&target] = value;
  shape.value_type = value;
  shape.key_types = keys;
  record_map(target, shape, assign.value->range());
}

std::optional<MapKind>
TypeChecker::aggregation_kind(const std::string& callee) {
  // Each aggregation is written by the builtin function of its name: a
  // kind in types/map_kinds.def without a FUNCTION line in builtins.def
  // does not compile.
  static constexpr std::pair<BuiltinFunction, MapKind> kAggregations[] = {
#define AGGREGATION(Enum, Name) {BuiltinFunction::Enum, MapKind::Enum},
#include "types/map_kinds.def"
  };
  std::optional<FunctionSignature> signature = find_function(callee);
  if (!signature) {
    return std::nullopt;
  }
  for (const auto& [function, kind] : kAggregations) {
    if (function == signature->function) {
      return kind;
    }
  }
  return std::nullopt;
}

Type TypeChecker::check_aggregation(const ast::Call& call,
                                    types::MapShape& shape) {
  shape.kind = *aggregation_kind(call.callee);
  std::optional<FunctionSignature> signature = find_function(call.callee);
  std::vector<Type> args;
  for (const ast::Expr* arg : call.args) {
    args.push_back(check_expr(arg));
  }
  if (!check_argument_count(call, *signature)) {
    return Type::none();
  }
  // Every aggregation but count() takes the value first.
  if (!args.empty() && !require_integer(call, 0, args[0])) {
    return Type::none();
  }
  bool is_signed = !args.empty() && args[0].is_signed();
  Type value = Type::integer(8, is_signed);
  switch (shape.kind) {
  case MapKind::Plain:
    break;
  case MapKind::Count:
    return Type::count();
  case MapKind::Sum:
    return Type::sum(is_signed);
  case MapKind::Min:
  case MapKind::Max:
  case MapKind::Avg:
  case MapKind::Stats:
    return value;
  case MapKind::Hist:
    return check_hist(call, shape) ? value : Type::none();
  case MapKind::Lhist:
    return check_lhist(call, shape) ? value : Type::none();
  case MapKind::Tseries:
    return check_tseries(call, shape) ? value : Type::none();
  }
  SONDE_CHECK(false, "check_aggregation on a plain map");
}

bool TypeChecker::check_hist(const ast::Call& call, types::MapShape& shape) {
  if (call.args.size() < 2) {
    return true;
  }
  std::optional<int64_t> bits = constant_value(call.args[1]);
  if (!bits || *bits < 0 || *bits > 5) {
    error(diag::Kind::HistBitsInvalid, call.args[1]->range());
    return false;
  }
  shape.hist.bits = static_cast<unsigned>(*bits);
  return true;
}

bool TypeChecker::check_tseries(const ast::Call& call, types::MapShape& shape) {
  if (!check_unstable(checked_.config.unstable_tseries, call.callee_range,
                      "tseries()", "unstable_tseries")) {
    return false;
  }
  std::optional<int64_t> interval = constant_value(call.args[1]);
  if (!interval || *interval <= 0) {
    error(diag::Kind::TseriesArgumentInvalid, call.args[1]->range(),
          {"2", "a positive integer literal (the interval in nanoseconds)"});
    return false;
  }
  // Each CPU's value holds every interval and a per-CPU value is at most
  // 32 KiB.
  std::optional<int64_t> intervals = constant_value(call.args[2]);
  if (!intervals || *intervals < 1 || *intervals > kMaxTseriesIntervals) {
    error(diag::Kind::TseriesArgumentInvalid, call.args[2]->range(),
          {"3", "an integer literal from 1 to " +
                    std::to_string(kMaxTseriesIntervals) +
                    " (the number of intervals kept)"});
    return false;
  }
  shape.tseries.interval_ns = static_cast<uint64_t>(*interval);
  shape.tseries.intervals = static_cast<uint32_t>(*intervals);
  shape.tseries.aggregation = types::TseriesAggregation::Last;
  if (call.args.size() < 4) {
    return true;
  }
  std::optional<std::string> name = string_argument(call, 3);
  if (!name) {
    return false;
  }
  static const std::pair<const char*, types::TseriesAggregation> kNames[] = {
      {"avg", types::TseriesAggregation::Avg},
      {"max", types::TseriesAggregation::Max},
      {"min", types::TseriesAggregation::Min},
      {"sum", types::TseriesAggregation::Sum}};
  for (const auto& [known, aggregation] : kNames) {
    if (*name == known) {
      shape.tseries.aggregation = aggregation;
      return true;
    }
  }
  error(diag::Kind::TseriesAggregationUnknown, call.args[3]->range(), {*name});
  return false;
}

bool TypeChecker::check_lhist(const ast::Call& call, types::MapShape& shape) {
  int64_t values[3] = {};
  for (size_t i = 1; i < 4; ++i) {
    std::optional<int64_t> value = constant_value(call.args[i]);
    if (!value) {
      error(diag::Kind::LhistArgumentNotConstant, call.args[i]->range(),
            {std::to_string(i + 1)});
      return false;
    }
    values[i - 1] = *value;
  }
  auto [min, max, step] = values;
  std::string problem;
  if (step <= 0) {
    problem = "step must be positive";
  } else if (max <= min) {
    problem = "max must be greater than min";
  } else if ((max - min) / step > 1000) {
    problem = "more than 1000 buckets";
  }
  if (!problem.empty()) {
    error(diag::Kind::LhistRangeInvalid, call.range(), {problem});
    return false;
  }
  shape.lhist = {min, max, step};
  return true;
}

std::vector<Type> TypeChecker::check_keys(const ast::MapAccess& target) {
  std::vector<Type> keys;
  for (const ast::Expr* key : target.keys) {
    Type type = check_expr(key);
    if (!type.is_none() && !storable(type)) {
      error(diag::Kind::CannotStore, key->range(), {type.name(), "a map key"});
    }
    keys.push_back(storage_type(type));
  }
  return keys;
}

namespace {

// `@m[k1, k2]` and `@m[(k1, k2)]` name the same key: one tuple stands for
// a map's several keys, and several keys for a map's tuple key.
std::vector<Type> key_parts(const std::vector<Type>& keys) {
  if (keys.size() != 1 || !keys[0].is_tuple() || keys[0].is_named_tuple()) {
    return keys;
  }
  std::vector<Type> parts;
  for (const types::Field& field : keys[0].fields()) {
    parts.push_back(*field.type);
  }
  return parts;
}

} // namespace

void TypeChecker::record_map(const ast::MapAccess& target,
                             const types::MapShape& shape,
                             SourceRange value_range) {
  const Type& value = shape.value_type;
  for (MapInfo& info : checked_.maps) {
    types::MapShape& map = info.shape;
    if (map.name != target.name) {
      continue;
    }
    if (!same_address_space(value, map.value_type, value_range, target.name)) {
      return;
    }
    if (map.kind == shape.kind) {
      widen_map_type(map.value_type, value);
    }
    if (map.key_types.size() == shape.key_types.size()) {
      for (size_t i = 0; i < map.key_types.size(); ++i) {
        widen_map_type(map.key_types[i], shape.key_types[i]);
      }
    } else if (map.key_types.size() == 1 && map.key_types[0].is_tuple()) {
      widen_map_type(map.key_types[0], Type::tuple(shape.key_types));
    } else if (std::vector<Type> parts = key_parts(shape.key_types);
               parts.size() == map.key_types.size()) {
      for (size_t i = 0; i < parts.size(); ++i) {
        widen_map_type(map.key_types[i], parts[i]);
      }
    }
    std::optional<Type> common = types::common_type(map.value_type, value);
    bool same_value =
        map.kind == shape.kind &&
        ((common && *common == map.value_type) ||
         (is_scalar(map.value_type) && !map.value_type.is_pointer() &&
          is_scalar(value) && !value.is_pointer()) ||
         // Aggregations of signed and unsigned values sum as signed.
         (map.value_type.is_aggregation() &&
          map.value_type.kind() == value.kind()));
    if (!same_value) {
      diagnostic(diag::Kind::MapTypeMismatch, value_range,
                 {target.name, map.value_type.name(), value.name()})
          .note(info.first_use->range(), diag::Kind::PreviousUse)
          .emit();
      return;
    }
    if (!map.same_arguments(shape)) {
      diagnostic(diag::Kind::AggregationParametersDiffer, value_range,
                 {target.name, types::map_kind_name(map.kind)})
          .note(info.first_use->range(), diag::Kind::PreviousUse)
          .emit();
      return;
    }
    if (!same_keys(map.key_types, shape.key_types)) {
      diagnostic(
          diag::Kind::MapKeyMismatch, target.range(),
          {target.name, keys_name(map.key_types), keys_name(shape.key_types)})
          .note(info.first_use->range(), diag::Kind::PreviousUse)
          .emit();
    }
    return;
  }
  MapInfo added{shape, &target};
  if (auto declared = declarations_.find(target.name);
      declared != declarations_.end()) {
    added.shape.lru = declared->second.lru;
    added.shape.max_entries = declared->second.max_entries;
  }
  checked_.maps.push_back(std::move(added));
}

bool TypeChecker::widen_map_type(Type& stored, const Type& value) {
  if (reporting_ || stored.is_none() || value.is_none()) {
    return false;
  }
  std::optional<Type> wider = types::common_type(stored, value);
  if (stored.is_aggregation() && value.kind() == stored.kind() &&
      value.is_signed() != stored.is_signed()) {
    wider = value.is_signed() ? value : stored;
  }
  if (!wider || *wider == stored) {
    return false;
  }
  stored = *wider;
  learned_.widened = true;
  return true;
}

bool TypeChecker::same_keys(const std::vector<Type>& a_keys,
                            const std::vector<Type>& b_keys) {
  const bool whole = a_keys.size() != b_keys.size();
  const std::vector<Type> a = whole ? key_parts(a_keys) : a_keys;
  const std::vector<Type> b = whole ? key_parts(b_keys) : b_keys;
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    bool ok = a[i] == b[i] || types::common_type(a[i], b[i]).has_value() ||
              a[i].is_none() || b[i].is_none();
    if (!ok) {
      return false;
    }
  }
  return true;
}

std::string TypeChecker::keys_name(const std::vector<Type>& keys) {
  if (keys.empty()) {
    return "nothing";
  }
  std::string name = "(";
  for (size_t i = 0; i < keys.size(); ++i) {
    name += (i ? ", " : "") + keys[i].name();
  }
  return name + ")";
}

Type TypeChecker::check_map_read(const ast::MapAccess& access, bool whole_map) {
  std::vector<Type> keys = check_keys(access);
  if (const MapInfo* found = find_map(access.name)) {
    const types::MapShape& map = found->shape;
    // A read names an element with the keys an assignment gives it.
    if (!whole_map && !same_keys(map.key_types, keys)) {
      diagnostic(diag::Kind::MapKeyMismatch, access.range(),
                 {access.name, keys_name(map.key_types), keys_name(keys)})
          .note(found->first_use->range(), diag::Kind::PreviousUse)
          .emit();
      return Type::none();
    }
    switch (map.kind) {
    case MapKind::Plain:
      return map.value_type;
    case MapKind::Count:
      return Type::u64();
    // Reading these merges every CPU's value in the probe: the sum, the
    // minimum or maximum, or the average.
    case MapKind::Sum:
    case MapKind::Min:
    case MapKind::Max:
    case MapKind::Avg:
    case MapKind::Stats:
      return Type::integer(8, map.value_type.is_signed());
    case MapKind::Hist:
    case MapKind::Lhist:
      error(diag::Kind::AggregationRead, access.range(), {access.name});
      return Type::none();
    case MapKind::Tseries:
      error(diag::Kind::TseriesRead, access.range(), {access.name});
      return Type::none();
    }
    return map.value_type;
  }
  if (!reporting_) {
    // The map may be assigned from this very read (`@x = @x + 1`): assume
    // an integer until its assignment is seen.
    return Type::s64();
  }
  error(diag::Kind::UndefinedMap, access.range(), {access.name});
  return Type::none();
}

const ast::MapAccess*
TypeChecker::map_argument(const ast::Call& call,
                          const FunctionSignature& signature) {
  if (!check_argument_count(call, signature)) {
    return nullptr;
  }
  const auto* access = ast::dyn_cast<ast::MapAccess>(call.args[0]);
  if (access == nullptr) {
    error(diag::Kind::MapArgumentExpected, call.args[0]->range(),
          {call.callee});
    for (const ast::Expr* arg : call.args) {
      check_expr(arg);
    }
  }
  return access;
}

Type TypeChecker::check_map_function(const ast::Call& call,
                                     const FunctionSignature& signature) {
  const ast::MapAccess* access = map_argument(call, signature);
  if (access == nullptr) {
    return Type::none();
  }
  const MapInfo* map = find_map(access->name);
  if (map == nullptr) {
    if (reporting_) {
      error(diag::Kind::UndefinedMap, access->range(), {access->name});
    }
    return Type::none();
  }
  if (signature.function != BuiltinFunction::Delete) {
    if (!access->keys.empty()) {
      error(diag::Kind::MapArgumentHasKeys, access->range(),
            {call.callee, access->name});
      return Type::none();
    }
    if (signature.function == BuiltinFunction::Print && call.args.size() >= 2 &&
        ast::dyn_cast<ast::StringLiteral>(call.args[1]) != nullptr) {
      check_hist_layout(call, *map);
      return Type::none();
    }
    for (size_t i = 1; i < call.args.size(); ++i) {
      require_integer(call, i, check_expr(call.args[i]));
    }
    return Type::none();
  }
  // delete: the key is either inside the access or the second argument.
  std::vector<Type> keys = check_keys(*access);
  if (call.args.size() == 2) {
    if (!access->keys.empty()) {
      error(diag::Kind::WrongArgumentCount, call.range(),
            {call.callee, "1", "2"});
      return Type::none();
    }
    keys.push_back(storage_type(check_expr(call.args[1])));
  }
  if (keys.empty() && !map->shape.is_scalar()) {
    error(diag::Kind::DeleteNeedsKey, call.range(), {access->name});
    return Type::none();
  }
  if (map->shape.has_buckets()) {
    error(diag::Kind::DeleteHistogramKey, call.range(), {access->name});
    return Type::none();
  }
  if (!keys.empty() && !same_keys(map->shape.key_types, keys)) {
    error(diag::Kind::MapKeyMismatch, call.range(),
          {access->name, keys_name(map->shape.key_types), keys_name(keys)});
    return Type::none();
  }
  // delete() reports whether the key was there, as in bpftrace.
  return Type::boolean();
}

void TypeChecker::check_hist_layout(const ast::Call& call, const MapInfo& map) {
  const auto* unit = ast::dyn_cast<ast::StringLiteral>(call.args[1]);
  const auto* section = call.args.size() == 3
                            ? ast::dyn_cast<ast::StringLiteral>(call.args[2])
                            : nullptr;
  if (call.args.size() == 3 && section == nullptr) {
    error(diag::Kind::HistLayoutSection, call.args[2]->range(),
          {map.shape.name});
    return;
  }
  if (map.shape.kind != types::MapValueKind::Hist || map.shape.hist.bits != 0) {
    error(diag::Kind::HistLayoutNeedsHist, call.args[1]->range(),
          {map.shape.name, unit->value});
    return;
  }
  if (checked_.hist_layout_ids.count(&call) != 0) {
    return;
  }
  checked_.hist_layout_ids[&call] =
      static_cast<uint32_t>(checked_.hist_layouts.size());
  checked_.hist_layouts.push_back(
      {unit->value, section != nullptr ? section->value : ""});
}

const MapInfo* TypeChecker::find_map(const std::string& name) const {
  for (const MapInfo& map : checked_.maps) {
    if (map.shape.name == name) {
      return &map;
    }
  }
  return nullptr;
}

} // namespace sonde::sema
