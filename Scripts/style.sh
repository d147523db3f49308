#!/usr/bin/env bash
# The house style, as CI and the pre-commit configuration check it: swift-format's lint (the
# toolchain's `swift format`, .swift-format at 120 columns) in strict mode, and the
# function-length gate. `swift format format -i -r Sources Tests Benchmarks Fuzz Plugins
# Package.swift` fixes what the first reports.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format lint --strict --recursive --parallel Package.swift Sources Tests Benchmarks Fuzz Plugins
python3 Scripts/function-length.py Sources Benchmarks Fuzz Plugins
python3 Scripts/function-length.py --text-is-data Tests
echo "style: swift format lint --strict and the function-length gate pass"
