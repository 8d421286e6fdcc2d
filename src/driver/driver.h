// SPDX-License-Identifier: Apache-2.0
#pragma once

namespace sonde::driver {

// The whole program: parses the command line, compiles the script through
// every phase and runs it. Returns the process exit status.
int main(int argc, char** argv);

} // namespace sonde::driver
