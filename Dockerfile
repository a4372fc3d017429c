# linkscape's image: the node agent (one per node, e.g. a DaemonSet pod with the host's network and PIDs) and
# the fleet hub are this one image with different flags. Two stages:
#   build    the dev dependencies, then `npm pack` (its prepack makes the Next build and the CLI bundle), and
#            the packed linkscape with the lockfile's production dependencies only (no optional ones: Next's
#            compiler and sharp, which a built app does not use), laid out as the runtime's files in /rootfs.
#            A context with a packed linkscape in .pack/ (`npm pack --pack-destination .pack`, made on a
#            release machine or by the tests) uses that tarball and skips the dev dependencies and the build.
#   runtime  Node 20 on Debian slim with iproute2 (ip) and util-linux (nsenter), and those files
# Few instructions, on purpose: each is a layer (and on a storage driver that copies, as vfs does, a copy).
# Build: docker build -t linkscape .
# Agent: docker run -d --name linkscape --net=host --pid=host --privileged \
#          -v /run/netns:/run/netns:rshared -v /var/run/docker/netns:/var/run/docker/netns:ro \
#          -v /var/log/linkscape:/var/log/linkscape linkscape serve --host 0.0.0.0 --port 3000
#        (binding beyond loopback needs a token: it prints the URL that carries it, or give --token)
# BASE: any Debian bookworm with Node >= 20.9 and npm; a build without a registry (the tests) makes its own.
ARG BASE=node:20-bookworm-slim

FROM ${BASE} AS build
# A context that carries npm's cache in .npm-cache/ (a build that reaches no registry, as the tests' does)
# installs offline from it; without one, from the registry as usual. (No ARG for it: every instruction counts.)
COPY . /src
RUN set -e; cd /src; export NEXT_TELEMETRY_DISABLED=1; offline=; \
    if [ -d .npm-cache ]; then offline="--offline --cache /src/.npm-cache"; fi; \
    mkdir -p /out; set -- .pack/linkscape-*.tgz; \
    if [ -f "$1" ]; then \
      [ $# = 1 ] || { echo ".pack/ holds $# linkscape tarballs: leave one" >&2; exit 1; }; \
      echo "build: the packed $1 (no build here)"; cp "$1" /out/; \
    else npm ci --no-audit --no-fund $offline; npm pack --pack-destination /out; fi; \
    app=/rootfs/opt/linkscape; mkdir -p $app /rootfs/usr/local/bin /rootfs/var/log/linkscape; \
    tar -C $app --strip-components=1 -xzf /out/linkscape-*.tgz; cp package-lock.json $app/; \
    cd $app; npm ci --no-audit --no-fund --omit=dev --omit=optional --ignore-scripts $offline; \
    ln -s /opt/linkscape/bin/linkscape.mjs /rootfs/usr/local/bin/linkscape; \
    node bin/linkscape.mjs --version

FROM ${BASE} AS runtime
# the image's settings first, while the file system is only the base's (each instruction copies it under vfs).
# No ENV: linkscape needs none (its audit log defaults to /var/log/linkscape/audit.jsonl, the server runs in
# production mode, and its log lines carry no colours when not on a terminal)
ENTRYPOINT ["linkscape"]
CMD ["serve", "--host", "0.0.0.0", "--port", "3000"]
# ip and nsenter (a slim base may lack them; the tests' base already has them)
RUN if ! command -v ip >/dev/null || ! command -v nsenter >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends iproute2 util-linux && rm -rf /var/lib/apt/lists/*; \
    fi
# the port it serves on: 3000 (EXPOSE left out: one instruction less; `-p 3000:3000` or --net=host as usual)
COPY --from=build /rootfs/ /
