#!/usr/bin/env sh
# Coverage-guided fuzzing, bounded: each target of fuzz/ (cargo fuzz, libFuzzer) for SECS
# seconds (default 60), seeded with the generator's reports in every layout, damage model
# and container. A case over 5 s or an allocation over 500 MB fails the run, as a crash
# does (libFuzzer's -timeout and -malloc_limit_mb; the process as a whole may take 2 GB,
# AddressSanitizer's shadow memory included). The toolchain is the stable one: RUSTC_BOOTSTRAP lets
# cargo fuzz pass its sanitizer flags. Usage: scripts/fuzz-smoke.sh [SECS]
set -eu
cd "$(dirname "$0")/.."
SECS="${1:-60}"
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --quiet
export RUSTC_BOOTSTRAP=1
cargo build --release --quiet -p nianbao-cli
seeds="target/fuzz-seeds"
rm -rf "$seeds" && mkdir -p "$seeds/parse" "$seeds/parse_pdf" "$seeds/sheet"
for layout in pipe cell-per-line tabs markdown html glued split-numbers collapsed dropped-blanks flattened; do
  target/release/nianbao generate -o "$seeds/gen-$layout" -n 3 --layout "$layout" --seed 7 >/dev/null 2>&1
done
target/release/nianbao generate -o "$seeds/gen-docx" -n 3 --as docx --seed 7 >/dev/null 2>&1
target/release/nianbao generate -o "$seeds/gen-pdf" -n 3 --as pdf --seed 7 >/dev/null 2>&1
find "$seeds"/gen-* -type f \( -name '*.txt' -o -name '*.html' -o -name '*.md' -o -name '*.docx' \) -exec cp {} "$seeds/parse/" \;
# The PDF target's input: pdftotext's words, a NUL, pdftocairo's SVG.
for pdf in "$seeds"/gen-pdf/*.pdf; do
  out="$seeds/parse_pdf/$(basename "$pdf").in"
  pdftotext -tsv -enc UTF-8 "$pdf" - > "$out"
  printf '\000' >> "$out"
  pdftocairo -svg "$pdf" - >> "$out" 2>/dev/null || true
done
printf '受理日期,申请人类型,办理结果\n2024-01-05,自然人,予以公开\n' > "$seeds/sheet/register.csv"
cd fuzz
cargo fuzz build -O
for target in parse parse_pdf sheet; do
  echo "fuzz: $target for ${SECS} s"
  mkdir -p "corpus/$target"
  log="../target/fuzz-$target.log"
  if ! cargo fuzz run -O "$target" "corpus/$target" "../$seeds/$target" -- \
    -max_total_time="$SECS" -timeout=5 -malloc_limit_mb=500 -rss_limit_mb=2048 \
    -max_len=1048576 -print_final_stats=1 > "$log" 2>&1; then
    # The failing input is in fuzz/artifacts/<target>/; the log says what happened.
    grep -E "==[0-9]+==|SUMMARY|ERROR|panicked|Test unit written|artifact" "$log" | head -20 >&2
    echo "fuzz: $target failed (log: target/fuzz-$target.log); reproduce with:" >&2
    echo "  cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O $target artifacts/$target/<file>" >&2
    exit 1
  fi
  grep -E "^stat::(number_of_executed_units|slowest_unit_time_sec|peak_rss_mb)" "$log"
done
