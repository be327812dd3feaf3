#!/usr/bin/env bash
# A lab of three hosts on one machine, for trying NetVirt's many-hosts mode by hand:
#   - hosts h1..h3 = network namespaces, each with an underlay interface on one underlay bridge (172.31.255.0/24,
#     h1 = .1, h2 = .2, h3 = .3) that lives in a namespace of its own (the "hub", .254): nothing is added to the
#     machine's own namespace, its routes or its firewall;
#   - a throwaway PostgreSQL cluster (initdb in the lab directory, unix socket only);
#   - a central 'netvirt serve' on that database, in the hub, listening on http://172.31.255.254:8470;
#   - one 'netvirt agent' per host, started with 'nsenter --net=…' (not 'ip netns exec', whose private mount
#     namespace would hide and lose the namespaces the agent makes), each with its own ownership prefix.
# Every name starts with the lab's prefix 'nvt' + 2 hex digits (+ a letter outside hex per role), so the test sweep
# (scripts/sweep-test-objects.sh) also removes a lab that was never taken down.
#
#   scripts/lab.sh up                 # build, create, start; prints what to do next
#   scripts/lab.sh netvirt ARGS…      # bin/netvirt --server <lab server> ARGS…, run in the hub
#   scripts/lab.sh zone ZONE CMD…     # run CMD inside zone ZONE (whichever host it is on)
#   scripts/lab.sh host hN CMD…       # run CMD in host hN's namespace (bridge fdb show, ip -d link, …)
#   scripts/lab.sh logs [hN|server]   # follow a log
#   scripts/lab.sh down               # stop everything and remove every object of the lab
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

lab_dir="${NETVIRT_LAB_DIR:-/tmp/netvirt-lab}"
env_file="$lab_dir/lab.env"
underlay_net="172.31.255"
port=8470

load() {
  [ -f "$env_file" ] || { echo "netvirt lab: no lab is up (no $env_file); run: scripts/lab.sh up" >&2; exit 1; }
  # shellcheck disable=SC1090
  source "$env_file"
}

in_ns() { local ns="$1"; shift; nsenter --net="/run/netns/$ns" -- "$@"; }

netvirt_dll="$repo/src/NetVirt.Cli/bin/$configuration/net10.0/netvirt.dll"

