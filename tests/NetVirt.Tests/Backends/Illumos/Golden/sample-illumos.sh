#!/bin/sh
# NetVirt plan for upstream illumos; ownership prefix 'nv_'.
# 72 step(s): 72 to create, 0 to change, 0 to replace, 0 to delete.
# Every object is temporary (-t) and is gone after a reboot; NetVirt re-applies its model at boot.
# Review before running; run as root in the global zone.
set -eu

# 1. create etherstub nv_mgmt0: not on the host
/usr/sbin/dladm create-etherstub -t nv_mgmt0
/usr/sbin/dladm set-linkprop -t -p mtu=1500 nv_mgmt0

# 2. create etherstub nv_stub0: not on the host
/usr/sbin/dladm create-etherstub -t nv_stub0

# 3. create vnic acme-db1/nv_acme_db1_net0: not on the host
/usr/sbin/dladm create-vnic -t -l nv_stub0 -m 2:8:20:0:0:2 -v 100 -p mtu=1500,protection=mac-nospoof,ip-nospoof,allowed-ips=10.100.0.11/32,fd10:100::8:20ff:fe00:2/128,fe80::8:20ff:fe00:2/128,zone=acme-db1 nv_acme_db1_net0

# 4. create vnic acme-db1/nv_acme_db1_net1: not on the host
/usr/sbin/dladm create-vnic -t -l nv_mgmt0 -m 2:8:20:0:0:3 -p mtu=1500,protection=mac-nospoof,ip-nospoof,allowed-ips=192.168.50.100/32,zone=acme-db1 nv_acme_db1_net1

# 5. create vnic acme-web1/nv_acme_web1_net0: not on the host
/usr/sbin/dladm create-vnic -t -l nv_stub0 -m 2:8:20:0:0:0 -v 100 -p mtu=1500,maxbw=200M,protection=mac-nospoof,ip-nospoof,allowed-ips=10.100.0.10/32,fd10:100::2/128,fe80::8:20ff:fe00:0/128,zone=acme-web1 nv_acme_web1_net0

# 6. create vnic acme-web2/nv_acme_web2_net0: not on the host
/usr/sbin/dladm create-vnic -t -l nv_stub0 -m 2:8:20:0:0:1 -v 100 -p mtu=1500,maxbw=200M,protection=mac-nospoof,ip-nospoof,allowed-ips=10.100.0.21/32,fd10:100::3/128,fe80::8:20ff:fe00:1/128,zone=acme-web2 nv_acme_web2_net0

# 7. create vnic global/nv_gw_stub0_100: not on the host
/usr/sbin/dladm create-vnic -t -l nv_stub0 -v 100 -p mtu=1500 nv_gw_stub0_100

# 8. create vnic global/nv_gw_stub0_200: not on the host
/usr/sbin/dladm create-vnic -t -l nv_stub0 -v 200 -p mtu=1500 nv_gw_stub0_200

# 9. create vnic global/nv_gw_stub0_300: not on the host
/usr/sbin/dladm create-vnic -t -l nv_stub0 -v 300 -p mtu=1500 nv_gw_stub0_300

# 10. create vnic globex-app1/nv_globex_app1_net0: not on the host
/usr/sbin/dladm create-vnic -t -l nv_stub0 -m 2:8:20:0:0:4 -v 200 -p mtu=1500,maxbw=100M,protection=mac-nospoof,ip-nospoof,allowed-ips=10.200.0.2/32,fd10:200::2/128,fe80::8:20ff:fe00:4/128,zone=globex-app1 nv_globex_app1_net0

# 11. create vnic globex-app2/nv_globex_app2_net0: not on the host
/usr/sbin/dladm create-vnic -t -l nv_stub0 -m 2:8:20:0:0:5 -v 200 -p mtu=1500,maxbw=100M,protection=mac-nospoof,ip-nospoof,allowed-ips=10.200.0.3/32,fd10:200::3/128,fe80::8:20ff:fe00:5/128,zone=globex-app2 nv_globex_app2_net0

# 12. create vnic initech-api1/nv_initech_api1_net0: not on the host
/usr/sbin/dladm create-vnic -t -l nv_stub0 -m 2:8:20:30:0:1 -v 300 -p mtu=1500,protection=mac-nospoof,ip-nospoof,dhcp-nospoof,allowed-ips=10.30.0.2/32,fd10:300::1/128,fe80::8:20ff:fe30:1/128,zone=initech-api1 nv_initech_api1_net0

