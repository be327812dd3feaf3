#!/usr/bin/env bash
# Every test: unit tests, then the privileged integration tests (root, network namespaces). Under CI=true a
# missing prerequisite fails the run instead of skipping.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
need_root
install_packages
install_dotnet
build

if [ "${CI:-}" = "true" ]; then
  export NETVIRT_REQUIRE_PRIVILEGED=1
fi

# Test objects carry the 'nvt' prefix; sweep leftovers of a crashed earlier run before and after.
"$repo/scripts/sweep-test-objects.sh"
trap '"$repo/scripts/sweep-test-objects.sh"' EXIT

lint_openapi
dotnet test "$repo/tests/NetVirt.Tests" -c "$configuration" --no-build -nologo --logger "console;verbosity=minimal"
dotnet test "$repo/integration/NetVirt.Integration" -c "$configuration" --no-build -nologo --logger "console;verbosity=minimal"
