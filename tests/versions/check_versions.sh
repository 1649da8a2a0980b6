#!/usr/bin/env bash
# Copyright 2026 The CIFAR-10 suite authors.
# Licensed under the Apache License, Version 2.0 (see the LICENSE file).
#
# Checks the suite on each TensorFlow minor release given, as a user with
# that release would meet it. For each one, in a fresh virtual environment:
#
#   1. installs that TensorFlow (its newest patch release) with the suite
#      and its test extras, letting pip choose NumPy and the rest;
#   2. loads TensorFlow as every command does, and fails if any line
#      reaches the console (the quiet start of cifar10_prepare.py);
#   3. runs the fast tests: python -m pytest -m 'not slow';
#   4. runs the README's demo (its first command, after `pip install .`)
#      with its folders moved into the work folder, and reads its
#      precision @ 1.
#
# It ends with one line a release: TensorFlow, NumPy and what passed. The
# exit status is 0 only if every step passed on every release. Run it by
# hand, from anywhere in the checkout; it needs the network for pip, and
# several minutes and about 2 GB of disk a release.
#
#   tests/versions/check_versions.sh                # 2.16 and 2.21, the range's ends
#   tests/versions/check_versions.sh 2.16 2.18 2.21
#   WORK_DIR=/tmp/tf_versions tests/versions/check_versions.sh 2.16
#
# WORK_DIR (default: a new temporary folder) holds a copy of the checkout's
# tracked files as they stand, and a venv, the demo's folders and the logs
# of each release; it is kept for reading.
# PYTHON (default: python3) makes the venvs.

set -uo pipefail

releases=("$@")
[ ${#releases[@]} -gt 0 ] || releases=(2.16 2.21)
python=${PYTHON:-python3}
work=${WORK_DIR:-$(mktemp -d -t cifar10-tf-versions.XXXXXX)}
checkout=$(git -C "$(dirname "$0")" rev-parse --show-toplevel) || exit 1
mkdir -p "$work"
work=$(cd "$work" && pwd)

# The suite as it stands in the checkout, copied so that the installs write
# nothing into it.
src=$work/src
rm -rf "$src"
mkdir -p "$src"
(cd "$checkout" && git ls-files -z |
  tar --null --no-recursion --ignore-failed-read -cf - -T -) |
  tar -xf - -C "$src" || exit 1

# The README's demo: its first command, from `cifar10-train` on.
demo=$(grep -m1 '^python3 -m venv .venv && ' "$src/README.md" |
       sed 's/^.* pip install \. && //')
if [ -z "$demo" ]; then
  echo "no demo command found in README.md" >&2
  exit 1
fi

summary=()
status=0
for release in "${releases[@]}"; do
  echo "== TensorFlow $release"
  dir=$work/tf-$release
  rm -rf "$dir"
  mkdir -p "$dir"
  venv=$dir/venv
  results=()

  if ! { "$python" -m venv "$venv" &&
         "$venv/bin/python" -m pip install --quiet --upgrade pip &&
         (cd "$src" && "$venv/bin/python" -m pip install --quiet \
             "tensorflow==$release.*" ".[test]"); } \
       > "$dir/install.log" 2>&1; then
    summary+=("TensorFlow $release: install failed (see $dir/install.log)")
    status=1
    continue
  fi
  versions=$(cd "$dir" && "$venv/bin/python" -c \
      'import numpy, tensorflow; print(tensorflow.__version__, numpy.__version__)' \
      2>/dev/null)
  read -r tf_version numpy_version <<< "$versions"
  echo "   TensorFlow $tf_version, NumPy $numpy_version"

  # What a command prints while TensorFlow loads, with nothing to do after.
  (cd "$src" && "$venv/bin/python" -c \
      'import cifar10_prepare; cifar10_prepare.load_tensorflow()') \
      > "$dir/load.out" 2> "$dir/load.err"
  if [ -s "$dir/load.err" ] || [ -s "$dir/load.out" ]; then
    echo "   quiet start: these lines reached the console:"
    sed 's/^/     /' "$dir/load.out" "$dir/load.err"
    results+=("quiet start FAILED")
    status=1
  else
    results+=("quiet start ok")
  fi

  (cd "$src" && "$venv/bin/python" -m pytest -m 'not slow' -q \
      -p no:cacheprovider) > "$dir/tests.log" 2>&1
  tests_status=$?
  tail -n 1 "$dir/tests.log" | sed 's/^/   /'
  counts=$(tail -n 1 "$dir/tests.log" | tr -d '=' | sed 's/ in .*//;s/^ *//')
  if [ $tests_status -eq 0 ]; then
    results+=("fast tests: $counts")
  else
    results+=("fast tests FAILED: $counts (see $dir/tests.log)")
    status=1
  fi

  # The demo in folders of its own: no checkpoint of another run to resume
  # from, and the synthetic data outside the default --data_dir.
  run=${demo//\/tmp\/cifar10_demo/$dir\/demo}
  run=${run//--fake_data/--fake_data --data_dir=$dir\/data}
  (cd "$dir" && PATH="$venv/bin:$PATH" bash -c "$run") > "$dir/demo.log" 2>&1
  demo_status=$?
  precision=$(grep -o 'precision @ 1 = [0-9.]*' "$dir/demo.log" | tail -n 1 |
              sed 's/.*= //')
  if [ $demo_status -eq 0 ] && [ -n "$precision" ] &&
     awk -v p="$precision" 'BEGIN { exit !(p > 0.9) }'; then
    results+=("demo: precision @ 1 = $precision")
  else
    results+=("demo FAILED (precision @ 1 = ${precision:-none}; see $dir/demo.log)")
    status=1
  fi
  line="TensorFlow $tf_version (NumPy $numpy_version):"
  for result in "${results[@]}"; do
    line+=" $result;"
  done
  echo "   ${line%;}"
  summary+=("${line%;}")
done

echo
echo "Python $("$python" -c 'import platform; print(platform.python_version())'); work folder: $work"
printf '%s\n' "${summary[@]}"
exit $status
