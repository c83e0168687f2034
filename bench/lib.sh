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

# start_engine: dockerd (vfs, no iptables, no bridge) on a unix socket in $engine_dir;
# sets docker_note to why not when it cannot run here (not root, not installed, did not
# start). stop_engine (call it from the EXIT trap) stops it and its mounts.
engine_dir=""
engine_pid=""
docker_note=""
start_engine() {
    engine_dir=$(mktemp -d /tmp/bp.XXXXXX) # short: a unix socket path has 108 bytes at most
    if [[ $(id -u) -ne 0 ]]; then
        docker_note="skipped: dockerd needs root for vfs storage here"
    elif ! command -v docker >/dev/null || { ! command -v dockerd >/dev/null && [[ ! -x /usr/sbin/dockerd ]]; }; then
        docker_note="skipped: docker.io (dockerd and the docker CLI) is not installed"
    else
        echo '{}' >"$engine_dir/daemon.json"
        PATH="$PATH:/usr/local/sbin:/usr/sbin:/sbin" setsid dockerd --storage-driver vfs \
            --iptables=false --bridge=none --host "unix://$engine_dir/docker.sock" \
            --data-root "$engine_dir/data" --exec-root "$engine_dir/exec" \
            --pidfile "$engine_dir/docker.pid" --config-file "$engine_dir/daemon.json" \
            >"$engine_dir/engine.log" 2>&1 &
        engine_pid=$!
        for _ in $(seq 300); do
            grep -q "API listen on" "$engine_dir/engine.log" 2>/dev/null && break
            kill -0 "$engine_pid" 2>/dev/null || break
            sleep 0.2
        done
        if ! grep -q "API listen on" "$engine_dir/engine.log" 2>/dev/null; then
            docker_note="skipped: dockerd did not start: $(tail -n 2 "$engine_dir/engine.log" | tr '\n' ' ')"
            stop_engine
        fi
    fi
}

stop_engine() {
    [[ -n "$engine_pid" ]] || return 0
    kill "$engine_pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$engine_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$engine_pid" 2>/dev/null || true
    # dockerd bind-mounts its data root; a mount left behind would keep the directory.
    awk -v p="$engine_dir/" 'index($5, p) == 1 {print $5}' /proc/self/mountinfo | sort -r |
        while read -r mount; do umount -l "$mount" 2>/dev/null || true; done
    engine_pid=""
}
