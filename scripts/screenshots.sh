#!/bin/sh
# Retakes docs/screenshots: every page of the workbench, light and dark, at 1600x1000 and
# 1280x800, on the built-in demo dataset, under Xvfb. Two demo runs are trained first with the
# CLI (for Results and Compare); the Run page is shot during a live run, and once more following a
# CLI run that another process trains outside the workspace. The demo run's report goes to
# docs/report (HTML, PDF, and every PDF page as a picture). About 9 minutes on 2 cores.
# Usage: scripts/screenshots.sh [BUILD_DIR]
set -eu
build=${1:-build}
gui="$build/app/logbert-workbench"
cli="$build/app/logbert"
out=docs/screenshots
work=$(mktemp -d)
mkdir -p "$out"
Xvfb :79 -screen 0 1600x1000x24 >/dev/null 2>&1 &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; rm -rf "$work"' EXIT
export DISPLAY=:79 XDG_CONFIG_HOME="$work/config"
sleep 1

"$cli" demo-data "$work/ws/demo" >/dev/null
"$cli" train "$work/ws/demo/demo.yaml" --out "$work/ws/runs/demo-test" --quiet >/dev/null
"$cli" train "$work/ws/demo/demo.yaml" --set model.hidden_size=128 --set model.num_hidden_layers=2 \
  --out "$work/ws/runs/demo-hidden128" --quiet >/dev/null

# The report, written as Results > Export report writes it.
rm -rf docs/report
mkdir -p docs/report
"$gui" --workspace "$work/ws" --run "$work/ws/runs/demo-test" --report docs/report/report.html >/dev/null 2>&1
pdftoppm -r 60 -png docs/report/report.pdf docs/report/page
for f in docs/report/page-0*.png; do # pdftoppm pads to the page count's digits: keep page-1.png stable
  [ -e "$f" ] && mv "$f" "docs/report/page-${f##*page-0}"
done
ls docs/report/*

shoot() { # name size palette seconds args...
  name=$1 size=$2 palette=$3 after=$4
  shift 4
  rm -rf "$XDG_CONFIG_HOME"
  dark=""
  [ "$palette" = dark ] && dark=--dark
  "$gui" --workspace "$work/ws" --size "$size" $dark --after "$after" --screenshot "$out/$name.png" "$@" >/dev/null 2>&1
  echo "$out/$name.png"
}

# The Run page's live runs come last: they add run folders that Compare would show.
for page in welcome datasets results compare estimate run; do
  for size in 1600x1000 1280x800; do
    for palette in light dark; do
      name="$page-$palette-${size%x*}"
      case $page in
        welcome) shoot "$name" "$size" "$palette" 3 ;;
        datasets) shoot "$name" "$size" "$palette" 6 --demo ;;
        estimate) shoot "$name" "$size" "$palette" 25 --demo --page run --estimate ;;
        results) shoot "$name" "$size" "$palette" 6 --run "$work/ws/runs/demo-test" --page results ;;
        compare) shoot "$name" "$size" "$palette" 4 --page compare ;;
        run) shoot "$name" "$size" "$palette" 22 --demo --train --page run ;;
      esac
    done
  done
done

# A run another process trains, followed live (File > Open a run folder, or --run).
"$cli" train "$work/ws/demo/demo.yaml" --set training.num_epochs=4 --out "$work/elsewhere/cli-run" --quiet >/dev/null 2>&1 &
trainer=$!
sleep 40
for size in 1600x1000 1280x800; do
  shoot "run-followed-light-${size%x*}" "$size" light 6 --run "$work/elsewhere/cli-run"
done
shoot "run-followed-dark-1600" 1600x1000 dark 6 --run "$work/elsewhere/cli-run"
kill $trainer 2>/dev/null || true
wait $trainer 2>/dev/null || true