up() {
  need_root
  if [ -f "$env_file" ]; then
    echo "netvirt lab: a lab is up already ($env_file); 'scripts/lab.sh down' first" >&2
    exit 1
  fi
  # The underlay must not meet anything the machine has.
  if ip -o addr show | grep -q " $underlay_net\." || ip route show | grep -q "^$underlay_net\."; then
    echo "netvirt lab: $underlay_net.0/24 is in use on this machine; the lab needs it" >&2
    exit 1
  fi
  install_packages
  install_dotnet
  [ -f "$netvirt_dll" ] || build

  mkdir -p "$lab_dir"
  chmod 0755 "$lab_dir"
  local base="nvt$(od -An -N1 -tx1 /dev/urandom | tr -d ' \n')"
  local infra="${base}u"
  local token
  token="$(od -An -N16 -tx1 /dev/urandom | tr -d ' \n')"
  cat >"$env_file" <<EOF
base=$base
infra=$infra
hub=${infra}-hub
token=$token
url=http://$underlay_net.254:$port
EOF
  chmod 0600 "$env_file"
  load
  trap 'echo "netvirt lab: setting up failed; removing what was made" >&2; down' ERR

  # Underlay: a bridge in the hub, and one veth pair per host.
  ip netns add "$hub"
  in_ns "$hub" ip link set lo up
  in_ns "$hub" ip link add "${infra}-br" mtu 9000 type bridge
  in_ns "$hub" ip addr add "$underlay_net.254/24" dev "${infra}-br"
  in_ns "$hub" ip link set "${infra}-br" up
  for i in 1 2 3; do
    ip netns add "${infra}-h$i"
    in_ns "${infra}-h$i" ip link set lo up
    ip link add "${infra}-$i" mtu 9000 netns "$hub" type veth peer name "${infra}-up" mtu 9000 netns "${infra}-h$i"
    in_ns "$hub" ip link set "${infra}-$i" master "${infra}-br" up
    in_ns "${infra}-h$i" ip addr add "$underlay_net.$i/24" dev "${infra}-up"
    in_ns "${infra}-h$i" ip link set "${infra}-up" up
  done

  # PostgreSQL: a cluster of the lab's own, on a unix socket only.
  local bin
  bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
  mkdir -p "$lab_dir/pg/socket"
  chown -R postgres:postgres "$lab_dir/pg"
  runuser -u postgres -- "$bin/initdb" -D "$lab_dir/pg/data" -U postgres -A trust -E UTF8 --locale=C --no-sync >/dev/null
  runuser -u postgres -- "$bin/pg_ctl" -D "$lab_dir/pg/data" -l "$lab_dir/pg/postgres.log" -w \
    -o "-k $lab_dir/pg/socket -c listen_addresses='' -c max_connections=200" start >/dev/null
  runuser -u postgres -- "$bin/createdb" -h "$lab_dir/pg/socket" -U postgres netvirt
  echo "db=postgresql://postgres@/netvirt?host=$lab_dir/pg/socket" >>"$env_file"
  echo "pgbin=$bin" >>"$env_file"
  load

  # The central server, in the hub (prefix of its own: it applies nothing to a model with hosts; no CNI socket: the
  # machine's /run/netvirt/netvirt.sock is not the lab's to take).
  NETVIRT_API_TOKEN="$token" NETVIRT_PREFIX="${base}s" nohup nsenter --net="/run/netns/$hub" -- \
    dotnet "$netvirt_dll" --db "$db" serve --urls "$url" --reconcile off --audit-dir "$lab_dir/audits" --socket none >"$lab_dir/server.log" 2>&1 &
  echo "server_pid=$!" >>"$env_file"
  for _ in $(seq 1 100); do
    in_ns "$hub" bash -c "exec 3<>/dev/tcp/$underlay_net.254/$port" 2>/dev/null && break
    sleep 0.2
  done

  # The hosts, then one agent per host.
  NETVIRT_API_TOKEN="$token" in_ns "$hub" dotnet "$netvirt_dll" --server "$url" apply --auto-approve -f - <<EOF >/dev/null
version: 1
hosts:
  - { name: h1, address: $underlay_net.1 }
  - { name: h2, address: $underlay_net.2 }
  - { name: h3, address: $underlay_net.3 }
EOF
  local letters=(x g h i)
  for i in 1 2 3; do
    mkdir -p "$lab_dir/h$i"
    NETVIRT_API_TOKEN="$token" nohup nsenter --net="/run/netns/${infra}-h$i" -- \
      dotnet "$netvirt_dll" agent --server "$url" --host "h$i" --prefix "${base}${letters[$i]}" --state-dir "$lab_dir/h$i" --resync 30s \
      >"$lab_dir/h$i.log" 2>&1 &
    echo "agent${i}_pid=$!" >>"$env_file"
  done
  trap - ERR

  cat <<EOF
netvirt lab is up: server $url (database $db), hosts h1..h3 ($underlay_net.1-3), agents with prefixes ${base}g, ${base}h, ${base}i.
  scripts/lab.sh netvirt show hosts                            # the hosts and what their agents report
  scripts/lab.sh netvirt apply -f schemas/examples/three-hosts.yaml --auto-approve
  scripts/lab.sh zone acme-web1 ping -c1 10.100.0.12             # from h1 to h2
  scripts/lab.sh netvirt audit                                   # the isolation audit across the hosts
  scripts/lab.sh down                                            # remove it all
EOF
}

cli() {
  load
  NETVIRT_API_TOKEN="$token" in_ns "$hub" dotnet "$netvirt_dll" --server "$url" "$@"
}

zone() {
  load
  local zone="$1"
  shift
  local ns
  for letter in g h i; do
    if [ -e "/run/netns/${base}${letter}-z-$zone" ]; then
      ns="${base}${letter}-z-$zone"
    fi
  done
  [ -n "${ns:-}" ] || { echo "netvirt lab: zone '$zone' is on no host (yet)" >&2; exit 1; }
  in_ns "$ns" "$@"
}

host() {
  load
  local h="$1"
  shift
  in_ns "${infra}-$h" "$@"
}

logs() {
  load
  tail -f "$lab_dir/${1:-server}.log"
}

down() {
  need_root
  [ -f "$env_file" ] || { echo "netvirt lab: nothing to take down" >&2; return 0; }
  # shellcheck disable=SC1090
  source "$env_file"
  for pid in ${agent1_pid:-} ${agent2_pid:-} ${agent3_pid:-} ${server_pid:-}; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in ${agent1_pid:-} ${agent2_pid:-} ${agent3_pid:-} ${server_pid:-}; do
    for _ in $(seq 1 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
  if [ -n "${pgbin:-}" ] && [ -d "$lab_dir/pg/data" ]; then
    runuser -u postgres -- "$pgbin/pg_ctl" -D "$lab_dir/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  # Every namespace of the lab (hosts, hub, the agents' zones and routers); their interfaces go with them.
  for ns in $(ls /run/netns 2>/dev/null | grep -E "^${base}[a-z]-" || true); do
    ip netns delete "$ns" 2>/dev/null || true
  done
  rm -rf "$lab_dir"
  echo "netvirt lab: removed"
}

case "${1:-}" in
  up) up ;;
  netvirt) shift; cli "$@" ;;
  zone) shift; zone "$@" ;;
  host) shift; host "$@" ;;
  logs) shift; logs "$@" ;;
  down) down ;;
  *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