# 13. create vnic initech-api2/nv_initech_api2_net0: not on the host
/usr/sbin/dladm create-vnic -t -l nv_stub0 -m 2:8:20:0:0:6 -v 300 -p mtu=1500,protection=mac-nospoof,ip-nospoof,allowed-ips=10.30.0.3/32,fd10:300::2/128,fe80::8:20ff:fe00:6/128,zone=initech-api2 nv_initech_api2_net0

# 14. create vnic initech-batch1/nv_initech_batch1_net0: not on the host
/usr/sbin/dladm create-vnic -t -l nv_stub0 -m 2:8:20:0:0:7 -v 300 -p mtu=1500,maxbw=50M,priority=low,protection=mac-nospoof,ip-nospoof,allowed-ips=10.30.0.4/32,zone=initech-batch1 nv_initech_batch1_net0

# 15. create vnic ops-console1/nv_ops_console1_net0: not on the host
/usr/sbin/dladm create-vnic -t -l nv_mgmt0 -m 2:8:20:0:0:8 -p mtu=1500,protection=mac-nospoof,ip-nospoof,allowed-ips=192.168.50.101/32,fd10:50::1/128,fe80::8:20ff:fe00:8/128,zone=ops-console1 nv_ops_console1_net0

# 16. create ip-if acme-db1/nv_acme_db1_net0: not on the host
/usr/sbin/zlogin acme-db1 /usr/sbin/ipadm create-if -t nv_acme_db1_net0

# 17. create ip-if acme-db1/nv_acme_db1_net1: not on the host
/usr/sbin/zlogin acme-db1 /usr/sbin/ipadm create-if -t nv_acme_db1_net1

# 18. create ip-if acme-web1/nv_acme_web1_net0: not on the host
/usr/sbin/zlogin acme-web1 /usr/sbin/ipadm create-if -t nv_acme_web1_net0

# 19. create ip-if acme-web2/nv_acme_web2_net0: not on the host
/usr/sbin/zlogin acme-web2 /usr/sbin/ipadm create-if -t nv_acme_web2_net0

# 20. create ip-if global/nv_gw_stub0_100: not on the host
/usr/sbin/ipadm create-if -t nv_gw_stub0_100

# 21. create ip-if global/nv_gw_stub0_200: not on the host
/usr/sbin/ipadm create-if -t nv_gw_stub0_200

# 22. create ip-if global/nv_gw_stub0_300: not on the host
/usr/sbin/ipadm create-if -t nv_gw_stub0_300

# 23. create ip-if globex-app1/nv_globex_app1_net0: not on the host
/usr/sbin/zlogin globex-app1 /usr/sbin/ipadm create-if -t nv_globex_app1_net0

# 24. create ip-if globex-app2/nv_globex_app2_net0: not on the host
/usr/sbin/zlogin globex-app2 /usr/sbin/ipadm create-if -t nv_globex_app2_net0

# 25. create ip-if initech-api1/nv_initech_api1_net0: not on the host
/usr/sbin/zlogin initech-api1 /usr/sbin/ipadm create-if -t nv_initech_api1_net0

# 26. create ip-if initech-api2/nv_initech_api2_net0: not on the host
/usr/sbin/zlogin initech-api2 /usr/sbin/ipadm create-if -t nv_initech_api2_net0

# 27. create ip-if initech-batch1/nv_initech_batch1_net0: not on the host
/usr/sbin/zlogin initech-batch1 /usr/sbin/ipadm create-if -t nv_initech_batch1_net0

# 28. create ip-if ops-console1/nv_ops_console1_net0: not on the host
/usr/sbin/zlogin ops-console1 /usr/sbin/ipadm create-if -t nv_ops_console1_net0

# 29. create addrobj acme-db1/nv_acme_db1_net0/v4: not on the host
/usr/sbin/zlogin acme-db1 /usr/sbin/ipadm create-addr -t -T static -a 10.100.0.11/24 nv_acme_db1_net0/v4

# 30. create addrobj acme-db1/nv_acme_db1_net0/v6: not on the host
/usr/sbin/zlogin acme-db1 /usr/sbin/ipadm create-addr -t -T addrconf nv_acme_db1_net0/v6

