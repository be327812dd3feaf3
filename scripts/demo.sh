#!/usr/bin/env bash
# The main job: apply the sample multi-tenant model to this host (namespaces, bridges, veth pairs, tc, nftables),
# show what was built, and audit the tenants' isolation by packet capture.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
need_root
install_packages
install_dotnet
build

export NETVIRT_DB="${NETVIRT_DB:-/var/lib/netvirt/netvirt.db}"
netvirt apply -f "$repo/schemas/examples/multi-tenant.yaml" --auto-approve
echo
netvirt show vnics
echo
status=0
netvirt audit --report-dir "${NETVIRT_REPORTS:-/var/lib/netvirt/audit}" || status=$?
echo
echo "Database: $NETVIRT_DB. Tear everything down with:"
echo "  $repo/bin/netvirt destroy --auto-approve"
exit "$status"
