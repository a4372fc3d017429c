#!/bin/sh
# Runs INSIDE a lab VM (../shared/lab-vm/run): makes this VM one node of a two-node "cluster" wired on eth2,
# the way flannel's vxlan backend does it (flannel.1 with a fixed VTEP MAC, an FDB entry and a neighbour for the
# peer, a route to the peer's pod subnet through the vxlan) plus a host-gw route (a second subnet via the peer's
# eth2 address), and one pod-like namespace on a veth with an address in this node's pod subnet. Then runs the
# agent (scripts/serve.mjs) until $CTL/stop-$ME exists, and writes `ip -j` of the result to $CTL/ip-$ME.json.
# usage: inside-fleet.sh ME(0|1) CTL_DIR TOKEN ALLOW_HOST NS
set -eu
ME=$1; CTL=$2; TOKEN=$3; ALLOW=$4; POD=$5
PEER=$((1 - ME))
EADDR=192.168.77.$((ME + 1)); PEADDR=192.168.77.$((PEER + 1))
VTEP=0a:58:0a:f4:0$ME:00; PVTEP=0a:58:0a:f4:0$PEER:00
ip link set eth2 up
ip addr add $EADDR/24 dev eth2
# flannel vxlan: VNI 1, port 8472, no learning; the peer's VTEP by FDB and neighbour entries
ip link add flannel.1 address $VTEP type vxlan id 1 local $EADDR dev eth2 dstport 8472 nolearning
ip addr add 10.244.$ME.0/32 dev flannel.1
ip link set flannel.1 up
bridge fdb append $PVTEP dev flannel.1 dst $PEADDR
ip neigh replace 10.244.$PEER.0 lladdr $PVTEP dev flannel.1 nud permanent
ip route add 10.244.$PEER.0/24 via 10.244.$PEER.0 dev flannel.1 onlink
# host-gw: another pod subnet straight via the peer's underlay address
ip route add 10.245.$PEER.0/24 via $PEADDR dev eth2
# the pod: a namespace with a veth, in this node's pod subnet
ip netns add $POD
ip link add vpod type veth peer name eth0 netns $POD
ip addr add 10.244.$ME.1/24 dev vpod
ip link set vpod up
ip -n $POD addr add 10.244.$ME.5/24 dev eth0
ip -n $POD link set eth0 up
ip -n $POD link set lo up
ip -n $POD route add default via 10.244.$ME.1
sysctl -qw net.ipv4.ip_forward=1
touch "$CTL/ready-$ME"
node scripts/serve.mjs --host 0.0.0.0 --port 3000 --token "$TOKEN" --allow-host "$ALLOW" > "$CTL/agent-$ME.log" 2>&1 &
AGENT=$!
while [ ! -e "$CTL/stop-$ME" ]; do
  if ! kill -0 $AGENT 2>/dev/null; then echo "agent exited"; cat "$CTL/agent-$ME.log"; exit 1; fi
  sleep 0.3
done
# pod to pod across the overlay (the peer's pod), then what the kernel says now
PING=$(ip netns exec $POD ping -n -c 2 -W 2 10.244.$PEER.5 2>&1 | tail -2 | tr '\n' ' ' || true)
{
  printf '{"ping":"%s",' "$PING"
  printf '"podAddr":'; ip -j -n $POD addr show
  printf ',"podLink":'; ip -j -d -n $POD link show
  printf ',"fdb":'; bridge -j fdb show dev flannel.1
  printf ',"routes":'; ip -j route show
  printf '}\n'
} > "$CTL/ip-$ME.json.tmp"
mv "$CTL/ip-$ME.json.tmp" "$CTL/ip-$ME.json"
kill $AGENT
wait $AGENT || true
