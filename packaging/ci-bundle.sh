#!/usr/bin/env bash
# The bundle on its own (a release, or only packaging changed): build dist/aeviz/ and the archive,
# then run tests/test_bundle.py, which runs the frozen self-test offscreen. .ci/run does the same
# without the archive (228 s measured on the 2-core machine; see packaging/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
export QT_QPA_PLATFORM=offscreen PIP_DISABLE_PIP_VERSION_CHECK=1

start=$(date +%s)
# torch==2.13.0 first: the local CPU build (an unpinned torch pulls a multi-GB CUDA build).
pip install -q torch==2.13.0 && pip install -q -e ".[test,package]"
python packaging/build.py --no-bench "$@"
echo "ci-bundle: built after $(( $(date +%s) - start )) s"
python -m pytest -q -p no:cacheprovider tests/test_bundle.py
echo "ci-bundle: done after $(( $(date +%s) - start )) s"
