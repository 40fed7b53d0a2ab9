#!/usr/bin/env bash
# Build the registry-free base image for the oedr emulator image.
#
#   docker/build-base-image.sh [--force] [IMAGE_NAME]     (default oedr-base:bookworm)
#
# No Docker registry is needed: a Debian minbase root filesystem is made with
# debootstrap from the Debian mirror configured in apt (or $OEDR_DEBIAN_MIRROR),
# then loaded with `docker import`. Contents: python3 (3.11), python3-venv,
# python3-pip, procps, ca-certificates, openssh-server, openssh-client, rsync. Idempotent: does nothing if the image
# exists, unless --force is given. Needs root (debootstrap) and a running engine.
#
# Environment:
#   OEDR_DEBIAN_MIRROR   mirror URL (default: detected from apt sources,
#                        else http://deb.debian.org/debian)
#   OEDR_DEBIAN_SUITE    suite (default bookworm)
#   OEDR_DEBOOTSTRAP_CACHE  optional absolute dir kept between runs for the
#                        downloaded .debs (debootstrap --cache-dir); saves the
#                        ~15-30 s download part of a rebuild
#   TMPDIR               where the temporary rootfs is made (default /tmp)
set -euo pipefail

readonly DEFAULT_IMAGE="oedr-base:bookworm"
readonly FALLBACK_MIRROR="http://deb.debian.org/debian"
readonly SUITE="${OEDR_DEBIAN_SUITE:-bookworm}"
# openssh-server/-client and rsync: a site's scripts move files between hosts with scp/rsync, and the ssh
# backend is tested against sshd in these containers.
readonly PACKAGES="python3,python3-venv,python3-pip,procps,ca-certificates,openssh-server,openssh-client,rsync"

log() { printf '[build-base-image] %s\n' "$*"; }
die() { printf '[build-base-image] ERROR: %s\n' "$*" >&2; exit 1; }

usage() {
    sed -n '2,20s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"
}