# 31. create addrobj acme-db1/nv_acme_db1_net1/v4: not on the host
/usr/sbin/zlogin acme-db1 /usr/sbin/ipadm create-addr -t -T static -a 192.168.50.100/24 nv_acme_db1_net1/v4

# 32. create addrobj acme-web1/nv_acme_web1_net0/ll: not on the host
/usr/sbin/zlogin acme-web1 /usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_acme_web1_net0/ll

# 33. create addrobj acme-web1/nv_acme_web1_net0/v4: not on the host
/usr/sbin/zlogin acme-web1 /usr/sbin/ipadm create-addr -t -T static -a 10.100.0.10/24 nv_acme_web1_net0/v4

# 34. create addrobj acme-web1/nv_acme_web1_net0/v6: not on the host
/usr/sbin/zlogin acme-web1 /usr/sbin/ipadm create-addr -t -T static -a fd10:100::2/64 nv_acme_web1_net0/v6

# 35. create addrobj acme-web2/nv_acme_web2_net0/ll: not on the host
/usr/sbin/zlogin acme-web2 /usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_acme_web2_net0/ll

# 36. create addrobj acme-web2/nv_acme_web2_net0/v4: not on the host
/usr/sbin/zlogin acme-web2 /usr/sbin/ipadm create-addr -t -T static -a 10.100.0.21/24 nv_acme_web2_net0/v4

# 37. create addrobj acme-web2/nv_acme_web2_net0/v6: not on the host
/usr/sbin/zlogin acme-web2 /usr/sbin/ipadm create-addr -t -T static -a fd10:100::3/64 nv_acme_web2_net0/v6

# 38. create addrobj global/nv_gw_stub0_100/acme4: not on the host
/usr/sbin/ipadm create-addr -t -T static -a 10.100.0.1/24 nv_gw_stub0_100/acme4

# 39. create addrobj global/nv_gw_stub0_100/acme6: not on the host
/usr/sbin/ipadm create-addr -t -T static -a fd10:100::1/64 nv_gw_stub0_100/acme6

# 40. create addrobj global/nv_gw_stub0_100/ll: not on the host
/usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_gw_stub0_100/ll

# 41. create addrobj global/nv_gw_stub0_200/globex4: not on the host
/usr/sbin/ipadm create-addr -t -T static -a 10.200.0.1/24 nv_gw_stub0_200/globex4

# 42. create addrobj global/nv_gw_stub0_200/globex6: not on the host
/usr/sbin/ipadm create-addr -t -T static -a fd10:200::1/64 nv_gw_stub0_200/globex6

# 43. create addrobj global/nv_gw_stub0_200/ll: not on the host
/usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_gw_stub0_200/ll

# 44. create addrobj global/nv_gw_stub0_300/initech4: not on the host
/usr/sbin/ipadm create-addr -t -T static -a 10.30.0.1/24 nv_gw_stub0_300/initech4

# 45. create addrobj globex-app1/nv_globex_app1_net0/ll: not on the host
/usr/sbin/zlogin globex-app1 /usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_globex_app1_net0/ll

# 46. create addrobj globex-app1/nv_globex_app1_net0/v4: not on the host
/usr/sbin/zlogin globex-app1 /usr/sbin/ipadm create-addr -t -T static -a 10.200.0.2/24 nv_globex_app1_net0/v4

# 47. create addrobj globex-app1/nv_globex_app1_net0/v6: not on the host
/usr/sbin/zlogin globex-app1 /usr/sbin/ipadm create-addr -t -T static -a fd10:200::2/64 nv_globex_app1_net0/v6

# 48. create addrobj globex-app2/nv_globex_app2_net0/ll: not on the host
/usr/sbin/zlogin globex-app2 /usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_globex_app2_net0/ll

# 49. create addrobj globex-app2/nv_globex_app2_net0/v4: not on the host
/usr/sbin/zlogin globex-app2 /usr/sbin/ipadm create-addr -t -T static -a 10.200.0.3/24 nv_globex_app2_net0/v4

# 50. create addrobj globex-app2/nv_globex_app2_net0/v6: not on the host
/usr/sbin/zlogin globex-app2 /usr/sbin/ipadm create-addr -t -T static -a fd10:200::3/64 nv_globex_app2_net0/v6

