# shellcheck shell=bash
# Sourced by ./lm, scripts/up and bench/run: the environment of processes that run libtorch.
#
# DJL: never download or phone home (the natives come from the Maven jars); cache in the repo's .cache/djl.
#
# A training batch allocates and frees several tensors of bptt x batch x vocabulary floats (the logits, their
# log-softmax and its gradient: 28 MB each for PTB's 10,000 words, 84 MB for 30,000). The JVM runs them on a thread
# that is not the process's first one, so glibc serves them from a per-thread arena that maps and unmaps them every
# batch, and the kernel zeroes every page again: 3.9 M page faults and 7 s of system time in 180 PTB batches. One
# arena that keeps what it freed (up to 1 GB) brings that to 0.16 M faults and trains ~20% faster (README, "Speed
# against PyTorch"). Any tensor above the mmap threshold is mapped afresh each time, so the threshold must exceed the
# largest: 4 GiB covers a 1.5-million-word vocabulary at the default batch (a 30,000-word corpus: 3.2 M faults at
# 32 MiB, 0.23 M at 4 GiB), and the trainer warns when a run's logits exceed it. Values already set win.
# The trainer-service image sets the same values (trainer-service/Dockerfile).
: "${MALLOC_ARENA_MAX:=1}"
: "${MALLOC_MMAP_THRESHOLD_:=4294967296}"
: "${MALLOC_TRIM_THRESHOLD_:=1073741824}"
export MALLOC_ARENA_MAX MALLOC_MMAP_THRESHOLD_ MALLOC_TRIM_THRESHOLD_

# libtorch's OpenMP runtime (its bundled libgomp) lets an idle worker spin ~300,000 times before it sleeps. On a
# CPU shared with anything else (a second run, the generator, a CPU-limited pod) the thread a team waits for is
# descheduled while the others spin through its time slice: two 2-thread trainings on 2 cores made 720 + 867
# tokens/s where one alone makes 5,660. A short spin keeps the solo speed (5,773) and gives 2,584 + 2,576;
# OMP_WAIT_POLICY=PASSIVE (no spin at all) gave 2,165 + 2,006 (README, "A shared CPU"). Values already set win.
: "${GOMP_SPINCOUNT:=1000}"
export GOMP_SPINCOUNT

export OPT_OUT_TRACKING=true DJL_OFFLINE=true
DJL_CACHE_DIR="${DJL_CACHE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/.cache/djl}"
export DJL_CACHE_DIR