# Print the first Debian archive URI that apt uses for ${SUITE} (not
# -security/-updates), from one-line *.list files or deb822 *.sources files.
detect_mirror() {
    local f
    local -a files=()
    [[ -f /etc/apt/sources.list ]] && files+=(/etc/apt/sources.list)
    for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [[ -f ${f} ]] && files+=("${f}")
    done
    ((${#files[@]})) || return 1
    awk -v suite="${SUITE}" '
        function flush() {
            if (!disabled && types ~ /(^|[ \t])deb([ \t]|$)/ && uris != "") {
                n = split(suites, s, /[ \t]+/)
                for (i = 1; i <= n; i++) if (s[i] == suite) {
                    split(uris, u, /[ \t]+/); print u[1]; found = 1; exit
                }
            }
            types = uris = suites = ""; disabled = 0
        }
        FNR == 1 { flush() }   # a new file ends any pending deb822 stanza
        FILENAME ~ /\.sources$/ {
            if ($0 ~ /^[ \t]*$/) { flush(); next }
            if ($0 ~ /^[ \t]*#/) next
            if (tolower($1) == "types:")  { types  = substr($0, index($0, ":") + 1) }
            if (tolower($1) == "uris:")   { uris   = substr($0, index($0, ":") + 1); sub(/^[ \t]+/, "", uris) }
            if (tolower($1) == "suites:") { suites = substr($0, index($0, ":") + 1) }
            if (tolower($1) == "enabled:" && tolower($2) == "no") { disabled = 1 }
            next
        }
        # one-line format: deb [options] URI SUITE COMPONENTS...
        $1 == "deb" {
            if (types != "" || uris != "") flush()
            j = 2
            if ($j ~ /^\[/) { while (j <= NF && $j !~ /\]$/) j++; j++ }
            if ($(j + 1) == suite) { print $j; found = 1; exit }
        }
        END { if (!found) flush() }
    ' "${files[@]}"
}

main() {
    local force=0 image="" mirror rootfs start old_id="" new_id
    local -a cache_opt=()
    while (($#)); do
        case "$1" in
            -f | --force) force=1 ;;
            -h | --help) usage; exit 0 ;;
            -*) die "unknown option: $1 (see --help)" ;;
            *) [[ -z ${image} ]] || die "only one IMAGE_NAME allowed"; image="$1" ;;
        esac
        shift
    done
    image="${image:-${DEFAULT_IMAGE}}"

    command -v docker >/dev/null 2>&1 || die "docker CLI not found"
    docker info >/dev/null 2>&1 || die "docker engine not reachable (run .ci/docker-engine.sh)"
    if old_id="$(docker image inspect --format '{{.Id}}' "${image}" 2>/dev/null)"; then
        if ((force == 0)); then
            log "image ${image} already exists (use --force to rebuild)"
            return 0
        fi
    else
        old_id=""
    fi
    [[ ${EUID} -eq 0 ]] || die "must run as root (debootstrap needs it)"

    if ! command -v debootstrap >/dev/null 2>&1; then
        log "installing debootstrap from apt"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >/dev/null
    fi

    mirror="${OEDR_DEBIAN_MIRROR:-}"
    if [[ -z ${mirror} ]]; then
        mirror="$(detect_mirror 2>/dev/null || true)"
        mirror="${mirror:-${FALLBACK_MIRROR}}"
    fi
    mirror="${mirror%/}"
    log "mirror: ${mirror} (suite ${SUITE})"

    if [[ -n ${OEDR_DEBOOTSTRAP_CACHE:-} ]]; then
        [[ ${OEDR_DEBOOTSTRAP_CACHE} == /* ]] || die "OEDR_DEBOOTSTRAP_CACHE must be an absolute path"
        mkdir -p -- "${OEDR_DEBOOTSTRAP_CACHE}"
        cache_opt=(--cache-dir="${OEDR_DEBOOTSTRAP_CACHE}")
        log "package cache: ${OEDR_DEBOOTSTRAP_CACHE}"
    fi

    rootfs="$(mktemp -d "${TMPDIR:-/tmp}/oedr-rootfs.XXXXXX")"
    # shellcheck disable=SC2064  # expand now: rootfs is local to main
    trap "rm -rf -- '${rootfs}'" EXIT

    log "debootstrap --variant=minbase ${SUITE} (+ ${PACKAGES})"
    start=${SECONDS}
    if ! debootstrap --variant=minbase --include="${PACKAGES}" "${cache_opt[@]}" \
        "${SUITE}" "${rootfs}" "${mirror}" >"${rootfs}.debootstrap.log" 2>&1; then
        tail -n 30 "${rootfs}.debootstrap.log" >&2 || true
        [[ -f ${rootfs}/debootstrap/debootstrap.log ]] && tail -n 30 "${rootfs}/debootstrap/debootstrap.log" >&2
        rm -f -- "${rootfs}.debootstrap.log"
        die "debootstrap failed (mirror ${mirror})"
    fi
    rm -f -- "${rootfs}.debootstrap.log"
    log "debootstrap took $((SECONDS - start))s"

    log "trimming rootfs (apt caches/lists, docs, man pages)"
    rm -rf -- "${rootfs}"/var/cache/apt/archives/*.deb \
        "${rootfs}"/var/cache/apt/archives/partial/* \
        "${rootfs}"/var/cache/apt/*.bin \
        "${rootfs}"/var/lib/apt/lists/* \
        "${rootfs}"/var/log/*.log "${rootfs}"/var/log/apt/* \
        "${rootfs}"/usr/share/man/* "${rootfs}"/usr/share/info/* \
        "${rootfs}"/tmp/* "${rootfs}"/var/tmp/*
    # translations: ~34 MB, useless in a test image (keep locale.alias)
    find "${rootfs}/usr/share/locale" -mindepth 1 -maxdepth 1 -type d -exec rm -rf -- {} + 2>/dev/null || true
    # keep the licence files, drop the rest of /usr/share/doc
    find "${rootfs}/usr/share/doc" -mindepth 1 -not -name copyright -not -type d -delete 2>/dev/null || true
    find "${rootfs}/usr/share/doc" -mindepth 1 -type d -empty -delete 2>/dev/null || true
    find "${rootfs}/usr/lib/python3" "${rootfs}/usr/lib/python3.11" -name __pycache__ -type d -prune \
        -exec rm -rf -- {} + 2>/dev/null || true
    # later apt installs in derived images skip the same files (as debian:*-slim does)
    cat >"${rootfs}/etc/dpkg/dpkg.cfg.d/01-oedr-slim" <<'CFG'
path-exclude /usr/share/doc/*
path-include /usr/share/doc/*/copyright
path-exclude /usr/share/man/*
path-exclude /usr/share/info/*
path-exclude /usr/share/locale/*
path-include /usr/share/locale/locale.alias
CFG
    # no fixed machine identity in an image
    : >"${rootfs}/etc/machine-id"
    # the image can `apt-get update` against the same mirror later, if reachable
    printf 'deb %s %s main\n' "${mirror}" "${SUITE}" >"${rootfs}/etc/apt/sources.list"

    log "docker import -> ${image}"
    start=${SECONDS}
    tar --numeric-owner -C "${rootfs}" -c . | docker import \
        --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
        --change 'ENV LANG=C.UTF-8' \
        --change 'CMD ["/bin/bash"]' \
        --change "LABEL org.opencontainers.image.title=oedr-base" \
        --change "LABEL org.opencontainers.image.description=\"Debian ${SUITE} minbase + python3, made by debootstrap (no registry)\"" \
        --change "LABEL org.opencontainers.image.base.name=debootstrap:${SUITE}" \
        --change "LABEL oedr.base.packages=${PACKAGES}" \
        - "${image}" >/dev/null
    new_id="$(docker image inspect --format '{{.Id}}' "${image}")"
    if [[ -n ${old_id} && ${old_id} != "${new_id}" ]]; then
        # drop the replaced image unless something still uses it
        docker image rm "${old_id}" >/dev/null 2>&1 || true
    fi
    log "import took $((SECONDS - start))s; image ${image}: $(docker image inspect --format '{{.Size}}' "${image}" | awk '{printf "%.0f MB", $1/1e6}')"
    docker run --rm "${image}" python3 -c 'import sys, venv, ensurepip; print("python", sys.version.split()[0])' \
        | sed 's/^/[build-base-image] check: /'
}

main "$@"
