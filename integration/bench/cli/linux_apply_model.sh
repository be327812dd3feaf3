# Sourced by apply_phases.sh and shrink.sh: the linux-apply topology as a document, and the neighbour tables it needs.

# zones_yaml N: N zones with one VNIC each on 10 tenant VLANs of one etherstub, IPv4 + IPv6 (automatic addresses).
zones_yaml() {
  python3 - "$1" <<'PY'
import sys
zones, networks = int(sys.argv[1]), 10
out = ["version: 1\netherstubs:\n  - name: stub0\nnetworks:\n"]
for t in range(networks):
    out.append(f"  - name: t{t}\n    tenant: t{t}\n    over: stub0\n    vlan: {101 + t}\n")
    out.append(f"    ipv4: {{ subnet: 10.{t}.0.0/16, gateway: 10.{t}.0.1 }}\n    ipv6: {{ subnet: fd00:{t}::/64, gateway: 'fd00:{t}::1' }}\n")
out.append("zones:\n")
for z in range(zones):
    out.append(f"  - name: z{z}\n    vnics:\n      - name: net0\n        network: t{z % networks}\n        addresses:\n")
    out.append("          - { tag: v4, address: auto, family: ipv4 }\n          - { tag: v6, address: auto, family: ipv6 }\n")
print("".join(out), end="")
PY
}

# raise_neighbour_tables N: the plan refuses more VNICs than the host's neighbour tables hold, so they are raised for
# N zones; what was changed is appended to the caller's array `restore` (name=old value) for its exit trap.
raise_neighbour_tables() {
  local family key name want now
  for family in ipv4 ipv6; do
    for key in gc_thresh3:4 gc_thresh2:2; do
      name=net.$family.neigh.default.${key%%:*}; want=$(($1 * ${key##*:}))
      now=$(sysctl -n "$name")
      if [ "$now" -lt "$want" ]; then restore+=("$name=$now"); sysctl -qw "$name=$want"; fi
    done
  done
}
