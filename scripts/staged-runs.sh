#!/bin/sh
# The staged path in numbers (README, "The staged path: test, mid, full"). Trains the test, mid
# and full presets on the HDFS acceptance split (examples/hdfs-deeplog.data.yaml: every session of
# the published split, so the presets' own sample ratios do not apply), each with its own model,
# epochs and batch size; evaluates each with thresholds from validation only and the false
# positives projected to the 553,366 normal sessions of the full HDFS test set; prints the
# README's table; and shoots the Compare page with the three runs ticked.
# A run folder that has already finished is kept, so a second call only redoes the table.
# About 70 minutes on 2 cores, most of it the full preset (~5.5 min per epoch, 10 epochs).
# Usage: LOGBERT_DATASETS=../shared/datasets scripts/staged-runs.sh [BUILD_DIR] [WORKSPACE]
set -eu
build=${1:-build}
ws=${2:-runs/staged}
cli="$build/app/logbert"
gui="$build/app/logbert-workbench"
: "${LOGBERT_DATASETS:?set LOGBERT_DATASETS to the folder with deeplog_hdfs/ and hdfs_labelled_sessions/}"
mkdir -p "$ws/runs"

for preset in test mid full; do
  run="$ws/runs/hdfs-$preset"
  if ! grep -q '"status": "trained"' "$run/run.json" 2>/dev/null; then
    rm -rf "$run"
    "$cli" train --preset "$preset" --data examples/hdfs-deeplog.data.yaml --out "$run" --no-evaluate
  fi
  [ -s "$run/evaluation.json" ] || "$cli" evaluate "$run" --project-normals 553366 --json >"$run/evaluation.json"
done

python3 - "$ws/runs" <<'EOF'
import json, sys
def minutes(s):
    return f"{int(s // 60)} m {int(round(s % 60)):02d} s" if s >= 60 else f"{s:.0f} s"
print("| preset | model | parameters | epochs × batch | time per epoch | in all | seq/s | peak RSS"
      " | LogBERT F1 | **projected F1** | unseen key set, projected |")
print("|---|---|---:|---|---:|---:|---:|---:|---:|---:|---:|")
for preset in ("test", "mid", "full"):
    run = f"{sys.argv[1]}/hdfs-{preset}"
    info = json.load(open(f"{run}/run.json"))
    ev = json.load(open(f"{run}/evaluation.json"))
    cfg = open(f"{run}/config.yaml").read()
    def key(name):
        return next(l.split(":")[1].strip() for l in cfg.splitlines() if l.strip().startswith(name + ":"))
    model = f"{key('hidden_size')}/{key('num_hidden_layers')}/{key('num_attention_heads')}"
    per_epoch = info["training_seconds"] / max(1, info["epochs_done"])
    lb, base = ev["logbert"], ev["baselines"]["unseen_key_set"]
    print(f"| {preset} | {model} | {info['parameters'] / 1e6:.1f} M | {info['epochs_done']} × {key('batch_size')}"
          f" | {minutes(per_epoch)} | {minutes(info['training_seconds'])} | {info['sequences_per_second']:.0f}"
          f" | {info['peak_rss_mb']:.0f} MiB | {lb['f1']:.4f} | **{lb['projected_f1']:.3f}** | {base['projected_f1']:.3f} |")
EOF

# Compare with the three runs: a fresh settings folder ticks the two newest, --run ticks the third.
if command -v Xvfb >/dev/null 2>&1 && [ -x "$gui" ]; then
  config=$(mktemp -d)
  Xvfb :78 -screen 0 1600x1000x24 >/dev/null 2>&1 &
  xvfb=$!
  trap 'kill $xvfb 2>/dev/null; rm -rf "$config"' EXIT
  sleep 1
  for palette in light dark; do
    dark=""
    [ "$palette" = dark ] && dark=--dark
    rm -rf "$config"/*
    DISPLAY=:78 XDG_CONFIG_HOME="$config" "$gui" --workspace "$(realpath "$ws")" --run "$(realpath "$ws/runs/hdfs-test")" --page compare --size 1600x1000 $dark \
      --after 5 --screenshot "docs/screenshots/compare-staged-$palette-1600.png" >/dev/null 2>&1
    echo "docs/screenshots/compare-staged-$palette-1600.png"
  done
fi