# 51. create addrobj initech-api1/nv_initech_api1_net0/ll: not on the host
/usr/sbin/zlogin initech-api1 /usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_initech_api1_net0/ll

# 52. create addrobj initech-api1/nv_initech_api1_net0/v4: not on the host
/usr/sbin/zlogin initech-api1 /usr/sbin/ipadm create-addr -t -T static -a 10.30.0.2/24 nv_initech_api1_net0/v4

# 53. create addrobj initech-api1/nv_initech_api1_net0/v6: not on the host
/usr/sbin/zlogin initech-api1 /usr/sbin/ipadm create-addr -t -T static -a fd10:300::1/64 nv_initech_api1_net0/v6

# 54. create addrobj initech-api2/nv_initech_api2_net0/ll: not on the host
/usr/sbin/zlogin initech-api2 /usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_initech_api2_net0/ll

# 55. create addrobj initech-api2/nv_initech_api2_net0/v4: not on the host
/usr/sbin/zlogin initech-api2 /usr/sbin/ipadm create-addr -t -T static -a 10.30.0.3/24 nv_initech_api2_net0/v4

# 56. create addrobj initech-api2/nv_initech_api2_net0/v6: not on the host
/usr/sbin/zlogin initech-api2 /usr/sbin/ipadm create-addr -t -T static -a fd10:300::2/64 nv_initech_api2_net0/v6

# 57. create addrobj initech-batch1/nv_initech_batch1_net0/v4: not on the host
/usr/sbin/zlogin initech-batch1 /usr/sbin/ipadm create-addr -t -T static -a 10.30.0.4/24 nv_initech_batch1_net0/v4

# 58. create addrobj ops-console1/nv_ops_console1_net0/ll: not on the host
/usr/sbin/zlogin ops-console1 /usr/sbin/ipadm create-addr -t -T addrconf -p stateless=no,stateful=no nv_ops_console1_net0/ll

# 59. create addrobj ops-console1/nv_ops_console1_net0/v4: not on the host
/usr/sbin/zlogin ops-console1 /usr/sbin/ipadm create-addr -t -T static -a 192.168.50.101/24 nv_ops_console1_net0/v4

# 60. create addrobj ops-console1/nv_ops_console1_net0/v6: not on the host
/usr/sbin/zlogin ops-console1 /usr/sbin/ipadm create-addr -t -T static -a fd10:50::1/64 nv_ops_console1_net0/v6

# 61. create route acme-db1/0.0.0.0/0: not on the host
/usr/sbin/zlogin acme-db1 /usr/sbin/route add default 10.100.0.1

# 62. create route acme-web1/0.0.0.0/0: not on the host
/usr/sbin/zlogin acme-web1 /usr/sbin/route add default 10.100.0.1

# 63. create route acme-web1/::/0: not on the host
/usr/sbin/zlogin acme-web1 /usr/sbin/route add -inet6 default fd10:100::1

# 64. create route acme-web2/0.0.0.0/0: not on the host
/usr/sbin/zlogin acme-web2 /usr/sbin/route add default 10.100.0.1

# 65. create route acme-web2/::/0: not on the host
/usr/sbin/zlogin acme-web2 /usr/sbin/route add -inet6 default fd10:100::1

# 66. create route globex-app1/0.0.0.0/0: not on the host
/usr/sbin/zlogin globex-app1 /usr/sbin/route add default 10.200.0.1

# 67. create route globex-app1/::/0: not on the host
/usr/sbin/zlogin globex-app1 /usr/sbin/route add -inet6 default fd10:200::1

# 68. create route globex-app2/0.0.0.0/0: not on the host
/usr/sbin/zlogin globex-app2 /usr/sbin/route add default 10.200.0.1

# 69. create route globex-app2/::/0: not on the host
/usr/sbin/zlogin globex-app2 /usr/sbin/route add -inet6 default fd10:200::1

# 70. create route initech-api1/0.0.0.0/0: not on the host
/usr/sbin/zlogin initech-api1 /usr/sbin/route add default 10.30.0.1

# 71. create route initech-api2/0.0.0.0/0: not on the host
/usr/sbin/zlogin initech-api2 /usr/sbin/route add default 10.30.0.1

# 72. create route initech-batch1/0.0.0.0/0: not on the host
/usr/sbin/zlogin initech-batch1 /usr/sbin/route add default 10.30.0.1
