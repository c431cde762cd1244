#!/usr/bin/env bash
# A new project that depends on prunerl, as a user would make one (issue 13 item 7): pack prunerl and
# @prunerl/minatar, install both tarballs into an empty project, train from its CLI, import it as ESM, train on
# MinAtar, and check that the install printed no `npm warn` of ours and compiled no CUDA. Exits non-zero on failure.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$root"
npm pack --silent --pack-destination "$work" >/dev/null
npm pack --silent -w packages/minatar --pack-destination "$work" >/dev/null
mkdir "$work/app" && cd "$work/app"
npm init -y >/dev/null
npm pkg set type=module >/dev/null
# The documented path for MinAtar (packages/minatar/README.md): install the packed tarball.
# --foreground-scripts: the install script's own lines (which backend it builds) land in the log.
npm install --no-audit --no-fund --foreground-scripts "$work"/prunerl-0*.tgz "$work"/prunerl-minatar-*.tgz >"$work/install.log" 2>&1 \
  || { tail -40 "$work/install.log"; exit 1; }
# npm ≥ 11.x lists every dependency with install scripts ("npm warn install-scripts ..."): npm's own policy notice,
# not our configuration, so only other warnings count.
if grep -n "npm warn" "$work/install.log" | grep -v "npm warn install-scripts"; then echo "FAIL: the dependent's install printed npm warnings"; exit 1; fi
grep -q "building the CPU backend only" "$work/install.log" \
  || { echo "FAIL: the dependent's install did not build CPU-only"; tail -20 "$work/install.log"; exit 1; }
npx prunerl train --frames 5000 --set evalEvery=2500 --out runs/cartpole --quiet
test -f runs/cartpole/summary.json && test -f runs/cartpole/policy.prl
node -e "
  import('prunerl').then(async ({ loadPolicy, kernels }) => {
    const policy = loadPolicy('runs/cartpole');
    const a = policy.act(new Float32Array([0, 0, 0, 0]));
    if (a !== 0 && a !== 1) throw new Error('act gave ' + a);
    if (typeof kernels.maskedMatmul !== 'function') throw new Error('kernels missing');
    policy.dispose();
    console.log('ESM import works; loadPolicy(run).act gives', a);
  });
"
npx prunerl train --env minatar/breakout --frames 2000 --set learningStarts=500 evalEvery=1000 --out runs/breakout --quiet
test -f runs/breakout/summary.json
echo "dependent project: install, train, ESM import and MinAtar all work"
