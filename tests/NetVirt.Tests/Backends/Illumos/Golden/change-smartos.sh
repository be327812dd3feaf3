#!/bin/sh
# NetVirt plan for SmartOS (illumos-joyent); ownership prefix 'nv_'.
# 32 step(s): 5 to create, 1 to change, 14 to replace, 4 to delete.
# Interrupts the traffic of zone(s): globex-app1, globex-app2, ops-console1.
# Every object is temporary (-t) and is gone after a reboot; NetVirt re-applies its model at boot.
# Review before running; run as root in the global zone.
set -eu

# 1. delete route globex-app1/0.0.0.0/0: recreated because ip-if globex-app1/nv_net0 is replaced
#    interrupts zone globex-app1
/usr/sbin/zlogin globex-app1 /usr/sbin/route delete default 10.200.0.1

# 2. delete route globex-app1/::/0: recreated because ip-if globex-app1/nv_net0 is replaced
#    interrupts zone globex-app1
/usr/sbin/zlogin globex-app1 /usr/sbin/route delete -inet6 default fd10:200::1

# 3. delete route globex-app2/0.0.0.0/0: recreated because ip-if globex-app2/nv_net0 is replaced
#    interrupts zone globex-app2
/usr/sbin/zlogin globex-app2 /usr/sbin/route delete default 10.200.0.1

# 4. delete route globex-app2/::/0: recreated because ip-if globex-app2/nv_net0 is replaced
#    interrupts zone globex-app2
/usr/sbin/zlogin globex-app2 /usr/sbin/route delete -inet6 default fd10:200::1

# 5. delete ip-if global/nv_gw_stub0_200: not in the desired state
/usr/sbin/ipadm delete-if nv_gw_stub0_200

# 6. delete ip-if globex-app1/nv_net0: recreated because vnic globex-app1/nv_net0 is replaced
#    interrupts zone globex-app1
/usr/sbin/zlogin globex-app1 /usr/sbin/ipadm delete-if nv_net0

# 7. delete ip-if globex-app2/nv_net0: recreated because vnic globex-app2/nv_net0 is replaced
#    interrupts zone globex-app2
/usr/sbin/zlogin globex-app2 /usr/sbin/ipadm delete-if nv_net0

# 8. delete ip-if ops-console1/nv_net0: not in the desired state
#    interrupts zone ops-console1
/usr/sbin/zlogin ops-console1 /usr/sbin/ipadm delete-if nv_net0

# 9. delete vnic global/nv_gw_stub0_200: not in the desired state
/usr/sbin/dladm delete-vnic -t nv_gw_stub0_200

# 10. delete vnic globex-app1/nv_net0: vlan 200 → 250 (cannot change in place)
#    interrupts zone globex-app1
/usr/sbin/dladm delete-vnic -t -z globex-app1 nv_net0

# 11. delete vnic globex-app2/nv_net0: vlan 200 → 250 (cannot change in place)
#    interrupts zone globex-app2
/usr/sbin/dladm delete-vnic -t -z globex-app2 nv_net0

# 12. delete vnic ops-console1/nv_net0: not in the desired state
#    interrupts zone ops-console1
/usr/sbin/dladm delete-vnic -t -z ops-console1 nv_net0

# 13. update vnic initech-batch1/nv_net0: maxbw 50M → (none), priority low → medium
/usr/sbin/dladm set-linkprop -t -z initech-batch1 -p priority=medium nv_net0
/usr/sbin/dladm reset-linkprop -t -z initech-batch1 -p maxbw nv_net0

# 14. create vnic global/nv_gw_stub0_250: not on the host
/usr/sbin/dladm create-vnic -t -l nv_stub0 -v 250 -p mtu=1500 nv_gw_stub0_250

# 15. create vnic globex-app1/nv_net0: vlan 200 → 250 (cannot change in place)
/usr/sbin/dladm create-vnic -t -l nv_stub0 -m 2:8:20:0:0:4 -v 250 -p mtu=1500,maxbw=100M,protection=mac-nospoof,ip-nospoof,allowed-ips=10.200.0.2/32,fd10:200::2/128,fe80::8:20ff:fe00:4/128,zone=globex-app1 nv_net0

