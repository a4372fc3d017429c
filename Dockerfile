# linkscape's image: the node agent (one per node, e.g. a DaemonSet pod with the host's network and PIDs) and
# the fleet hub are this one image with different flags. Two stages:
#   build    the dev dependencies, then `npm pack` (its prepack makes the Next build and the CLI bundle), and
#            the packed linkscape with the lockfile's production dependencies only
#   runtime  Node 20 on Debian slim with iproute2 (ip) and util-linux (nsenter), and that installed linkscape
# Build: docker build -t linkscape .
# Agent: docker run -d --name linkscape --net=host --pid=host --privileged \
#          -v /run/netns:/run/netns:rshared -v /var/run/docker/netns:/var/run/docker/netns:ro \
#          -v /var/log/linkscape:/var/log/linkscape linkscape serve --host 0.0.0.0 --port 3000
#        (binding beyond loopback needs a token: it prints the URL that carries it, or give --token)
# BASE: any Debian bookworm with Node >= 20.9 and npm; a build without a registry (the tests) makes its own.
ARG BASE=node:20-bookworm-slim

FROM ${BASE} AS build
ENV NEXT_TELEMETRY_DISABLED=1
WORKDIR /src
COPY . .
# NPM_CACHE: a folder in the build context holding npm's cache, for a build that reaches no registry (then
# npm runs --offline from it); empty (the default): the registry, as usual
ARG NPM_CACHE=
# the packed linkscape, unpacked into /app with the lockfile's production dependencies beside it
RUN npm ci --no-audit --no-fund ${NPM_CACHE:+--offline --cache /src/$NPM_CACHE} \
 && mkdir -p /out && npm pack --pack-destination /out \
 && mkdir /app && tar -C /app --strip-components=1 -xzf /out/linkscape-*.tgz && cp package-lock.json /app/ \
 && cd /app && npm ci --no-audit --no-fund --omit=dev --ignore-scripts ${NPM_CACHE:+--offline --cache /src/$NPM_CACHE} \
 && node bin/linkscape.mjs --version

FROM ${BASE} AS runtime
# ip and nsenter (a slim base may lack them; an offline base already has them)
RUN if ! command -v ip >/dev/null || ! command -v nsenter >/dev/null; then \
      apt-get update && apt-get install -y --no-install-recommends iproute2 util-linux && rm -rf /var/lib/apt/lists/*; \
    fi
COPY --from=build /app /opt/linkscape
RUN ln -s /opt/linkscape/bin/linkscape.mjs /usr/local/bin/linkscape && mkdir -p /var/log/linkscape
ENV NODE_ENV=production NO_COLOR=1 NEXT_TELEMETRY_DISABLED=1 LINKSCAPE_AUDIT_LOG=/var/log/linkscape/audit.jsonl
EXPOSE 3000
ENTRYPOINT ["linkscape"]
CMD ["serve", "--host", "0.0.0.0", "--port", "3000"]
