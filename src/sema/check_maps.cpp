// SPDX-License-Identifier: Apache-2.0
// Maps: keys, values, aggregations and map functions.
#include "sema/type_checker.h"

namespace sonde::sema {

void TypeChecker::check_assign_map(const ast::AssignMap& assign) {
  const ast::MapAccess& target = *assign.target;
  MapInfo shape;
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
    if (const MapInfo* map = find_map(target.name);
        map != nullptr && map->kind != MapKind::Plain) {
      error(diag::Kind::CompoundOnAggregation, assign.range(), {target.name});
      return;
    }
    value = storage_type(value);
  } else if (call != nullptr && aggregation_kind(call->callee)) {
    value = check_aggregation(*call, shape);
  } else {
    value = check_expr(assign.value);
    if (value.is_record()) {
      error(diag::Kind::CannotStore, assign.value->range(),
            {value.name(), "a map"});
      return;
    }
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
  static const std::pair<const char*, MapKind> kKinds[] = {
      {"count", MapKind::Count},    {"sum", MapKind::Sum},
      {"min", MapKind::Min},        {"max", MapKind::Max},
      {"avg", MapKind::Avg},        {"stats", MapKind::Stats},
      {"hist", MapKind::Hist},      {"lhist", MapKind::Lhist},
      {"tseries", MapKind::Tseries}};
  for (const auto& [name, kind] : kKinds) {
    if (callee == name) {
      return kind;
    }
  }
  return std::nullopt;
}

Type TypeChecker::check_aggregation(const ast::Call& call, MapInfo& shape) {
  shape.kind = *aggregation_kind(call.callee);
  std::optional<FunctionSignature> signature = find_function(call.callee);
  std::vector<Type> args;
  for (const ast::Expr* arg : call.args) {
    args.push_back(check_expr(arg));
  }
  if (!check_argument_count(call, *signature)) {
    return Type::none();
  }
  if (shape.kind == MapKind::Count) {
    return Type::count();
  }
  if (!require_integer(call, 0, args[0])) {
    return Type::none();
  }
  bool is_signed = args[0].is_signed();
  if (shape.kind == MapKind::Sum) {
    return Type::sum(is_signed);
  }
  if (shape.kind == MapKind::Hist && call.args.size() == 2) {
    std::optional<int64_t> bits = constant_value(call.args[1]);
    if (!bits || *bits < 0 || *bits > 5) {
      error(diag::Kind::HistBitsInvalid, call.args[1]->range());
      return Type::none();
    }
    shape.hist_bits = *bits;
  }
  if (shape.kind == MapKind::Lhist && !check_lhist(call, shape)) {
    return Type::none();
  }
  if (shape.kind == MapKind::Tseries && !check_tseries(call, shape)) {
    return Type::none();
  }
  return Type::integer(8, is_signed);
}

bool TypeChecker::check_tseries(const ast::Call& call, MapInfo& shape) {
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
  shape.tseries_interval_ns = static_cast<uint64_t>(*interval);
  shape.tseries_intervals = static_cast<uint32_t>(*intervals);
  shape.tseries_aggregation = types::TseriesAggregation::Last;
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
      shape.tseries_aggregation = aggregation;
      return true;
    }
  }
  error(diag::Kind::TseriesAggregationUnknown, call.args[3]->range(), {*name});
  return false;
}

bool TypeChecker::check_lhist(const ast::Call& call, MapInfo& shape) {
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
  shape.lhist_min = min;
  shape.lhist_max = max;
  shape.lhist_step = step;
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

void TypeChecker::record_map(const ast::MapAccess& target,
                             const MapInfo& shape,
                             SourceRange value_range) {
  const Type& value = shape.value_type;
  for (MapInfo& map : checked_.maps) {
    if (map.name != target.name) {
      continue;
    }
    if (!same_address_space(value, map.value_type, value_range, target.name)) {
      return;
    }
    bool same_value = map.kind == shape.kind &&
                      (map.value_type == value ||
                       (map.value_type.is_string() && value.is_string() &&
                        value.size() <= map.value_type.size()) ||
                       (map.value_type.is_integer() && value.is_integer()));
    if (!same_value) {
      diagnostic(diag::Kind::MapTypeMismatch, value_range,
                 {target.name, map.value_type.name(), value.name()})
          .note(map.first_use->range(), diag::Kind::PreviousUse)
          .emit();
      return;
    }
    bool same_parameters =
        map.hist_bits == shape.hist_bits && map.lhist_min == shape.lhist_min &&
        map.lhist_max == shape.lhist_max &&
        map.lhist_step == shape.lhist_step &&
        map.tseries_interval_ns == shape.tseries_interval_ns &&
        map.tseries_intervals == shape.tseries_intervals &&
        map.tseries_aggregation == shape.tseries_aggregation;
    if (!same_parameters) {
      diagnostic(diag::Kind::AggregationParametersDiffer, value_range,
                 {target.name, kind_name(map.kind)})
          .note(map.first_use->range(), diag::Kind::PreviousUse)
          .emit();
      return;
    }
    if (!same_keys(map.key_types, shape.key_types)) {
      diagnostic(
          diag::Kind::MapKeyMismatch, target.range(),
          {target.name, keys_name(map.key_types), keys_name(shape.key_types)})
          .note(map.first_use->range(), diag::Kind::PreviousUse)
          .emit();
    }
    return;
  }
  MapInfo added = shape;
  added.first_use = &target;
  checked_.maps.push_back(std::move(added));
}

const char* TypeChecker::kind_name(MapKind kind) {
  switch (kind) {
  case MapKind::Plain:
    return "plain";
  case MapKind::Count:
    return "count";
  case MapKind::Sum:
    return "sum";
  case MapKind::Min:
    return "min";
  case MapKind::Max:
    return "max";
  case MapKind::Avg:
    return "avg";
  case MapKind::Stats:
    return "stats";
  case MapKind::Hist:
    return "hist";
  case MapKind::Lhist:
    return "lhist";
  case MapKind::Tseries:
    return "tseries";
  }
  return "?";
}

bool TypeChecker::same_keys(const std::vector<Type>& a,
                            const std::vector<Type>& b) {
  if (a.size() != b.size()) {
    return false;
  }
  for (size_t i = 0; i < a.size(); ++i) {
    bool ok = a[i] == b[i] || (a[i].is_string() && b[i].is_string()) ||
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

Type TypeChecker::check_map_read(const ast::MapAccess& access) {
  check_keys(access);
  if (const MapInfo* found = find_map(access.name)) {
    const MapInfo& map = *found;
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
  if (keys.empty() && !map->key_types.empty()) {
    error(diag::Kind::DeleteNeedsKey, call.range(), {access->name});
    return Type::none();
  }
  if (map->kind == MapKind::Hist || map->kind == MapKind::Lhist) {
    error(diag::Kind::DeleteHistogramKey, call.range(), {access->name});
    return Type::none();
  }
  if (!keys.empty() && !same_keys(map->key_types, keys)) {
    error(diag::Kind::MapKeyMismatch, call.range(),
          {access->name, keys_name(map->key_types), keys_name(keys)});
    return Type::none();
  }
  // delete() reports whether the key was there, as in bpftrace.
  return Type::u64();
}

const MapInfo* TypeChecker::find_map(const std::string& name) const {
  for (const MapInfo& map : checked_.maps) {
    if (map.name == name) {
      return &map;
    }
  }
  return nullptr;
}

} // namespace sonde::sema
