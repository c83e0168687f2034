# Shared by the bench/ scripts (sourced, not run): a throw-away docker-registry on
# loopback, a seeded repository, timing helpers. The caller sets `work` (a temporary
# directory it deletes) and calls stop_registry from its EXIT trap.

registry_pid=""
registry_port=""

free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_registry: plain HTTP docker-registry on 127.0.0.1, storage under $work.
start_registry() {
    registry_port=$(free_port)
    cat >"$work/registry.yml" <<YAML
version: 0.1
log:
  level: error
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $work/storage
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$registry_port
YAML
    docker-registry serve "$work/registry.yml" >"$work/registry.log" 2>&1 &
    registry_pid=$!
    for _ in $(seq 50); do
        curl -fsS "http://127.0.0.1:$registry_port/v2/" >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    echo "docker-registry did not start: $(tail -n 3 "$work/registry.log")" >&2
    return 1
}

stop_registry() {
    if [[ -n "$registry_pid" ]]; then
        kill "$registry_pid" 2>/dev/null || true
        wait "$registry_pid" 2>/dev/null || true
        registry_pid=""
    fi
}

# seed_builds <repository> <builds>: <builds> single-platform images with 3 immutable
# tags each (exact semver, git SHA, branch-SHA), plus latest, staging and production
# moved onto recent ones; the seeder's JSON answer goes to $work/seeded.json.
seed_builds() {
    python3 - "$work/spec.json" "$1" "$2" <<'PY'
import hashlib, json, sys
repository, count = sys.argv[2], int(sys.argv[3])
images = []
for i in range(count):
    sha = hashlib.sha1(f"bench-{i}".encode()).hexdigest()
    images.append({"tags": [f"v1.{i // 100}.{i % 100}", sha[:7], f"main-{sha[:7]}"],
                   "format": "oci" if i % 2 else "docker",
                   "created": f"2026-01-{1 + i % 28:02d}T{i % 24:02d}:00:00Z",
                   "labels": {"org.opencontainers.image.revision": sha},
                   "platforms": ["linux/amd64"], "layerSeed": f"bench-{i}"})
last = count - 1
moves = [{"tag": t, "toImage": n} for t, n in (("latest", last), ("staging", last), ("production", max(0, last - 3)))]
json.dump({"repository": repository, "images": images, "moves": moves}, open(sys.argv[1], "w"))
PY
    scripts/seed-registry --registry "127.0.0.1:$registry_port" "$work/spec.json" >"$work/seeded.json"
}

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# curl_config <head|get> <url-prefix> < list > config: one curl -K block per line.
curl_config() {
    while read -r item; do
        [[ $1 == head ]] && echo "head"
        printf 'url = "%s/%s"\noutput = "/dev/null"\n' "$2" "$item"
    done
}

manifest_accept='Accept: application/vnd.oci.image.index.v1+json, application/vnd.docker.distribution.manifest.list.v2+json, application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json'