# 16. create vnic globex-app2/nv_net0: vlan 200 → 250 (cannot change in place)
/usr/sbin/dladm create-vnic -t -l nv_stub0 -m 2:8:20:0:0:5 -v 250 -p mtu=1500,maxbw=100M,protection=mac-nospoof,ip-nospoof,allowed-ips=10.200.0.3/32,fd10:200::3/128,fe80::8:20ff:fe00:5/128,zone=globex-app2 nv_net0

# 17. create ip-if global/nv_gw_stub0_250: not on the host
/usr/sbin/ipadm create-if -t nv_gw_stub0_250

# 18. create ip-if globex-app1/nv_net0: recreated because vnic globex-app1/nv_net0 is replaced
/usr/sbin/zlogin globex-app1 /usr/sbin/ipadm create-if -t nv_net0

# 19. create ip-if globex-app2/nv_net0: recreated because vnic globex-app2/nv_net0 is replaced
/usr/sbin/zlogin globex-app2 /usr/sbin/ipadm create-if -t nv_net0

# 20. create addrobj global/nv_gw_stub0_250/globex4: not on the host
/usr/sbin/ipadm create-addr -t -T static -a 10.200.0.1/24 nv_gw_stub0_250/globex4

# 21. create addrobj global/nv_gw_stub0_250/globex6: not on the host
/usr/sbin/ipadm create-addr -t -T static -a fd10:200::1/64 nv_gw_stub0_250/globex6

# 22. create addrobj global/nv_gw_stub0_250/ll: not on the host
/usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_gw_stub0_250/ll

# 23. create addrobj globex-app1/nv_net0/ll: recreated because ip-if globex-app1/nv_net0 is replaced
/usr/sbin/zlogin globex-app1 /usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_net0/ll

# 24. create addrobj globex-app1/nv_net0/v4: recreated because ip-if globex-app1/nv_net0 is replaced
/usr/sbin/zlogin globex-app1 /usr/sbin/ipadm create-addr -t -T static -a 10.200.0.2/24 nv_net0/v4

# 25. create addrobj globex-app1/nv_net0/v6: recreated because ip-if globex-app1/nv_net0 is replaced
/usr/sbin/zlogin globex-app1 /usr/sbin/ipadm create-addr -t -T static -a fd10:200::2/64 nv_net0/v6

# 26. create addrobj globex-app2/nv_net0/ll: recreated because ip-if globex-app2/nv_net0 is replaced
/usr/sbin/zlogin globex-app2 /usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_net0/ll

# 27. create addrobj globex-app2/nv_net0/v4: recreated because ip-if globex-app2/nv_net0 is replaced
/usr/sbin/zlogin globex-app2 /usr/sbin/ipadm create-addr -t -T static -a 10.200.0.3/24 nv_net0/v4

# 28. create addrobj globex-app2/nv_net0/v6: recreated because ip-if globex-app2/nv_net0 is replaced
/usr/sbin/zlogin globex-app2 /usr/sbin/ipadm create-addr -t -T static -a fd10:200::3/64 nv_net0/v6

# 29. create route globex-app1/0.0.0.0/0: recreated because ip-if globex-app1/nv_net0 is replaced
/usr/sbin/zlogin globex-app1 /usr/sbin/route add default 10.200.0.1

# 30. create route globex-app1/::/0: recreated because ip-if globex-app1/nv_net0 is replaced
/usr/sbin/zlogin globex-app1 /usr/sbin/route add -inet6 default fd10:200::1

# 31. create route globex-app2/0.0.0.0/0: recreated because ip-if globex-app2/nv_net0 is replaced
/usr/sbin/zlogin globex-app2 /usr/sbin/route add default 10.200.0.1

# 32. create route globex-app2/::/0: recreated because ip-if globex-app2/nv_net0 is replaced
/usr/sbin/zlogin globex-app2 /usr/sbin/route add -inet6 default fd10:200::1
