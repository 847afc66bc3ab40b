#!/usr/bin/env bash
# An independent implementation of the log's hashing (RFC 9162 §2.1 and the store's chain) in
# a few lines of bash over coreutils' sha256sum and xxd. Reads event-<i>.txt (the global order),
# chain-<v>.txt (one stream's events) and map-<i>.txt (stream-map entries, sorted), each file
# holding exactly the bytes that are hashed; prints one "<what> <hex>" line per answer.
set -euo pipefail
leaf() { { printf '\x00'; cat "$1"; } | sha256sum | cut -c1-64; }
node() { { printf '\x01'; printf '%s%s' "$1" "$2" | xxd -r -p; } | sha256sum | cut -c1-64; }
mth() { # MTH over the leaf hashes given as arguments
  if [ $# -eq 1 ]; then echo "$1"; return; fi
  local k=1
  while [ $((k * 2)) -lt $# ]; do k=$((k * 2)); done
  node "$(mth "${@:1:k}")" "$(mth "${@:k+1}")"
}
cd "$1"
n=$(ls event-*.txt | wc -l)
leaves=()
for i in $(seq 0 $((n - 1))); do
  leaves+=("$(leaf "event-$i.txt")")
  echo "leaf-$i ${leaves[$i]}"
done
for size in $(seq 1 "$n"); do echo "root-$size $(mth "${leaves[@]:0:size}")"; done
prev=0000000000000000000000000000000000000000000000000000000000000000
for v in $(seq 1 "$(ls chain-*.txt | wc -l)"); do prev=$({ printf '%s' "$prev"; cat "chain-$v.txt"; } | sha256sum | cut -c1-64); done
echo "chain $prev"
entries=()
for i in $(seq 0 $(($(ls map-*.txt | wc -l) - 1))); do entries+=("$(leaf "map-$i.txt")"); done
echo "map $(mth "${entries[@]}")"
