#!/bin/sh
# Unpacks the PyTorch natives that an application ships as jars into one directory, for
# DJL's PYTORCH_LIBRARY_PATH. Used at image build time so that a container starts without
# extracting (~0.45 GB CPU, ~4.7 GB CUDA) or downloading anything, on a read-only root
# filesystem, and without a GPU on the build machine (DJL's own extraction picks the
# natives by the GPU it sees, so it cannot prepare CUDA natives on a CPU-only builder).
#
# usage: extract-djl-natives.sh LIB_DIR FLAVOR DEST
#   LIB_DIR  directory holding the application's jars (Quarkus: quarkus-app/lib/main); it must
#            contain exactly one ai.djl.pytorch:pytorch-native-* jar and one pytorch-jni jar
#   FLAVOR   cpu or cu124: must be the flavor of that native jar
#   DEST     created; receives the libraries listed in the jar's native/lib/pytorch.properties
#            (exactly what DJL itself would extract) plus DJL's JNI bridge libdjl_torch.so
#
# Then run with PYTORCH_LIBRARY_PATH=DEST and PYTORCH_FLAVOR=FLAVOR: DJL loads the libraries
# from DEST (its LibUtils.findOverrideLibrary) and finds libdjl_torch.so beside them.
# Needs only a POSIX shell and the JDK's `jar` tool.
set -eu

die() { echo "extract-djl-natives: $*" >&2; exit 1; }

[ $# -eq 3 ] || die "usage: extract-djl-natives.sh LIB_DIR FLAVOR DEST"
lib_dir=$(cd "$1" && pwd) || die "no such directory: $1"
flavor=$2
case "$3" in /*) dest=$3 ;; *) dest=$PWD/$3 ;; esac
classifier=linux-x86_64
case "$flavor" in cpu | cu[0-9][0-9][0-9]) ;; *) die "unknown flavor: $flavor" ;; esac

# Exactly one jar per pattern: two native jars would make the choice ambiguous.
only_jar() { # glob
  # shellcheck disable=SC2086 # the glob must expand
  set -- "$lib_dir"/$1
  if [ $# -ne 1 ] || [ ! -f "$1" ]; then
    die "expected exactly one jar matching $lib_dir/$glob, found: $*"
  fi
  echo "$1"
}
glob='*pytorch-native-*.jar'; native_jar=$(only_jar "$glob")
glob='*pytorch-jni-*.jar'; jni_jar=$(only_jar "$glob")

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

jar xf "$native_jar" native/lib/pytorch.properties
props=native/lib/pytorch.properties
[ -f "$props" ] || die "$native_jar has no native/lib/pytorch.properties"
grep -qx "flavor=$flavor" "$props" || die "$native_jar is not flavor $flavor: $(grep '^flavor=' "$props")"
grep -qx "classifier=$classifier" "$props" || die "$native_jar is not for $classifier"
libraries=$(sed -n 's/^libraries=//p' "$props" | tr ',' ' ')
[ -n "$libraries" ] || die "$props lists no libraries"

entries=""
for lib in $libraries; do entries="$entries pytorch/$flavor/$classifier/$lib"; done
# shellcheck disable=SC2086 # one argument per library entry
jar xf "$native_jar" $entries
jar xf "$jni_jar" "jnilib/$classifier/$flavor/libdjl_torch.so"

mkdir -p "$dest"
for lib in $libraries; do
  [ -f "pytorch/$flavor/$classifier/$lib" ] || die "$native_jar lacks pytorch/$flavor/$classifier/$lib"
  mv "pytorch/$flavor/$classifier/$lib" "$dest/"
done
[ -f "jnilib/$classifier/$flavor/libdjl_torch.so" ] || die "$jni_jar lacks the $flavor JNI library"
mv "jnilib/$classifier/$flavor/libdjl_torch.so" "$dest/"
[ -f "$dest/libtorch.so" ] || die "no libtorch.so among the libraries of $native_jar"
chmod 0755 "$dest"
chmod 0644 "$dest"/*
echo "extract-djl-natives: $(echo "$libraries" | wc -w) libraries + libdjl_torch.so ($flavor) -> $dest"
