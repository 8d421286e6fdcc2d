// SPDX-License-Identifier: Apache-2.0
// libFuzzer target for the runtime's event decoder: records of arbitrary
// kinds, ids, lengths and contents, as a buggy or hostile program could
// write them to the ring buffer, decoded against a layout the compiler
// would produce (printf, print(), join(), time(), map operations, cat(),
// system(), errorf/warnf, run-time warnings, exit), printed in text and
// JSON. The layout's types come from the front of the input. Crashes,
// sanitizer reports and huge allocations are the findings. See README.md.
#include "codegen/artifact.h"
#include "fuzz_values.h"
#include "output/formatter.h"
#include "runtime/event_decoder.h"

#include "llvm/Support/raw_ostream.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

namespace {

using sonde::codegen::EventHeader;
using sonde::codegen::EventKind;
using sonde::fuzz::Choices;
using sonde::fuzz::choose_type;
using sonde::types::Type;

constexpr uint32_t kHeader = sizeof(EventHeader);

// A conversion that sema accepts for `type`.
std::string conversion_for(const Type& type, uint8_t pick) {
  if (type.is_integer()) {
    static const char* const kIntegers[] = {"%d",  "%u",    "%x",
                                            "%lu", "%-5ld", "%c"};
    return kIntegers[pick % 6];
  }
  if ((type.is_buffer() || type.is_string()) && (pick & 1) != 0) {
    return "%rx";
  }
  return "%8.4s";
}

// A printf whose arguments the input chooses, laid out as codegen lays
// them out: each in an 8-byte aligned slot after the header.
sonde::codegen::PrintfMeta choose_printf(Choices& choices) {
  sonde::codegen::PrintfMeta meta;
  uint32_t offset = kHeader;
  for (int i = 0, count = choices.next() % 4; i < count; ++i) {
    Type type = choose_type(choices, 1);
    if (type.is_pointer()) {
      type = Type::u64();
    }
    meta.format += conversion_for(type, choices.next()) + " ";
    meta.args.push_back({type, offset});
    offset += sonde::codegen::slot_size(type);
  }
  meta.format += "\n";
  meta.record_size = offset;
  meta.source_offset = choices.next() % 40;
  return meta;
}

sonde::codegen::MapMeta make_map(std::string name,
                                 sonde::types::MapValueKind kind) {
  sonde::codegen::MapMeta meta;
  meta.shape.name = std::move(name);
  meta.shape.kind = kind;
  meta.shape.key_types = {Type::u64()};
  meta.shape.value_type = Type::u64();
  meta.key_offsets = {0};
  meta.key_size = 8;
  meta.value_size = 8;
  meta.bpf_name = "m";
  return meta;
}

sonde::codegen::RuntimeMetadata choose_metadata(Choices& choices) {
  sonde::codegen::RuntimeMetadata metadata;
  metadata.source_name = "fuzz.bt";
  metadata.source_text = "BEGIN {\n  printf(\"x\");\n}\ninterval:s:1 { }\n";
  for (int i = 0; i < 3; ++i) {
    metadata.printfs.push_back(choose_printf(choices));
    metadata.print_values.push_back({choose_type(choices, 2)});
  }
  metadata.joins.push_back(
      {" ", 1u + choices.next() % 32, 1u + choices.next() % 16});
  metadata.time_formats = {"%H:%M:%S\n", "%Y-%m-%d %f\n"};
  metadata.maps.push_back(
      make_map("@count", sonde::types::MapValueKind::Count));
  metadata.maps.push_back(
      make_map("@plain", sonde::types::MapValueKind::Plain));
  using Warning = sonde::codegen::RuntimeWarningMeta;
  metadata.runtime_warnings = {{Warning::Kind::DivisionByZero, 10},
                               {Warning::Kind::ModuloByZero, 30}};
  return metadata;
}

// The session's side of the decoder, with no side effects: maps hold what
// the last record said, commands and files are not run or read.
class FakeActions : public sonde::runtime::EventActions {
public:
  explicit FakeActions(sonde::output::ValueResolver* resolver)
      : resolver_(resolver) {}

  void set_bytes(std::string bytes) { bytes_ = std::move(bytes); }

  sonde::output::MapSnapshot
  read_map(const sonde::codegen::MapMeta& map) override {
    sonde::output::MapSnapshot snapshot{map.shape, map.key_offsets};
    snapshot.resolver = resolver_;
    for (size_t at = 0; at + 16 <= bytes_.size(); at += 16) {
      snapshot.entries.push_back(
          {bytes_.substr(at, 8), bytes_.substr(at + 8, 8)});
    }
    return snapshot;
  }
  void clear_map(const sonde::codegen::MapMeta&) override {}
  void zero_map(const sonde::codegen::MapMeta&) override {}
  std::string run_command(const std::string& command) override {
    return "ran " + command + "\n";
  }
  std::string read_file(const std::string& path) override {
    return "read " + path + "\n";
  }
  void unwatch(uint64_t) override {}

private:
  sonde::output::ValueResolver* resolver_;
  std::string bytes_;
};

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  Choices choices(data, size);
  const sonde::codegen::RuntimeMetadata metadata = choose_metadata(choices);
  std::string rest = choices.rest();

  sonde::fuzz::FakeResolver resolver;
  FakeActions actions(&resolver);
  llvm::raw_null_ostream out;
  for (auto format :
       {sonde::output::OutputFormat::Text, sonde::output::OutputFormat::Json}) {
    std::unique_ptr<sonde::output::Formatter> formatter =
        sonde::output::make_formatter(format, out, out);
    formatter->set_resolver(&resolver);
    sonde::runtime::EventDecoder decoder(metadata, *formatter, &resolver,
                                         actions, /*warnings=*/true);
    // Records: a kind (any byte: most are not a kind), an id (mostly
    // valid ones), a 16-bit length, then that many bytes of body.
    size_t at = 0;
    while (at + 4 <= rest.size()) {
      EventHeader header;
      header.kind = static_cast<uint8_t>(rest[at]) % 16;
      header.id = static_cast<uint8_t>(rest[at + 1]) % 5;
      size_t length = static_cast<uint8_t>(rest[at + 2]) |
                      static_cast<uint8_t>(rest[at + 3]) << 8;
      at += 4;
      std::string body = rest.substr(at, length);
      at += body.size();
      std::string record(reinterpret_cast<const char*>(&header), kHeader);
      record += body;
      actions.set_bytes(body);
      // A vector, not the string: ASan then sees reads past the record.
      std::vector<char> bytes(record.begin(), record.end());
      (void)decoder.decode(bytes.data(), bytes.size());
    }
  }
  return 0;
}
