#!/bin/sh
# Installs the offline validators that deploy-tests (./mvnw -B -f deploy-tests/pom.xml verify)
# runs on docker-compose.yml, the Dockerfiles and the shell scripts. Idempotent and quiet:
# prints only what it installs, and does nothing when everything is there.
#   docker-compose    Debian's package (v1): `docker-compose config -q` needs no daemon
#   ShellCheck        Debian's package: lints the scripts the images and compose run
#   dockerfile-utils  npm, pinned, into .cache/deploy-tools (Dockerfile linter; hadolint is
#                     packaged by neither Debian nor npm)
# kustomize is not installed: kubectl's built-in `kubectl kustomize` renders the overlays, and
# neither Debian (its kubectl 1.20 embeds a kustomize too old for k8s/) nor npm has a current one.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
DOCKERFILE_UTILS_VERSION=0.16.3
tools_dir="$root/.cache/deploy-tools"

sudo_if_needed() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "install-deploy-tools: needs root (or sudo) to run: $*" >&2
    echo "install-deploy-tools: install the Debian packages$missing yourself, then run this again" >&2
    exit 1
  fi
}

missing=""
command -v docker-compose >/dev/null 2>&1 || missing="$missing docker-compose"
command -v shellcheck >/dev/null 2>&1 || missing="$missing shellcheck"
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "install-deploy-tools: missing$missing, and no apt-get to install them: install them yourself" >&2
    exit 1
  fi
  echo "install-deploy-tools: apt-get install$missing"
  sudo_if_needed apt-get update -qq
  # shellcheck disable=SC2086 # one argument per package
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive \
    apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

installed=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
  "$tools_dir/node_modules/dockerfile-utils/package.json" 2>/dev/null || true)
if [ "$installed" != "$DOCKERFILE_UTILS_VERSION" ]; then
  command -v npm >/dev/null 2>&1 \
    || { echo "install-deploy-tools: npm is required to install the Dockerfile linter (apt-get install npm)" >&2; exit 1; }
  echo "install-deploy-tools: npm install dockerfile-utils@$DOCKERFILE_UTILS_VERSION -> $tools_dir"
  mkdir -p "$tools_dir"
  npm install --prefix "$tools_dir" --no-save --no-audit --no-fund --loglevel=error \
    "dockerfile-utils@$DOCKERFILE_UTILS_VERSION" >/dev/null
fi

if ! kubectl kustomize --help >/dev/null 2>&1 && ! command -v kustomize >/dev/null 2>&1; then
  echo "install-deploy-tools: warning: neither kustomize nor kubectl (with kustomize) found;" \
    "the k8s overlay tests will fail" >&2
fi
