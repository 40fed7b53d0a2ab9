#!/usr/bin/env bash
# Make a Docker engine available for the oedr acceptance tests, without any
# Docker registry: install docker.io from the Debian mirror if needed, start
# dockerd, and build the local base image when it is missing.
#
# Idempotent: when `docker info` already works and the base image exists it
# does nothing. Run from anywhere (CI runs it from the repo root via .ci/run).
#
# Environment:
#   OEDR_BASE_IMAGE         base image to ensure     (default oedr-base:bookworm)
#   OEDR_DOCKERD_LOG        dockerd log file          (default /var/log/oedr-dockerd.log)
#   OEDR_DOCKERD_TIMEOUT    seconds to wait for dockerd (default 60)
set -euo pipefail

SCRIPT_DIR="$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd -- "${SCRIPT_DIR}/.." && pwd)"
readonly SCRIPT_DIR REPO_ROOT
readonly BASE_IMAGE="${OEDR_BASE_IMAGE:-oedr-base:bookworm}"
readonly DOCKERD_LOG="${OEDR_DOCKERD_LOG:-/var/log/oedr-dockerd.log}"
readonly DOCKERD_TIMEOUT="${OEDR_DOCKERD_TIMEOUT:-60}"

log() { printf '[docker-engine] %s\n' "$*"; }
die() { printf '[docker-engine] ERROR: %s\n' "$*" >&2; exit 1; }

as_root() {
    if [[ ${EUID} -eq 0 ]]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        die "need root to run: $*"
    fi
}

docker_ok() { docker info >/dev/null 2>&1; }

# True while the process exists and is not a zombie (its parent shell is gone,
# so it may linger unreaped when PID 1 of a CI container does not reap).
alive() {
    local stat
    stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1
    [[ ${stat##*) } != Z* ]]
}

install_engine() {
    if command -v dockerd >/dev/null 2>&1; then
        log "dockerd present at $(command -v dockerd)"
        return
    fi
    local start=${SECONDS}
    log "dockerd missing: installing docker.io from the Debian mirror"
    export DEBIAN_FRONTEND=noninteractive
    as_root apt-get update -qq
    as_root apt-get install -y -qq --no-install-recommends docker.io >/dev/null
    command -v dockerd >/dev/null 2>&1 || die "docker.io installed but dockerd not on PATH"
    command -v docker >/dev/null 2>&1 || die "docker CLI not on PATH"
    log "docker.io installed in $((SECONDS - start))s"
}

start_engine() {
    local pid deadline start=${SECONDS}
    log "starting dockerd (log: ${DOCKERD_LOG})"
    as_root mkdir -p "$(dirname -- "${DOCKERD_LOG}")"
    # setsid + nohup: the daemon must outlive this script and its CI step.
    # The redirections are done by a root shell so the log is writable.
    # shellcheck disable=SC2016  # $1/$! are expanded by the inner sh
    pid="$(as_root sh -c 'setsid nohup dockerd >>"$1" 2>&1 </dev/null & echo $!' sh "${DOCKERD_LOG}")"
    log "waiting up to ${DOCKERD_TIMEOUT}s for the engine (dockerd pid ${pid})"
    deadline=$((SECONDS + DOCKERD_TIMEOUT))
    until docker_ok; do
        if ! alive "${pid}"; then
            tail -n 30 "${DOCKERD_LOG}" >&2 || true
            die "dockerd (pid ${pid}) exited during start-up; see ${DOCKERD_LOG}"
        fi
        if ((SECONDS >= deadline)); then
            tail -n 30 "${DOCKERD_LOG}" >&2 || true
            die "docker engine not ready after ${DOCKERD_TIMEOUT}s; see ${DOCKERD_LOG}"
        fi
        sleep 0.5   # poll interval, bounded by the deadline above
    done
    log "dockerd answered after $((SECONDS - start))s"
}

main() {
    if docker_ok; then
        log "engine already running"
    else
        install_engine
        start_engine
    fi
    log "engine ready: server $(docker version --format '{{.Server.Version}}' 2>/dev/null || echo '?')," \
        "storage driver $(docker info --format '{{.Driver}}' 2>/dev/null || echo '?')"

    local wanted have
    # the packages the base must hold are build-base-image.sh's; an image made from an older list is rebuilt
    wanted="$(sed -n 's/^readonly PACKAGES="\(.*\)"$/\1/p' "${REPO_ROOT}/docker/build-base-image.sh")"
    have="$(docker image inspect --format '{{ index .Config.Labels "oedr.base.packages" }}' "${BASE_IMAGE}" 2>/dev/null || true)"
    if [[ -n ${have} && ${have} == "${wanted}" ]]; then
        log "base image ${BASE_IMAGE} present"
    elif [[ -n ${OEDR_BASE_IMAGE:-} ]] && docker image inspect "${BASE_IMAGE}" >/dev/null 2>&1; then
        log "base image ${BASE_IMAGE} present (given by OEDR_BASE_IMAGE: used as it is)"
    elif docker image inspect "${BASE_IMAGE}" >/dev/null 2>&1; then
        local start=${SECONDS}
        log "base image ${BASE_IMAGE} holds other packages than (${wanted}): rebuilding it"
        as_root bash "${REPO_ROOT}/docker/build-base-image.sh" --force "${BASE_IMAGE}"
        log "base image built in $((SECONDS - start))s"
    else
        local start=${SECONDS}
        log "base image ${BASE_IMAGE} missing: building it"
        as_root bash "${REPO_ROOT}/docker/build-base-image.sh" "${BASE_IMAGE}"
        log "base image built in $((SECONDS - start))s"
    fi
    log "done"
}

main "$@"
