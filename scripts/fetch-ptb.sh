#!/bin/sh
# Fetches the Penn Treebank into DATA_ROOT/ptb: scripts/fetch-data.sh ptb, kept under its old name for
# the commands already written down (docker compose run --rm fetch-ptb, kubectl exec ... fetch-ptb.sh).
#
# usage: scripts/fetch-ptb.sh [DATA_ROOT]      (environment: see scripts/fetch-data.sh)
set -eu
exec sh "$(dirname "$0")/fetch-data.sh" ptb "$@"
